// The rating scale and reasons, shared by the rating screen and the counter's turned screen.
// Each score's face is drawn as SVG (no emoji font needed: two of five faces were empty boxes
// on a kiosk without one), from red and frowning to green and smiling.

const FACE_COLOURS = ["#e53935", "#fb8c00", "#fdd835", "#7cb342", "#43a047"];
// mouth: the control point's height of a curve from (18,45) to (46,45); below 45 frowns
const MOUTHS = [32, 38, 45, 55, 60];

/**
 * The face of a score (1-5) as an SVG document.
 * @param {number} score
 */
export function faceSvg(score) {
  const i = Math.min(5, Math.max(1, Math.round(score))) - 1;
  const ink = "#263238";
  const brows = i === 0
    ? `<path d="M15 17 L27 22 M49 17 L37 22" stroke="${ink}" stroke-width="3.5" stroke-linecap="round"/>`
    : "";
  const mouth = i === 4
    ? `<path d="M18 42 Q32 ${MOUTHS[i]} 46 42 Z" fill="${ink}"/>`
    : `<path d="M18 45 Q32 ${MOUTHS[i]} 46 45" fill="none" stroke="${ink}" stroke-width="3.5" stroke-linecap="round"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">` +
    `<circle cx="32" cy="32" r="29" fill="${FACE_COLOURS[i]}" stroke="${ink}" stroke-width="2.5"/>` +
    `<circle cx="22" cy="27" r="4" fill="${ink}"/><circle cx="42" cy="27" r="4" fill="${ink}"/>` +
    brows + mouth + `</svg>`;
}

/**
 * The face as an inline <svg> element (inline, so the pages' CSP, which allows images from this
 * origin only, does not apply to it), with a class and hidden from screen readers (the score's
 * text says it).
 * @param {number} score @param {string} [cls]
 */
export function faceElement(score, cls = "face") {
  const doc = new DOMParser().parseFromString(faceSvg(score), "image/svg+xml");
  const svg = document.importNode(doc.documentElement, true);
  svg.setAttribute("class", cls);
  svg.setAttribute("aria-hidden", "true");
  return svg;
}

export const SCORES = [
  { score: 1 },
  { score: 2 },
  { score: 3 },
  { score: 4 },
  { score: 5 },
];
export const REASONS = ["wait", "attitude", "explanation", "speed", "cleanliness", "procedure"];

export const ratingTexts = {
  vi: {
    "rate.question": "Quý khách hài lòng với {counter} như thế nào?",
    "rate.counter": "quầy {n}",
    "rate.score.1": "Rất không hài lòng",
    "rate.score.2": "Không hài lòng",
    "rate.score.3": "Bình thường",
    "rate.score.4": "Hài lòng",
    "rate.score.5": "Rất hài lòng",
    "rate.reasons": "Điều gì ảnh hưởng nhiều nhất? (không bắt buộc)",
    "rate.reason.wait": "Thời gian chờ",
    "rate.reason.attitude": "Thái độ nhân viên",
    "rate.reason.explanation": "Giải thích, hướng dẫn",
    "rate.reason.speed": "Tốc độ phục vụ",
    "rate.reason.cleanliness": "Vệ sinh",
    "rate.reason.procedure": "Thủ tục",
    "rate.send": "Gửi đánh giá",
    "rate.thanks": "Cảm ơn quý khách!",
  },
  en: {
    "rate.question": "How satisfied are you with {counter}?",
    "rate.counter": "counter {n}",
    "rate.score.1": "Very dissatisfied",
    "rate.score.2": "Dissatisfied",
    "rate.score.3": "Neutral",
    "rate.score.4": "Satisfied",
    "rate.score.5": "Very satisfied",
    "rate.reasons": "What mattered most? (optional)",
    "rate.reason.wait": "Waiting time",
    "rate.reason.attitude": "Staff attitude",
    "rate.reason.explanation": "Explanations",
    "rate.reason.speed": "Speed of service",
    "rate.reason.cleanliness": "Cleanliness",
    "rate.reason.procedure": "Procedures",
    "rate.send": "Send",
    "rate.thanks": "Thank you!",
  },
};

// The rating scale and reasons, shared by the rating screen and the counter's turned screen.
export const SCORES = [
  { score: 1, face: "😠" },
  { score: 2, face: "🙁" },
  { score: 3, face: "😐" },
  { score: 4, face: "🙂" },
  { score: 5, face: "😄" },
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

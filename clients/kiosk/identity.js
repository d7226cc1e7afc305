// What the kiosk checks before sending a typed number (the server checks again: it is the rule).
// The messages say exactly what is wrong, so the patient can fix it.
import { addTexts } from "../shared/i18n.js";

/** Priority groups a patient may declare at the kiosk (Law 15/2023 Art. 3(2)); staff confirm. */
export const PRIORITY_GROUPS = [
  { code: "elderly_75", vi: "Người từ 75 tuổi trở lên", en: "Aged 75 or over" },
  { code: "pregnant", vi: "Phụ nữ có thai", en: "Pregnant" },
  { code: "child_under_6", vi: "Trẻ em dưới 6 tuổi", en: "Child under 6" },
  { code: "disability_severe", vi: "Người khuyết tật nặng", en: "Severe disability" },
  { code: "disability_extreme", vi: "Người khuyết tật đặc biệt nặng", en: "Extremely severe disability" },
  { code: "revolutionary_merit", vi: "Người có công với cách mạng", en: "Person with revolutionary merit" },
];

/**
 * The ways a patient may identify on this kiosk, in the order of its tabs: the passport only with
 * a card reader on the kiosk's bridge (its chip is the only way a passport is read).
 * @param {boolean} hasReader @returns {Array<"id"|"bhyt"|"passport"|"vneid">}
 */
export const methodsOffered = (hasReader) => (hasReader ? ["id", "bhyt", "passport", "vneid"] : ["id", "bhyt", "vneid"]);

addTexts({
  vi: {
    "idv.empty": "Vui lòng nhập số giấy tờ, hoặc chọn \u201cTôi không mang giấy tờ\u201d.",
    "idv.id_chars": "Số định danh chỉ gồm chữ số 0–9 (có ký tự không hợp lệ: {bad}).",
    "idv.id_length": "Số định danh cần đúng 12 chữ số; bạn đã nhập {n}.",
    "idv.bhyt_length": "Số thẻ BHYT gồm đúng 15 ký tự; bạn đã nhập {n}.",
    "idv.bhyt_letters": "Số thẻ BHYT bắt đầu bằng 2 chữ cái (ví dụ DN, HT, GD).",
    "idv.bhyt_level": "Ký tự thứ 3 của thẻ BHYT là mức hưởng, từ 1 đến 5.",
    "idv.bhyt_digits": "Sau mức hưởng, thẻ BHYT chỉ gồm 12 chữ số.",
    "idv.vneid_empty": "Mở ứng dụng VNeID, chọn mã QR và đưa màn hình vào đầu đọc mã.",
    "idv.scan_failed": "Chưa đọc được mã lúc này. Vui lòng thử lại hoặc đưa mã cho nhân viên tại quầy.",
  },
  en: {
    "idv.empty": "Please enter your document number, or choose \u201cI have no document with me\u201d.",
    "idv.id_chars": "The ID number has digits 0–9 only (not allowed: {bad}).",
    "idv.id_length": "The ID number has exactly 12 digits; you entered {n}.",
    "idv.bhyt_length": "The BHYT card number has exactly 15 characters; you entered {n}.",
    "idv.bhyt_letters": "A BHYT card number starts with 2 letters (e.g. DN, HT, GD).",
    "idv.bhyt_level": "The 3rd character of a BHYT number is the benefit level, 1 to 5.",
    "idv.bhyt_digits": "After the benefit level, a BHYT number has 12 digits only.",
    "idv.vneid_empty": "Open the VNeID app, choose its QR code and hold the screen to the code reader.",
    "idv.scan_failed": "The code cannot be read just now. Please try again or show it at the counter.",
  },
});

/**
 * The problem with a typed number, or null if it is well-formed.
 * @param {"id"|"bhyt"} method @param {string} raw
 * @returns {{key: string, params?: Record<string, any>}|null}
 */
export function validateNumber(method, raw) {
  const value = raw.replace(/\s/g, "").toUpperCase();
  if (!value) return { key: "idv.empty" };
  if (method === "id") {
    const bad = [...new Set(value.replace(/[0-9]/g, ""))].join(" ");
    if (bad) return { key: "idv.id_chars", params: { bad } };
    if (value.length !== 12) return { key: "idv.id_length", params: { n: value.length } };
    return null;
  }
  if (/^[0-9]{10}$/.test(value)) return null; // the social-insurance number alone (2021 cards print only it)
  if (value.length !== 15) return { key: "idv.bhyt_length", params: { n: value.length } };
  if (!/^[A-Z]{2}/.test(value)) return { key: "idv.bhyt_letters" };
  if (!/^[A-Z]{2}[1-5]/.test(value)) return { key: "idv.bhyt_level" };
  if (!/^[A-Z]{2}[1-5][0-9]{12}$/.test(value)) return { key: "idv.bhyt_digits" };
  return null;
}

/**
 * The QR code on the front of a CCCD, as a USB scanner in keyboard mode types it:
 * id|old id|name|ddmmyyyy|sex|address|issue date (newer cards add empty fields).
 * @param {string} text
 * @returns {{id_number: string, name: string, dob: string, sex: string}|null}
 */
export function parseCardQr(text) {
  const parts = text.trim().split("|");
  while (parts.length > 7 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length < 6 || parts.length > 7 || !/^[0-9]{12}$/.test(parts[0])) return null;
  const d = /^([0-9]{2})([0-9]{2})([0-9]{4})$/.exec(parts[3]);
  if (!d) return null;
  const sex = { "nam": "male", "nữ": "female" }[parts[4].normalize("NFC").trim().toLowerCase()] || "";
  return { id_number: parts[0], name: parts[2].normalize("NFC").trim(), dob: `${d[3]}-${d[2]}-${d[1]}`, sex };
}

/**
 * What "Continue" on the identity screen leads to: an error to show (a text key), a scanned code
 * for the server to read (the card's QR, or what the VNeID app shows: the server applies the
 * rules and asks the site's verifier), the chip to read with an ID number, or the priority screen.
 * @param {"id"|"bhyt"|"vneid"} method @param {string} value
 * @returns {{error: {key: string, params?: Record<string, any>}} | {scan: "qr"|"vneid"} | {readChip: string} | {priority: true}}
 */
export function submitIdentity(method, value) {
  if (method === "vneid") return value.trim() ? { scan: "vneid" } : { error: { key: "idv.vneid_empty" } };
  if (value.includes("|")) return parseCardQr(value) ? { scan: "qr" } : { error: { key: "idv.qr" } };
  const problem = validateNumber(method, value);
  if (problem) return { error: problem };
  if (method === "id") return { readChip: value.replace(/\s/g, "") };
  return { priority: true };
}

// A passport at the kiosk (pure): the patient types what the passport's machine-readable zone
// holds, the document number, the date of birth and the expiry date, on the keypad; the bridge
// opens the chip with them (BAC or PACE) and the identity is then the chip's (source
// "passport"). Dates are typed as ddmmyyyy, as printed in the passport.
import { addTexts } from "../shared/i18n.js";

/** @typedef {"number"|"birth"|"expiry"} PassportField */
/** @typedef {{number: string, birth: string, expiry: string, field: PassportField}} PassportTyped */

/** The three fields, in the order they are typed. @type {PassportField[]} */
export const PASSPORT_FIELDS = ["number", "birth", "expiry"];

/** @returns {PassportTyped} */
export const emptyPassport = () => ({ number: "", birth: "", expiry: "", field: "number" });

addTexts({
  vi: {
    "ppv.number": "Số hộ chiếu gồm 1 đến 9 chữ cái và chữ số.",
    "ppv.birth": "Ngày sinh cần 8 chữ số ngày tháng năm, ví dụ 14031988.",
    "ppv.expiry": "Ngày hết hạn cần 8 chữ số ngày tháng năm, ví dụ 30062031.",
    "ppv.place": "Vui lòng đặt trang có ảnh của hộ chiếu lên đầu đọc thẻ.",
  },
  en: {
    "ppv.number": "The passport number has 1 to 9 letters and digits.",
    "ppv.birth": "The date of birth needs 8 digits, day month year, e.g. 14031988.",
    "ppv.expiry": "The expiry date needs 8 digits, day month year, e.g. 30062031.",
    "ppv.place": "Please lay the photo page of your passport on the card reader.",
  },
});

/** What a field may hold: letters and digits for the number (9), digits for a date (8).
 * @param {PassportField} field @param {string} raw */
export function cleanField(field, raw) {
  return field === "number"
    ? raw.toUpperCase().replace(/[^A-Z0-9]/g, "").slice(0, 9)
    : raw.replace(/[^0-9]/g, "").slice(0, 8);
}

/** A field typed on a keyboard (or filled by a test), now the field being typed.
 * @param {PassportTyped} p @param {PassportField} field @param {string} raw @returns {PassportTyped} */
export const passportTyped = (p, field, raw) => ({ ...p, field, [field]: cleanField(field, raw) });

/** A keypad key pressed into the field being typed. @param {PassportTyped} p @param {string} key */
export function passportKey(p, key) {
  const value = p[p.field];
  const now = key === "back" ? value.slice(0, -1) : key === "clear" ? "" : cleanField(p.field, value + key);
  return { ...p, [p.field]: now };
}

/** ddmmyyyy as yyyy-mm-dd, or "" when it is not a date. @param {string} ddmmyyyy */
export function isoDate(ddmmyyyy) {
  const m = /^(\d{2})(\d{2})(\d{4})$/.exec(ddmmyyyy);
  if (!m) return "";
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? `${m[3]}-${m[2]}-${m[1]}` : "";
}

/** The first problem with what was typed, or null. @param {PassportTyped} p */
export function validatePassport(p) {
  if (!/^[A-Z0-9]{1,9}$/.test(p.number)) return { key: "ppv.number" };
  if (!isoDate(p.birth)) return { key: "ppv.birth" };
  if (!isoDate(p.expiry)) return { key: "ppv.expiry" };
  return null;
}

/** The bridge's card.read parameters (docs/bridge-protocol.md). @param {PassportTyped} p */
export const passportParams = (p) => ({
  document_number: p.number, birth_date: isoDate(p.birth), expiry_date: isoDate(p.expiry), portrait: false,
});

/** The ticket's identity from the chip's answer (the server's Identity, source "passport").
 * @param {any} chip @returns {Record<string, string>} */
export const passportIdentity = (chip) => ({
  source: "passport", passport_number: chip.document_number, nationality: chip.nationality, name: chip.name, dob: chip.dob, sex: chip.sex,
});

// Texts in Vietnamese (first) and English, and the language switch.
// Each page adds its own texts with addTexts(); t(key, params) picks the current language.

const STORE_KEY = "queue.lang";
/** @type {Record<"vi"|"en", Record<string, string>>} */
const texts = { vi: {}, en: {} };
/** @type {Array<(lang: string) => void>} */
const listeners = [];
let current = /** @type {"vi"|"en"} */ (safeGet(STORE_KEY) === "en" ? "en" : "vi");

function safeGet(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

/** @param {{vi: Record<string,string>, en: Record<string,string>}} more */
export function addTexts(more) {
  Object.assign(texts.vi, more.vi);
  Object.assign(texts.en, more.en);
}

/** @returns {"vi"|"en"} */
export const lang = () => current;

/** @param {"vi"|"en"} value */
export function setLang(value) {
  current = value === "en" ? "en" : "vi";
  try { localStorage.setItem(STORE_KEY, current); } catch { /* private mode */ }
  document.documentElement.lang = current;
  for (const fn of listeners) fn(current);
}

/** @param {(lang: string) => void} fn */
export const onLang = (fn) => listeners.push(fn);

/**
 * The text for key in the current (or given) language, with {name} placeholders filled.
 * @param {string} key @param {Record<string, any>} [params] @param {"vi"|"en"} [which]
 */
export function t(key, params, which) {
  const table = texts[which || current];
  let s = table[key] ?? texts.vi[key] ?? key;
  if (params) s = s.replace(/\{(\w+)\}/g, (_, k) => (params[k] ?? "").toString());
  return s;
}

/** A configured name in the current language (English falls back to Vietnamese). */
export function pick(vi, en) {
  return current === "en" && en ? en : vi;
}

/** The message of a server error in the current language. @param {any} err */
export function errorText(err) {
  if (!err) return "";
  if (!err.message_vi && (err.code === "timeout" || err.code === "offline")) return t(`err.${err.code}`);
  if (current === "en") return err.message_en || err.message_vi || err.code || String(err);
  return err.message_vi || err.message_en || err.code || String(err);
}

addTexts({
  vi: {
    "conn.online": "Đã kết nối",
    "conn.connecting": "Đang kết nối…",
    "conn.offline": "Mất kết nối máy chủ — đang thử lại",
    "lang.switch": "English",
    "err.timeout": "Máy chủ không trả lời kịp. Vui lòng thử lại.",
    "err.offline": "Chưa kết nối được máy chủ. Vui lòng thử lại sau giây lát.",
    "weekday.0": "Chủ nhật", "weekday.1": "Thứ Hai", "weekday.2": "Thứ Ba", "weekday.3": "Thứ Tư",
    "weekday.4": "Thứ Năm", "weekday.5": "Thứ Sáu", "weekday.6": "Thứ Bảy",
    "hours.closed_today": "Hôm nay nghỉ",
    "hours.break": "nghỉ trưa {start}–{end}",
    "hours.holiday": "Ngày nghỉ lễ: {name}",
  },
  en: {
    "conn.online": "Online",
    "conn.connecting": "Connecting…",
    "conn.offline": "Server connection lost — retrying",
    "lang.switch": "Tiếng Việt",
    "err.timeout": "The server did not answer in time. Please try again.",
    "err.offline": "Not connected to the server. Please try again in a moment.",
    "weekday.0": "Sunday", "weekday.1": "Monday", "weekday.2": "Tuesday", "weekday.3": "Wednesday",
    "weekday.4": "Thursday", "weekday.5": "Friday", "weekday.6": "Saturday",
    "hours.closed_today": "Closed today",
    "hours.break": "break {start}–{end}",
    "hours.holiday": "Public holiday: {name}",
  },
});

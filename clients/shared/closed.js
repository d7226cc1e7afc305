// The "outside working hours" panel of the kiosk and the TV: today's holiday by name, when the
// unit opens again (weekday, date and time, never "tomorrow", so it stays true past midnight),
// and the next seven days from today with their dates. Pure: config and time in, elements out.
import { h, pad2 } from "./dom.js";
import { t, addTexts } from "./i18n.js";
import { closedNotice } from "./hours.js";

addTexts({
  vi: {
    "closed.holiday_today": "Hôm nay nghỉ lễ: {name}",
    "closed.reopens": "Mở cửa lại lúc {time}, {weekday} {date}",
    "closed.no_reopening": "Chưa có lịch mở cửa lại.",
    "closed.day_off": "Nghỉ",
    "closed.holiday_row": "Nghỉ lễ: {name}",
    "closed.today": "hôm nay",
  },
  en: {
    "closed.holiday_today": "Public holiday today: {name}",
    "closed.reopens": "Opens again at {time} on {weekday} {date}",
    "closed.no_reopening": "No reopening is scheduled yet.",
    "closed.day_off": "Closed",
    "closed.holiday_row": "Holiday: {name}",
    "closed.today": "today",
  },
});

/** @typedef {"vi"|"en"} Lang */

/** A holiday's name in a language (English falls back to the Vietnamese name). @param {any} holiday @param {Lang} lang */
const holidayName = (holiday, lang) => (lang === "en" && holiday.name_en) || holiday.name;

/** "dd/mm" of a local day. @param {{day: number, month: number}} d */
const ddmm = (d) => `${pad2(d.day)}/${pad2(d.month)}`;

/** The hours of one day as text. @param {any} day @param {Lang} lang */
export function dayText(day, lang) {
  if (day.holiday) return t("closed.holiday_row", { name: holidayName(day.holiday, lang) }, lang);
  if (!day.hours) return t("closed.day_off", {}, lang);
  const breaks = (day.hours.breaks || []).map((b) => t("hours.break", { start: b.start, end: b.end }, lang));
  return `${day.hours.open}–${day.hours.close}` + (breaks.length ? ` (${breaks.join(", ")})` : "");
}

/** "Mở cửa lại lúc 07:00, Thứ Hai 07/12" (or that none is scheduled). @param {any} reopens @param {Lang} lang */
export function reopensText(reopens, lang) {
  if (!reopens) return t("closed.no_reopening", {}, lang);
  return t("closed.reopens", { time: reopens.time, weekday: t(`weekday.${reopens.weekday}`, {}, lang), date: ddmm(reopens) }, lang);
}

/**
 * The lines and the timetable of the closed notice in the given languages (the kiosk passes
 * the patient's, the TV both).
 * @param {any} config @param {number} epoch @param {Lang[]} langs
 */
export function closedDetails(config, epoch, langs) {
  const notice = closedNotice(config, epoch);
  const [first] = langs;
  const line = (/** @type {(l: Lang) => string} */ text, cls = "") =>
    langs.map((l, i) => h(`p${cls}${i ? ".en" : ""}`, text(l)));
  return [
    notice.holiday ? line((l) => t("closed.holiday_today", { name: holidayName(notice.holiday, l) }, l), ".closed-holiday") : null,
    line((l) => reopensText(notice.reopens, l), ".closed-reopens"),
    h("table.timetable", h("tbody", notice.days.map((d) => h(d.today ? "tr.today" : "tr",
      { dataset: { date: d.date } },
      h("th", `${t(`weekday.${d.weekday}`, {}, first)} ${ddmm(d)}`,
        d.today ? h("small", ` (${t("closed.today", {}, first)})`) : null),
      h("td", dayText(d, first)))))),
  ];
}

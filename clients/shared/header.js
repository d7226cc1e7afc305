// The unit's header (logo, names, address) and the clock with today's hours: kiosk and TV.
import { h, fill, pad2 } from "./dom.js";
import { t } from "./i18n.js";
import { dayHours } from "./hours.js";

/** @param {any} config */
export function unitHeader(config) {
  const u = config.unit;
  const place = [u.address, u.commune, u.district, u.province].filter(Boolean).join(", ");
  return h("div.unit",
    u.logo ? h("img.unit-logo", { src: u.logo, alt: "" }) : null,
    h("div.unit-text",
      h("div.unit-name", u.name),
      u.name_en ? h("div.unit-name-en", u.name_en) : null,
      place ? h("div.unit-place", place) : null));
}

/** Fill `el` with the time, the date and today's hours at `epoch` (server clock). */
export function renderClock(el, config, epoch) {
  const { local, holiday, hours } = dayHours(config, epoch);
  const date = `${t(`weekday.${local.weekday}`)}, ${pad2(local.day)}/${pad2(local.month)}/${local.year}`;
  let today;
  if (holiday) today = t("hours.holiday", { name: holiday.name });
  else if (!hours) today = t("hours.closed_today");
  else {
    today = `${hours.open}–${hours.close}`;
    if (hours.breaks?.length) today += ` (${hours.breaks.map((b) => t("hours.break", { start: b.start, end: b.end })).join(", ")})`;
  }
  fill(el,
    h("div.clock-time", `${pad2(local.hour)}:${pad2(local.minute)}`),
    h("div.clock-date", date),
    h("div.clock-hours", today));
}


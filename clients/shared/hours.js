// Working hours by the configured timetable, in the unit's time zone (the same rule as
// server/domain/config.py is_open), so that screens switch to "outside working hours" on time
// even when nothing else happens.

const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/**
 * The local date and time of an instant in a time zone.
 * @param {number} epoch seconds @param {string} timeZone
 */
export function localParts(epoch, timeZone) {
  const fmt = new Intl.DateTimeFormat("en-GB", {
    timeZone, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", weekday: "short", hourCycle: "h23",
  });
  /** @type {Record<string,string>} */
  const p = {};
  for (const part of fmt.formatToParts(new Date(epoch * 1000))) p[part.type] = part.value;
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(p.weekday);
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    day: +p.day, month: +p.month, year: +p.year,
    hour: +p.hour, minute: +p.minute, second: +p.second, weekday,
  };
}

const minutes = (hhmm) => +hhmm.slice(0, 2) * 60 + +hhmm.slice(3, 5);

/** The hours of the local day of `epoch` (null: closed), and the holiday if it is one. */
export function dayHours(config, epoch) {
  const local = localParts(epoch, config.unit.timezone);
  const holiday = (config.hours.holidays || []).find((h) => h.date === local.date) || null;
  return { local, holiday, hours: holiday ? null : config.hours[WEEKDAYS[local.weekday]] || null };
}

/** Whether the unit is within working hours at `epoch` (seconds). */
export function isOpen(config, epoch) {
  const { local, hours } = dayHours(config, epoch);
  if (!hours) return false;
  const m = local.hour * 60 + local.minute;
  if (!(minutes(hours.open) <= m && m < minutes(hours.close))) return false;
  return !(hours.breaks || []).some((b) => minutes(b.start) <= m && m < minutes(b.end));
}

/** "HH:MM" of an instant in the unit's time zone. @param {number} epoch @param {any} config */
export function hhmm(epoch, config) {
  const p = localParts(epoch, config.unit.timezone);
  return `${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;
}

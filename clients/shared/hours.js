// Working hours by the configured timetable, in the unit's time zone (the same rule as
// server/domain/hours.py is_open), so that screens switch to "outside working hours" on time
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

/**
 * One local day `offset` days after the local date `date` ("YYYY-MM-DD"), by the calendar (no
 * time zone arithmetic: a local date plus whole days is a local date).
 * @param {string} date @param {number} offset
 */
function addDays(date, offset) {
  const [y, m, d] = date.split("-").map(Number);
  const u = new Date(Date.UTC(y, m - 1, d + offset));
  const iso = u.toISOString().slice(0, 10);
  return { date: iso, day: u.getUTCDate(), month: u.getUTCMonth() + 1, year: u.getUTCFullYear(), weekday: u.getUTCDay() };
}

/** The hours of a local date (null: closed) and its holiday. @param {any} config @param {string} date @param {number} weekday */
function hoursOn(config, date, weekday) {
  const holiday = (config.hours.holidays || []).find((h) => h.date === date) || null;
  return { holiday, hours: holiday ? null : config.hours[WEEKDAYS[weekday]] || null };
}

const HORIZON = 60; // days looked ahead for the next opening (Tết can close a unit for a week)

/**
 * When the unit opens next after `epoch`: the local date, weekday, "HH:MM" and how many days
 * from today (0 today, 1 tomorrow), or null when no opening is configured within 60 days.
 * An opening is a day's opening time or the end of one of its breaks.
 * @param {any} config @param {number} epoch
 */
export function nextOpening(config, epoch) {
  const local = localParts(epoch, config.unit.timezone);
  const now = local.hour * 60 + local.minute;
  for (let offset = 0; offset <= HORIZON; offset++) {
    const day = addDays(local.date, offset);
    const { hours } = hoursOn(config, day.date, day.weekday);
    if (!hours) continue;
    const starts = [hours.open, ...(hours.breaks || []).map((b) => b.end)];
    const time = starts.find((s) => offset > 0 || minutes(s) > now);
    if (time && minutes(time) < minutes(hours.close)) return { ...day, time, offset };
  }
  return null;
}

/**
 * What a closed screen says: today's holiday (if any), when the unit opens again, and the next
 * seven days from today with their dates and hours (a holiday row carries its name).
 * @param {any} config @param {number} epoch
 */
export function closedNotice(config, epoch) {
  const local = localParts(epoch, config.unit.timezone);
  const days = [];
  for (let offset = 0; offset < 7; offset++) {
    const day = addDays(local.date, offset);
    days.push({ ...day, ...hoursOn(config, day.date, day.weekday), today: offset === 0 });
  }
  return { holiday: days[0].holiday, reopens: nextOpening(config, epoch), days };
}

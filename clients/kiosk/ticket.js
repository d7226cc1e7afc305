// What the kiosk's ticket screen and printed ticket show (pure): the wait, a booked patient
// who came before the slot, the phone page's address and the printed date.
import { bandLine, callBand } from "../shared/estimate.js";

/** The wait shown and printed, in whole minutes (at least 1), or null. @param {number|null} minutes */
export const waitMinutes = (minutes) => (minutes === null ? null : Math.max(1, Math.round(minutes)));

/**
 * @typedef {{wait_minutes: number|null, call_at?: number|null, call_from?: number|null,
 *   call_to?: number|null, late?: boolean}} Wait
 */

/**
 * The estimate line of a new ticket, as [text key, params]: the band the call is expected in
 * ("khoảng 09:20 – 09:45", or one time when it is narrow: ../shared/estimate.js), the expected
 * call time with the minutes (a server without the band), the minutes alone, no counter open,
 * or not before closing time.
 * @param {Wait} result
 * @param {(at: number) => string} clock the unit's "HH:MM" of an epoch in seconds
 * @param {number} [now] epoch seconds: no time shown is before it (../shared/estimate.js)
 * @returns {[string, Record<string, string|number>]}
 */
export function waitLine(result, clock, now) {
  if (result.late) return ["ticket.late", {}];
  const minutes = waitMinutes(result.wait_minutes);
  if (minutes === null) return ["ticket.no_wait", {}];
  const band = bandLine(result, clock, "ticket.wait_band", "ticket.wait_near", now);
  if (band) return band;
  if (result.call_at === null || result.call_at === undefined) return ["ticket.wait", { n: minutes }];
  return ["ticket.wait_at", { time: clock(result.call_at), n: minutes }];
}

/**
 * The expected call as the bridge prints it: `wait_at` ("09:20", or the one time of a narrow
 * band, or `call_at`'s without a band) and `wait_to` ("09:45", the band's end; "" for one time).
 * @param {Wait} result @param {(at: number) => string} clock
 * @param {number} [now] epoch seconds, the time of issue: no time printed is before it
 */
export function printedWait(result, clock, now) {
  const band = callBand(result, now);
  if (band) return "at" in band ? { wait_at: clock(band.at), wait_to: "" } : { wait_at: clock(band.from), wait_to: clock(band.to) };
  return { wait_at: result.call_at ? clock(result.call_at) : "", wait_to: "" };
}

/**
 * Whether a booked patient came before the slot's start: the server queues the ticket at the
 * slot's start (docs/his.md §7), so walk-ins arriving meanwhile go ahead, and the people ahead and
 * the wait at issue mean nothing; the ticket says to be back by the booked time instead.
 * @param {{slot?: string, booking?: string, booking_late?: boolean}} result @param {string} now "HH:MM", the unit's local time of issue
 */
export const beforeSlot = (result, now) => Boolean(result.slot && !result.booking_late && result.slot.slice(0, 5) > now);

/** The phone page that follows a ticket: printed on the ticket and shown as a QR code on the
 * ticket screen. With the ticket's day ("2026-12-07"): labels come back every day, and a link
 * opened again on another day (a tab the phone reloads the next morning) must not follow that
 * day's ticket of the same number, another patient's. @param {string} origin @param {string} label
 * @param {string} [day] */
export const phoneUrl = (origin, label, day = "") => `${origin}/t/${encodeURIComponent(label)}${day ? `?d=${day}` : ""}`;

/** The date on the printed ticket, dd/mm/yyyy from the board's yyyy-mm-dd. @param {string} day */
export const printedDay = (day) => day.split("-").reverse().join("/");

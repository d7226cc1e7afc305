// What the kiosk's ticket screen and printed ticket show (pure): the wait, a booked patient
// who came before the slot, the phone page's address and the printed date.

/** The wait shown and printed, in whole minutes (at least 1), or null. @param {number|null} minutes */
export const waitMinutes = (minutes) => (minutes === null ? null : Math.max(1, Math.round(minutes)));

/**
 * The estimate line of a new ticket, as [text key, params]: the expected call time ("khoảng
 * 9:30") with the minutes, the minutes alone, no counter open, or not before closing time.
 * @param {{wait_minutes: number|null, call_at?: number|null, late?: boolean}} result
 * @param {(at: number) => string} clock the unit's "HH:MM" of an epoch in seconds
 * @returns {[string, Record<string, string|number>]}
 */
export function waitLine(result, clock) {
  if (result.late) return ["ticket.late", {}];
  const minutes = waitMinutes(result.wait_minutes);
  if (minutes === null) return ["ticket.no_wait", {}];
  if (result.call_at === null || result.call_at === undefined) return ["ticket.wait", { n: minutes }];
  return ["ticket.wait_at", { time: clock(result.call_at), n: minutes }];
}

/**
 * Whether a booked patient came before the slot's start: the server queues the ticket at the
 * slot's start (docs/his.md §7), so walk-ins arriving meanwhile go ahead, and the people ahead and
 * the wait at issue mean nothing; the ticket says to be back by the booked time instead.
 * @param {{slot?: string, booking?: string, booking_late?: boolean}} result @param {string} now "HH:MM", the unit's local time of issue
 */
export const beforeSlot = (result, now) => Boolean(result.slot && !result.booking_late && result.slot.slice(0, 5) > now);

/** The phone page that follows a ticket: printed on the ticket and shown as a QR code on the
 * ticket screen. @param {string} origin @param {string} label */
export const phoneUrl = (origin, label) => `${origin}/t/${encodeURIComponent(label)}`;

/** The date on the printed ticket, dd/mm/yyyy from the board's yyyy-mm-dd. @param {string} day */
export const printedDay = (day) => day.split("-").reverse().join("/");

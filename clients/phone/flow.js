// The phone page's pure flow: the page's model and how each thing that happens changes it (a
// status from the server, the link going up or down, a refusal), and when the phone must ring.
// No DOM, no socket, no timers: plain data in, plain data out. controller.js keeps one model.
import { bandLine } from "../shared/estimate.js";

/** The longest label the server accepts in a phone's hello. */
export const MAX_LABEL = 16;

/** Vibration when called: on, off, on (milliseconds). */
export const VIBRATION = [300, 150, 300, 150, 300];

/** The chime when called: three tones (Hz), each starting `at` seconds in, lasting `length`. */
export const CHIME = [
  { hz: 880, at: 0, length: 0.45 },
  { hz: 660, at: 0.4, length: 0.45 },
  { hz: 880, at: 0.8, length: 0.7 },
];

/** A refused phone that may try again later, and after how long (ms). */
const RETRY_AFTER = { too_many_phones: 60_000 };

/**
 * @typedef {{label: string, day: string, service: string, status: string, counter: number|null,
 *   counters: number[], called_at: number|null, recalls: number, ahead?: number,
 *   wait_minutes?: number|null, open_counters?: number, call_at?: number|null,
 *   call_from?: number|null, call_to?: number|null, late?: boolean, step?: number, steps?: import("./visit.js").Step[]}} Ticket
 * @typedef {{label: string, day: string, ticket: Ticket|null, cause: string, link: string, refusal: any,
 *   audio: "locked"|"on"|"chime"|"none", updated: number}} Model
 */

/** The ticket's label from the page's path (/t/<label>). @param {string} pathname */
export function labelFromPath(pathname) {
  const last = pathname.split("/").filter(Boolean).pop() || "";
  let label;
  try { label = decodeURIComponent(last); } catch { label = last; }
  return label.trim().toUpperCase().slice(0, MAX_LABEL);
}

/** The ticket's day from the page's query (?d=2026-12-07, as the kiosk's link says it), or "". @param {string} search */
export function dayFromSearch(search) {
  const d = new URLSearchParams(search).get("d") || "";
  return /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : "";
}

/** @param {string} label @param {string} [day] the ticket's day when the link says it @returns {Model} */
export function initial(label, day = "") {
  return { label, day, ticket: null, cause: "", link: "connecting", refusal: null, audio: "locked", updated: 0 };
}

/** The hello fields: the label, and its day when known, from the link or the ticket (a label
 * comes back every day: the server refuses a label of another day). @param {Model} model */
export function helloFields(model) {
  const day = model.ticket ? model.ticket.day : model.day;
  return day ? { role: "phone", label: model.label, day } : { role: "phone", label: model.label };
}

/** Which call of the ticket this is ("" when it is not called): a new value is a new call. @param {Ticket|null} t */
export function callKey(t) {
  return t && t.status === "called" ? `${t.counter}|${t.called_at}|${t.recalls}` : "";
}

/**
 * A `ticket` message from the server, with the time it came: the new model, and whether the
 * phone must ring ("call", "recall" or null). A status seen again after a reconnect does not
 * ring twice; a call missed while the phone slept rings when it wakes.
 * @param {Model} model @param {{ticket: Ticket, cause: string}} msg @param {number} now
 * @returns {{model: Model, ring: "call"|"recall"|null}}
 */
export function receive(model, msg, now) {
  const before = model.ticket;
  const key = callKey(msg.ticket);
  let ring = /** @type {"call"|"recall"|null} */ (null);
  if (key && key !== callKey(before)) {
    const same = before?.status === "called" && before.counter === msg.ticket.counter && before.called_at === msg.ticket.called_at;
    ring = same ? "recall" : "call";
  }
  const cause = msg.cause || (before && before.status === msg.ticket.status ? model.cause : "");
  return { model: { ...model, ticket: msg.ticket, cause, link: "online", refusal: null, updated: now }, ring };
}

/** The socket's status changed. @param {Model} model @param {string} status */
export function linkChanged(model, status) {
  return { ...model, link: status };
}

/**
 * The server refused the phone's hello (its error). Unknown after a status was seen: the day
 * ended, so the last status stays. @param {Model} model @param {{code: string}} error
 * @returns {{model: Model, retry: number|null}}  retry: try again after that many ms
 */
export function refused(model, error) {
  const retry = /** @type {Record<string, number>} */ (RETRY_AFTER)[error.code] ?? null;
  return { model: { ...model, link: "refused", refusal: error }, retry };
}

/** The sound after the first tap: "on" (chime and vibration), "chime" (a phone that cannot
 * vibrate: iPhones), "none". @param {Model} model @param {"on"|"chime"|"none"} audio */
export const audioChanged = (model, audio) => ({ ...model, audio });

/** What the page shows: "loading", "unknown" (no such number today), "refused" (another refusal, with its message) or "ticket". @param {Model} model */
export function screen(model) {
  if (model.ticket) return "ticket";
  if (model.refusal) return model.refusal.code === "unknown_ticket" ? "unknown" : "refused";
  return "loading";
}

/** How a visit ends: such a ticket is never called again. */
const ENDED = ["done", "cancelled", "expired"];

/** Whether the page offers the chime (or says it is on): not for a number it cannot follow or a
 * visit that has ended, which will never be called. @param {Model} model */
export function offersSound(model) {
  return screen(model) !== "unknown" && !(model.ticket && ENDED.includes(model.ticket.status));
}

/** The note above a waiting ticket's place, from the cause of its last change (a text key or ""). @param {Model} model */
export function notice(model) {
  if (model.ticket?.status !== "waiting") return "";
  if (model.cause === "ticket_transferred") return "notice.transferred";
  if (model.cause === "ticket_reactivated") return "notice.reactivated";
  return "";
}

/** Minutes to show for an estimate (at least one), or null without one. @param {number|null|undefined} minutes */
export function waitMinutes(minutes) {
  return minutes === null || minutes === undefined ? null : Math.max(1, Math.round(minutes));
}

/**
 * The estimate line of a waiting ticket (or a visit's step), as [text key, params]: the band
 * the call is expected in ("khoảng 09:20 – 09:45", or one time when it is narrow:
 * ../shared/estimate.js), the expected call time with the minutes (a server without the band),
 * the minutes alone (a server without the time), no counter open, or not before closing time.
 * @param {{wait_minutes?: number|null, call_at?: number|null, call_from?: number|null,
 *   call_to?: number|null, late?: boolean}} tk
 * @param {(ms: number) => string} clock the local "HH:MM" of an epoch in ms
 * @param {number} [now] epoch ms: no time shown is before it (a status read a while after it came)
 * @returns {[string, Record<string, string|number>]}
 */
export function waitLine(tk, clock, now) {
  if (tk.late) return ["late", {}];
  const minutes = waitMinutes(tk.wait_minutes);
  if (minutes === null) return ["no_wait", {}];
  const band = bandLine(tk, (at) => clock(at * 1000), "wait_band", "wait_near", now === undefined ? now : now / 1000);
  if (band) return band;
  if (tk.call_at === null || tk.call_at === undefined) return ["wait", { n: minutes }];
  return ["wait_at", { time: clock(tk.call_at * 1000), n: minutes }];
}

/** The line under the status (a text key): "live", "offline" (the last status may be old),
 * "updated" (no longer followed: the day ended) or "connecting". @param {Model} model */
export function linkLine(model) {
  if (model.link === "online") return "live";
  if (model.link === "refused") return "updated";
  return model.updated ? "offline" : "connecting";
}

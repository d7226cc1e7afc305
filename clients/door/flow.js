// The door screen's pure flow: its state (its room, the view the server sent, the number that
// flashes after a call, the last call heard) and next(state, action), and the small decisions:
// whether an event is a call of this room, whether it is new and fresh enough to flash and say
// (heard). No DOM, timers or socket: controller.js does those and dispatches what they gave.
//
// A reconnect (docs/protocol.md, "A room's door screen"): the hello carries the seq of the last
// view or call the screen got; a resume brings the calls at its room it missed, in order, then
// the view, whole; otherwise the view alone. A call is said at most once (never one at or before
// the last call heard, whatever the seq: a server restarted on another database counts again
// from 1) and only while it is recent; the view brings the number, the pause and the doctor.

export const STALE_CALL_SECONDS = 30; // calls caught up after a reconnect are shown, neither flashed nor spoken
export const FLASH_MS = 6000; // a new call flashes this long

/**
 * @typedef {{label: string, status: string, returning: boolean, after: string[], after_en: string[], name: string}} Entry
 * @typedef {{room: number, known: boolean, kind: string, name: string, name_en: string,
 *   location: string, location_en: string, unit: string, unit_en: string, doctor: string,
 *   status: string, pause_reason: string, current: Entry|null, next: Entry[], waiting: number,
 *   speech: any, day: string}} DoorView  what the server sends (server/doors.py, door_view)
 * @typedef {{at: number, seq: number}} Heard  a call's time (server clock, s) and seq
 * @typedef {{room: number|null, view: DoorView|null, flash: {label: string, until: number}|null, heard: Heard}} DoorState
 * @typedef {{seq: number, at: number, event: {type: string, label: string, counter: number}}} CallMsg  an `event` message
 * @typedef {{type: "welcome", room: number|null}
 *   | {type: "view", view: DoorView}
 *   | {type: "called", label: string, counter: number, until: number}
 *   | {type: "flash_end", now: number}
 * } Action
 * welcome: the server's welcome (its room); view: the room's view, new or changed; called: a
 * number called or recalled (ignored unless at this room); flash_end: the timer of a flash.
 */

/** @returns {DoorState} */
export const initial = () => ({ room: null, view: null, flash: null, heard: { at: 0, seq: 0 } });

/** @param {DoorState} state @param {Action} action @returns {DoorState} */
export function next(state, action) {
  switch (action.type) {
    case "welcome":
      return { ...state, room: action.room };
    case "view":
      if (state.room !== null && action.view.room !== state.room) return state; // never another room's
      return { ...state, view: action.view };
    case "called":
      if (!ownCall(state, action.counter)) return state;
      return { ...state, flash: { label: action.label, until: action.until } };
    case "flash_end":
      return state.flash && state.flash.until <= action.now ? { ...state, flash: null } : state;
    default:
      return state;
  }
}

/** Whether a call at `counter` is this screen's room's. @param {DoorState} state @param {number} counter */
export const ownCall = (state, counter) => state.room !== null && counter === state.room;

/** Whether an event type is a call the door flashes and speaks. @param {string} type */
export const isCall = (type) => type === "ticket_called" || type === "ticket_recalled" || type === "ticket_unparked";

/** Whether a call made at `at` (seconds, server clock) is still worth saying at `now`. */
export const fresh = (/** @type {number} */ now, /** @type {number} */ at) => now - at < STALE_CALL_SECONDS;

/**
 * A call event reaching the screen: the state after it and whether to say it. Not this room's,
 * or not after the last call heard (by its time, then its seq): nothing changes. Older than
 * STALE_CALL_SECONDS (caught up after a long absence): heard, shown by the view, neither
 * flashed nor said. Otherwise it flashes for FLASH_MS, and is said unless speech is off.
 * @param {DoorState} state @param {CallMsg} msg
 * @param {number} now the server's clock, s @param {number} nowMs this screen's clock, ms (the flash's end)
 * @returns {{state: DoorState, say: boolean}}
 */
export function heard(state, msg, now, nowMs) {
  const e = msg.event;
  const h = state.heard;
  if (!isCall(e.type) || !ownCall(state, e.counter) || msg.at < h.at || (msg.at === h.at && msg.seq <= h.seq)) {
    return { state, say: false };
  }
  const after = { ...state, heard: { at: msg.at, seq: msg.seq } };
  if (!fresh(now, msg.at)) return { state: after, say: false };
  const flashed = next(after, { type: "called", label: e.label, counter: e.counter, until: nowMs + FLASH_MS });
  return { state: flashed, say: state.view?.speech?.enabled !== false };
}


// The door screen's pure flow: its state (its room, the view the server sent, the number that
// flashes after a call) and next(state, action), and the small decisions: whether an event is a
// call of this room, whether it is fresh enough to speak. No DOM, timers or socket: controller.js
// does those and dispatches what they gave as actions.

export const STALE_CALL_SECONDS = 30; // calls caught up after a reconnect are shown, not spoken
export const FLASH_MS = 6000; // a new call flashes this long

/**
 * @typedef {{label: string, status: string, returning: boolean, after: string[], after_en: string[], name: string}} Entry
 * @typedef {{room: number, known: boolean, kind: string, name: string, name_en: string,
 *   location: string, location_en: string, unit: string, unit_en: string, doctor: string,
 *   status: string, pause_reason: string, current: Entry|null, next: Entry[], waiting: number,
 *   speech: any, day: string}} DoorView  what the server sends (server/doors.py, door_view)
 * @typedef {{room: number|null, view: DoorView|null, flash: {label: string, until: number}|null}} DoorState
 * @typedef {{type: "welcome", room: number|null}
 *   | {type: "view", view: DoorView}
 *   | {type: "called", label: string, counter: number, until: number}
 *   | {type: "flash_end", now: number}
 * } Action
 * welcome: the server's welcome (its room); view: the room's view, new or changed; called: a
 * number called or recalled (ignored unless at this room); flash_end: the timer of a flash.
 */

/** @returns {DoorState} */
export const initial = () => ({ room: null, view: null, flash: null });

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

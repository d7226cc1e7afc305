// The counter page's pure flow: the state's shape and next(state, action), which view follows
// which (sign-in, the choice of a counter, the counter's own screen; signing out; a session the
// server no longer accepts), the keyboard's map, which buttons of the main view are enabled,
// and the small decisions of the lists. No DOM, timers, fetch, storage or socket: controller.js
// does those and dispatches what they gave as actions (texts already in the current language).

/**
 * @typedef {{token: string, role: string, username: string, full_name?: string,
 *   counters: number[], expires: number}} Session  what /api/login answered, kept in localStorage
 * @typedef {"login"|"choose"|"loading"|"main"} View  loading: connecting to the chosen counter
 * @typedef {{device: string, part: string, code: string, label?: string, ok?: boolean}} Fault
 * @typedef {{
 *   view: View,
 *   session: Session|null,
 *   counter: number,
 *   message: string,
 *   allowed: number[],
 *   queue: any[],
 *   history: any[],
 *   alerts: Record<string, Fault>,
 *   rating: string,
 * }} CounterState  counter: the counter served (0 until chosen); message: shown on the sign-in;
 *   allowed: the counters offered on the choice; queue, history: the server's lists for this
 *   counter; alerts: the devices' faults by "device|part"; rating: the ticket this counter asked
 *   a rating for, until it is rated
 * @typedef {{status: string, current: string|null, current_status?: string|null}} CounterView
 *   the counter as the board knows it (../shared/board.js)
 */

/**
 * @typedef {{type: "signed_in", session: Session}
 *   | {type: "counters_allowed", allowed: number[]}
 *   | {type: "counter_chosen", counter: number}
 *   | {type: "switching", allowed: number[]}
 *   | {type: "snapshot"}
 *   | {type: "event", event: {type: string, [field: string]: any}}
 *   | {type: "lists", queue: any[], history: any[]}
 *   | {type: "alert", alert: Fault}
 *   | {type: "refused", message: string}
 *   | {type: "session_ended", message: string}
 *   | {type: "signed_out"}
 * } Action
 * counters_allowed: what this account may serve, once signed in (the stored counter if allowed,
 * the only one, or a choice); switching: the staff asked to change counter; snapshot: the
 * socket is connected to the counter; refused: the server's reason for refusing the hello;
 * session_ended: the server refused the session (message: "expired", unless it said why).
 */

/** @param {Session|null} session @param {number} counter the counter stored on this tablet @returns {CounterState} */
export function initial(session, counter) {
  return { view: "login", session, counter, message: "", allowed: [], queue: [], history: [], alerts: {}, rating: "" };
}

/** A stored session if it is not expired. @param {any} s @param {number} nowMs @returns {Session|null} */
export function validSession(s, nowMs) {
  return s && s.expires * 1000 > nowMs ? s : null;
}

/** @param {CounterState} state @param {Action} action @returns {CounterState} */
export function next(state, action) {
  switch (action.type) {
    case "signed_in": return { ...state, session: action.session, message: "" };
    case "counters_allowed": {
      const { allowed } = action;
      if (state.counter && allowed.includes(state.counter)) return { ...state, view: "loading" };
      if (allowed.length === 1) return { ...state, counter: allowed[0], view: "loading" };
      return { ...state, counter: 0, allowed, view: "choose" };
    }
    case "counter_chosen": return { ...state, counter: action.counter, view: "loading" };
    case "switching": return { ...state, counter: 0, allowed: action.allowed, view: "choose", queue: [], history: [] };
    case "snapshot": return { ...state, view: "main" };
    case "event": return applyEvent(state, action.event);
    case "lists": return { ...state, queue: action.queue, history: action.history };
    case "alert": {
      const key = `${action.alert.device}|${action.alert.part}`;
      const { [key]: _gone, ...rest } = state.alerts;
      return { ...state, alerts: action.alert.ok ? rest : { ...state.alerts, [key]: action.alert } };
    }
    case "refused": return { ...state, message: action.message };
    case "session_ended": return { ...state, session: null, view: "login", message: state.message || action.message };
    case "signed_out": return { ...state, session: null, view: "login" };
    default: throw new Error(`unknown counter action ${/** @type {any} */ (action).type}`);
  }
}

/** The server's events that change what the page keeps beside the board. */
function applyEvent(state, e) {
  if (e.type === "day_started") return { ...state, rating: "" };
  if (e.type === "rating_requested" && e.counter === state.counter) return { ...state, rating: e.label };
  if (rated(state, e)) return { ...state, rating: "" };
  return state;
}

/** Whether an event is the rating this counter was waiting for (the page says so). */
export const rated = (state, e) => e.type === "ticket_rated" && Boolean(state.rating) && e.label === state.rating;

// ---- the keyboard and the buttons ----------------------------------------------------------

const KEYS = /** @type {Record<string, string>} */ ({ r: "recall", s: "start", f: "finish", m: "missed", t: "transfer", g: "call_number", h: "park" });

/**
 * The button a key stands for at this counter, or null. Space is the main action (open a
 * closed counter, call the next number, or finish and call the next); P pauses or resumes.
 * @param {CounterView} counter @param {string} key  KeyboardEvent.key
 */
export function keyAction(counter, key) {
  if (key === " ") return counter.status === "closed" ? "open" : counter.current ? "finish_next" : "next";
  const k = key.toLowerCase();
  if (k === "p") return counter.status === "paused" ? "resume" : "pause";
  return KEYS[k] || null;
}

/**
 * @typedef {{name: string, enabled: boolean, key: string, kind: ""|"primary"|"warn"}} Button
 *   name: the action (act.<name> is its text); key: the keyboard's key shown on it
 */

/**
 * The main view's buttons, in order, and which are enabled: a closed counter can only open;
 * calling needs an open counter; what acts on a ticket needs a current one; pausing and closing
 * need none; a rating is asked once until it is given.
 * @param {CounterView} c @param {string} rating  the ticket whose rating is awaited, or ""
 * @returns {Button[]}
 */
export function buttons(c, rating) {
  /** @returns {Button} */
  const b = (name, enabled, key = "", kind = /** @type {Button["kind"]} */ ("")) => ({ name, enabled, key, kind });
  if (c.status === "closed") return [b("open", true, "", "primary")];
  const open = c.status === "open";
  const has = Boolean(c.current);
  const called = has && c.current_status === "called";
  return [
    has ? b("finish_next", open, "Space", "primary") : b("next", open, "Space", "primary"),
    b("recall", has, "R"),
    b("start", called, "S"),
    b("finish", has, "F"),
    b("missed", called, "M"),
    b("transfer", has, "T"),
    b("park", has, "H"),
    b("call_number", open && !has, "G"),
    c.status === "paused" ? b("resume", true, "P", "warn") : b("pause", !has, "P"),
    b("close", !has),
    b("ask_rating", !rating),
    ...(rating ? [b("rate_here", true)] : []),
  ];
}

/** Whether the button of that name shows and is enabled. @param {CounterView} c @param {string} rating @param {string} name */
export const enabled = (c, rating, name) => buttons(c, rating).some((b) => b.name === name && b.enabled);

// ---- the lists and labels ------------------------------------------------------------------

/** The priority groups' names, Vietnamese and English. */
export const GROUPS = /** @type {Record<string, [string, string]>} */ ({
  emergency: ["Cấp cứu", "Emergency"],
  child_under_6: ["Trẻ dưới 6 tuổi", "Child under 6"],
  pregnant: ["Có thai", "Pregnant"],
  disability_extreme: ["Khuyết tật đặc biệt nặng", "Extremely severe disability"],
  disability_severe: ["Khuyết tật nặng", "Severe disability"],
  elderly_75: ["Từ 75 tuổi", "Aged 75+"],
  revolutionary_merit: ["Người có công", "Revolutionary merit"],
});

/** The groups' names in a language, joined (an unknown group by its code). @param {string[]} groups @param {"vi"|"en"} lang */
export const groupNames = (groups, lang) => groups.map((g) => (GROUPS[g] ? GROUPS[g][lang === "en" ? 1 : 0] : g)).join(", ");

/**
 * Today's missed tickets of the services this counter serves, the oldest first (as issued).
 * @param {Iterable<any>} tickets  the board's tickets @param {any} counterConfig  this counter's configuration
 */
export function missedHere(tickets, counterConfig) {
  const mine = new Set((counterConfig?.services || []).map((s) => s.code));
  return [...tickets].filter((x) => x.status === "missed" && mine.has(x.service));
}

/** Whole minutes since a moment (never negative). @param {number} now @param {number} since */
export const minutesSince = (now, since) => Math.max(0, Math.floor((now - since) / 60));

/** A number typed into "call a number": trimmed, upper case. @param {any} value */
export const typedLabel = (value) => String(value || "").trim().toUpperCase();

/**
 * The transfer command from the dialog's choices ("" for any counter).
 * @param {{service: string, to_counter: string, position: string}} choice
 */
export function transferCommand(choice) {
  return { type: "transfer", to_service: choice.service, to_counter: choice.to_counter ? Number(choice.to_counter) : 0, position: choice.position };
}

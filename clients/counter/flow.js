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
 *   his: HisState,
 * }} CounterState  counter: the counter served (0 until chosen); message: shown on the sign-in;
 *   allowed: the counters offered on the choice; queue, history: the server's lists for this
 *   counter; alerts: the devices' faults by "device|part"; rating: the ticket this counter asked
 *   a rating for, until it is rated; his: where the current ticket's registration stands on the
 *   HIS links, and the marks of the day list
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
 *   | {type: "his_follow", label: string}
 *   | {type: "his_status", label: string, links: HisLink[]}
 *   | {type: "his_note", label: string, note: string, failed: boolean}
 *   | {type: "his_marks", marks: Record<string, HisLink[]>}
 * } Action
 * counters_allowed: what this account may serve, once signed in (the stored counter if allowed,
 * the only one, or a choice); switching: the staff asked to change counter; snapshot: the
 * socket is connected to the counter; refused: the server's reason for refusing the hello;
 * session_ended: the server refused the session (message: "expired", unless it said why).
 * his_follow: the counter's current ticket is now label ("" for none); his_status: what
 * /api/his/tickets/{label} answered; his_note: what a resend gave (failed: the server's error);
 * his_marks: the day list's tickets' deliveries, by label.
 */

/**
 * @typedef {"delivered"|"pending"|"failed"|"dead"|"none"} HisStatus
 * @typedef {{link: string, status: HisStatus, last_error: string|null, messages: number}} HisLink
 *   one outbound link's delivery of a ticket (/api/his/tickets/{label}); failed: a message is
 *   still pending after an attempt; dead: the HIS refused one for good
 * @typedef {{label: string, links: HisLink[]|null, note: string, failed: boolean,
 *   marks: Record<string, HisStatus>}} HisState  links: null until the server answered
 */

/** @param {Session|null} session @param {number} counter the counter stored on this tablet @returns {CounterState} */
export function initial(session, counter) {
  return { view: "login", session, counter, message: "", allowed: [], queue: [], history: [], alerts: {}, rating: "", his: HIS_NONE };
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
    case "switching": return { ...state, counter: 0, allowed: action.allowed, view: "choose", queue: [], history: [], his: HIS_NONE };
    case "snapshot": return { ...state, view: "main" };
    case "event": return applyEvent(state, action.event);
    case "lists": {
      const marks = freshMarks(state.his.marks, state.history, action.history);
      return { ...state, queue: action.queue, history: action.history, his: { ...state.his, marks } };
    }
    case "alert": {
      const key = `${action.alert.device}|${action.alert.part}`;
      const { [key]: _gone, ...rest } = state.alerts;
      return { ...state, alerts: action.alert.ok ? rest : { ...state.alerts, [key]: action.alert } };
    }
    case "refused": return { ...state, message: action.message };
    case "session_ended": return { ...state, session: null, view: "login", message: state.message || action.message };
    case "signed_out": return { ...state, session: null, view: "login", his: HIS_NONE };
    case "his_follow":
      return action.label === state.his.label ? state : { ...state, his: { ...HIS_NONE, marks: state.his.marks, label: action.label } };
    case "his_status": {
      if (action.label !== state.his.label) return state;
      const marks = { ...state.his.marks, [action.label]: hisWorst(action.links) };
      return { ...state, his: { ...state.his, links: action.links, marks } };
    }
    case "his_note":
      return action.label === state.his.label ? { ...state, his: { ...state.his, note: action.note, failed: action.failed } } : state;
    case "his_marks": {
      const marks = { ...state.his.marks };
      for (const [label, links] of Object.entries(action.marks)) marks[label] = hisWorst(links);
      return { ...state, his: { ...state.his, marks } };
    }
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

const KEYS = /** @type {Record<string, string>} */ ({ r: "recall", s: "start", f: "finish", m: "missed", t: "transfer", d: "send_on", g: "call_number", h: "park" });

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
    b("send_on", has, "D"),
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

// ---- the HIS link ----------------------------------------------------------------------------

/** @type {HisState} */
const HIS_NONE = Object.freeze({ label: "", links: null, note: "", failed: false, marks: {} });

const WORST = /** @type {HisStatus[]} */ (["dead", "failed", "pending", "delivered"]);

/** Each label's statuses in a day list ("done", "transferred,called"…). @param {any[]} rows */
const statuses = (rows) => rows.reduce((m, x) => ({ ...m, [x.label]: m[x.label] ? `${m[x.label]},${x.status}` : x.status }), {});

/**
 * The day list's marks still true: a ticket whose row changed since (finished, transferred…)
 * sent the HIS a new message, so its mark is asked again.
 * @param {Record<string, HisStatus>} marks @param {any[]} before @param {any[]} after
 */
function freshMarks(marks, before, after) {
  const was = statuses(before), now = statuses(after);
  return Object.fromEntries(Object.entries(marks).filter(([label]) => was[label] === now[label]));
}

/** The worst of a ticket's deliveries, for a mark ("none": no link carries it). @param {HisLink[]} links @returns {HisStatus} */
export const hisWorst = (links) => WORST.find((s) => links.some((l) => l.status === s)) || "none";

/** The links that carry the ticket (a link with no message of it shows nothing). @param {HisLink[]|null} links */
export const hisShown = (links) => (links || []).filter((l) => l.status !== "none");

/** Whether the page should ask again soon: the server has not answered, or a message is not delivered. @param {HisLink[]|null} links */
export const hisUnsettled = (links) => links === null || hisShown(links).some((l) => l.status !== "delivered");

/**
 * Whether staff may send the registration again: "send" when a message failed or was refused,
 * "confirm" when everything was delivered (the HIS gets it twice), "" while it is pending.
 * @param {HisLink[]|null} links @returns {""|"send"|"confirm"}
 */
export function hisResend(links) {
  const shown = hisShown(links);
  if (shown.some((l) => l.status === "failed" || l.status === "dead")) return "send";
  return shown.length && shown.every((l) => l.status === "delivered") ? "confirm" : "";
}

/**
 * The day list's labels whose delivery is worth asking (not yet known delivered or carried by
 * no link), at most max of them, in the list's order (the latest first).
 * @param {any[]} history @param {Record<string, HisStatus>} marks @param {number} max
 */
export function hisToAsk(history, marks, max) {
  const labels = [...new Set(history.map((x) => x.label))].filter((l) => marks[l] !== "delivered" && marks[l] !== "none");
  return labels.slice(0, max);
}

// The kiosk's pure flow: next(state, action) returns the next state (which screen follows which,
// what a key does to the typed number, what an error sends the patient back to, when the kiosk
// goes idle or closes), and the small decisions the views and the issue command need. No DOM,
// sockets, timers or texts: plain data in, plain data out. controller.js dispatches what the
// patient, the bridge, the server and the clock did as actions, replaces its state with what
// next() returns and runs the effects the new state asks for (reading the chip on "reading",
// asking the server what the person holds on "checking", sending the issue on "busy", the
// camera on "camera").
import { submitIdentity } from "./identity.js";
import { emptyPassport, passportKey, passportTyped, validatePassport, passportIdentity } from "./passport.js";
import { pressKey } from "./keypad.js";

export { submitIdentity };
export { keypadKeys, pressKey, typedLength } from "./keypad.js";
export { waitMinutes, waitLine, beforeSlot, phoneUrl, printedDay } from "./ticket.js";

/** The longest number for each method (the count under the input). */
export const MAX = { id: 12, bhyt: 15, passport: 9, vneid: 2000 };

/** Screens where the idle timer does not send the patient back home. */
const NO_IDLE = ["home", "closed", "setup", "loading", "busy"];

/** Error codes of the server that mean the typed identity is wrong. */
const IDENTITY_ERRORS = [
  "invalid_id_number", "invalid_bhyt_number", "identity_missing", "invalid_dob", "id_birth_year_mismatch", "id_sex_mismatch",
];

/**
 * @typedef {"loading"|"setup"|"home"|"identify"|"scanning"|"reading"|"checking"|"priority"|"consent"|"camera"|"busy"|"ticket"|"duplicate"|"closed"} Screen
 * @typedef {{key: string, params?: Record<string, any>}} KioskText  one of the kiosk's texts
 * @typedef {"id"|"bhyt"|"passport"|"vneid"} Method  what the patient identifies with
 * @typedef {{code?: string, field?: string, message_vi?: string, message_en?: string}} Told
 *   the server's or the bridge's own words, in both languages
 * @typedef {KioskText|Told} Said  a message shown to the patient, put in words by the view
 * @typedef {{id_number: string, name: string, dob?: string, sex: string, source?: "qr"|"vneid"}} CardQr
 * @typedef {{label?: string, service: string, status?: string, step?: string, counters?: number[]}} Held  a ticket the
 *   person holds (step, counters: a visit's step to come in that service, and where to wait for it)
 *   (no label nor status for a typed or scanned number: the server does not say which)
 * @typedef {{
 *   screen: Screen, lang: "vi"|"en", service: string, method: Method, value: string,
 *   passport: import("./passport.js").PassportTyped,
 *   error: Said|null, declared: Set<string>, qr: CardQr|null, chip: any,
 *   face: number[]|null, consent: string, faceHint: Told|null, faceFailed: boolean,
 *   result: any, printed: ""|"printing"|"printed"|"server"|"failed", printError: Told|null,
 *   duplicate: string, duplicateFace: boolean, held: Held[]|null, closedOn: string, lastTouch: number,
 * }} KioskState
 *   value: what is typed; chip: what the card's chip said; face, consent: what goes with the
 *   issue; result: the issued ticket (the ack); duplicate: the label the person already holds;
 *   held: the tickets the server says this person holds (null until asked, or unanswered);
 *   closedOn: the local date the closed screen was drawn for
 */

/**
 * @typedef {{type: "snapshot"} | {type: "setup"} | {type: "language"} | {type: "done"}
 *   | {type: "touch", now: number}
 *   | {type: "tick", now: number, idleSeconds?: number}
 *   | {type: "hours", open: boolean, today: string}
 *   | {type: "service_chosen", service: string}
 *   | {type: "method_chosen", method: Method}
 *   | {type: "passport_typed", field: import("./passport.js").PassportField, value: string}
 *   | {type: "passport_field", field: import("./passport.js").PassportField}
 *   | {type: "typed", value: string}
 *   | {type: "key", key: string}
 *   | {type: "identity_submitted", hasCard: boolean}
 *   | {type: "no_document"} | {type: "back"}
 *   | {type: "chip_read", chip: any}
 *   | {type: "chip_failed", error: Told}
 *   | {type: "scanned", identity: CardQr, hasCard: boolean} | {type: "scan_refused", error: Said}
 *   | {type: "held", held: Held[]} | {type: "check_failed", error?: Told}
 *   | {type: "group_toggled", group: string}
 *   | {type: "take", faceOffered: boolean}
 *   | {type: "consent_given"} | {type: "face_declined"} | {type: "face_failed"}
 *   | {type: "face_hint", hint: Told|null, now: number}
 *   | {type: "face_captured", face: number[]}
 *   | {type: "issued", result: any}
 *   | {type: "refused", error: Told}
 *   | {type: "print_started", label: string}
 *   | {type: "printed", label: string}
 *   | {type: "printed_by_server", label: string}
 *   | {type: "print_failed", label: string, error: Told}
 * } Action
 * done: Xong / start again; touch: a touch or key anywhere (the idle timer starts again); tick:
 * the clock's second; hours: whether the unit is open now and the local date.
 */

/** @param {number} now @returns {KioskState} */
export function initial(now) {
  return {
    screen: "loading",
    lang: "vi",
    ...resetFields(),
    error: null,
    closedOn: "",
    lastTouch: now,
  };
}

/** What going back to the start clears (with screen "home"). */
export function resetFields() {
  return {
    service: "", value: "", method: /** @type {"id"} */ ("id"), declared: new Set(), result: null, duplicate: "",
    duplicateFace: false, held: null, qr: null, chip: null, face: null, consent: "", printed: /** @type {""} */ (""),
    printError: null, faceFailed: false, faceHint: null, passport: emptyPassport(),
  };
}

/** @param {KioskState} state @param {Screen} screen @param {Partial<KioskState>} [extra] @returns {KioskState} */
const go = (state, screen, extra = {}) => ({ ...state, screen, error: null, ...extra });

/** Another screen, what it said kept. @param {KioskState} state @param {Screen} screen @returns {KioskState} */
const move = (state, screen) => ({ ...state, screen });

/** The next patient: the start screen, in Vietnamese whatever the last patient chose. @param {KioskState} state */
const reset = (state) => go(state, "home", { lang: "vi", ...resetFields() });

/**
 * The identity is known: the server is asked what this person holds already ("checking"),
 * so that a second ticket is refused now, not after the priority step. Without an identity,
 * the priority screen. @param {KioskState} state @param {Partial<KioskState>} [extra]
 */
function identified(state, extra = {}) {
  const next = go(state, "priority", extra);
  const who = identityOf(next);
  return who && (who.id_number || who.bhyt_number) ? move(next, "checking") : next; // the server knows no passport holder yet
}

/** @param {KioskState} state @param {Action} action @returns {KioskState} */
export function next(state, action) {
  switch (action.type) {
    case "snapshot": return state.screen === "loading" ? reset(state) : state;
    case "setup": return go(state, "setup");
    case "language": return { ...state, lang: state.lang === "vi" ? "en" : "vi" };
    case "done": return reset(state);
    case "touch": return { ...state, lastTouch: action.now };
    case "tick": return tick(state, action.now, action.idleSeconds);
    case "hours": return hours(state, action.open, action.today);
    case "service_chosen": return chosen(state, action.service);
    case "method_chosen": return go(state, "identify", { method: action.method, value: "", passport: emptyPassport() });
    case "typed": return { ...state, value: action.value, error: null, qr: null };
    case "key": return state.method === "passport"
      ? { ...state, passport: passportKey(state.passport, action.key), error: null }
      : { ...state, value: pressKey(state.value, action.key), error: null };
    case "passport_typed": return { ...state, passport: passportTyped(state.passport, action.field, action.value), error: null };
    case "passport_field": return state.passport.field === action.field ? state : { ...state, passport: { ...state.passport, field: action.field } };
    case "identity_submitted": return submitted(state, action.hasCard);
    case "no_document": return go(state, "priority", { value: "", qr: null, chip: null });
    case "back": return go(state, "identify");
    case "chip_read": return state.screen === "reading" ? identified(state, { chip: action.chip }) : state;
    case "chip_failed":
      if (state.screen !== "reading") return state;
      if (state.method === "passport") return go(state, "identify", { error: action.error }); // the bridge says which part is wrong
      return action.error.code === "wrong_can"
        ? go(state, "identify", { value: "", error: { key: "chip.wrong" } })
        : identified(state, { error: action.error.message_vi ? action.error : null });
    case "held": return state.screen === "checking" ? held(state, action.held) : state;
    case "check_failed": return state.screen === "checking" ? checkFailed(state, action.error) : state;
    case "scanned": return state.screen === "scanning" ? scanned(state, action.identity, action.hasCard) : state;
    case "scan_refused": return state.screen === "scanning" ? go(state, "identify", { value: "", error: action.error }) : state;
    case "group_toggled": return { ...state, declared: toggleGroup(state.declared, action.group) };
    case "take": return action.faceOffered ? go(state, "consent") : go(state, "busy", { face: null, consent: "" });
    case "consent_given": return go(state, "camera", { faceHint: null, faceFailed: false });
    case "face_declined": return go(state, "busy", { face: null, consent: "declined" });
    case "face_hint": return state.screen === "camera" ? { ...state, faceHint: action.hint, lastTouch: action.now } : state;
    case "face_captured": return state.screen === "camera" ? go(state, "busy", { face: action.face }) : state;
    case "face_failed": return state.screen === "camera" ? { ...state, faceFailed: true } : state;
    case "issued": return state.screen === "busy" ? go(state, "ticket", { result: action.result, value: "", printed: "", printError: null }) : state;
    case "refused": return state.screen === "busy" ? refused(state, action.error) : state;
    case "print_started": return printing(state, action.label, { printed: "printing" });
    case "printed": return printing(state, action.label, { printed: "printed" });
    case "printed_by_server": return printing(state, action.label, { printed: "server" });
    case "print_failed": return printing(state, action.label, { printed: "failed", printError: action.error });
    default: throw new Error(`unknown kiosk action ${/** @type {any} */ (action).type}`);
  }
}

/** "Continue" on the identity screen. @param {KioskState} state @param {boolean} hasCard */
function submitted(state, hasCard) {
  if (state.method === "passport") {
    const problem = validatePassport(state.passport) || (hasCard ? null : { key: "ppv.place" });
    return problem ? { ...state, error: problem } : go(state, "reading");
  }
  const out = submitIdentity(state.method, state.value);
  if ("error" in out) return { ...state, error: out.error };
  if ("scan" in out) return go(state, "scanning");
  if ("readChip" in out && hasCard) return go(state, "reading");
  return identified(state);
}

/** The server read the scanned code: the card's QR opens the chip on the reader, if any.
 * @param {KioskState} state @param {CardQr} qr @param {boolean} hasCard */
function scanned(state, qr, hasCard) {
  const read = { ...state, qr, value: qr.id_number };
  return qr.source !== "vneid" && hasCard ? go(read, "reading") : identified(read);
}

/** No answer to "what do they hold": on to the priority step (the issue decides), unless the
 * number itself was refused: back to it, told why. @param {KioskState} state @param {Told} [error] */
function checkFailed(state, error) {
  return error && IDENTITY_ERRORS.includes(error.code || "")
    ? go(state, "identify", { error, qr: null, chip: null })
    : move(state, "priority");
}

/** A service tapped: on the start screen, the identity comes next; on the screen that told the
 * patient what they hold, another service still allowed goes on with the same identity.
 * @param {KioskState} state @param {string} service */
function chosen(state, service) {
  if (state.screen !== "duplicate" || !state.held) return go(state, "identify", { service, value: "", method: "id" });
  if (state.held.some((h) => h.service === service)) return state;
  return go(state, "priority", { service });
}

/** What the person holds: the ticket of the chosen service, or the priority screen (an error of
 * the chip's read stays shown). @param {KioskState} state @param {Held[]} list */
function held(state, list) {
  const mine = list.find((h) => h.service === state.service);
  if (mine && !mine.label) return go(state, "duplicate", { held: null, duplicate: "", duplicateFace: false }); // unproven: no more told
  if (mine) return go(state, "duplicate", { held: list, duplicate: mine.label || "", duplicateFace: false });
  return { ...move(state, "priority"), held: list };
}

/** The kiosk's services the person may still take a number for, grouped as on the start screen.
 * @param {any} cfg @param {Held[]} list */
export function servicesAllowed(cfg, list) {
  const taken = new Set(list.map((h) => h.service));
  return servicesByDepartment(cfg)
    .map((g) => ({ ...g, services: g.services.filter((s) => !taken.has(s.code)) }))
    .filter((g) => g.services.length);
}

/** Where a refused issue sends the patient. @param {KioskState} state @param {Told} error */
function refused(state, error) {
  const where = afterIssueError(error.code || "");
  if (where === "duplicate") {
    return go(state, "duplicate", { duplicate: error.field || "", value: "", duplicateFace: error.code === "duplicate_face" });
  }
  return go(state, where, { error });
}

/** The printer's news, for the ticket on the screen only. @param {KioskState} state @param {string} label @param {Partial<KioskState>} change */
const printing = (state, label, change) => (state.screen === "ticket" && state.result?.ticket === label ? { ...state, ...change } : state);

/** The clock's second: the start screen goes back to Vietnamese, an idle screen goes home. */
function tick(state, now, idleSeconds) {
  if (backToVietnamese(state.screen, state.lang, idleSeconds, state.lastTouch, now)) return { ...state, lang: "vi" };
  const left = idleLeft(state.screen, idleSeconds, state.lastTouch, now);
  return left !== null && left <= 0 ? reset(state) : state;
}

/** The opening hours: the closed screen (drawn again when the date changes), or the start again. */
function hours(state, open, today) {
  const change = hoursChange(open, state.screen);
  if (change === "reopen") return reset(state);
  if (change === "close" || (state.screen === "closed" && today !== state.closedOn)) return go(state, "closed", { closedOn: today });
  return state;
}

/** The declared groups with one group toggled. @param {Set<string>} declared @param {string} group */
export function toggleGroup(declared, group) {
  const next = new Set(declared);
  if (next.has(group)) next.delete(group); else next.add(group);
  return next;
}

/**
 * Whether the face check is offered: the unit has it on, the bridge computes descriptors, there
 * is a camera (the browser's or the bridge's), and no young child is declared.
 * @param {{enabled: boolean, faceOk: boolean, browserCamera: boolean, bridgeCamera: boolean, declared: Set<string>}} p
 */
export function faceOffered(p) {
  return p.enabled && p.faceOk && (p.browserCamera || p.bridgeCamera) && !p.declared.has("child_under_6");
}

/** The identity that goes with the ticket, or null when none was given.
 * @param {KioskState} state @returns {Record<string, string>|null} */
export function identityOf(state) {
  const value = state.value.replace(/\s/g, "").toUpperCase();
  if (state.chip?.source === "passport") return passportIdentity(state.chip);
  return state.chip
    ? { source: "chip", id_number: state.chip.id_number, name: state.chip.name, dob: state.chip.dob, sex: state.chip.sex }
    : state.qr
    ? { source: "qr", ...state.qr }
    : value && state.method !== "vneid"
      ? { source: "typed", ...(state.method === "id" ? { id_number: value } : { bhyt_number: value }) }
      : null;
}

/**
 * The issue_ticket command for the state, with its face descriptor (and the unit's notice as
 * the consent) or the refusal. @param {KioskState} state @param {string} notice
 */
export function issueCommand(state, notice) {
  const identity = identityOf(state);
  /** @type {Record<string, any>} */
  const command = { type: "issue_ticket", service: state.service, channel: "kiosk", declared: [...state.declared] };
  if (identity) command.identity = identity;
  if (state.face) {
    command.face = state.face;
    command.face_consent = notice || "";
  } else if (state.consent) {
    command.face_consent = state.consent;
  }
  return command;
}

/** Where an error of issue_ticket sends the patient. @param {string} code @returns {"duplicate"|"identify"|"priority"} */
export function afterIssueError(code) {
  if (code === "duplicate_ticket" || code === "duplicate_face") return "duplicate";
  if (IDENTITY_ERRORS.includes(code)) return "identify";
  return "priority";
}

/** How tightly the home screen packs its buttons (up to 40 services fit). @param {number} count */
export const density = (count) => (count > 24 ? "dense" : count > 14 ? "compact" : "normal");

/** The kiosk's services grouped by department, both in their configured order. */
export function servicesByDepartment(cfg) {
  const depts = [...cfg.departments].sort((a, b) => a.order - b.order);
  const services = cfg.services.filter((s) => s.on_kiosk).sort((a, b) => a.order - b.order);
  return depts
    .map((d) => ({ dept: d, services: services.filter((s) => s.department === d.code) }))
    .filter((g) => g.services.length);
}

/**
 * Seconds left before the idle kiosk goes back home, or null on a screen without the timer.
 * @param {string} screen @param {number|undefined} idleSeconds @param {number} lastTouch @param {number} now
 */
export function idleLeft(screen, idleSeconds, lastTouch, now) {
  if (NO_IDLE.includes(screen)) return null;
  return Math.ceil(((idleSeconds ?? 40) * 1000 - (now - lastTouch)) / 1000);
}

/**
 * Whether the start screen, left in English by the last patient, goes back to Vietnamese: after
 * the idle time, as the other screens go back home.
 * @param {string} screen @param {string} lang @param {number|undefined} idleSeconds @param {number} lastTouch @param {number} now
 */
export function backToVietnamese(screen, lang, idleSeconds, lastTouch, now) {
  return screen === "home" && lang !== "vi" && now - lastTouch >= (idleSeconds ?? 40) * 1000;
}

/** What the opening hours do to the screen: "close", "reopen" or null. @param {boolean} open @param {string} screen */
export function hoursChange(open, screen) {
  if (!open && screen !== "closed" && screen !== "busy" && screen !== "setup") return "close";
  if (open && screen === "closed") return "reopen";
  return null;
}

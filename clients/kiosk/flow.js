// The kiosk's pure flow: the state's shape and the small decisions between screens (what a key
// does to the typed number, what "Continue" leads to, what goes in the issue command, what an
// error sends the patient back to, when the kiosk goes idle or closes). No DOM, no sockets, no
// timers: plain data in, plain data out. controller.js keeps one state object and applies these.
import { validateNumber, parseCardQr } from "./identity.js";

/** The longest number for each method (the count under the input). */
export const MAX = { id: 12, bhyt: 15 };

/** Screens where the idle timer does not send the patient back home. */
const NO_IDLE = ["home", "closed", "setup", "loading", "busy"];

/** Error codes of the server that mean the typed identity is wrong. */
const IDENTITY_ERRORS = ["invalid_id_number", "invalid_bhyt_number", "identity_missing", "invalid_dob"];

/** @param {number} now */
export function initial(now) {
  return {
    screen: "loading", // loading | setup | home | identify | reading | priority | consent | camera | busy | ticket | duplicate | closed
    service: "",
    method: /** @type {"id"|"bhyt"} */ ("id"),
    value: "",
    error: "",
    declared: new Set(),
    qr: /** @type {{id_number: string, name: string, dob: string, sex: string}|null} */ (null),
    chip: /** @type {any} */ (null),
    printed: "", // "", "printing", "printed", or an error message
    result: /** @type {any} */ (null),
    duplicate: "",
    duplicateFace: false,
    faceHint: "",
    faceFailed: false,
    lastTouch: now,
  };
}

/** What going back to the start clears (with screen "home"). */
export function resetFields() {
  return { service: "", value: "", method: /** @type {"id"} */ ("id"), declared: new Set(), result: null, duplicate: "", duplicateFace: false, qr: null, chip: null, printed: "", faceFailed: false, faceHint: "" };
}

/** The keypad's keys for a method. @param {"id"|"bhyt"} method */
export function keypadKeys(method) {
  return method === "id"
    ? ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"]
    : [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "clear", "back"];
}

/** The typed value after a keypad key. @param {string} value @param {string} key */
export function pressKey(value, key) {
  if (key === "back") return value.slice(0, -1);
  if (key === "clear") return "";
  return value.length < 20 ? value + key : value;
}

/** How many characters the count under the input shows. @param {string} value */
export const typedLength = (value) => value.replace(/\s/g, "").length;

/**
 * What "Continue" on the identity screen leads to: an error to show (a text key), the chip to
 * read with an ID number (and the card's QR if it was scanned), or the priority screen.
 * @param {"id"|"bhyt"} method @param {string} value
 * @returns {{error: {key: string, params?: Record<string, any>}} | {readChip: string, qr?: {id_number: string, name: string, dob: string, sex: string}} | {priority: true}}
 */
export function submitIdentity(method, value) {
  if (value.includes("|")) { // the card's QR, typed by a scanner in keyboard mode
    const qr = parseCardQr(value);
    if (!qr) return { error: { key: "idv.qr" } };
    return { readChip: qr.id_number, qr };
  }
  const problem = validateNumber(method, value);
  if (problem) return { error: problem };
  if (method === "id") return { readChip: value.replace(/\s/g, "") };
  return { priority: true };
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

/** The identity that goes with the ticket, or null when none was given. */
export function identityOf(state) {
  const value = state.value.replace(/\s/g, "").toUpperCase();
  return state.chip
    ? { source: "chip", id_number: state.chip.id_number, name: state.chip.name, dob: state.chip.dob, sex: state.chip.sex }
    : state.qr
    ? { source: "qr", ...state.qr }
    : value
      ? { source: "typed", ...(state.method === "id" ? { id_number: value } : { bhyt_number: value }) }
      : null;
}

/**
 * The issue_ticket command for the state, with the face descriptor (and the unit's notice as
 * the consent) or the refusal.
 * @param {any} state @param {{face?: number[], consent?: string}} opts @param {string} notice
 */
export function issueCommand(state, opts, notice) {
  const identity = identityOf(state);
  /** @type {Record<string, any>} */
  const command = { type: "issue_ticket", service: state.service, channel: "kiosk", declared: [...state.declared] };
  if (identity) command.identity = identity;
  if (opts.face) {
    command.face = opts.face;
    command.face_consent = notice || "";
  } else if (opts.consent) {
    command.face_consent = opts.consent;
  }
  return command;
}

/** Where an error of issue_ticket sends the patient. @param {string} code @returns {"duplicate"|"identify"|"priority"} */
export function afterIssueError(code) {
  if (code === "duplicate_ticket" || code === "duplicate_face") return "duplicate";
  if (IDENTITY_ERRORS.includes(code)) return "identify";
  return "priority";
}

/** The wait shown and printed, in whole minutes (at least 1), or null. @param {number|null} minutes */
export const waitMinutes = (minutes) => (minutes === null ? null : Math.max(1, Math.round(minutes)));

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

/** The date on the printed ticket, dd/mm/yyyy from the board's yyyy-mm-dd. @param {string} day */
export const printedDay = (day) => day.split("-").reverse().join("/");

// The counter page's pure side of a visit of several steps (issue 20, decision 0017): where the
// patient is now, which steps can be marked or cancelled, who is held elsewhere or comes back
// here, and the "send to…" command from the dialog's choices. No DOM: journey-views.js draws,
// journey-effects.js asks and sends.
import { waitsFor as stepsWaitedFor } from "../shared/steps.js";

/**
 * @typedef {import("../shared/steps.js").StepView} StepView
 * @typedef {{kind: "here"|"at"|"queue"|"results"|"parked"|"missed"|"over", counter?: number|null,
 *   service?: string, step?: StepView|null}} Where
 *   here: at this counter now; at: called or served at another counter; queue: waiting in a
 *   step's queue (service, and counter when a room was given); results: every step left waits
 *   for results; parked, missed: held or no-show at counter
 * @typedef {{label: string, kind: "held"|"back"|"after", where: Where, reason: string, waits?: StepView[]}} Elsewhere
 *   held: waiting for a step here, but at another place now; back: comes back here once the
 *   results are in; after: comes here once the steps before it are done (sent on in order: the
 *   pharmacy after the cashier), `waits` those steps
 * @typedef {{steps: {service: string, counter: number}[], in_order: boolean, come_back: boolean, reason: string}} SendChoice
 *   in_order: one after another in the order ticked (else all at the same time)
 */

export const MAX_SEND = 5; // steps in one send_on (server/domain/commands.py)
export const MAX_REASON = 200;

/** The usual reasons for coming back, Vietnamese first (the reason is the doctor's words, kept as typed). */
export const BACK_REASONS = /** @type {[string, string][]} */ ([
  ["Xem kết quả xét nghiệm", "See the lab results"],
  ["Xem kết quả chẩn đoán hình ảnh", "See the imaging results"],
  ["Xem kết quả và kê đơn", "See the results and prescribe"],
  ["Khám lại sau thủ thuật", "Check after the procedure"],
]);

const find = (steps, id) => (steps || []).find((s) => s.id === id) || null;

/**
 * Where the patient of a ticket is now, seen from `counter`.
 * @param {any} ticket a board ticket @param {number} counter @returns {Where}
 */
export function whereNow(ticket, counter) {
  const st = ticket.status;
  if (st === "called" || st === "serving") return { kind: ticket.counter === counter ? "here" : "at", counter: ticket.counter };
  if (st === "parked" || st === "missed") return { kind: st, counter: ticket.counter ?? null };
  if (st !== "waiting") return { kind: "over" };
  const s = find(ticket.steps, ticket.step);
  if (s && s.status === "pending") return { kind: "results", step: s };
  return { kind: "queue", service: s ? s.service : ticket.service, counter: s ? s.counter : ticket.target_counter ?? null, step: s };
}

/** A visit's steps to show: none for a visit of one queue. @param {any} ticket @returns {StepView[]} */
export const visitSteps = (ticket) => (ticket?.steps?.length ? ticket.steps : []);

/** Whether the step is over (done or cancelled). @param {StepView} s */
export const ended = (s) => s.status === "done" || s.status === "cancelled";

/**
 * What staff may do with a step: mark its result in (a test done, a result awaited) or cancel
 * it; only where the server says this counter may (`may_end`: a counter that performs it, the
 * room that sent the patient there, an admin; server/domain/journey.py may_end_step), never the
 * step the patient is at, never one that has ended, and a return is cancelled, not marked.
 * @param {StepView} s @returns {("complete"|"cancel")[]}
 */
export function stepActions(s) {
  if (!s.may_end || ended(s) || s.status === "active") return [];
  if (s.status === "served") return ["complete", "cancel"];
  if (s.returning || s.status === "pending") return ["cancel"];
  return ["complete", "cancel"];
}

/** The commands of a step action. @param {string} label @param {StepView} s @param {"complete"|"cancel"} action @param {string} [reason] */
export function stepCommand(label, s, action, reason = "") {
  if (action === "complete") return { type: "complete_step", label, step: s.id };
  return { type: "cancel_step", label, step: s.id, reason: reason.trim().slice(0, MAX_REASON) };
}

/**
 * The return this ticket is called for here, when it is one: the step (with the doctor's reason).
 * @param {any} ticket @returns {StepView|null}
 */
export function returning(ticket) {
  const s = find(ticket?.steps, ticket?.step);
  return s && s.returning ? s : null;
}

/**
 * Whether an event sends this counter a visit its board does not hold (the page connected when
 * the patient was another counter's): the page then asks for its snapshot again.
 * @param {{tickets: Map<number, any>}} board @param {any} e an event @param {any} counterConfig @param {number} counter
 */
export function arrivesHere(board, e, counterConfig, counter) {
  if (e.type !== "steps_added" || board.tickets.has(e.ticket)) return false;
  const services = new Set((counterConfig?.services || []).map((s) => s.code));
  return e.steps.some((s) => services.has(s.service) && (s.counter == null || s.counter === counter));
}

/**
 * Whether an event changes who may end the steps of a visit this board holds (steps added, the
 * visit sent to another queue): the new or moved steps carry no `may_end` until the page asks
 * for its snapshot again, which the server writes with its own rule.
 * @param {{tickets: Map<number, any>}} board @param {any} e an event
 */
export function mayEndChanges(board, e) {
  const held = board.tickets.get(e.ticket);
  if (!held) return false;
  return e.type === "steps_added" || (e.type === "ticket_transferred" && visitSteps(held).length > 0);
}

/** The step a counter serving `services` may call the ticket for (steps.py open_here). */
function stepHere(ticket, services, counter, statuses) {
  return visitSteps(ticket).find((s) => statuses.includes(s.status) && services.has(s.service) && (s.counter == null || s.counter === counter)) || null;
}

/**
 * Whether a waiting ticket in this counter's list comes back to it (a return, with its reason).
 * @param {any} ticket @param {any} counterConfig @param {number} counter @returns {StepView|null}
 */
export function returnInList(ticket, counterConfig, counter) {
  const services = new Set((counterConfig?.services || []).map((s) => s.code));
  const s = ticket ? stepHere(ticket, services, counter, ["open"]) : null;
  return s && s.returning ? s : null;
}

/**
 * The patients of this counter who are elsewhere now: held (a step here is open, but they are
 * at another counter, on hold or missed there) and coming back (a return here waits for
 * results), in the board's order.
 * @param {Iterable<any>} tickets @param {any} counterConfig @param {number} counter @returns {Elsewhere[]}
 */
export function elsewhere(tickets, counterConfig, counter) {
  const services = new Set((counterConfig?.services || []).map((s) => s.code));
  /** @type {Elsewhere[]} */
  const out = [];
  for (const t of tickets) {
    if (!visitSteps(t).length) continue;
    const where = whereNow(t, counter);
    if (where.kind === "here" || where.kind === "over") continue;
    const open = stepHere(t, services, counter, ["open"]);
    if (open && t.status !== "waiting") { out.push({ label: t.label, kind: "held", where, reason: open.reason }); continue; }
    const back = visitSteps(t).find((s) => s.status === "pending" && s.returning && s.counter === counter);
    if (back) { out.push({ label: t.label, kind: "back", where, reason: back.reason }); continue; }
    const later = stepHere(t, services, counter, ["pending"]);
    if (later && !later.returning) out.push({ label: t.label, kind: "after", where, reason: "", waits: waitsFor(t, later) });
  }
  return out;
}

/**
 * The steps a pending step still waits for (sent on in order: the ones before it not yet
 * ended; none left: every one it waited for). @param {any} ticket @param {StepView} s @returns {StepView[]}
 */
export function waitsFor(ticket, s) {
  return stepsWaitedFor(visitSteps(ticket), s);
}

/** Whether a step waits for steps before it that are not results (sent on in order), not a return. @param {StepView} s */
export const waitsInOrder = (s) => s.status === "pending" && !s.returning && s.after.length > 0;

/**
 * The services a patient can be sent on to from here: every service but the one they are
 * served for now (coming back to it is "come back here"), each with the counters serving it
 * (a choice of a room only when there are several).
 * @param {any} config @param {string|null} current @returns {{code: string, name: string, name_en: string, rooms: any[]}[]}
 */
export function sendTargets(config, current) {
  return (config?.services || []).filter((s) => s.code !== current).map((s) => {
    const rooms = config.counters.filter((c) => c.services.some((x) => x.code === s.code));
    return { code: s.code, name: s.name, name_en: s.name_en, rooms: rooms.length > 1 ? rooms : [] };
  }).filter((s) => config.counters.some((c) => c.services.some((x) => x.code === s.code)));
}

/**
 * The send_on command from the dialog's choices, or the text key of what is wrong with them.
 * @param {SendChoice} choice @returns {{command: Record<string, any>}|{error: string}}
 */
export function sendOnCommand(choice) {
  if (!choice.steps.length) return { error: "send.none" };
  if (choice.steps.length > MAX_SEND) return { error: "send.too_many" };
  const reason = choice.come_back ? choice.reason.trim().slice(0, MAX_REASON) : "";
  const steps = choice.steps.map((s) => ({ service: s.service, counter: s.counter || 0 }));
  return { command: { type: "send_on", steps, in_order: choice.in_order && steps.length > 1, come_back: choice.come_back, reason } };
}

/**
 * The order services were ticked in: `code` added at the end when ticked, taken out when not.
 * @param {string[]} order @param {string} code @param {boolean} checked @returns {string[]}
 */
export function tickOrder(order, code, checked) {
  const rest = order.filter((c) => c !== code);
  return checked ? [...rest, code] : rest;
}

/**
 * The dialog's form read into a choice: the ticked services (in the list's order; one after
 * another: in the order they were ticked, the form's `order`), the room chosen for each (""
 * or absent: any), come back and its reason.
 * @param {{getAll: (name: string) => any[], get: (name: string) => any}} data a FormData
 * @returns {SendChoice}
 */
export function readSendForm(data) {
  const ticked = data.getAll("step").map(String);
  const in_order = data.get("in_order") === "yes";
  const order = String(data.get("order") || "").split(",").filter((c) => ticked.includes(c));
  const codes = in_order ? [...order, ...ticked.filter((c) => !order.includes(c))] : ticked;
  const steps = codes.map((service) => ({ service, counter: Number(data.get(`room-${service}`) || 0) }));
  return { steps, in_order, come_back: data.get("come_back") === "on", reason: String(data.get("reason") || "") };
}

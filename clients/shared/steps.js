// A visit's steps on a staff board (issue 20, decision 0017): the events folded into a ticket's
// `steps` and `step` as server/domain/visit_fold.py folds them, with the same rules
// (server/domain/steps.py): a step is pending (waits for others: a return), open (in its
// queue), active (the patient is at its counter), served (its result awaited), done or
// cancelled. Pure: each function takes a ticket of the board ({status, service, target_counter,
// steps, step}) and returns a new one; board.js applies them.

/** @typedef {{id: number, service: string, counter: number|null, status: string, after: number[],
 *   returning: boolean, reason: string, order: string, ready_at: number|null, served_by: number|null,
 *   needs_result?: boolean, may_end?: boolean}} StepView
 *   may_end: the staff view's word that this counter may mark its result in or cancel it (absent
 *   on steps folded from events until the next snapshot) */

export const LIVE = Object.freeze(["pending", "open", "active", "served"]);
const ENDED = ["done", "cancelled"];

/**
 * The steps `s` still waits for (sent on in order, or a return: those not yet ended; none left:
 * every one it waited for), for the counter's and the phone's "after …" lines.
 * @template {{id: number, status: string}} T @param {T[]} steps @param {{after: number[]}} s @returns {T[]}
 */
export function waitsFor(steps, s) {
  const before = steps.filter((x) => s.after.includes(x.id));
  const left = before.filter((x) => !ENDED.includes(x.status));
  return left.length ? left : before;
}

/** @param {StepView[]} steps @param {number} id */
export const find = (steps, id) => steps.find((s) => s.id === id) || null;

/** Every step it waits for has ended (a cancelled test does not hold a return back). @param {StepView[]} steps @param {StepView} s */
const ready = (steps, s) => steps.every((x) => !s.after.includes(x.id) || ENDED.includes(x.status));

/** @param {StepView[]} steps @param {number} at */
function openReady(steps, at) {
  for (const s of steps) if (s.status === "pending" && ready(steps, s)) Object.assign(s, { status: "open", ready_at: at });
}

/** @param {StepView[]} steps @param {number} id */
const awaited = (steps, id) => steps.some((s) => LIVE.includes(s.status) && s.after.includes(id));

/** @param {StepView[]} steps @param {StepView} s @param {string} status @param {number} at */
function end(steps, s, status, at) {
  s.status = status;
  for (const x of steps) if (x.status === "served" && !awaited(steps, x.id)) x.status = "done";
  openReady(steps, at);
}

/** The step a waiting visit is at: its first open step, else its first pending one. @param {StepView[]} steps */
export const nextCurrent = (steps) => steps.find((s) => s.status === "open") || steps.find((s) => s.status === "pending") || null;

/** An HIS order's step is done when its result comes (the staff view names its order). @param {StepView} s */
const needsResult = (s) => Boolean(s.needs_result ?? s.order);

const copy = (t) => ({ ...t, steps: (t.steps || []).map((s) => ({ ...s, after: [...s.after] })) });

/** The ticket pointed at step s (its service and room are the step's). */
const pointAt = (t, s) => Object.assign(t, { step: s.id, service: s.service, target_counter: s.counter });

/**
 * Steps added (`steps_added`): the ticket's own queue becomes step 0 when it had none.
 * @param {any} ticket @param {{steps: any[], hold?: number[], from_counter?: number|null}} e @param {number} at
 */
export function stepsAdded(ticket, e, at) {
  const t = copy(ticket);
  if (!t.steps.length) {
    t.steps.push({ id: 0, service: t.service, counter: t.target_counter ?? null, status: t.status === "waiting" ? "open" : "active",
      after: [], returning: false, reason: "", order: "", ready_at: t.issued_at ?? null, served_by: null });
  }
  for (const n of e.steps) {
    t.steps.push({ id: n.id, service: n.service, counter: n.counter ?? null, status: "pending", after: [...(n.after || [])],
      returning: Boolean(n.returning), reason: n.reason || "", order: n.order || "", ready_at: null, served_by: null,
      needs_result: Boolean(n.needs_result) });
  }
  for (const id of e.hold || []) {
    const h = find(t.steps, id);
    if (h) h.after.push(...e.steps.map((n) => n.id));
  }
  openReady(t.steps, at);
  if (t.status === "waiting" && find(t.steps, t.step)?.status !== "open") {
    const next = nextCurrent(t.steps); // it waited for results only: a new step is where to go now
    if (next) pointAt(t, next);
  }
  return t;
}

/** Called for a step (`ticket_called`, `ticket_unparked`): that step is active. @param {any} ticket @param {number|null|undefined} step */
export function stepCalled(ticket, step) {
  if (!ticket.steps?.length) return ticket;
  const t = copy(ticket);
  const s = find(t.steps, step ?? t.step);
  if (s) pointAt(t, Object.assign(s, { status: "active" }));
  return t;
}

/**
 * The patient served at `counter` and the visit goes on (`service_finished` with visit_open):
 * the step ends (or waits for its result), the next one is current, the ticket waits.
 * @param {any} ticket @param {number} counter @param {number} at
 */
export function stepServed(ticket, counter, at) {
  const t = copy(ticket);
  const s = find(t.steps, t.step);
  if (s) {
    s.served_by = counter;
    if (needsResult(s) && t.steps.some((x) => x.status === "pending" && x.after.includes(s.id))) s.status = "served";
    else end(t.steps, s, "done", at);
  }
  openReady(t.steps, at);
  const next = nextCurrent(t.steps);
  if (next) pointAt(t, next);
  return Object.assign(t, { status: "waiting", counter: null });
}

/**
 * A step's result came or it was cancelled (`step_completed`, `step_cancelled`); a waiting
 * visit moves to its next step, and ends when none is left: "done", or "cancelled" when every
 * step of it was cancelled (nobody saw the patient).
 * @param {any} ticket @param {number} step @param {boolean} done @param {number} at
 */
export function stepEnded(ticket, step, done, at) {
  const t = copy(ticket);
  const s = find(t.steps, step);
  if (!s) return t;
  end(t.steps, s, done ? "done" : "cancelled", at);
  if (t.status !== "waiting") return t;
  if (find(t.steps, t.step)?.status !== "open") {
    const next = nextCurrent(t.steps);
    if (!next) return Object.assign(t, { status: t.steps.some((x) => x.status === "done") ? "done" : "cancelled" });
    pointAt(t, next);
  }
  return t;
}

/**
 * The ticket's current place written back into its step (a transfer). A pending step (a return
 * awaiting results, moved to another room) stays pending. @param {any} ticket
 */
export function stepSynced(ticket) {
  if (!ticket.steps?.length) return ticket;
  const t = copy(ticket);
  const s = find(t.steps, t.step);
  const status = s?.status === "pending" ? "pending" : t.status === "waiting" ? "open" : "active";
  if (s) Object.assign(s, { service: t.service, counter: t.target_counter ?? null, status });
  return t;
}

/** A missed patient waits again (`ticket_reactivated`): their step keeps its room (a return's). @param {any} ticket */
export function stepReactivated(ticket) {
  const s = ticket.steps?.length ? find(ticket.steps, ticket.step) : null;
  return stepSynced(s ? { ...ticket, target_counter: s.counter } : ticket);
}

// A visit of several steps (issue 20) as the phone shows it, pure: where each step stands for the
// patient (done, here now, in its queue, its place kept while they are elsewhere, its results
// awaited, still to come), where the patient must go now, and the counters of each step (their
// names and locations come from the configuration, views.js). No DOM: plain data in and out.

/**
 * A step as the server sends it to a phone (server/visit_view.py).
 * @typedef {{id: number, service: string, counter: number|null, status: string, after: number[],
 *   returning: boolean, served_by: number|null, counters?: number[], ahead?: number,
 *   wait_minutes?: number|null, open_counters?: number, call_at?: number|null,
 *   call_from?: number|null, call_to?: number|null}} Step
 * @typedef {"done"|"cancelled"|"here"|"queue"|"held"|"results"|"later"} StepState
 */

/**
 * Where a step stands for the patient: `here` (called, served, parked or missed there now),
 * `queue` (waiting in its queue), `held` (its place kept while the patient is at another step),
 * `results` (served, its results awaited), `later` (waits for other steps), or ended.
 * @param {{status: string}} ticket @param {Step} step @returns {StepState}
 */
export function stepState(ticket, step) {
  switch (step.status) {
    case "active": return "here";
    case "open": return ticket.status === "waiting" ? "queue" : "held";
    case "served": return "results";
    case "pending": return "later";
    case "done": return "done";
    default: return "cancelled";
  }
}

/** The visit's steps of a ticket ([] for a visit of one queue). @param {{status?: string, steps?: Step[]}} ticket */
export function stepsOf(ticket) {
  return Array.isArray(ticket.steps) ? ticket.steps : [];
}

/** The steps where the patient must go now: the one they are at, else the queues they wait in.
 * @param {{status: string, steps?: Step[]}} ticket */
export function goNow(ticket) {
  const steps = stepsOf(ticket);
  const here = steps.filter((s) => stepState(ticket, s) === "here");
  return here.length ? here : steps.filter((s) => stepState(ticket, s) === "queue");
}

/** Whether the visit waits on results and has nowhere to go meanwhile. @param {{status: string, steps?: Step[]}} ticket */
export function awaitingResults(ticket) {
  const steps = stepsOf(ticket);
  return ticket.status === "waiting" && !goNow(ticket).length && steps.some((s) => s.status === "served" || s.status === "pending");
}

/** The counters a step is (or was) at: the one that served it, the room it must be, or every
 * counter serving it. @param {Step} step @returns {number[]} */
export function stepCounters(step) {
  if (step.served_by !== null && step.served_by !== undefined && (step.status === "done" || step.status === "served")) return [step.served_by];
  if (step.counter !== null && step.counter !== undefined) return [step.counter];
  return step.counters ?? [];
}

/** The steps a pending step still waits for (clients/shared/steps.js). */
export { waitsFor } from "../shared/steps.js";

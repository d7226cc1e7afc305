// A visit's steps on a staff board (clients/shared/steps.js through clients/shared/board.js):
// the events of server/domain/journey.py folded as server/domain/visit_fold.py folds them.
import test from "node:test";
import assert from "node:assert/strict";
import { Board } from "../../clients/shared/board.js";
import { stepsAdded, stepServed, stepEnded, stepCalled } from "../../clients/shared/steps.js";
import { freeze } from "./freeze.js";

const config = {
  counters: [4, 9, 10].map((number) => ({ number, zone: "z", online: false })),
  services: [{ code: "N" }, { code: "X" }, { code: "H" }],
};
const counter = (number) => ({
  number, status: "open", zone: "z", online: false, pause_reason: "", current: null, current_service: null,
  current_status: null, served: 0, staff: "", parked: [],
});

function staffBoard() {
  const b = new Board();
  b.snapshot({ seq: 1, view: { config, day: "2026-12-07", open_now: true, counters: [4, 9, 10].map(counter), waiting: {}, last_calls: [], tickets: [] } });
  return b;
}
let seq = 1;
const ev = (event) => ({ type: "event", seq: ++seq, at: 100 + seq, event });
const statuses = (b) => Object.fromEntries(b.ticketByLabel("N001").steps.map((s) => [s.id, s.status]));

/** Room 4 sends N001 to the lab and imaging, and back to itself (the events send_on makes). */
function sentOn() {
  const b = staffBoard();
  b.apply(ev({ type: "ticket_issued", ticket: 1, label: "N001", service: "N", priority: [], identity: null }));
  b.apply(ev({ type: "ticket_called", ticket: 1, label: "N001", service: "N", counter: 4, rule: "arrival_order", reason_vi: "", reason_en: "" }));
  b.apply(ev({ type: "steps_added", ticket: 1, label: "N001", from_counter: 4, hold: [], steps: [
    { id: 1, service: "X", counter: null, after: [], returning: false, reason: "", order: "", needs_result: false },
    { id: 2, service: "H", counter: null, after: [], returning: false, reason: "", order: "", needs_result: false },
    { id: 3, service: "N", counter: 4, after: [1, 2], returning: true, reason: "Xem kết quả xét nghiệm", order: "", needs_result: false },
  ] }));
  b.apply(ev({ type: "service_finished", ticket: 1, label: "N001", counter: 4, visit_open: true }));
  return b;
}

test("sent on with a return: step 0 done, lab and imaging open, the return pending; the ticket waits at the lab", () => {
  const b = sentOn();
  const t = b.ticketByLabel("N001");
  assert.deepEqual(statuses(b), { 0: "done", 1: "open", 2: "open", 3: "pending" });
  assert.equal(t.steps[0].served_by, 4);
  assert.deepEqual([t.status, t.step, t.service, t.counter], ["waiting", 1, "X", null]);
  assert.equal(b.counters.get(4)?.current, null, "the room is free");
});

test("called at the lab: that step active, imaging still open (held); done at both, the return opens at room 4", () => {
  const b = sentOn();
  b.apply(ev({ type: "ticket_called", ticket: 1, label: "N001", service: "X", counter: 9, step: 1, rule: "arrival_order", reason_vi: "", reason_en: "" }));
  assert.deepEqual(statuses(b), { 0: "done", 1: "active", 2: "open", 3: "pending" });
  assert.equal(b.ticketByLabel("N001").status, "called");
  b.apply(ev({ type: "service_finished", ticket: 1, label: "N001", counter: 9, visit_open: true }));
  assert.deepEqual(statuses(b), { 0: "done", 1: "done", 2: "open", 3: "pending" });
  assert.equal(b.ticketByLabel("N001").step, 2);
  b.apply(ev({ type: "ticket_called", ticket: 1, label: "N001", service: "H", counter: 10, step: 2, rule: "arrival_order", reason_vi: "", reason_en: "" }));
  b.apply(ev({ type: "service_finished", ticket: 1, label: "N001", counter: 10, visit_open: true }));
  assert.deepEqual(statuses(b), { 0: "done", 1: "done", 2: "done", 3: "open" });
  const t = b.ticketByLabel("N001");
  assert.deepEqual([t.status, t.step, t.service, t.target_counter], ["waiting", 3, "N", 4]);
  b.apply(ev({ type: "ticket_called", ticket: 1, label: "N001", service: "N", counter: 4, step: 3, returning: true, rule: "return_turn", reason_vi: "r", reason_en: "r" }));
  assert.equal(statuses(b)[3], "active");
  b.apply(ev({ type: "service_finished", ticket: 1, label: "N001", counter: 4, visit_open: false }));
  assert.equal(b.ticketByLabel("N001"), null, "the visit is over");
});

test("a test cancelled does not hold the return back; the last step cancelled ends a waiting visit", () => {
  const b = sentOn();
  b.apply(ev({ type: "step_cancelled", ticket: 1, label: "N001", step: 2, reason: "" }));
  assert.deepEqual(statuses(b), { 0: "done", 1: "open", 2: "cancelled", 3: "pending" });
  b.apply(ev({ type: "step_completed", ticket: 1, label: "N001", step: 1 }));
  assert.deepEqual(statuses(b), { 0: "done", 1: "done", 2: "cancelled", 3: "open" });
  assert.equal(b.ticketByLabel("N001").step, 3, "the waiting visit moves to its return");
  b.apply(ev({ type: "step_cancelled", ticket: 1, label: "N001", step: 3, reason: "" }));
  assert.equal(b.ticketByLabel("N001"), null);
});

test("an HIS order's step waits for its result once served; the result opens the return", () => {
  const t0 = freeze({ label: "N002", status: "called", service: "N", target_counter: null, counter: 4, steps: [], step: 0, issued_at: 1 });
  const added = stepsAdded(t0, { steps: [
    { id: 1, service: "X", counter: null, order: "SR-1", needs_result: true },
    { id: 2, service: "N", counter: 4, after: [1], returning: true },
  ] }, 5);
  assert.deepEqual(added.steps.map((s) => s.status), ["active", "open", "pending"]);
  const atLab = stepCalled(freeze(stepServed(freeze(added), 4, 6)), 1);
  assert.equal(atLab.steps[1].status, "active");
  const served = stepServed(freeze(atLab), 9, 7);
  assert.deepEqual(served.steps.map((s) => s.status), ["done", "served", "pending"], "the result is awaited");
  assert.equal(served.step, 2);
  const result = stepEnded(freeze(served), 1, true, 8);
  assert.deepEqual(result.steps.map((s) => s.status), ["done", "done", "open"]);
});

test("a return held for new steps waits for them too", () => {
  const b = sentOn();
  b.apply(ev({ type: "steps_added", ticket: 1, label: "N001", hold: [3], steps: [{ id: 4, service: "TN", counter: null }] }));
  b.apply(ev({ type: "step_completed", ticket: 1, label: "N001", step: 1 }));
  b.apply(ev({ type: "step_completed", ticket: 1, label: "N001", step: 2 }));
  assert.deepEqual(statuses(b), { 0: "done", 1: "done", 2: "done", 3: "pending", 4: "open" });
});

test("a returning patient missed and reactivated still returns to room 4, not any room", () => {
  const b = sentOn();
  b.apply(ev({ type: "step_completed", ticket: 1, label: "N001", step: 1 }));
  b.apply(ev({ type: "step_completed", ticket: 1, label: "N001", step: 2 }));
  b.apply(ev({ type: "ticket_called", ticket: 1, label: "N001", service: "N", counter: 4, step: 3, returning: true, rule: "return_turn", reason_vi: "r", reason_en: "r" }));
  b.apply(ev({ type: "ticket_missed", ticket: 1, label: "N001", counter: 4, reason: "no_show" }));
  b.apply(ev({ type: "ticket_reactivated", ticket: 1, label: "N001", position: "back" }));
  const t = b.ticketByLabel("N001");
  assert.deepEqual([t.status, t.target_counter, t.steps[3].status, t.steps[3].counter], ["waiting", 4, "open", 4]);
});

test("a return awaiting results, moved to another room, stays pending there", () => {
  const b = sentOn();
  b.apply(ev({ type: "steps_added", ticket: 1, label: "N001", hold: [3], steps: [{ id: 4, service: "TN", counter: null, order: "SR-9", needs_result: true }] }));
  b.apply(ev({ type: "step_cancelled", ticket: 1, label: "N001", step: 1, reason: "" }));
  b.apply(ev({ type: "step_cancelled", ticket: 1, label: "N001", step: 2, reason: "" }));
  b.apply(ev({ type: "ticket_called", ticket: 1, label: "N001", service: "TN", counter: 9, step: 4, rule: "arrival_order", reason_vi: "", reason_en: "" }));
  b.apply(ev({ type: "service_finished", ticket: 1, label: "N001", counter: 9, visit_open: true }));
  assert.deepEqual(statuses(b), { 0: "done", 1: "cancelled", 2: "cancelled", 3: "pending", 4: "served" });
  b.apply(ev({ type: "ticket_transferred", ticket: 1, label: "N001", from_counter: null, to_service: "N", to_counter: 10, position: "back", reason: "" }));
  const t = b.ticketByLabel("N001");
  assert.deepEqual([t.steps[3].status, t.steps[3].counter], ["pending", 10], "moved, still awaiting the result");
});

test("an order for a patient waiting for results only is where they go now", () => {
  const t0 = freeze({ label: "N002", status: "waiting", service: "N", target_counter: 4, counter: null, step: 2, issued_at: 1, steps: [
    { id: 0, service: "N", counter: null, status: "done", after: [], returning: false, reason: "", order: "", ready_at: 1, served_by: 4 },
    { id: 1, service: "X", counter: null, status: "served", after: [], returning: false, reason: "", order: "SR-1", ready_at: 2, served_by: 9, needs_result: true },
    { id: 2, service: "N", counter: 4, status: "pending", after: [1], returning: true, reason: "", order: "", ready_at: null, served_by: null },
  ] });
  const t = stepsAdded(t0, { steps: [{ id: 3, service: "H", counter: null, order: "SR-2", needs_result: true }] }, 9);
  assert.deepEqual([t.step, t.service, t.target_counter, t.steps[3].status], [3, "H", null, "open"]);
});

// The counter page's pure side of a visit of several steps (clients/counter/journey.js): where the
// patient is, what staff may do with a step, who is elsewhere, and the "send to…" command.
import test from "node:test";
import assert from "node:assert/strict";
import { freeze } from "./freeze.js";
import {
  whereNow, arrivesHere, mayEndChanges, stepActions, stepCommand, returning, returnInList, elsewhere, sendTargets, sendOnCommand, readSendForm, MAX_SEND,
  tickOrder, waitsFor, waitsInOrder,
} from "../../clients/counter/journey.js";

const step = (id, service, status, extra = {}) => ({
  id, service, counter: null, status, after: [], returning: false, reason: "", order: "", ready_at: null, served_by: null, ...extra,
});
/** N001 sent from room 4 to the lab and imaging, coming back to room 4 for its results. */
const visit = (status, current, lab, imaging, back, extra = {}) => freeze({
  label: "N001", status, step: current, service: ["N", "X", "H", "N"][current], counter: null, target_counter: null,
  steps: [step(0, "N", "done", { served_by: 4 }), step(1, "X", lab), step(2, "H", imaging),
    step(3, "N", back, { counter: 4, after: [1, 2], returning: true, reason: "Xem kết quả xét nghiệm" })],
  ...extra,
});
const LAB = { number: 9, services: [{ code: "X" }] };
const IMAGING = { number: 10, services: [{ code: "H" }] };
const ROOM = { number: 4, services: [{ code: "N" }] };

test("where the patient is now: here, at another counter, in a queue, waiting for results, on hold", () => {
  assert.deepEqual(whereNow(visit("called", 1, "active", "open", "pending", { counter: 9 }), 9), { kind: "here", counter: 9 });
  assert.deepEqual(whereNow(visit("serving", 1, "active", "open", "pending", { counter: 9 }), 10), { kind: "at", counter: 9 });
  const waiting = whereNow(visit("waiting", 2, "done", "open", "pending"), 4);
  assert.equal(waiting.kind, "queue");
  assert.equal(waiting.service, "H");
  assert.equal(whereNow(visit("waiting", 3, "done", "done", "pending"), 4).kind, "results");
  assert.deepEqual(whereNow(visit("parked", 1, "active", "open", "pending", { counter: 9 }), 4), { kind: "parked", counter: 9 });
  assert.equal(whereNow({ status: "waiting", service: "A", target_counter: null, steps: [], step: 0 }, 1).kind, "queue");
  assert.equal(whereNow({ status: "done" }, 1).kind, "over");
});

test("a step's buttons: never the step the patient is at or one ended; a return is cancelled, not marked", () => {
  const may = (id, service, status, extra = {}) => step(id, service, status, { may_end: true, ...extra });
  assert.deepEqual(stepActions(may(1, "X", "active")), []);
  assert.deepEqual(stepActions(may(1, "X", "done")), []);
  assert.deepEqual(stepActions(may(1, "X", "cancelled")), []);
  assert.deepEqual(stepActions(may(1, "X", "open")), ["complete", "cancel"]);
  assert.deepEqual(stepActions(may(1, "X", "served")), ["complete", "cancel"]);
  assert.deepEqual(stepActions(may(3, "N", "pending", { returning: true })), ["cancel"]);
  assert.deepEqual(stepActions(may(3, "N", "open", { returning: true })), ["cancel"]);
  assert.deepEqual(stepCommand("N001", step(1, "X", "open"), "complete"), { type: "complete_step", label: "N001", step: 1 });
  assert.deepEqual(stepCommand("N001", step(2, "H", "open"), "cancel", "  máy hỏng  "), { type: "cancel_step", label: "N001", step: 2, reason: "máy hỏng" });
  assert.equal(stepCommand("N001", step(2, "H", "open"), "cancel", "x".repeat(300)).reason.length, 200, "bounded as the server bounds it");
});

test("a step's buttons only where the server's view says this counter may end it (may_end)", () => {
  for (const status of ["open", "served", "pending"]) {
    assert.deepEqual(stepActions(step(1, "X", status, { may_end: false })), [], `${status}: another counter's step`);
    assert.deepEqual(stepActions(step(1, "X", status)), [], `${status}: folded from an event, not yet judged`);
  }
  assert.deepEqual(stepActions(step(3, "N", "pending", { returning: true, may_end: false })), []);
});

test("the page asks for its snapshot again when a visit it holds gets steps or is sent elsewhere", () => {
  const board = { tickets: new Map(/** @type {[number, any][]} */ ([[7, visit("waiting", 2, "done", "open", "pending")], [8, { label: "A001", steps: [] }]])) };
  assert.equal(mayEndChanges(board, { type: "steps_added", ticket: 7, steps: [] }), true);
  assert.equal(mayEndChanges(board, { type: "steps_added", ticket: 8, steps: [] }), true, "its first steps");
  assert.equal(mayEndChanges(board, { type: "ticket_transferred", ticket: 7 }), true, "a step moved to another queue");
  assert.equal(mayEndChanges(board, { type: "ticket_transferred", ticket: 8 }), false, "a visit of one queue has no step buttons");
  assert.equal(mayEndChanges(board, { type: "steps_added", ticket: 9, steps: [] }), false, "not held: arrivesHere decides");
  assert.equal(mayEndChanges(board, { type: "step_completed", ticket: 7, step: 1 }), false, "the board folds it");
});

test("a returning patient: the step with the doctor's reason, on the current ticket and in the room's list only", () => {
  const back = visit("waiting", 3, "done", "done", "open");
  assert.equal(returning(visit("called", 3, "done", "done", "active", { counter: 4 }))?.reason, "Xem kết quả xét nghiệm");
  assert.equal(returning(visit("called", 1, "active", "open", "pending")), null);
  assert.equal(returnInList(back, ROOM, 4)?.id, 3);
  assert.equal(returnInList(back, ROOM, 5), null, "another room serving N does not see it as its return");
  assert.equal(returnInList(visit("waiting", 1, "open", "open", "pending"), LAB, 9), null);
  assert.equal(returnInList(null, ROOM, 4), null);
});

test("elsewhere: imaging keeps the place of a patient at the lab; the room sees who comes back", () => {
  const atLab = visit("called", 1, "active", "open", "pending", { counter: 9 });
  assert.deepEqual(elsewhere([atLab], IMAGING, 10), [{ label: "N001", kind: "held", where: { kind: "at", counter: 9 }, reason: "" }]);
  assert.deepEqual(elsewhere([atLab], LAB, 9), [], "the lab has them: not elsewhere");
  const back = elsewhere([atLab], ROOM, 4);
  assert.equal(back.length, 1);
  assert.equal(back[0].kind, "back");
  assert.equal(back[0].reason, "Xem kết quả xét nghiệm");
  assert.deepEqual(elsewhere([visit("waiting", 1, "open", "open", "pending")], IMAGING, 10), [], "waiting: in the queue list, not elsewhere");
  assert.deepEqual(elsewhere([{ label: "A001", status: "called", counter: 1, steps: [] }], IMAGING, 10), [], "a visit of one queue");
  assert.deepEqual(elsewhere([visit("waiting", 3, "done", "done", "open")], ROOM, 4), [], "the return is open: in the waiting list");
});

const CONFIG = freeze({
  services: [{ code: "N", name: "Khám Nội" }, { code: "X", name: "Xét nghiệm" }, { code: "A", name: "BHYT" }, { code: "Z", name: "Không ai phục vụ" }],
  counters: [{ number: 1, services: [{ code: "A" }] }, { number: 2, services: [{ code: "A" }] }, { number: 4, services: [{ code: "N" }] }, { number: 9, services: [{ code: "X" }] }],
});

test("send to: every served service but the current one; a room to choose only when several serve it", () => {
  const targets = sendTargets(CONFIG, "N");
  assert.deepEqual(targets.map((s) => s.code), ["X", "A"]);
  assert.deepEqual(targets.find((s) => s.code === "X")?.rooms, []);
  assert.deepEqual(targets.find((s) => s.code === "A")?.rooms.map((c) => c.number), [1, 2]);
});

/** A FormData-like of the dialog. @param {Record<string, string|string[]>} fields */
const form = (fields) => ({
  getAll: (name) => [].concat(fields[name] ?? []),
  get: (name) => (Array.isArray(fields[name]) ? fields[name][0] : fields[name]) ?? null,
});

test("send to: the command from the dialog; a reason only with come back; none or too many steps refused", () => {
  const choice = readSendForm(form({ step: ["X", "A"], "room-A": "2", come_back: "on", reason: " Xem kết quả xét nghiệm " }));
  assert.deepEqual(sendOnCommand(choice), { command: { type: "send_on", steps: [{ service: "X", counter: 0 }, { service: "A", counter: 2 }], in_order: false, come_back: true, reason: "Xem kết quả xét nghiệm" } });
  const away = readSendForm(form({ step: "X", reason: "ignored" }));
  assert.deepEqual(sendOnCommand(away), { command: { type: "send_on", steps: [{ service: "X", counter: 0 }], in_order: false, come_back: false, reason: "" } });
  assert.deepEqual(sendOnCommand(readSendForm(form({ come_back: "on" }))), { error: "send.none" });
  const many = readSendForm(form({ step: ["A", "B", "C", "D", "E", "F"] }));
  assert.equal(many.steps.length, MAX_SEND + 1);
  assert.deepEqual(sendOnCommand(many), { error: "send.too_many" });
});

test("a visit sent here that the board never had asks for the snapshot again; one it has, or for elsewhere, does not", () => {
  const added = { type: "steps_added", ticket: 7, label: "N007", steps: [{ id: 1, service: "X", counter: null }, { id: 2, service: "N", counter: 4 }] };
  const empty = { tickets: new Map() };
  assert.equal(arrivesHere(empty, added, LAB, 9), true);
  assert.equal(arrivesHere(empty, added, ROOM, 4), true, "the return to this room");
  assert.equal(arrivesHere(empty, added, ROOM, 5), false, "another room of the same service");
  assert.equal(arrivesHere(empty, added, IMAGING, 10), false);
  assert.equal(arrivesHere({ tickets: new Map([[7, {}]]) }, added, LAB, 9), false, "known: the board folds it");
  assert.equal(arrivesHere(empty, { type: "ticket_called", ticket: 7 }, LAB, 9), false);
});

test("send to, one after another: the steps in the order ticked, that order kept as ticked and unticked", () => {
  let order = tickOrder([], "TN", true);
  order = tickOrder(order, "X", true);
  order = tickOrder(order, "TH", true);
  order = tickOrder(order, "X", false);
  assert.deepEqual(order, ["TN", "TH"]);
  assert.deepEqual(tickOrder(order, "TN", true), ["TH", "TN"], "ticked again: last");
  // the form lists the boxes in the page's order (TH before TN); ticked TN first, then TH
  const choice = readSendForm(form({ step: ["TH", "TN"], in_order: "yes", order: "TN,TH" }));
  assert.deepEqual(sendOnCommand(choice), { command: { type: "send_on", steps: [{ service: "TN", counter: 0 }, { service: "TH", counter: 0 }], in_order: true, come_back: false, reason: "" } });
  const together = readSendForm(form({ step: ["TH", "TN"], in_order: "no", order: "TN,TH" }));
  assert.deepEqual(together.steps.map((s) => s.service), ["TH", "TN"], "at the same time: the page's order");
  assert.equal(/** @type {any} */ (sendOnCommand(together)).command.in_order, false);
  const stale = readSendForm(form({ step: ["TH", "X"], in_order: "yes", order: "TN,X" }));
  assert.deepEqual(stale.steps.map((s) => s.service), ["X", "TH"], "only boxes still ticked; one missing from the order goes last");
  const one = /** @type {any} */ (sendOnCommand(readSendForm(form({ step: "TN", in_order: "yes", order: "TN" }))));
  assert.equal(one.command.in_order, false, "one step: no order");
});

/** N002 sent from room 4 to the cashier (11), then the pharmacy (12), then the lab, in order. */
const inOrder = (status, current, cashier, pharmacy, lab, extra = {}) => freeze({
  label: "N002", status, step: current, service: ["N", "TN", "TH", "X"][current], counter: null, target_counter: null,
  steps: [step(0, "N", "done", { served_by: 4 }), step(1, "TN", cashier), step(2, "TH", pharmacy, { after: [1] }),
    step(3, "X", lab, { after: [1, 2] })],
  ...extra,
});
const PHARMACY = { number: 12, services: [{ code: "TH" }] };

test("sent on in order: the pharmacy sees who comes after the cashier, and after what", () => {
  const atCashier = inOrder("serving", 1, "active", "pending", "pending", { counter: 11 });
  const [row] = elsewhere([atCashier], PHARMACY, 12);
  assert.deepEqual({ ...row, waits: row.waits?.map((s) => s.id) }, { label: "N002", kind: "after", where: { kind: "at", counter: 11 }, reason: "", waits: [1] });
  assert.deepEqual(elsewhere([inOrder("waiting", 2, "done", "open", "pending")], PHARMACY, 12), [], "open: in the pharmacy's queue");
  assert.equal(waitsInOrder(atCashier.steps[2]), true);
  assert.equal(waitsInOrder(visit("waiting", 1, "open", "open", "pending").steps[3]), false, "a return waits for results");
  assert.equal(waitsInOrder(atCashier.steps[1]), false);
  const paid = inOrder("waiting", 2, "done", "open", "pending");
  assert.deepEqual(waitsFor(paid, paid.steps[3]).map((s) => s.id), [2], "the ones still to come");
  const over = inOrder("waiting", 3, "done", "cancelled", "pending");
  assert.deepEqual(waitsFor(over, over.steps[3]).map((s) => s.id), [1, 2], "none left: all it waited for");
});

// The phone's pure view of a visit of several steps (clients/phone/visit.js): where each step
// stands for the patient, where to go now, a visit waiting on results, the counters of a step.
import test from "node:test";
import assert from "node:assert/strict";
import { stepState, stepsOf, goNow, awaitingResults, stepCounters, waitsFor } from "../../clients/phone/visit.js";
import { TEXTS } from "../../clients/phone/texts.js";

/** @param {Partial<import("../../clients/phone/visit.js").Step>} s @returns {import("../../clients/phone/visit.js").Step} */
const step = (s) => ({ id: 0, service: "N", counter: null, status: "open", after: [], returning: false, served_by: null, ...s });

// reception done, room 4 done, lab and imaging open, a return to room 4 pending
const SENT_TO_TESTS = [
  step({ id: 0, service: "A", status: "done", served_by: 1 }),
  step({ id: 1, service: "N", counter: 4, status: "done", served_by: 4 }),
  step({ id: 2, service: "X", counters: [9], ahead: 2, wait_minutes: 6 }),
  step({ id: 3, service: "H", counters: [10], ahead: 0, wait_minutes: 0 }),
  step({ id: 4, service: "N", counter: 4, status: "pending", after: [2, 3], returning: true, counters: [4] }),
];

test("a visit waiting at the lab and imaging: both queues to go to, the return after them", () => {
  const tk = { status: "waiting", steps: SENT_TO_TESTS };
  assert.deepEqual(SENT_TO_TESTS.map((s) => stepState(tk, s)), ["done", "done", "queue", "queue", "later"]);
  assert.deepEqual(goNow(tk).map((s) => s.id), [2, 3]);
  assert.equal(awaitingResults(tk), false);
  assert.deepEqual(waitsFor(SENT_TO_TESTS, SENT_TO_TESTS[4]).map((s) => s.service), ["X", "H"]);
});

test("a step after others names only the ones still to come, or all of them when none is left", () => {
  const labDone = SENT_TO_TESTS.map((s) => (s.id === 2 ? { ...s, status: "done" } : s));
  assert.deepEqual(waitsFor(labDone, labDone[4]).map((s) => s.service), ["H"], "the lab is done: imaging alone");
  const cancelled = labDone.map((s) => (s.id === 3 ? { ...s, status: "cancelled" } : s));
  assert.deepEqual(waitsFor(cancelled, cancelled[4]).map((s) => s.service), ["X", "H"]);
});

test("called at the lab: the lab is where to go, imaging keeps the place", () => {
  const steps = SENT_TO_TESTS.map((s) => (s.id === 2 ? { ...s, status: "active" } : s));
  const tk = { status: "called", steps };
  assert.deepEqual(steps.map((s) => stepState(tk, s)), ["done", "done", "here", "held", "later"]);
  assert.deepEqual(goNow(tk).map((s) => s.id), [2]);
});

test("tests served and their results awaited: nowhere to go, the page says it waits on results", () => {
  const steps = [
    ...SENT_TO_TESTS.slice(0, 2),
    step({ id: 2, service: "X", status: "served", served_by: 9 }),
    step({ id: 3, service: "H", status: "cancelled" }),
    SENT_TO_TESTS[4],
  ];
  const tk = { status: "waiting", steps };
  assert.deepEqual(steps.map((s) => stepState(tk, s)), ["done", "done", "results", "cancelled", "later"]);
  assert.deepEqual(goNow(tk), []);
  assert.equal(awaitingResults(tk), true);
  assert.equal(awaitingResults({ status: "done", steps }), false, "a visit over waits on nothing");
  assert.equal(awaitingResults({ status: "waiting" }), false, "a ticket of one queue");
});

test("a step's counters: the one that served it, its room, or every counter of its service", () => {
  assert.deepEqual(stepCounters(SENT_TO_TESTS[0]), [1]);
  assert.deepEqual(stepCounters(SENT_TO_TESTS[2]), [9]);
  assert.deepEqual(stepCounters(SENT_TO_TESTS[4]), [4]);
  assert.deepEqual(stepCounters(step({ service: "A", counters: [1, 2, 3] })), [1, 2, 3]);
  assert.deepEqual(stepCounters(step({ service: "A", status: "cancelled" })), []);
  assert.deepEqual(stepCounters(step({ service: "X", status: "served", served_by: 9 })), [9]);
});

test("a ticket of one queue has no steps", () => {
  assert.deepEqual(stepsOf({ status: "waiting" }), []);
  assert.deepEqual(goNow({ status: "waiting" }), []);
});

test("the visit's texts: Vietnamese with its diacritics, English second, the sound button", () => {
  assert.equal(TEXTS.vi["step.results"], "Chờ kết quả…");
  assert.equal(TEXTS.vi["sound.button"], "Bật âm thanh");
  assert.equal(TEXTS.en["sound.button"], "Turn on sound");
  for (const state of ["done", "cancelled", "here", "queue", "held", "results", "later"]) {
    assert.ok(TEXTS.vi[`step.${state}`] && TEXTS.en[`step.${state}`], state);
  }
});

// How a waiting visit ends when its last step ends elsewhere (clients/shared/steps.js), as
// server/domain/visit_fold.py folds it: done when a step of it was done, cancelled when every step of
// it was cancelled before anyone saw the patient.
import test from "node:test";
import assert from "node:assert/strict";
import { stepEnded } from "../../clients/shared/steps.js";
import { freeze } from "./freeze.js";

const step = (id, service, status) => ({ id, service, counter: null, status, after: [], returning: false, reason: "", order: "", needs_result: false });
const visit = (steps, step = 0) => ({ id: 1, label: "N001", status: "waiting", service: "N", target_counter: null, step, steps });

test("every step cancelled before the patient was seen: the visit is cancelled, not done", () => {
  let t = visit([step(0, "N", "open"), step(1, "X", "open")]);
  t = stepEnded(freeze(t), 1, false, 5);
  assert.equal(t.status, "waiting");
  t = stepEnded(freeze(t), 0, false, 6);
  assert.deepEqual([t.status, t.steps.map((s) => s.status)], ["cancelled", ["cancelled", "cancelled"]]);
});

test("the return cancelled after the tests were done: the visit is done", () => {
  const r = { ...step(2, "N", "open"), counter: 4, after: [1], returning: true };
  const t = stepEnded(freeze(visit([step(0, "N", "done"), step(1, "X", "done"), r], 2)), 2, false, 7);
  assert.equal(t.status, "done");
});

// The voice page's microphone problems (clients/voice/mic.js): a browser error name becomes a
// problem staff can act on, with a text in both languages; never a raw "NotFoundError".
import test from "node:test";
import assert from "node:assert/strict";
import { MIC_TEXTS, micProblem } from "../../clients/voice/mic.js";

test("getUserMedia's errors map to what staff can do", () => {
  assert.equal(micProblem({ name: "NotFoundError" }), "none");
  assert.equal(micProblem({ name: "OverconstrainedError" }), "none");
  assert.equal(micProblem({ name: "NotAllowedError" }), "denied");
  assert.equal(micProblem({ name: "SecurityError" }), "denied");
  assert.equal(micProblem({ name: "NotReadableError" }), "busy");
  assert.equal(micProblem({ name: "AbortError" }), "busy");
  assert.equal(micProblem({ name: "TypeError" }), "other");
  assert.equal(micProblem(null), "other");
  assert.equal(micProblem({ name: "NotFoundError" }, false), "insecure"); // http on another machine
});

test("every problem has a text in both languages, without the browser's error names", () => {
  assert.deepEqual(Object.keys(MIC_TEXTS.en).sort(), Object.keys(MIC_TEXTS.vi).sort());
  for (const problem of ["none", "denied", "busy", "insecure", "other"]) {
    for (const table of [MIC_TEXTS.vi, MIC_TEXTS.en]) {
      assert.ok(table[`mic.${problem}`], problem);
      assert.doesNotMatch(table[`mic.${problem}`], /NotFoundError|DOMException/);
    }
  }
  assert.match(MIC_TEXTS.vi["mic.none"], /Không tìm thấy micrô/);
});

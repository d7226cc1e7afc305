// The hall speaker's plan (clients/tv/speech-plan.js): a burst merged, a newer call at a counter
// replacing its unspoken older one, stale calls not spoken, the second language only when quiet,
// the chime only after a silence; and, simulated with durations measured from the espeak-ng
// packs at rate 1.25 (docs/voice.md), every call of the two benchmark loads said within 10 s,
// where the old one-at-a-time policy falls minutes behind.
import test from "node:test";
import assert from "node:assert/strict";
import { plan, simulate, delays, utteranceUrl, CHIME_AFTER_SECONDS } from "../../clients/tv/speech-plan.js";

const PLAN = { queue: "plan", languages: ["vi", "en"], second_language: "when_quiet", merge_max: 4, max_age_seconds: 30 };
const EVERY = { ...PLAN, queue: "every" };

/** A call of counter `counter` at `at` seconds. */
const call = (n, at, counter = 1 + (n % 12)) => ({ label: `A${String(n).padStart(3, "0")}`, counter, seq: n, at });

/** Seconds an utterance lasts (measured, rounded up): the chime 1.25 s; per language "Mời số"
 * 0.6 s and each call 1.9 s (a two-syllable label, "quầy", a counter, silences). The old
 * template said one call in both languages in 7.6-9.1 s: 8.4 s. */
const measured = (say) => (say.chime ? 1.25 : 0) + say.languages.length * 0.6 + say.languages.length * say.calls.length * 1.9;
const old = () => 8.4;

const burst = Array.from({ length: 10 }, (_, i) => call(i + 1, i * 1.5)); // 10 calls in 15 s
const sustained = Array.from({ length: 60 }, (_, i) => call(i + 1, i * 2)); // 1 every 2 s, 2 min

test("the old policy falls behind: the issue's numbers", () => {
  const d = delays(burst, simulate(burst, EVERY, old).utterances);
  assert.ok(Math.abs(d[1] - 6.9) < 1e-9 && Math.abs(d[2] - 13.8) < 1e-9);
  assert.ok(d[9] > 60, `the tenth call waits ${d[9]} s`);
});

/** @type {Array<[string, typeof burst]>} */
const loads = [["10 calls in 15 s", burst], ["1 call every 2 s for 2 minutes", sustained]];
for (const [name, arrivals] of loads) {
  test(`planned: every call said within 10 s (${name})`, () => {
    const { utterances, skipped } = simulate(arrivals, PLAN, measured);
    const d = delays(arrivals, utterances);
    assert.deepEqual(skipped, []);
    assert.ok(d.every((x) => x !== null && x <= 10), JSON.stringify(d));
    assert.ok(utterances.every((u) => u.calls.length <= 4));
    for (const [a, b] of utterances.slice(0, -1).map((u, i) => [u, utterances[i + 1]])) assert.ok(b.start >= a.end);
  });
}

test("one call alone is said in both languages, with the chime", () => {
  const { say, waiting } = plan([call(1, 100)], 100, PLAN, -Infinity);
  assert.deepEqual(say, { calls: [call(1, 100)], languages: ["vi", "en"], chime: true });
  assert.deepEqual(waiting, []);
});

test("a burst is merged into one sentence in the first language, the rest waits", () => {
  const calls = [1, 2, 3, 4, 5, 6].map((n) => call(n, 100));
  const { say, waiting } = plan(calls, 101, PLAN, 100.5);
  assert.deepEqual(say?.calls.map((c) => c.label), ["A001", "A002", "A003", "A004"]);
  assert.deepEqual(say?.languages, ["vi"]);
  assert.equal(say?.chime, false); // the speaker stopped half a second ago
  assert.deepEqual(waiting.map((c) => c.label), ["A005", "A006"]);
  assert.deepEqual(plan(calls.slice(0, 2), 101, { ...PLAN, second_language: "always" }, -Infinity).say?.languages, ["vi", "en"]);
  assert.equal(plan(calls, 101, { ...PLAN, merge_max: 1 }, -Infinity).say?.calls.length, 1);
});

test("the chime rings again after a silence", () => {
  assert.equal(plan([call(1, 10)], 10, PLAN, 10 - CHIME_AFTER_SECONDS).say?.chime, true);
  assert.equal(plan([call(1, 10)], 10, PLAN, 10 - CHIME_AFTER_SECONDS + 0.1).say?.chime, false);
});

test("a newer call at the same counter replaces the unspoken older one, in its turn", () => {
  const older = call(1, 100, 4);
  const other = call(2, 100.5, 5);
  const newer = call(3, 101, 4);
  const { say, skipped } = plan([older, other, newer], 102, PLAN, -Infinity);
  assert.deepEqual(say?.calls, [newer, other]);
  assert.deepEqual(skipped, [{ call: older, why: "replaced" }]);
});

test("a call older than max_age_seconds is shown, not spoken", () => {
  const stale = call(1, 100);
  const fresh = call(2, 125);
  const { say, skipped } = plan([stale, fresh], 131, PLAN, -Infinity);
  assert.deepEqual(say?.calls, [fresh]);
  assert.deepEqual(skipped, [{ call: stale, why: "stale" }]);
  const none = plan([stale], 200, PLAN, -Infinity);
  assert.equal(none.say, null);
  assert.deepEqual(none.waiting, []);
  assert.deepEqual(plan([], 0, PLAN, -Infinity), { say: null, waiting: [], skipped: [] });
});

test("the old policy: one call at a time, in full, in order, nothing dropped", () => {
  const calls = [call(1, 0, 4), call(2, 0, 4)];
  const { say, waiting, skipped } = plan(calls, 100, EVERY, 99);
  assert.deepEqual(say, { calls: [calls[0]], languages: ["vi", "en"], chime: true });
  assert.deepEqual(waiting, [calls[1]]);
  assert.deepEqual(skipped, []);
});

test("where the server composes an utterance", () => {
  const say = { calls: [call(12, 0, 3), { ...call(5, 0, 10), label: "NG005" }], languages: ["vi"], chime: false };
  assert.equal(utteranceUrl(say, PLAN), "/audio/say?calls=A012-3,NG005-10&lang=vi&chime=0");
  assert.equal(utteranceUrl({ ...say, chime: true }, EVERY), "/audio/call/A012/3");
});

test("a simulated speaker waits for the next call when the queue is empty", () => {
  const { utterances } = simulate([call(1, 0), call(2, 50)], PLAN, measured);
  assert.deepEqual(utterances.map((u) => [u.start, u.chime, u.languages.length]), [[0, true, 2], [50, true, 2]]);
  assert.deepEqual(simulate([], PLAN, measured), { utterances: [], skipped: [] });
});

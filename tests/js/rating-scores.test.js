// The rating scale (clients/rating/scores.js), shared by the rating screen and the counter's
// turned screen: five scores in order, the reasons, and a text for each in both languages.
import test from "node:test";
import assert from "node:assert/strict";
import { SCORES, REASONS, ratingTexts } from "../../clients/rating/scores.js";

test("five scores, 1 to 5, each with its own face", () => {
  assert.deepEqual(SCORES.map((s) => s.score), [1, 2, 3, 4, 5]);
  assert.equal(new Set(SCORES.map((s) => s.face)).size, 5);
});

test("the reasons are distinct wire tags", () => {
  assert.equal(new Set(REASONS).size, REASONS.length);
  for (const r of REASONS) assert.match(r, /^[a-z_]+$/);
});

test("both languages have the same keys, with a text for every score and reason", () => {
  assert.deepEqual(Object.keys(ratingTexts.en).sort(), Object.keys(ratingTexts.vi).sort());
  for (const table of [ratingTexts.vi, ratingTexts.en]) {
    for (const s of SCORES) assert.ok(table[`rate.score.${s.score}`], `rate.score.${s.score}`);
    for (const r of REASONS) assert.ok(table[`rate.reason.${r}`], `rate.reason.${r}`);
    assert.match(table["rate.question"], /\{counter\}/);
    assert.match(table["rate.counter"], /\{n\}/);
  }
});

test("the Vietnamese texts keep their diacritics", () => {
  assert.equal(ratingTexts.vi["rate.score.5"], "Rất hài lòng");
  assert.equal(ratingTexts.vi["rate.question"], "Quý khách hài lòng với {counter} như thế nào?");
  assert.equal(ratingTexts.vi["rate.thanks"], "Cảm ơn quý khách!");
});

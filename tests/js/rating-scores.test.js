// The rating scale (clients/rating/scores.js), shared by the rating screen and the counter's
// turned screen: five scores in order, the reasons, and a text for each in both languages.
import test from "node:test";
import assert from "node:assert/strict";
import { SCORES, REASONS, ratingTexts, faceSvg } from "../../clients/rating/scores.js";

test("five scores, 1 to 5, each with its own face", () => {
  assert.deepEqual(SCORES.map((s) => s.score), [1, 2, 3, 4, 5]);
  assert.equal(new Set(SCORES.map((s) => faceSvg(s.score))).size, 5);
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

test("each face is drawn as SVG, not an emoji that needs a font", () => {
  const faces = SCORES.map((s) => faceSvg(s.score));
  for (const svg of faces) {
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 64 64">.*<\/svg>$/);
    assert.doesNotMatch(svg, /[^\x20-\x7e]/); // plain ASCII: no character a font must supply
  }
  assert.equal(new Set(faces).size, 5);
  assert.match(faces[0], /#e53935/); // 1 is red, 5 green
  assert.match(faces[4], /#43a047/);
  assert.equal(faceSvg(0), faceSvg(1)); // out of range: clamped
  assert.equal(faceSvg(9), faceSvg(5));
});

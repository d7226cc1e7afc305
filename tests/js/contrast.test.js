// Text on a service colour (clients/shared/dom.js textOn): the ink with the larger WCAG contrast
// ratio wins, and every colour of the demo configuration reaches 4.5:1 with the ink chosen.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { contrast, inkOnWhite, textOn } from "../../clients/shared/dom.js";

test("the contrast ratio of WCAG 2", () => {
  assert.equal(contrast("#000000", "#ffffff"), 21);
  assert.equal(contrast("#777777", "#777777"), 1);
  assert.ok(Math.abs(contrast("#00838f", "#ffffff") - 4.52) < 0.01);
});

test("white on teal and on green, where dark ink reads worse", () => {
  assert.equal(textOn("#00838f"), "#fff"); // 4.52:1 white, 3.48:1 dark
  assert.equal(textOn("#558b2f"), "#fff"); // 4.10:1 white, 3.84:1 dark
  assert.equal(textOn("#f9a825"), "#10233f"); // amber: dark ink
  assert.equal(textOn("not a colour"), "#fff");
});

test("every demo service colour reaches 4.5:1 with its text", () => {
  const toml = readFileSync(new URL("../../config/demo.toml", import.meta.url), "utf8");
  const colours = [...toml.matchAll(/^colour = "(#[0-9a-fA-F]{6})"/gm)].map((m) => m[1]);
  assert.ok(colours.length >= 10);
  for (const c of colours) {
    const ink = textOn(c) === "#fff" ? "#ffffff" : "#10233f";
    assert.ok(contrast(c, ink) >= 4.5, `${c}: ${contrast(c, ink).toFixed(2)}:1`);
  }
});

test("the TV's numbers on white: the service colour where it reads as large text, else dark ink", () => {
  assert.equal(inkOnWhite("#00838f"), "#00838f");
  assert.equal(inkOnWhite("#f9a825"), "#10233f"); // amber on white is 1.97:1
  assert.equal(inkOnWhite("bad"), "#10233f");
  const toml = readFileSync(new URL("../../config/demo.toml", import.meta.url), "utf8");
  for (const [, c] of toml.matchAll(/^colour = "(#[0-9a-fA-F]{6})"/gm)) assert.ok(contrast(inkOnWhite(c), "#ffffff") >= 3, c);
});

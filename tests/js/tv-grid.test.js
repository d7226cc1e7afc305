// The TV's grid shape (clients/tv/grid.js): columns by how many counters, configured counts win,
// never more than 4 x 8.
import test from "node:test";
import assert from "node:assert/strict";
import { gridShape } from "../../clients/tv/grid.js";

test("automatic: one column up to 4 counters, then 2, 3 and 4", () => {
  assert.deepEqual(gridShape(0), { cols: 1, rows: 1 });
  assert.deepEqual(gridShape(4), { cols: 1, rows: 4 });
  assert.deepEqual(gridShape(5), { cols: 2, rows: 3 });
  assert.deepEqual(gridShape(10), { cols: 2, rows: 5 });
  assert.deepEqual(gridShape(11), { cols: 3, rows: 4 });
  assert.deepEqual(gridShape(18), { cols: 3, rows: 6 });
  assert.deepEqual(gridShape(19), { cols: 4, rows: 5 });
});

test("configured columns and rows win; 0 means automatic", () => {
  assert.deepEqual(gridShape(12, 1, 0), { cols: 1, rows: 8 });
  assert.deepEqual(gridShape(6, 3, 0), { cols: 3, rows: 2 });
  assert.deepEqual(gridShape(6, 0, 2), { cols: 2, rows: 2 });
});

test("never more than 4 x 8: further counters go to the next pages", () => {
  assert.deepEqual(gridShape(60), { cols: 4, rows: 8 });
  assert.deepEqual(gridShape(10, 6, 12), { cols: 4, rows: 8 });
});

// The reports tab's visits (clients/admin/visits.js): where patients wait longest, across services and rooms.
import test from "node:test";
import assert from "node:assert/strict";
import { longestRows } from "../../clients/admin/visits.js";

const wait = (p90) => ({ n: 3, mean: p90 / 2, median: p90 / 2, p90 });

test("the longest waits merge services and rooms, the longest first, five at most", () => {
  const visits = {
    longest_waits: {
      services: [{ key: "H", wait: wait(30) }, { key: "X", wait: wait(12) }, { key: "K", wait: wait(9) }],
      rooms: [{ key: "10", wait: wait(31) }, { key: "9", wait: wait(11) }, { key: "4", wait: wait(8) }],
    },
  };
  const rows = longestRows(visits);
  assert.deepEqual(rows.map((r) => `${r.kind}:${r.key}`), ["room:10", "service:H", "service:X", "room:9", "service:K"]);
});

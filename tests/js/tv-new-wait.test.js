// The TV's "take a number now" line (clients/tv/views.js, newWaitText and waitingFacts): the
// server's new_wait per service shown in both languages, rounded outward to 5 minutes, nothing
// for a service with no counter open, with a real Board.
import test from "node:test";
import assert from "node:assert/strict";
import { TEXTS } from "../../clients/tv/texts.js";
import { addTexts } from "../../clients/shared/i18n.js";
import { Board } from "../../clients/shared/board.js";
import { display } from "../../clients/tv/flow.js";
import { newWaitText, waitingFacts } from "../../clients/tv/views.js";

addTexts(TEXTS);

test("a band of minutes, one value when narrow, under 5 minutes, or nothing", () => {
  assert.deepEqual(newWaitText({ from: 18, to: 31 }), ["Lấy số bây giờ: chờ khoảng 15–35 phút", "Take a number now: about 15-35 min wait"]);
  assert.deepEqual(newWaitText({ from: 22, to: 29 }), ["Lấy số bây giờ: chờ khoảng 25 phút", "Take a number now: about 25 min wait"]);
  assert.deepEqual(newWaitText({ from: 0, to: 0 }), ["Lấy số bây giờ: chờ dưới 5 phút", "Take a number now: under 5 min wait"]);
  assert.equal(newWaitText(null), null);
  assert.equal(newWaitText(undefined), null, "a server that does not send it");
});

test("the waiting line says it for each of this zone's services", () => {
  const board = new Board();
  const config = {
    unit: { name: "Trạm", timezone: "Asia/Ho_Chi_Minh" },
    services: [{ code: "A", name: "Khám A", colour: "#c0392b" }, { code: "B", name: "Khám B" }],
    counters: [{ number: 1, name: "Quầy 1", services: [{ code: "A" }, { code: "B" }] }],
  };
  board.snapshot({ seq: 1, view: { config, day: "2026-12-07", open_now: true, counters: [{ number: 1, status: "open" }], waiting: { A: 3 }, last_calls: [] } });
  const ctx = { board, display: display(null, "", {}), now: 1000, newWaits: { A: { from: 18, to: 31 }, B: null } };
  assert.deepEqual(waitingFacts(ctx).map((s) => [s.code, s.now?.[0] ?? null]), [["A", "Lấy số bây giờ: chờ khoảng 15–35 phút"], ["B", null]]);
  assert.deepEqual(waitingFacts({ ...ctx, newWaits: undefined }).map((s) => s.now), [null, null], "before the first new_wait");
});

test("a wait that may be none at all is said as under its end, not from 0", () => {
  assert.deepEqual(newWaitText({ from: 0, to: 17 }), ["Lấy số bây giờ: chờ dưới 20 phút", "Take a number now: under 20 min wait"]);
  assert.deepEqual(newWaitText({ from: 2, to: 9 }), ["Lấy số bây giờ: chờ khoảng 5 phút", "Take a number now: about 5 min wait"]);
});

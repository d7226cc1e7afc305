// The TV board: its texts (clients/tv/texts.js: both languages complete, diacritics kept, every
// key the TV modules look up with a literal exists), its pure flow (clients/tv/flow.js: the
// pages, the flashing call, the display settings) and the plain-data side of its views
// (clients/tv/views.js: what a cell and the waiting line say), with a real Board.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { TEXTS } from "../../clients/tv/texts.js";
import { addTexts } from "../../clients/shared/i18n.js";
import { Board } from "../../clients/shared/board.js";
import { initial, next, display, paging, playlist, marqueeText, fresh, isCall, showsClosed } from "../../clients/tv/flow.js";
import { cellFacts, counterName, waitingFacts, shownCall, goTo, whereTo } from "../../clients/tv/views.js";

addTexts(TEXTS);
const DIR = new URL("../../clients/tv/", import.meta.url);

test("Vietnamese and English have the same TV keys, none empty", () => {
  assert.deepEqual(Object.keys(TEXTS.en).sort(), Object.keys(TEXTS.vi).sort());
  for (const [lang, table] of Object.entries(TEXTS)) {
    for (const [key, text] of Object.entries(table)) assert.ok(text.trim(), `${lang} ${key} is empty`);
  }
});

test("the Vietnamese TV texts keep their diacritics", () => {
  assert.equal(TEXTS.vi["tv.calling"], "Mời số");
  assert.equal(TEXTS.vi["tv.closed.title"], "Ngoài giờ làm việc");
  assert.equal(TEXTS.vi["tv.setup.title"], "Màn hình chưa được đăng ký");
});

test("every literal key the TV modules use has a text", () => {
  const used = new Set();
  for (const file of readdirSync(DIR).filter((f) => f.endsWith(".js") && f !== "texts.js")) {
    const src = readFileSync(new URL(file, DIR), "utf8");
    for (const m of src.matchAll(/\b(?:t|both)\("(tv\.[a-z_.]+)"/g)) used.add(m[1]);
  }
  assert.ok(used.size >= 10, `only ${used.size} keys found`);
  for (const key of used) assert.ok(TEXTS.vi[key], `missing ${key}`);
});

const call = (counter, until = 5000) => ({ label: `A00${counter}`, counter, service: "A", until });

test("a call flashes its counter, fills the panel and turns to its counter's page", () => {
  let s = initial("");
  s = next(s, { type: "called", call: call(9), index: 8, perPage: 4 });
  assert.equal(s.page, 2);
  assert.deepEqual(s.flashing, { 9: 5000 });
  assert.equal(s.nowCalling?.label, "A009");
  s = next(s, { type: "called", call: call(2, 7000), index: -1, perPage: 4 });
  assert.equal(s.page, 2, "a counter not in the list leaves the page");
  assert.deepEqual(s.flashing, { 9: 5000, 2: 7000 });
});

test("the pages turn only when the counters do not fit, and a page past the end goes back", () => {
  let s = initial("");
  assert.equal(next(s, { type: "turn", count: 4, perPage: 4 }), s);
  s = next(s, { type: "turn", count: 9, perPage: 4 });
  assert.equal(s.page, 1);
  s = next(next(s, { type: "turn", count: 9, perPage: 4 }), { type: "turn", count: 9, perPage: 4 });
  assert.equal(s.page, 0, "three pages: 1, 2, then the first");
  s = next(next(s, { type: "turn", count: 9, perPage: 4 }), { type: "pages", pages: 1 });
  assert.equal(s.page, 0);
  assert.equal(next(s, { type: "pages", pages: 3 }), s);
});

test("the welcome gives the device's id and its zone; none keeps the zone of the URL", () => {
  const s = next(initial("KB"), { type: "welcome", zone: "", deviceId: "tv-1" });
  assert.deepEqual([s.zone, s.deviceId], ["KB", "tv-1"]);
  assert.equal(next(s, { type: "welcome", zone: "XN", deviceId: "tv-1" }).zone, "XN");
});

test("display: the unit's settings, this screen's own entry, then the URL", () => {
  const config = { display: { columns: 2, rows: 3, theme: "mono", marquee: "Xin chào", marquee_en: "Welcome", last_calls: 4,
    screens: [{ device: "tv-2", columns: 4, rows: null, media_area: "right", media: ["a.mp4"] }] } };
  const plain = display(config, "tv-1", {});
  assert.deepEqual([plain.columns, plain.rows, plain.theme, plain.lastCalls, plain.flashSeconds], [2, 3, "mono", 4, 10]);
  assert.deepEqual(playlist(plain), []);
  const own = display(config, "tv-2", {});
  assert.deepEqual([own.columns, own.rows], [4, 3], "null in the screen's entry keeps the unit's");
  assert.deepEqual(playlist(own), ["a.mp4"]);
  const url = display(config, "tv-2", { layout: "3x5", theme: "multi" });
  assert.deepEqual([url.columns, url.rows, url.theme], [3, 5, "multi"]);
  assert.equal(marqueeText(plain), "Xin chào   •   Welcome");
  assert.deepEqual(display(null, "", {}).theme, "multi");
});

test("paging, freshness and which events are calls", () => {
  assert.deepEqual(paging(9, display(null, "", { layout: "1x4" })), { cols: 1, rows: 4, perPage: 4, pages: 3 });
  assert.equal(paging(0, display(null, "", {})).pages, 1);
  assert.ok(fresh(1029, 1000));
  assert.ok(!fresh(1030, 1000));
  assert.ok(isCall("ticket_recalled") && isCall("ticket_unparked") && !isCall("ticket_served"));
});

function boardWith(lastCalls = []) {
  const board = new Board();
  const config = {
    services: [{ code: "A", name: "Khám", colour: "#c0392b" }, { code: "B", name: "Xét nghiệm", colour: "#2e86c1" }, { code: "C", name: "Khác", colour: "#000000" }],
    counters: [{ number: 1, name: "Quầy 1", name_en: "Desk 1", services: [{ code: "A" }, { code: "B" }] }, { number: 2, services: [{ code: "A" }] }],
  };
  const counters = [
    { number: 1, status: "open", current: "A001", current_status: "serving", current_service: "A", online: true },
    { number: 2, status: "paused", current: null, pause_reason: "Nghỉ trưa", online: false },
  ];
  board.snapshot({ seq: 1, view: { config, day: "2026-12-07", open_now: true, counters, waiting: { A: 3 }, last_calls: lastCalls } });
  return board;
}

test("a cell says the counter, its number and its status in both languages", () => {
  const board = boardWith();
  const ctx = { board, display: display(null, "", {}), now: 1000 };
  const state = { ...initial(""), flashing: { 1: 2000 } };
  const [one, two] = board.counterList().map((c) => cellFacts(c, state, ctx));
  assert.deepEqual(one, { name: "Quầy 1", online: "Trực tuyến / Online", number: "A001", status: "Đang phục vụ",
    statusEn: "Serving", colour: "#c0392b", flash: true });
  assert.deepEqual(two, { name: "Quầy 2", online: "", number: "", status: "Tạm dừng: Nghỉ trưa", statusEn: "Paused",
    colour: "#0b4f8a", flash: false });
  assert.deepEqual(counterName(board, 2), { vi: "Quầy 2", en: "Counter 2" });
  assert.deepEqual(counterName(board, 1), { vi: "Quầy 1", en: "Desk 1" });
});

test("the waiting line lists this zone's services with their counts; the panel falls back on the last call", () => {
  const ctx = { board: boardWith(), display: display(null, "", {}), now: 1000 };
  assert.deepEqual(waitingFacts(ctx).map((s) => [s.code, s.waiting]), [["A", 3], ["B", 0]]);
  assert.equal(shownCall(initial(""), ctx), null);
  const last = { ticket: 1, label: "A001", counter: 1, service: "A", at: 900 };
  const called = { ...ctx, board: boardWith([last]) };
  assert.deepEqual(shownCall(initial(""), called), { ...last, until: 0 });
  const now = { ...initial(""), nowCalling: call(2) };
  assert.equal(shownCall(now, called), now.nowCalling, "the call just made wins");
});

test("the closed notice stays off while a counter of the board still serves", () => {
  assert.equal(showsClosed(false, [{ status: "closed" }]), true);
  assert.equal(showsClosed(false, [{ status: "closed" }, { status: "open" }]), false); // after 17:00, the rest of the queue
  assert.equal(showsClosed(false, [{ status: "paused" }]), false);
  assert.equal(showsClosed(true, [{ status: "closed" }]), false);
  assert.equal(showsClosed(false, []), true);
});

test("an exam room is shown as a room, where it is, and a counter as a counter (issue 20 review)", () => {
  const board = new Board();
  const config = {
    services: [{ code: "N", name: "Khám nội" }, { code: "A", name: "Tiếp nhận" }],
    counters: [
      { number: 4, name: "Phòng khám Nội", name_en: "Internal medicine room", kind: "room", location: "Tầng 1, phòng 104", location_en: "Floor 1, room 104", services: [{ code: "N" }] },
      { number: 5, kind: "room", services: [{ code: "N" }] },
      { number: 1, name: "Quầy 1 - Tiếp nhận", location: "Sảnh", services: [{ code: "A" }] },
    ],
  };
  board.snapshot({ seq: 1, view: { config, day: "2026-12-07", open_now: true, counters: [], waiting: {}, last_calls: [] } });
  const ctx = { board, display: display(null, "", {}), now: 0 };
  assert.equal(goTo(ctx, 4, "N054", "vi"), "vào Phòng khám Nội · Tầng 1, phòng 104");
  assert.equal(goTo(ctx, 4, "N054", "en"), "to Internal medicine room · Floor 1, room 104");
  assert.equal(goTo(ctx, 5, "N055", "vi"), "vào Phòng 5");
  assert.deepEqual(counterName(board, 5), { vi: "Phòng 5", en: "Room 5" });
  assert.equal(goTo(ctx, 1, "A001", "vi"), "đến Quầy 1 - Tiếp nhận", "a counter: no location, no room");
  assert.equal(whereTo(ctx, 4, "N054", "vi"), "Phòng khám Nội · Tầng 1, phòng 104", "the last calls' list too");
});

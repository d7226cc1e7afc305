// The door screen: its texts (both languages complete, diacritics kept, every key the door's
// modules look up with a literal exists), its pure flow (clients/door/flow.js: its room only,
// the flash of a call, a call said once and only while recent, across reconnects) and the plain-data side of its views (clients/door/views.js: what the
// room, the number, the next numbers, a return and a pause say).
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { TEXTS } from "../../clients/door/texts.js";
import { addTexts } from "../../clients/shared/i18n.js";
import { initial, next, ownCall, isCall, fresh, heard, FLASH_MS } from "../../clients/door/flow.js";
import { doorFacts, returnFacts } from "../../clients/door/views.js";

addTexts(TEXTS);
const DIR = new URL("../../clients/door/", import.meta.url);

test("Vietnamese and English have the same door keys, none empty, diacritics kept", () => {
  assert.deepEqual(Object.keys(TEXTS.en).sort(), Object.keys(TEXTS.vi).sort());
  for (const [lang, table] of Object.entries(TEXTS)) {
    for (const [key, text] of Object.entries(table)) assert.ok(text.trim(), `${lang} ${key} is empty`);
  }
  assert.equal(TEXTS.vi["door.returning"], "Quay lại");
  assert.equal(TEXTS.vi["door.paused"], "Tạm dừng");
  assert.equal(TEXTS.vi["door.setup.title"], "Màn hình cửa phòng chưa được đăng ký");
});

test("every literal key the door's modules use has a text", () => {
  const used = new Set();
  for (const file of readdirSync(DIR).filter((f) => f.endsWith(".js") && f !== "texts.js")) {
    const src = readFileSync(new URL(file, DIR), "utf8");
    for (const m of src.matchAll(/\b(?:t|both)\("(door\.[a-z_.]+)"/g)) used.add(m[1]);
  }
  assert.ok(used.size >= 10, `only ${used.size} keys found`);
  for (const key of used) assert.ok(TEXTS.vi[key], `missing ${key}`);
});

/** @param {Record<string, any>} [over] */
const entry = (over = {}) => ({ label: "N002", status: "waiting", returning: false, after: [], after_en: [], name: "", ...over });
/** @param {Record<string, any>} [over] */
const view = (over = {}) => ({
  room: 4, known: true, kind: "room", name: "Phòng khám Nội", name_en: "Internal medicine room",
  location: "Tầng 1, phòng 104", location_en: "Floor 1, room 104", unit: "", unit_en: "",
  doctor: "Nguyễn Văn An", status: "open", pause_reason: "", current: null, next: [entry()],
  waiting: 1, speech: {}, day: "2026-12-07", ...over,
});

test("a door keeps to its room: another room's view or call changes nothing", () => {
  let s = next(initial(), { type: "welcome", room: 4 });
  s = next(s, { type: "view", view: view() });
  assert.equal(s.view?.room, 4);
  const other = next(s, { type: "view", view: view({ room: 5, name: "Phòng khám Ngoại" }) });
  assert.equal(other, s);
  assert.equal(next(s, { type: "called", label: "NG001", counter: 5, until: 9000 }), s);
  assert.equal(ownCall(s, 5), false);
  assert.equal(ownCall(initial(), 4), false, "before the welcome it knows no room");
});

test("a call at its room flashes until its time is over", () => {
  let s = next(next(initial(), { type: "welcome", room: 4 }), { type: "view", view: view() });
  s = next(s, { type: "called", label: "N001", counter: 4, until: 6000 });
  assert.deepEqual(s.flash, { label: "N001", until: 6000 });
  assert.equal(next(s, { type: "flash_end", now: 5000 }), s, "a newer call's flash is not ended early");
  assert.equal(next(s, { type: "flash_end", now: 6000 }).flash, null);
  assert.ok(isCall("ticket_called") && isCall("ticket_recalled") && isCall("ticket_unparked") && !isCall("ticket_issued"));
  assert.ok(fresh(100, 80) && !fresh(100, 60));
});

/** A call event at room `counter`. @param {number} seq @param {number} at @param {string} label */
const call = (seq, at, label, counter = 4, type = "ticket_called") => ({ seq, at, event: { type, label, counter } });
const atRoom4 = () => next(next(initial(), { type: "welcome", room: 4 }), { type: "view", view: view() });

test("a call is said and flashed once: not again when a resume or another connection brings it back", () => {
  let s = atRoom4();
  const first = heard(s, call(10, 1000, "N001"), 1001, 50_000);
  assert.equal(first.say, true);
  assert.deepEqual(first.state.flash, { label: "N001", until: 50_000 + FLASH_MS });
  s = first.state;
  const again = heard(s, call(10, 1000, "N001"), 1002, 51_000);
  assert.equal(again.say, false);
  assert.equal(again.state, s, "the same call again changes nothing");
  assert.equal(heard(s, call(8, 990, "N000"), 1002, 51_000).state, s, "nor an older one");
  const recall = heard(s, call(12, 1005, "N001", 4, "ticket_recalled"), 1006, 56_000);
  assert.equal(recall.say, true, "a recall is a call of its own");
  assert.equal(recall.state.flash?.until, 56_000 + FLASH_MS);
});

test("two calls missed while away come back in order: each said once, the newest flashes", () => {
  let s = atRoom4();
  const said = [];
  for (const msg of [call(21, 1000, "N001"), call(23, 1004, "N002")]) {
    const r = heard(s, msg, 1010, 60_000);
    s = r.state;
    if (r.say) said.push(msg.event.label);
  }
  assert.deepEqual(said, ["N001", "N002"]);
  assert.equal(s.flash?.label, "N002");
  assert.deepEqual(s.heard, { at: 1004, seq: 23 });
  const two = heard(s, call(30, 1004, "N003"), 1010, 60_000);
  assert.equal(two.say, true, "the same second, a later seq: another call (one batch)");
});

test("a call caught up after a long absence is neither flashed nor said, and stays heard", () => {
  const s = atRoom4();
  const old = heard(s, call(40, 1000, "N004"), 1000 + 31, 70_000);
  assert.equal(old.say, false);
  assert.equal(old.state.flash, null);
  assert.deepEqual(old.state.heard, { at: 1000, seq: 40 });
});

test("after a restart on another database (seq from 1 again) a new call is said, an old one never", () => {
  let s = heard(atRoom4(), call(500, 1000, "N009"), 1001, 0).state;
  const fresh1 = heard(s, call(3, 2000, "N001"), 2001, 0);
  assert.equal(fresh1.say, true, "a lower seq but a later time: a new call");
  s = fresh1.state;
  assert.equal(heard(s, call(501, 1000, "N009"), 1001, 0).say, false, "an old one, whatever its seq");
});

test("another room's call, or any other event, is not heard; speech off flashes but says nothing", () => {
  const s = atRoom4();
  assert.equal(heard(s, call(5, 1000, "NG001", 5), 1001, 0).state, s);
  assert.equal(heard(s, call(5, 1000, "N001", 4, "ticket_issued"), 1001, 0).state, s);
  assert.equal(heard(initial(), call(5, 1000, "N001"), 1001, 0).state.heard.seq, 0, "before the welcome: no room yet");
  const quiet = next(s, { type: "view", view: view({ speech: { enabled: false } }) });
  const r = heard(quiet, call(5, 1000, "N001"), 1001, 0);
  assert.equal(r.say, false);
  assert.equal(r.state.flash?.label, "N001");
});

test("the facts: the room, the doctor, the number being seen, the next ones and how many more", () => {
  let s = next(initial(), { type: "welcome", room: 4 });
  s = next(s, { type: "view", view: view({ current: entry({ label: "N001", status: "serving" }), next: [entry(), entry({ label: "N003" })], waiting: 5 }) });
  const f = doorFacts(s, 0);
  assert.ok(f);
  assert.deepEqual(f.title, { vi: "Phòng khám Nội", en: "Internal medicine room" });
  assert.deepEqual(f.location, { vi: "Tầng 1, phòng 104", en: "Floor 1, room 104" });
  assert.equal(f.doctor, "Nguyễn Văn An");
  assert.equal(f.current?.label, "N001");
  assert.deepEqual(f.current?.heading, ["Đang khám", "Being seen"]);
  assert.deepEqual(f.next.map((e) => e.label), ["N002", "N003"]);
  assert.deepEqual(f.more, ["và 3 người khác đang chờ", "and 3 more waiting"]);
  assert.equal(f.banner, null);
  const called = doorFacts(next(s, { type: "view", view: view({ current: entry({ label: "N001", status: "called" }), next: [], waiting: 0 }) }), 0);
  assert.deepEqual(called?.current?.heading, ["Mời số", "Now calling"]);
  assert.deepEqual(called?.empty, ["Chưa có ai chờ", "Nobody waiting"]);
});

test("a returning patient is marked with the results they bring", () => {
  const back = returnFacts(entry({ returning: true, after: ["Xét nghiệm", "Chẩn đoán hình ảnh"], after_en: ["Laboratory", "Imaging"] }));
  assert.deepEqual(back.mark, ["Quay lại", "Returning"]);
  assert.deepEqual(back.reason, ["Có kết quả: Xét nghiệm, Chẩn đoán hình ảnh", "Results: Laboratory, Imaging"]);
  assert.deepEqual(returnFacts(entry({ returning: true })), { mark: ["Quay lại", "Returning"], reason: null }, "its tests cancelled: a return all the same");
  assert.deepEqual(returnFacts(entry()), { mark: null, reason: null });
});

test("a pause says so with its reason; a closed room and one no longer configured too", () => {
  const s = next(initial(), { type: "welcome", room: 4 });
  const paused = doorFacts(next(s, { type: "view", view: view({ status: "paused", pause_reason: "Hội chẩn" }) }), 0);
  assert.deepEqual(paused?.banner, ["Tạm dừng: Hội chẩn", "Paused: Hội chẩn"]);
  const bare = doorFacts(next(s, { type: "view", view: view({ status: "paused" }) }), 0);
  assert.deepEqual(bare?.banner, ["Tạm dừng", "Paused"]);
  const closed = doorFacts(next(s, { type: "view", view: view({ status: "closed", doctor: "" }) }), 0);
  assert.deepEqual(closed?.banner, ["Phòng chưa mở", "Room not open"]);
  const gone = doorFacts(next(s, { type: "view", view: view({ known: false, name: "" }) }), 0);
  assert.equal(gone?.status, "unknown");
  assert.deepEqual(gone?.banner, ["Phòng 4 không còn trong cấu hình", "Room 4 is no longer configured"]);
  assert.equal(doorFacts(initial(), 0), null);
});

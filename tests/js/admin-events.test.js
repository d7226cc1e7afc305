// The audit tab's words (clients/admin/events.js): every event the server logs has a name in
// both languages, and a settings change reads as its fields, before and after.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EVENT_NAMES, eventName, changeLines, detailLine } from "../../clients/admin/events.js";

const events = readFileSync(fileURLToPath(new URL("../../server/domain/events.py", import.meta.url)), "utf8");
// class TicketIssued(Event, ...) → ticket_issued (msgspec's tag: the class name in snake case)
const tags = [...events.matchAll(/^class (\w+)\(Event, /gm)].map((m) => m[1].replace(/(?<!^)([A-Z])/g, "_$1").toLowerCase());

test("every event of the log has a name in Vietnamese and English", () => {
  assert.ok(tags.length > 20, "the event classes were found");
  assert.deepEqual(Object.keys(EVENT_NAMES).sort(), [...tags].sort());
  for (const [vi, en] of Object.values(EVENT_NAMES)) assert.ok(vi && en && vi !== en);
  assert.equal(eventName("config_replaced", "vi"), "Thay đổi cấu hình");
  assert.equal(eventName("config_replaced", "en"), "Settings changed");
  assert.equal(eventName("something_new", "en"), "something_new");
});

test("a settings change reads as fields, before and after", () => {
  const changes = [
    { path: "services[N].name", before: '"Khám Nội"', after: '"Khám Nội tổng quát"' },
    { path: "counters[13]", before: "", after: '{"number": 13}' },
    { path: "hours.sat", before: '{"open": "07:00"}', after: "" },
    { path: "… (+5)", before: "", after: "" },
  ];
  assert.deepEqual(changeLines(changes, "vi"), [
    'services[N].name: "Khám Nội" → "Khám Nội tổng quát"',
    'counters[13]: (mới) {"number": 13}',
    'hours.sat: {"open": "07:00"} (đã xóa)',
    "… (+5)",
  ]);
  assert.equal(changeLines(changes, "en")[1], 'counters[13]: (new) {"number": 13}');
  assert.deepEqual(changeLines(undefined, "vi"), []);
});

test("other events: their fields in one line, without the type or empty values", () => {
  assert.equal(detailLine({ type: "counter_paused", v: 1, counter: 4, reason: "Họp", staff: "" }), "counter: 4 · reason: Họp");
  assert.equal(detailLine({ type: "x", list: [], obj: { a: 1 } }), 'obj: {"a":1}');
  const load = { type: "bookings_loaded", v: 1, day: "2026-12-07", source: "his:main", bookings: [{ id: "B1", id_number: "001090000001" }] };
  assert.equal(detailLine(load), "day: 2026-12-07 · source: his:main · count: 1"); // not who is booked
});

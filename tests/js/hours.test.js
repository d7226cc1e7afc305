// Working hours in the unit's time zone (clients/shared/hours.js), the rule of
// server/domain/config.py is_open: open <= now < close, outside every break, closed on holidays.
import test from "node:test";
import assert from "node:assert/strict";
import { localParts, dayHours, isOpen, hhmm } from "../../clients/shared/hours.js";

const day = { open: "07:00", close: "17:00", breaks: [{ start: "11:30", end: "13:00" }] };
const config = {
  unit: { timezone: "Asia/Ho_Chi_Minh" },
  hours: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: { open: "07:00", close: "11:00" }, sun: null,
    holidays: [{ date: "2026-09-02", name: "Quốc khánh" }] },
};
/** Epoch seconds of a Vietnam local time (UTC+7, no daylight saving). @param {string} local */
const vn = (local) => Date.parse(`${local}+07:00`) / 1000;

test("local parts are in the unit's zone, not the machine's", () => {
  const p = localParts(vn("2026-12-04T06:59:30"), "Asia/Ho_Chi_Minh");
  assert.deepEqual(p, { date: "2026-12-04", day: 4, month: 12, year: 2026, hour: 6, minute: 59, second: 30, weekday: 5 });
  assert.equal(localParts(vn("2026-12-04T06:59:30"), "UTC").hour, 23);
  assert.equal(localParts(vn("2026-12-04T06:59:30"), "UTC").date, "2026-12-03");
});

test("open from the opening minute to before the closing minute", () => {
  assert.equal(isOpen(config, vn("2026-12-04T06:59:59")), false);
  assert.equal(isOpen(config, vn("2026-12-04T07:00:00")), true);
  assert.equal(isOpen(config, vn("2026-12-04T16:59:59")), true);
  assert.equal(isOpen(config, vn("2026-12-04T17:00:00")), false);
});

test("closed during a break, open again at its end", () => {
  assert.equal(isOpen(config, vn("2026-12-04T11:29:00")), true);
  assert.equal(isOpen(config, vn("2026-12-04T11:30:00")), false);
  assert.equal(isOpen(config, vn("2026-12-04T12:59:00")), false);
  assert.equal(isOpen(config, vn("2026-12-04T13:00:00")), true);
});

test("a day without hours and a holiday are closed all day", () => {
  assert.equal(isOpen(config, vn("2026-12-06T09:00:00")), false); // a Sunday
  assert.equal(isOpen(config, vn("2026-12-05T10:00:00")), true); // Saturday morning
  assert.equal(isOpen(config, vn("2026-12-05T11:00:00")), false);
  const holiday = dayHours(config, vn("2026-09-02T09:00:00")); // a Wednesday
  assert.equal(holiday.holiday?.name, "Quốc khánh");
  assert.equal(holiday.hours, null);
  assert.equal(isOpen(config, vn("2026-09-02T09:00:00")), false);
  assert.equal(isOpen(config, vn("2026-09-03T09:00:00")), true);
});

test("hh:mm in the unit's zone", () => {
  assert.equal(hhmm(vn("2026-12-04T07:05:59"), config), "07:05");
  assert.equal(hhmm(Date.parse("2026-12-04T00:00:00Z") / 1000, config), "07:00");
});

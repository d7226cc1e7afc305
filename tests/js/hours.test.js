// Working hours in the unit's time zone (clients/shared/hours.js), the rule of
// server/domain/config.py is_open: open <= now < close, outside every break, closed on holidays.
import test from "node:test";
import assert from "node:assert/strict";
import { localParts, dayHours, isOpen, hhmm, nextOpening, closedNotice } from "../../clients/shared/hours.js";
import { reopensText, dayText } from "../../clients/shared/closed.js";

/** The fields of an opening a test compares. @param {any} o */
const pick = (o) => o && { date: o.date, time: o.time, offset: o.offset, weekday: o.weekday };

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

test("the next opening: later today, after a break, the next working day, past holidays", () => {
  const at = (local) => nextOpening(config, vn(local));
  assert.deepEqual(pick(at("2026-12-04T06:00:00")), { date: "2026-12-04", time: "07:00", offset: 0, weekday: 5 });
  assert.deepEqual(pick(at("2026-12-04T12:00:00")), { date: "2026-12-04", time: "13:00", offset: 0, weekday: 5 });
  // Friday evening: Saturday morning; Saturday noon: Monday
  assert.deepEqual(pick(at("2026-12-04T18:00:00")), { date: "2026-12-05", time: "07:00", offset: 1, weekday: 6 });
  assert.deepEqual(pick(at("2026-12-05T11:00:00")), { date: "2026-12-07", time: "07:00", offset: 2, weekday: 1 });
  // on the holiday (a Wednesday) the next opening is Thursday, not later that day
  assert.deepEqual(pick(at("2026-09-02T06:00:00")), { date: "2026-09-03", time: "07:00", offset: 1, weekday: 4 });
  // the day before the holiday, after closing, the holiday is skipped
  assert.deepEqual(pick(at("2026-09-01T17:30:00")), { date: "2026-09-03", time: "07:00", offset: 2, weekday: 4 });
  // across the end of a month and a year
  const dec31 = { ...config, hours: { ...config.hours, holidays: [{ date: "2027-01-01", name: "Tết Dương lịch" }] } };
  assert.deepEqual(pick(nextOpening(dec31, vn("2026-12-31T17:00:00"))), { date: "2027-01-02", time: "07:00", offset: 2, weekday: 6 });
});

test("no opening within the horizon is null, not a loop", () => {
  const never = { unit: config.unit, hours: { holidays: [] } };
  assert.equal(nextOpening(never, vn("2026-12-04T09:00:00")), null);
  // a break that ends at closing time is not an opening
  const odd = { unit: config.unit, hours: { mon: { open: "07:00", close: "12:00", breaks: [{ start: "11:00", end: "12:00" }] }, holidays: [] } };
  assert.deepEqual(pick(nextOpening(odd, vn("2026-12-07T11:30:00"))), { date: "2026-12-14", time: "07:00", offset: 7, weekday: 1 });
});

test("the closed notice: today's holiday by name and the next seven days with their dates", () => {
  const notice = closedNotice(config, vn("2026-09-02T09:00:00")); // Quốc khánh, a Wednesday
  assert.equal(notice.holiday?.name, "Quốc khánh");
  assert.equal(notice.reopens?.date, "2026-09-03");
  assert.deepEqual(notice.days.map((d) => [d.date, d.weekday, d.today, d.holiday ? "holiday" : d.hours ? d.hours.open : "off"]), [
    ["2026-09-02", 3, true, "holiday"], ["2026-09-03", 4, false, "07:00"], ["2026-09-04", 5, false, "07:00"],
    ["2026-09-05", 6, false, "07:00"], ["2026-09-06", 0, false, "off"], ["2026-09-07", 1, false, "07:00"],
    ["2026-09-08", 2, false, "07:00"],
  ]);
  assert.equal(closedNotice(config, vn("2026-09-06T09:00:00")).holiday, null); // an ordinary Sunday
});

test("the closed notice's texts name the weekday and date, and the holiday in each language", () => {
  const reopens = nextOpening(config, vn("2026-09-02T06:00:00"));
  assert.equal(reopensText(reopens, "vi"), "Mở cửa lại lúc 07:00, Thứ Năm 03/09");
  assert.equal(reopensText(reopens, "en"), "Opens again at 07:00 on Thursday 03/09");
  assert.equal(reopensText(null, "en"), "No reopening is scheduled yet.");
  const [holiday, , , , sunday] = closedNotice(config, vn("2026-09-02T06:00:00")).days;
  assert.equal(dayText(holiday, "vi"), "Nghỉ lễ: Quốc khánh");
  assert.equal(dayText({ ...holiday, holiday: { name: "Quốc khánh", name_en: "National Day" } }, "en"), "Holiday: National Day");
  assert.equal(dayText(holiday, "en"), "Holiday: Quốc khánh"); // no English name: the Vietnamese one
  assert.equal(dayText(sunday, "vi"), "Nghỉ");
  assert.equal(dayText(sunday, "en"), "Closed");
  assert.equal(dayText(closedNotice(config, vn("2026-09-03T06:00:00")).days[0], "vi"), "07:00–17:00 (nghỉ trưa 11:30–13:00)");
});

// The wait estimate as patients see it (clients/shared/estimate.js): the band a call is expected
// in, rounded outward to 5 minutes, one time when it is narrow; the TV's wait of a number taken
// now; and the kiosk's and the phone's lines and texts with it, Vietnamese with its diacritics.
import test from "node:test";
import assert from "node:assert/strict";
import { callBand, bandLine, waitBand } from "../../clients/shared/estimate.js";
import { waitLine as kioskLine, printedWait } from "../../clients/kiosk/flow.js";
import { waitLine as phoneLine } from "../../clients/phone/flow.js";
import { TEXTS as KIOSK } from "../../clients/kiosk/texts.js";
import { TEXTS as PHONE } from "../../clients/phone/texts.js";
import { addTexts, t } from "../../clients/shared/i18n.js";

const NINE = Date.UTC(2026, 10, 23, 2, 0) / 1000; // 09:00 in Hà Nội (UTC+7)
const hhmm = (/** @type {number} */ at) => new Date((at + 7 * 3600) * 1000).toISOString().slice(11, 16);
const min = (/** @type {number} */ m) => NINE + m * 60;

test("a band's ends are rounded outward to 5 minutes", () => {
  assert.deepEqual(callBand({ call_at: min(31), call_from: min(21), call_to: min(43) }), { from: min(20), to: min(45) });
  assert.deepEqual(callBand({ call_at: min(30), call_from: min(20), call_to: min(45) }), { from: min(20), to: min(45) }, "ends on 5 minutes stay");
});

test("a band under 10 minutes wide is one time, its expected call rounded to 5 minutes", () => {
  assert.deepEqual(callBand({ call_at: min(31), call_from: min(27), call_to: min(36.9) }), { at: min(30) });
  assert.deepEqual(callBand({ call_at: min(33), call_from: min(33), call_to: min(33) }), { at: min(35) });
  assert.deepEqual(callBand({ call_at: min(31), call_from: min(26), call_to: min(36) }), { from: min(25), to: min(40) }, "10 minutes wide: a band");
});

test("no time shown is before now: an imminent call, a band begun, an estimate seen late", () => {
  const now = min(17);
  assert.deepEqual(callBand({ call_at: min(17), call_from: min(17), call_to: min(18) }, now), { at: min(20) }, "not 09:15 at 09:17");
  assert.deepEqual(callBand({ call_at: min(18), call_from: min(16), call_to: min(24) }, now), { at: min(20) });
  assert.deepEqual(callBand({ call_at: min(25), call_from: min(17), call_to: min(40) }, now), { from: min(15), to: min(40) }, "a band from now: it holds now");
  assert.deepEqual(callBand({ call_at: min(10), call_from: min(5), call_to: min(30) }, now), { from: min(15), to: min(30) }, "a band begun before now: from now on");
  assert.deepEqual(callBand({ call_at: min(10), call_from: min(5), call_to: min(14) }, now), { at: min(20) }, "a band all past: the next 5 minutes");
  assert.deepEqual(callBand({ call_at: min(10), call_from: min(2), call_to: min(19) }, now), { at: min(20) }, "what is left of it is narrow");
  assert.deepEqual(callBand({ call_at: min(31), call_from: min(21), call_to: min(43) }, now), { from: min(20), to: min(45) }, "a band ahead is as before");
  assert.deepEqual(callBand({ call_at: min(31), call_from: min(21), call_to: min(43) }, min(20)), { from: min(20), to: min(45) }, "now on 5 minutes");
  assert.deepEqual(callBand({ call_at: min(31), call_from: min(27), call_to: min(36.9) }, now), { at: min(30) });
  assert.equal(callBand({ call_at: null, call_from: null, call_to: null }, now), null);
  assert.deepEqual(bandLine({ call_at: min(17), call_from: min(17), call_to: min(17) }, hhmm, "b", "n", now), ["n", { time: "09:20" }]);
});

test("no band without an expected call, or from a server that does not send one", () => {
  assert.equal(callBand({ call_at: null, call_from: null, call_to: null }), null);
  assert.equal(callBand({ call_at: min(30) }), null);
  assert.equal(callBand({}), null);
  assert.equal(bandLine({ call_at: min(30) }, hhmm, "b", "n"), null);
});

test("the kiosk's ticket screen shows the band, one time when narrow, else as before", () => {
  const band = { wait_minutes: 31, call_at: min(31), call_from: min(21), call_to: min(43) };
  assert.deepEqual(kioskLine(band, hhmm), ["ticket.wait_band", { from: "09:20", to: "09:45" }]);
  assert.deepEqual(kioskLine({ ...band, call_from: min(28), call_to: min(34) }, hhmm), ["ticket.wait_near", { time: "09:30" }]);
  assert.deepEqual(kioskLine({ wait_minutes: 31, call_at: min(31) }, hhmm), ["ticket.wait_at", { time: "09:31", n: 31 }]);
  assert.deepEqual(kioskLine({ ...band, late: true }, hhmm), ["ticket.late", {}]);
  assert.deepEqual(kioskLine({ wait_minutes: null, call_at: null, call_from: null, call_to: null }, hhmm), ["ticket.no_wait", {}]);
  const first = { wait_minutes: 0, call_at: min(17), call_from: min(17), call_to: min(19) };
  assert.deepEqual(kioskLine(first, hhmm, min(17)), ["ticket.wait_near", { time: "09:20" }], "nobody ahead at 09:17: not 09:15");
});

test("the kiosk prints the band's two times, one time when narrow, call_at without a band", () => {
  const band = { wait_minutes: 31, call_at: min(31), call_from: min(21), call_to: min(43) };
  assert.deepEqual(printedWait(band, hhmm), { wait_at: "09:20", wait_to: "09:45" });
  assert.deepEqual(printedWait({ ...band, call_from: min(29), call_to: min(33) }, hhmm), { wait_at: "09:30", wait_to: "" });
  assert.deepEqual(printedWait({ wait_minutes: 31, call_at: min(31) }, hhmm), { wait_at: "09:31", wait_to: "" });
  assert.deepEqual(printedWait({ wait_minutes: null, call_at: null }, hhmm), { wait_at: "", wait_to: "" });
  assert.deepEqual(printedWait({ ...band, call_at: min(17), call_from: min(17), call_to: min(19) }, hhmm, min(17)), { wait_at: "09:20", wait_to: "" }, "issued at 09:17, nobody ahead");
  assert.deepEqual(printedWait({ ...band, call_from: min(17), call_to: min(40) }, hhmm, min(17)), { wait_at: "09:15", wait_to: "09:40" }, "a band from now");
});

test("the phone shows the band of its ticket and of a visit's step", () => {
  const ms = (/** @type {number} */ at) => hhmm(at / 1000);
  const band = { wait_minutes: 31, call_at: min(31), call_from: min(21), call_to: min(43) };
  assert.deepEqual(phoneLine(band, ms), ["wait_band", { from: "09:20", to: "09:45" }]);
  assert.deepEqual(phoneLine({ ...band, call_from: min(30), call_to: min(31) }, ms), ["wait_near", { time: "09:30" }]);
  assert.deepEqual(phoneLine({ wait_minutes: 6 }, ms), ["wait", { n: 6 }], "a step from a server without the band");
  assert.deepEqual(phoneLine(band, ms, min(50) * 1000), ["wait_near", { time: "09:50" }], "read at 09:50, the band is not shown as past");
  assert.deepEqual(phoneLine({ ...band, call_at: min(17), call_from: min(17), call_to: min(18) }, ms, min(17) * 1000), ["wait_near", { time: "09:20" }]);
});

test("the texts of the band, Vietnamese first with its diacritics, English second", () => {
  addTexts(KIOSK);
  assert.equal(t("ticket.wait_band", { from: "09:20", to: "09:45" }, "vi"), "Dự kiến gọi: khoảng 09:20 – 09:45");
  assert.equal(t("ticket.wait_band", { from: "09:20", to: "09:45" }, "en"), "Expected call: about 09:20-09:45");
  assert.equal(t("ticket.wait_near", { time: "09:30" }, "vi"), "Dự kiến gọi: khoảng 09:30");
  addTexts(PHONE);
  assert.equal(t("wait_band", { from: "09:20", to: "09:45" }, "vi"), "Dự kiến gọi: khoảng 09:20 – 09:45");
  assert.equal(t("wait_near", { time: "09:30" }, "en"), "Expected call: about 09:30");
});

test("the TV's wait of a number taken now: rounded outward to 5 minutes, one value when narrow", () => {
  assert.deepEqual(waitBand({ from: 18, to: 31 }), { from: 15, to: 35 });
  assert.deepEqual(waitBand({ from: 20, to: 30 }), { from: 20, to: 30 });
  assert.deepEqual(waitBand({ from: 22, to: 29 }), { n: 25 });
  assert.deepEqual(waitBand({ from: 0, to: 3 }), { under: 5 });
  assert.deepEqual(waitBand({ from: 0, to: 12 }), { under: 15 }, "not 0–15 minutes");
  assert.deepEqual(waitBand({ from: 3, to: 17 }), { under: 20 }, "its start rounds down to 0");
  assert.deepEqual(waitBand({ from: 5, to: 17 }), { from: 5, to: 20 });
});

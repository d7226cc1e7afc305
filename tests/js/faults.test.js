// Device faults in words (clients/shared/faults.js), for the dashboard and the counter.
import test from "node:test";
import assert from "node:assert/strict";
import { PARTS, CODES, faultText } from "../../clients/shared/faults.js";

test("a fault reads as the device, the part and what to do, in both languages", () => {
  const f = { device: "device:kiosk-1", part: "printer", code: "paper_out" };
  assert.equal(faultText(f, "vi"), "kiosk-1: Máy in vé — hết giấy: thay cuộn giấy");
  assert.equal(faultText(f, "en"), "kiosk-1: Ticket printer — out of paper: load a new roll");
  assert.equal(faultText({ device: "tv-1", part: "odd", code: "x_y" }, "en"), "tv-1: odd — x_y"); // unknown: as it is
});

test("an HIS link's outage reads as the link, not as a device", () => {
  const f = { device: "his:hook", part: "device", code: "his_unreachable" };
  assert.equal(faultText(f, "vi"), "Kết nối HIS hook: không gửi được sang HIS: tin chờ trong hàng đợi, báo bộ phận CNTT");
  assert.equal(faultText(f, "en"), "HIS link hook: the HIS cannot be reached: messages wait in the outbox; tell IT");
});

test("every part and code has two different texts", () => {
  for (const table of [PARTS, CODES]) {
    for (const [key, [vi, en]] of Object.entries(table)) assert.ok(vi && en, key);
  }
  // the printer codes the bridge reports (hw_bridge/errors.py) all have words
  for (const code of ["paper_out", "cover_open", "printer_offline", "printer_no_answer", "timeout"]) assert.ok(CODES[code], code);
});

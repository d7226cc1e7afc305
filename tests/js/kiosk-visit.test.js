// A visit's patient at the kiosk with their chip card (issue 20 review; clients/kiosk/views.js
// duplicateText): the number they hold already has a step in the service chosen, so the
// duplicate screen says no new number is needed and where to wait (the counters the server
// named, with their locations), or that the number is called back once the results are in;
// a ticket of that service without a visit keeps the old words.
import test from "node:test";
import assert from "node:assert/strict";
import { TEXTS } from "../../clients/kiosk/texts.js";
import { addTexts } from "../../clients/shared/i18n.js";
import { Board } from "../../clients/shared/board.js";
import { duplicateText, visitStep } from "../../clients/kiosk/views.js";

addTexts(TEXTS);

function board() {
  const b = new Board();
  const config = {
    services: [{ code: "X", name: "Xét nghiệm", name_en: "Laboratory" }, { code: "N", name: "Khám Nội", name_en: "Internal medicine" }],
    counters: [
      { number: 9, name: "Phòng Xét nghiệm", name_en: "Laboratory", location: "Tầng 2, phòng 201", location_en: "Floor 2, room 201", services: [{ code: "X" }] },
      { number: 4, name: "Phòng khám Nội", kind: "room", location: "Tầng 1, phòng 104", services: [{ code: "N" }] },
    ],
  };
  b.snapshot({ seq: 1, view: { config, day: "2026-12-07", open_now: true, counters: [], waiting: {}, last_calls: [] } });
  return b;
}

const held = [
  { label: "N001", service: "X", status: "waiting", step: "open", counters: [9] },
  { label: "N001", service: "N", status: "waiting", step: "pending", counters: [4] },
];
/** @param {string} service */
const at = (service) => ({ service, duplicate: "N001", duplicateFace: false, held });

test("a visit's open step: no new number, wait to be called at its counter, in both languages", () => {
  assert.equal(visitStep(at("X"))?.step, "open");
  assert.equal(duplicateText(at("X"), board(), "vi"),
    "Lượt khám của bạn (số N001) đã gồm Xét nghiệm. Không cần lấy số mới: vui lòng chờ gọi số N001 tại Phòng Xét nghiệm · Tầng 2, phòng 201.");
  assert.equal(duplicateText(at("X"), board(), "en"),
    "Your visit (number N001) already includes Laboratory. No new number is needed: please wait for N001 to be called at Laboratory · Floor 2, room 201.");
});

test("a return once the results are in: called back to the room", () => {
  assert.equal(duplicateText(at("N"), board(), "vi"),
    "Khi có kết quả, số N001 của bạn sẽ được gọi quay lại Phòng khám Nội · Tầng 1, phòng 104. Không cần lấy số mới.");
});

test("a ticket without a visit, and a face, keep their words", () => {
  const plain = { service: "X", duplicate: "X001", duplicateFace: false, held: [{ label: "X001", service: "X", status: "waiting" }] };
  assert.equal(visitStep(plain), null);
  assert.equal(duplicateText(plain, board(), "vi"), "Bạn đang giữ số X001 cho dịch vụ Xét nghiệm. Mỗi người chỉ giữ một số cho mỗi dịch vụ.");
  assert.match(duplicateText({ ...at("X"), duplicateFace: true }, board(), "vi"), /^Khuôn mặt của bạn đã có số N001/);
});

// A booked check-in on the kiosk's ticket (clients/kiosk/views.js slotText, texts.js): the slot
// the server sends ("09:00-09:30") shown with a dash, in Vietnamese and English.
import test from "node:test";
import assert from "node:assert/strict";
import { TEXTS } from "../../clients/kiosk/texts.js";
import { addTexts, t } from "../../clients/shared/i18n.js";
import { slotText } from "../../clients/kiosk/views.js";
import { beforeSlot } from "../../clients/kiosk/flow.js";

addTexts(TEXTS);

test("a booked slot is shown with a dash, a walk-in shows none", () => {
  assert.equal(slotText("09:00-09:30"), "09:00–09:30");
  assert.equal(slotText(""), "");
  assert.equal(slotText(undefined), "");
});

test("the booking line reads in both languages", () => {
  const params = { slot: slotText("09:00-09:30") };
  assert.equal(t("ticket.booked", params, "vi"), "Lịch hẹn 09:00–09:30");
  assert.equal(t("ticket.booked", params, "en"), "Booked 09:00–09:30");
});

test("a booked patient early for the slot is told to come by the booked time, not a wait", () => {
  const r = { slot: "09:00-09:30", booking: "B1", booking_late: false };
  assert.equal(beforeSlot(r, "07:16"), true, "walk-ins before 09:00 go ahead: no 'people ahead: 0'");
  assert.equal(beforeSlot(r, "09:00"), false, "at the start: queued now, the wait holds");
  assert.equal(beforeSlot(r, "09:10"), false);
  assert.equal(beforeSlot({ ...r, booking_late: true }, "07:16"), false);
  assert.equal(beforeSlot({ slot: "", booking: "", booking_late: false }, "07:16"), false, "a walk-in");
  const params = { slot: slotText(r.slot) };
  assert.equal(t("ticket.by_slot", params, "vi"), "Bạn sẽ được gọi theo giờ hẹn 09:00–09:30. Vui lòng có mặt trước giờ hẹn.");
  assert.equal(t("ticket.by_slot", params, "en"), "You will be called by your booked time 09:00–09:30. Please be here before it.");
});

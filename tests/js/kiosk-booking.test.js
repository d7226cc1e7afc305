// A booked check-in on the kiosk's ticket (clients/kiosk/views.js slotText, texts.js): the slot
// the server sends ("09:00-09:30") shown with a dash, in Vietnamese and English.
import test from "node:test";
import assert from "node:assert/strict";
import { TEXTS } from "../../clients/kiosk/texts.js";
import { addTexts, t } from "../../clients/shared/i18n.js";
import { slotText } from "../../clients/kiosk/views.js";

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

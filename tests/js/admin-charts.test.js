// The reports' bar charts (clients/admin/charts.js): labels keep their whole text up to 40
// characters, and the room left of the bars grows with the longest label.
import test from "node:test";
import assert from "node:assert/strict";
import { shorten, labelWidth } from "../../clients/admin/charts.js";

test("labels up to 40 characters are kept whole; longer ones end in an ellipsis", () => {
  assert.equal(shorten("B Tiếp nhận khám dịch vụ"), "B Tiếp nhận khám dịch vụ");
  const long = "KAA Phòng khám chuyên khoa Răng Hàm Mặt và Tai Mũi Họng";
  assert.equal(shorten(long).length, 40);
  assert.ok(shorten(long).endsWith("…"));
  assert.equal(shorten("x".repeat(40)), "x".repeat(40));
});

test("the label room grows with the longest label, within bounds", () => {
  assert.equal(labelWidth([]), 60);
  assert.equal(labelWidth(["7:00"]), 60);
  const short = labelWidth(["A Tiếp nhận"]);
  const longer = labelWidth(["A Tiếp nhận", "B Tiếp nhận khám dịch vụ"]);
  assert.ok(longer > short && longer > 150, `${short} ${longer}`); // 150 cut "B Tiếp nhận khám dịch vụ"
  assert.equal(labelWidth(["M".repeat(80)]), 300);
});

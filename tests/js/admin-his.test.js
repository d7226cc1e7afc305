// The admin's HIS link tab: what the flow keeps of /api/his/links and /api/his/dead, and a
// link's health in one word (clients/admin/his.js).
import test from "node:test";
import assert from "node:assert/strict";
import { freeze } from "./freeze.js";
import { initial, next } from "../../clients/admin/flow.js";
import { health, pollLine } from "../../clients/admin/his.js";
import { TEXTS } from "../../clients/admin/texts.js";
import { addTexts } from "../../clients/shared/i18n.js";

const SESSION = { token: "tok", role: "admin", username: "admin", expires: 2_000_000_000 };
const LINK = { name: "his", form: "fhir", site: "70001", depth: 0, dead: 0, breaker: "closed", alert: false };

test("the links and dead letters are kept as loaded; a refusal or a message shows until the tab opens again", () => {
  const loaded = freeze(next(initial(SESSION), { type: "his_loaded", links: [LINK], dead: [{ id: "m-1" }], at: 100 }));
  assert.deepEqual(loaded.his, { links: [LINK], dead: [{ id: "m-1" }], at: 100, message: "", error: "" });
  const failed = next(loaded, { type: "his_failed", error: "Chỉ quản trị viên được làm việc này." });
  assert.equal(failed.his.error, "Chỉ quản trị viên được làm việc này.");
  assert.deepEqual(failed.his.links, [LINK], "what was loaded stays");
  const said = next(failed, { type: "his_said", message: "Đã bỏ qua tin." });
  assert.deepEqual([said.his.message, said.his.error], ["Đã bỏ qua tin.", ""]);
  const reopened = next(said, { type: "tab_opened", tab: "his", config: null });
  assert.deepEqual([reopened.his.message, reopened.his.error, reopened.his.links], ["", "", [LINK]]);
});

test("a link's health: working, messages waiting, unreachable, inbound only", () => {
  assert.equal(health(LINK), "ok");
  assert.equal(health({ ...LINK, depth: 3 }), "waiting");
  assert.equal(health({ ...LINK, dead: 1 }), "waiting");
  assert.equal(health({ ...LINK, depth: 3, breaker: "open" }), "down");
  assert.equal(health({ ...LINK, alert: true }), "down");
  assert.equal(health({ name: "in", form: "none", site: "70001" }), "inbound");
});

test("a polling link's line: changes taken and refused, the last poll, its error or the last refusal", () => {
  addTexts(TEXTS);
  const since = (at) => `@${at}`;
  const poll = { every: 5, last_success: 90, last_error: "", changes: 4, applied: 3, refused: 1, last_refusal: "fhir:X: illegal", last_refusal_at: 80 };
  assert.equal(pollLine(undefined, since), "");
  assert.equal(pollLine(poll, since), "Đọc thay đổi từ HIS mỗi 5 giây: 4 thay đổi, 1 bị từ chối · lần đọc cuối @90 · lần từ chối gần nhất: fhir:X: illegal");
  assert.equal(pollLine({ ...poll, last_success: 0, last_error: "HTTP 503" }, since), "Đọc thay đổi từ HIS mỗi 5 giây: 4 thay đổi, 1 bị từ chối · lần đọc cuối — · lỗi: HTTP 503");
});

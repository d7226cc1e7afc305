// The kiosk's texts (clients/kiosk/texts.js) and pure flow (clients/kiosk/flow.js): both languages
// complete, the Vietnamese with its diacritics; the decisions between screens, plain data in and out.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { TEXTS } from "../../clients/kiosk/texts.js";
import { addTexts, t } from "../../clients/shared/i18n.js";
import "../../clients/kiosk/identity.js"; // adds the idv.* texts
import {
  MAX, initial, resetFields, keypadKeys, pressKey, typedLength, submitIdentity, toggleGroup, faceOffered,
  identityOf, issueCommand, afterIssueError, waitMinutes, density, servicesByDepartment, idleLeft, hoursChange, printedDay, backToVietnamese,
} from "../../clients/kiosk/flow.js";

const DIR = new URL("../../clients/kiosk/", import.meta.url);

test("Vietnamese and English have the same kiosk keys, none empty", () => {
  assert.deepEqual(Object.keys(TEXTS.en).sort(), Object.keys(TEXTS.vi).sort());
  for (const [lang, table] of Object.entries(TEXTS)) {
    for (const [key, text] of Object.entries(table)) assert.ok(text.trim(), `${lang} ${key} is empty`);
  }
});

test("the Vietnamese kiosk texts keep their diacritics", () => {
  assert.equal(TEXTS.vi["home.title"], "Chọn dịch vụ để lấy số thứ tự");
  assert.equal(TEXTS.vi["id.none"], "Tôi không mang giấy tờ");
  assert.equal(TEXTS.vi["ticket.printed"], "Đã in vé. Vui lòng lấy vé ở khe máy in.");
  assert.equal(TEXTS.vi["day.sun"], "Chủ nhật");
});

test("every literal key the kiosk modules use has a text", () => {
  addTexts(TEXTS);
  const used = new Set();
  for (const name of readdirSync(DIR).filter((f) => f.endsWith(".js"))) {
    const src = readFileSync(new URL(name, DIR), "utf8");
    for (const m of src.matchAll(/\bt\("([\w.]+)"/g)) used.add(m[1]);
  }
  assert.ok(used.size > 40, `found only ${used.size} keys`);
  for (const key of used) assert.notEqual(t(key, {}, "vi"), key, `no text for ${key}`);
});

// ---- the pure flow (clients/kiosk/flow.js) ----------------------------------------------------

test("the kiosk starts loading, and a reset clears the patient's traces", () => {
  const s = initial(1000);
  assert.equal(s.screen, "loading");
  assert.equal(s.method, "id");
  assert.equal(s.lastTouch, 1000);
  const r = resetFields();
  assert.deepEqual({ ...r, declared: [...r.declared] }, {
    service: "", value: "", method: "id", declared: [], result: null, duplicate: "", duplicateFace: false,
    qr: null, chip: null, printed: "", faceFailed: false, faceHint: "",
  });
  assert.notEqual(resetFields().declared, r.declared, "a fresh set each time");
});

test("the keypad: digits for an ID, letters and digits for BHYT; back, clear, at most 20", () => {
  assert.deepEqual(keypadKeys("id"), ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"]);
  assert.equal(keypadKeys("bhyt").length, 38);
  assert.ok(keypadKeys("bhyt").includes("Z"));
  assert.equal(pressKey("12", "3"), "123");
  assert.equal(pressKey("123", "back"), "12");
  assert.equal(pressKey("", "back"), "");
  assert.equal(pressKey("123", "clear"), "");
  assert.equal(pressKey("1".repeat(20), "2"), "1".repeat(20));
  assert.equal(typedLength(" 12 34 "), 4);
  assert.deepEqual(MAX, { id: 12, bhyt: 15 });
});

test("Continue: an error, the chip to read, or the priority screen", () => {
  assert.deepEqual(submitIdentity("id", ""), { error: { key: "idv.empty" } });
  assert.deepEqual(submitIdentity("id", "1234"), { error: { key: "idv.id_length", params: { n: 4 } } });
  assert.deepEqual(submitIdentity("id", "0790 1234 5678"), { readChip: "079012345678" });
  assert.deepEqual(submitIdentity("bhyt", "DN4010123456789"), { priority: true });
  assert.deepEqual(submitIdentity("bhyt", "DN401"), { error: { key: "idv.bhyt_length", params: { n: 5 } } });
  assert.deepEqual(submitIdentity("id", "not|a|card"), { error: { key: "idv.qr" } });
  const qr = submitIdentity("id", "079012345678|123456789|Nguyễn Văn An|01021990|Nam|Hòa An|01012021");
  assert.deepEqual(qr, { readChip: "079012345678", qr: { id_number: "079012345678", name: "Nguyễn Văn An", dob: "1990-02-01", sex: "male" } });
});

test("priority groups toggle without changing the set given", () => {
  const none = Object.freeze(new Set());
  const one = toggleGroup(none, "pregnant");
  assert.deepEqual([...one], ["pregnant"]);
  assert.equal(none.size, 0);
  assert.deepEqual([...toggleGroup(one, "pregnant")], []);
});

test("the face check is offered only with a camera, the bridge's face and no young child", () => {
  const base = { enabled: true, faceOk: true, browserCamera: true, bridgeCamera: false, declared: new Set() };
  assert.equal(faceOffered(base), true);
  assert.equal(faceOffered({ ...base, browserCamera: false, bridgeCamera: true }), true);
  assert.equal(faceOffered({ ...base, browserCamera: false }), false);
  assert.equal(faceOffered({ ...base, enabled: false }), false);
  assert.equal(faceOffered({ ...base, faceOk: false }), false);
  assert.equal(faceOffered({ ...base, declared: new Set(["child_under_6"]) }), false);
});

test("the issue command carries the chip's, the QR's or the typed identity, and the face", () => {
  const s = { ...initial(0), service: "N", value: " 079012345678 ", declared: new Set(["elderly_75"]) };
  assert.deepEqual(issueCommand(s, {}, ""), {
    type: "issue_ticket", service: "N", channel: "kiosk", declared: ["elderly_75"],
    identity: { source: "typed", id_number: "079012345678" },
  });
  assert.deepEqual(identityOf({ ...s, method: "bhyt", value: "dn4010123456789" }), { source: "typed", bhyt_number: "DN4010123456789" });
  const qr = { id_number: "079012345678", name: "An", dob: "1990-02-01", sex: "male" };
  assert.deepEqual(identityOf({ ...s, qr }), { source: "qr", ...qr });
  const chip = { id_number: "079012345678", name: "Bình", dob: "1980-01-01", sex: "female", extra: 1 };
  assert.deepEqual(identityOf({ ...s, qr, chip }), { source: "chip", id_number: "079012345678", name: "Bình", dob: "1980-01-01", sex: "female" });
  assert.equal(identityOf({ ...s, value: "" }), null);
  assert.equal("identity" in issueCommand({ ...s, value: "" }, {}, ""), false);
  const face = issueCommand(s, { face: [0.1, 0.2] }, "notice v1");
  assert.deepEqual([face.face, face.face_consent], [[0.1, 0.2], "notice v1"]);
  assert.equal(issueCommand(s, { consent: "declined" }, "notice v1").face_consent, "declined");
});

test("an issue error sends the patient to the duplicate, identity or priority screen", () => {
  assert.equal(afterIssueError("duplicate_ticket"), "duplicate");
  assert.equal(afterIssueError("duplicate_face"), "duplicate");
  for (const code of ["invalid_id_number", "invalid_bhyt_number", "identity_missing", "invalid_dob"]) assert.equal(afterIssueError(code), "identify");
  assert.equal(afterIssueError("timeout"), "priority");
});

test("waits, density, departments and the printed day", () => {
  assert.equal(waitMinutes(null), null);
  assert.equal(waitMinutes(0.2), 1);
  assert.equal(waitMinutes(7.6), 8);
  assert.deepEqual([density(14), density(15), density(24), density(25)], ["normal", "compact", "compact", "dense"]);
  const cfg = {
    departments: [{ code: "B", order: 2 }, { code: "A", order: 1 }, { code: "C", order: 3 }],
    services: [
      { code: "X", department: "A", order: 2, on_kiosk: true }, { code: "Y", department: "A", order: 1, on_kiosk: true },
      { code: "Z", department: "B", order: 1, on_kiosk: false }, { code: "W", department: "C", order: 1, on_kiosk: true },
    ],
  };
  assert.deepEqual(servicesByDepartment(cfg).map((g) => [g.dept.code, g.services.map((s) => s.code)]), [["A", ["Y", "X"]], ["C", ["W"]]]);
  assert.equal(printedDay("2026-12-04"), "04/12/2026");
});

test("idle and opening hours", () => {
  assert.equal(idleLeft("home", 40, 0, 100_000), null);
  assert.equal(idleLeft("busy", 40, 0, 100_000), null);
  assert.equal(idleLeft("ticket", 40, 0, 10_500), 30);
  assert.equal(idleLeft("ticket", undefined, 0, 0), 40);
  assert.ok(idleLeft("priority", 10, 0, 20_000) <= 0);
  assert.equal(hoursChange(false, "home"), "close");
  assert.equal(hoursChange(false, "busy"), null);
  assert.equal(hoursChange(false, "setup"), null);
  assert.equal(hoursChange(false, "closed"), null);
  assert.equal(hoursChange(true, "closed"), "reopen");
  assert.equal(hoursChange(true, "home"), null);
});

test("the start screen left in English goes back to Vietnamese after the idle time", () => {
  assert.equal(backToVietnamese("home", "en", 40, 0, 39_999), false);
  assert.equal(backToVietnamese("home", "en", 40, 0, 40_000), true);
  assert.equal(backToVietnamese("home", "vi", 40, 0, 90_000), false);
  assert.equal(backToVietnamese("identify", "en", 40, 0, 90_000), false); // that screen goes home instead
  assert.equal(backToVietnamese("home", "en", undefined, 0, 40_000), true);
});

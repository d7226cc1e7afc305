// The kiosk's texts (clients/kiosk/texts.js) and pure flow (clients/kiosk/flow.js): both languages
// complete, the Vietnamese with its diacritics; the decisions between screens, plain data in and out.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { TEXTS } from "../../clients/kiosk/texts.js";
import { addTexts, t } from "../../clients/shared/i18n.js";
import "../../clients/kiosk/identity.js"; // adds the idv.* texts
import { passportParams } from "../../clients/kiosk/passport.js"; // adds the ppv.* texts
import {
  MAX, initial, resetFields, next, servicesAllowed, keypadKeys, pressKey, typedLength, submitIdentity, toggleGroup, faceOffered,
  identityOf, issueCommand, afterIssueError, waitMinutes, waitLine, density, servicesByDepartment, idleLeft, hoursChange, printedDay, phoneUrl, backToVietnamese,
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
  assert.equal(s.lang, "vi");
  assert.equal(s.lastTouch, 1000);
  const r = resetFields();
  assert.deepEqual({ ...r, declared: [...r.declared] }, {
    service: "", value: "", method: "id", declared: [], result: null, duplicate: "", duplicateFace: false, held: null,
    qr: null, chip: null, face: null, consent: "", printed: "", printError: null, faceFailed: false, faceHint: null,
    passport: { number: "", birth: "", expiry: "", field: "number" },
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
  assert.deepEqual(MAX, { id: 12, bhyt: 15, passport: 9, vneid: 2000 });
  assert.deepEqual(keypadKeys("vneid"), [], "a VNeID code is scanned, not typed");
});

test("Continue: an error, the chip to read, or the priority screen", () => {
  assert.deepEqual(submitIdentity("id", ""), { error: { key: "idv.empty" } });
  assert.deepEqual(submitIdentity("id", "1234"), { error: { key: "idv.id_length", params: { n: 4 } } });
  assert.deepEqual(submitIdentity("id", "0790 1234 5678"), { readChip: "079012345678" });
  assert.deepEqual(submitIdentity("bhyt", "DN4010123456789"), { priority: true });
  assert.deepEqual(submitIdentity("bhyt", "DN401"), { error: { key: "idv.bhyt_length", params: { n: 5 } } });
  assert.deepEqual(submitIdentity("bhyt", "0123 456 789"), { priority: true }, "the 10-digit social-insurance number alone");
  assert.deepEqual(submitIdentity("id", "not|a|card"), { error: { key: "idv.qr" } });
  const qr = submitIdentity("id", "079012345678|123456789|Nguyễn Văn An|01021990|Nam|Hòa An|01012021");
  assert.deepEqual(qr, { scan: "qr" }, "the server reads the card's QR under the rules of the numbers");
  assert.deepEqual(submitIdentity("vneid", "  "), { error: { key: "idv.vneid_empty" } });
  assert.deepEqual(submitIdentity("vneid", "VNEID:8f1c2a"), { scan: "vneid" });
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
  assert.deepEqual(issueCommand(s, ""), {
    type: "issue_ticket", service: "N", channel: "kiosk", declared: ["elderly_75"],
    identity: { source: "typed", id_number: "079012345678" },
  });
  assert.deepEqual(identityOf({ ...s, method: "bhyt", value: "dn4010123456789" }), { source: "typed", bhyt_number: "DN4010123456789" });
  const qr = { id_number: "079012345678", name: "An", dob: "1990-02-01", sex: "male" };
  assert.deepEqual(identityOf({ ...s, qr }), { source: "qr", ...qr });
  const chip = { id_number: "079012345678", name: "Bình", dob: "1980-01-01", sex: "female", extra: 1 };
  assert.deepEqual(identityOf({ ...s, qr, chip }), { source: "chip", id_number: "079012345678", name: "Bình", dob: "1980-01-01", sex: "female" });
  assert.equal(identityOf({ ...s, value: "" }), null);
  assert.equal("identity" in issueCommand({ ...s, value: "" }, ""), false);
  const face = issueCommand({ ...s, face: [0.1, 0.2] }, "notice v1");
  assert.deepEqual([face.face, face.face_consent], [[0.1, 0.2], "notice v1"]);
  assert.equal(issueCommand({ ...s, consent: "declined" }, "notice v1").face_consent, "declined");
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

// ---- the reducer: next(state, action) ----------------------------------------------------------

/** The state after each action in turn, from a kiosk showing its start screen. */
function run(...actions) {
  let s = next(initial(0), { type: "snapshot" });
  for (const a of actions) s = next(s, a);
  return s;
}

const ID = "079012345678"; // synthetic

test("next() never changes the state it is given", () => {
  const s = Object.freeze(run({ type: "service_chosen", service: "A" }));
  const declared = s.declared;
  for (const action of /** @type {import("../../clients/kiosk/flow.js").Action[]} */ ([
    { type: "typed", value: ID }, { type: "key", key: "1" }, { type: "identity_submitted", hasCard: false },
    { type: "group_toggled", group: "pregnant" }, { type: "tick", now: 100_000 }, { type: "done" },
  ])) {
    const after = next(s, action);
    assert.notEqual(after, s);
  }
  assert.equal(s.screen, "identify");
  assert.equal(s.declared, declared);
  assert.equal(declared.size, 0);
  assert.throws(() => next(s, /** @type {any} */ ({ type: "nonsense" })), /unknown kiosk action nonsense/);
});

test("the first snapshot shows the start screen; later ones change nothing", () => {
  const s = next(initial(0), { type: "snapshot" });
  assert.equal(s.screen, "home");
  assert.equal(next(s, { type: "snapshot" }), s);
  assert.equal(next(s, { type: "setup" }).screen, "setup");
});

test("a typed ID with no card on the reader: service, identity, priority, issue, ticket", () => {
  let s = run({ type: "service_chosen", service: "A" });
  assert.deepEqual([s.screen, s.service, s.method, s.value], ["identify", "A", "id", ""]);
  s = next(s, { type: "typed", value: "0790 1234 567" });
  s = next(s, { type: "key", key: "8" });
  assert.equal(s.value, "0790 1234 5678");
  s = next(s, { type: "identity_submitted", hasCard: false });
  assert.equal(s.screen, "checking", "the server is asked what this person holds");
  s = next(s, { type: "held", held: [{ label: "B001", service: "B", status: "waiting" }] });
  assert.deepEqual([s.screen, s.held?.length], ["priority", 1]);
  s = next(s, { type: "group_toggled", group: "elderly_75" });
  assert.deepEqual([...s.declared], ["elderly_75"]);
  s = next(s, { type: "take", faceOffered: false });
  assert.deepEqual([s.screen, s.face, s.consent], ["busy", null, ""]);
  assert.deepEqual(issueCommand(s, "").identity, { source: "typed", id_number: ID });
  const result = { ticket: "A001", service: "A" };
  s = next(s, { type: "issued", result });
  assert.deepEqual([s.screen, s.result, s.value, s.printed], ["ticket", result, "", ""]);
});

test("a wrong number stays on the identity screen with its error; typing clears it", () => {
  let s = run({ type: "service_chosen", service: "A" }, { type: "typed", value: "1234" }, { type: "identity_submitted", hasCard: false });
  assert.equal(s.screen, "identify");
  assert.deepEqual(s.error, { key: "idv.id_length", params: { n: 4 } });
  assert.equal(next(s, { type: "key", key: "5" }).error, null);
  s = next(s, { type: "typed", value: "12345" });
  assert.equal(s.error, null);
  s = next(s, { type: "method_chosen", method: "bhyt" });
  assert.deepEqual([s.screen, s.method, s.value], ["identify", "bhyt", ""]);
  s = next(next(s, { type: "typed", value: "DN4010123456789" }), { type: "identity_submitted", hasCard: true });
  assert.equal(s.screen, "checking", "a BHYT number has no chip to read");
});

test("with a card on the reader the chip is read; a wrong number goes back, other failures go on typed", () => {
  const reading = run({ type: "service_chosen", service: "A" }, { type: "typed", value: ID }, { type: "identity_submitted", hasCard: true });
  assert.equal(reading.screen, "reading");
  const chip = { id_number: ID, name: "Nguyễn Văn An", dob: "1990-02-01", sex: "male" };
  const read = next(reading, { type: "chip_read", chip });
  assert.deepEqual([read.screen, read.chip], ["checking", chip]);
  assert.equal(identityOf(read).source, "chip");
  const wrong = next(reading, { type: "chip_failed", error: { code: "wrong_can" } });
  assert.deepEqual([wrong.screen, wrong.value, wrong.error], ["identify", "", { key: "chip.wrong" }]);
  const failed = { code: "card_removed", message_vi: "Thẻ đã bị rút ra", message_en: "The card was removed" };
  const typed = next(reading, { type: "chip_failed", error: failed });
  assert.deepEqual([typed.screen, typed.error, typed.chip], ["checking", failed, null]);
  const told = next(typed, { type: "held", held: [] });
  assert.deepEqual([told.screen, told.error], ["priority", failed], "what the chip said stays shown");
  assert.equal(next(reading, { type: "chip_failed", error: { code: "timeout" } }).error, null);
  // an answer that comes after the patient left the screen changes nothing
  const home = next(reading, { type: "done" });
  assert.equal(next(home, { type: "chip_read", chip }), home);
  assert.equal(next(home, { type: "chip_failed", error: failed }), home);
});

test("a passport: its three fields typed on the keypad open the chip, which gives a passport identity", () => {
  let s = run({ type: "service_chosen", service: "A" }, { type: "method_chosen", method: "passport" });
  assert.deepEqual([s.method, s.passport], ["passport", { number: "", birth: "", expiry: "", field: "number" }]);
  for (const k of "c12-3456789") s = next(s, { type: "key", key: k.toUpperCase() });
  assert.equal(s.passport.number, "C12345678", "letters and digits, 9 at most");
  s = next(s, { type: "key", key: "back" });
  s = next(s, { type: "passport_field", field: "birth" });
  for (const k of "14031988X5") s = next(s, { type: "key", key: k });
  assert.deepEqual([s.passport.number, s.passport.birth], ["C1234567", "14031988"], "a date takes 8 digits");
  assert.deepEqual(next(s, { type: "identity_submitted", hasCard: true }).error, { key: "ppv.expiry" });
  s = next(s, { type: "passport_typed", field: "expiry", value: "31/06/2031" });
  assert.deepEqual([s.passport.field, s.passport.expiry], ["expiry", "31062031"]);
  assert.deepEqual(next(s, { type: "identity_submitted", hasCard: true }).error, { key: "ppv.expiry" }, "no 31 June");
  s = next(s, { type: "passport_typed", field: "expiry", value: "30062031" });
  assert.deepEqual(next(s, { type: "identity_submitted", hasCard: false }).error, { key: "ppv.place" }, "the chip is the passport's proof");
  assert.deepEqual(passportParams(s.passport), { document_number: "C1234567", birth_date: "1988-03-14", expiry_date: "2031-06-30", portrait: false });
  const reading = next(s, { type: "identity_submitted", hasCard: true });
  assert.equal(reading.screen, "reading");
  const wrong = { code: "wrong_mrz", message_vi: "Số hộ chiếu, ngày sinh hoặc ngày hết hạn không khớp với chip.", message_en: "x" };
  const back = next(reading, { type: "chip_failed", error: wrong });
  assert.deepEqual([back.screen, back.error, back.passport.number], ["identify", wrong, "C1234567"], "kept, to be corrected");
  const chip = { source: "passport", document_number: "C1234567", nationality: "UTO", name: "MARTIN CLAIRE ELISE", dob: "1988-03-14", sex: "female", id_number: "" };
  const read = next(reading, { type: "chip_read", chip });
  assert.equal(read.screen, "priority", "no held-tickets question for a passport");
  assert.deepEqual(issueCommand(read, "").identity, {
    source: "passport", passport_number: "C1234567", nationality: "UTO", name: "MARTIN CLAIRE ELISE", dob: "1988-03-14", sex: "female",
  });
  assert.deepEqual(next(read, { type: "method_chosen", method: "id" }).passport.number, "", "another method starts afresh");
});

test("the card's QR typed by a scanner: read by the server, then the chip read with its number", () => {
  const qr = "079012345678|123456789|Nguyễn Văn An|01021990|Nam|Hòa An|01012021";
  const read = { source: /** @type {"qr"} */ ("qr"), id_number: ID, name: "Nguyễn Văn An", dob: "1990-02-01", sex: "male" };
  const scanning = run({ type: "service_chosen", service: "A" }, { type: "typed", value: qr }, { type: "identity_submitted", hasCard: true });
  assert.equal(scanning.screen, "scanning");
  const s = next(scanning, { type: "scanned", identity: read, hasCard: true });
  assert.deepEqual([s.screen, s.value, s.qr?.name], ["reading", ID, "Nguyễn Văn An"]);
  const without = next(scanning, { type: "scanned", identity: read, hasCard: false });
  assert.deepEqual([without.screen, identityOf(without).source], ["checking", "qr"]);
  assert.equal(next(without, { type: "typed", value: "1" }).qr, null, "typing again forgets the scan");
  const told = { code: "invalid_issue_date", message_vi: "Ngày cấp…", message_en: "Issue date…" };
  const refused = next(scanning, { type: "scan_refused", error: told });
  assert.deepEqual([refused.screen, refused.error, refused.value], ["identify", told, ""]);
  assert.equal(next(s, { type: "scanned", identity: read, hasCard: true }), s, "only while scanning");
});

test("VNeID: the code shown by the app gives an identity of source vneid; the chip is not read", () => {
  const chosen = run({ type: "service_chosen", service: "A" }, { type: "method_chosen", method: "vneid" });
  assert.equal(identityOf({ ...chosen, value: "VNEID:8f1c2a" }), null, "a code is no number");
  const scanning = run({ type: "service_chosen", service: "A" }, { type: "method_chosen", method: "vneid" },
    { type: "typed", value: "VNEID:8f1c2a" }, { type: "identity_submitted", hasCard: true });
  assert.equal(scanning.screen, "scanning");
  const read = next(scanning, { type: "scanned", identity: { source: "vneid", id_number: ID, name: "An", sex: "" }, hasCard: true });
  assert.deepEqual([read.screen, identityOf(read)?.source], ["checking", "vneid"]);
});

test("a typed number the server refuses sends the patient back to it, told which part is wrong", () => {
  const checking = run({ type: "service_chosen", service: "A" }, { type: "typed", value: "003099012345" }, { type: "identity_submitted", hasCard: false });
  assert.equal(checking.screen, "checking");
  const told = { code: "invalid_id_number", message_vi: "3 chữ số đầu (003)…", message_en: "first 3 digits (003)…" };
  const back = next(checking, { type: "check_failed", error: told });
  assert.deepEqual([back.screen, back.error], ["identify", told]);
  assert.equal(next(checking, { type: "check_failed", error: { code: "timeout" } }).screen, "priority");
  assert.equal(next(checking, { type: "check_failed" }).screen, "priority");
});

test("no document, back, and Done", () => {
  let s = run({ type: "service_chosen", service: "B" }, { type: "typed", value: ID }, { type: "no_document" });
  assert.deepEqual([s.screen, s.value, identityOf(s)], ["priority", "", null]);
  s = run({ type: "service_chosen", service: "B" }, { type: "typed", value: ID }, { type: "identity_submitted", hasCard: false }, { type: "back" });
  assert.deepEqual([s.screen, s.value], ["identify", ID]);
  s = next(s, { type: "language" });
  assert.equal(s.lang, "en");
  s = next(s, { type: "done" });
  assert.deepEqual([s.screen, s.lang, s.service, s.value], ["home", "vi", "", ""]);
});

test("the face check: consent, camera, hints, the descriptor or a refusal goes to the issue", () => {
  const prio = run({ type: "service_chosen", service: "A" }, { type: "no_document" });
  const consent = next(prio, { type: "take", faceOffered: true });
  assert.equal(consent.screen, "consent");
  const declined = next(consent, { type: "face_declined" });
  assert.deepEqual([declined.screen, declined.consent, issueCommand(declined, "v1").face_consent], ["busy", "declined", "declined"]);
  let cam = next(consent, { type: "consent_given" });
  assert.deepEqual([cam.screen, cam.faceHint, cam.faceFailed], ["camera", null, false]);
  const hint = { message_vi: "Lại gần hơn", message_en: "Come closer" };
  cam = next(cam, { type: "face_hint", hint, now: 5000 });
  assert.deepEqual([cam.faceHint, cam.lastTouch], [hint, 5000]);
  assert.equal(next(cam, { type: "face_failed" }).faceFailed, true);
  const busy = next(cam, { type: "face_captured", face: [0.5] });
  assert.deepEqual([busy.screen, issueCommand(busy, "v1").face, issueCommand(busy, "v1").face_consent], ["busy", [0.5], "v1"]);
  assert.equal(next(busy, { type: "face_captured", face: [0.1] }), busy, "a late descriptor is ignored");
  assert.equal(next(busy, { type: "face_hint", hint, now: 9 }), busy);
  assert.equal(next(busy, { type: "face_failed" }), busy);
});

test("a refused issue: the duplicate screen, the identity or the priority screen with the error", () => {
  const busy = run(
    { type: "service_chosen", service: "A" }, { type: "typed", value: ID }, { type: "identity_submitted", hasCard: false },
    { type: "held", held: [] }, { type: "take", faceOffered: false },
  );
  assert.equal(busy.screen, "busy");
  const dup = next(busy, { type: "refused", error: { code: "duplicate_ticket", field: "A001" } });
  assert.deepEqual([dup.screen, dup.duplicate, dup.duplicateFace, dup.value], ["duplicate", "A001", false, ""]);
  const face = next(busy, { type: "refused", error: { code: "duplicate_face", field: "A002" } });
  assert.deepEqual([face.screen, face.duplicate, face.duplicateFace], ["duplicate", "A002", true]);
  assert.equal(next(busy, { type: "refused", error: { code: "duplicate_ticket" } }).duplicate, "");
  const bad = { code: "invalid_id_number", message_vi: "Số sai", message_en: "Wrong number" };
  assert.deepEqual([next(busy, { type: "refused", error: bad }).screen, next(busy, { type: "refused", error: bad }).error], ["identify", bad]);
  assert.equal(next(busy, { type: "refused", error: { code: "timeout" } }).screen, "priority");
  assert.equal(next(dup, { type: "refused", error: bad }), dup, "only a pending issue is answered");
  assert.equal(next(dup, { type: "issued", result: {} }), dup);
});

test("the printer's news shows on its own ticket only", () => {
  const busy = run({ type: "service_chosen", service: "A" }, { type: "no_document" }, { type: "take", faceOffered: false });
  const ticket = next(busy, { type: "issued", result: { ticket: "A001" } });
  assert.equal(next(ticket, { type: "print_started", label: "A001" }).printed, "printing");
  assert.equal(next(ticket, { type: "printed", label: "A001" }).printed, "printed");
  assert.equal(next(ticket, { type: "printed_by_server", label: "A001" }).printed, "server"); // the server prints this kiosk's tickets
  assert.equal(next(ticket, { type: "printed_by_server", label: "A002" }), ticket);
  const paper = { code: "paper_out", message_vi: "Hết giấy", message_en: "Out of paper" };
  const failed = next(ticket, { type: "print_failed", label: "A001", error: paper });
  assert.deepEqual([failed.printed, failed.printError], ["failed", paper]);
  assert.equal(next(ticket, { type: "printed", label: "A002" }), ticket);
  const home = next(ticket, { type: "done" });
  assert.equal(next(home, { type: "printed", label: "A001" }), home, "the next patient does not see it");
});

test("idle: touches hold the screen, an idle screen goes home, the start screen back to Vietnamese", () => {
  let s = run({ type: "service_chosen", service: "A" }, { type: "touch", now: 10_000 });
  assert.equal(s.lastTouch, 10_000);
  assert.equal(next(s, { type: "tick", now: 49_000, idleSeconds: 40 }), s);
  const home = next(s, { type: "tick", now: 50_000, idleSeconds: 40 });
  assert.deepEqual([home.screen, home.service], ["home", ""]);
  s = next(next(home, { type: "language" }), { type: "touch", now: 60_000 });
  assert.equal(next(s, { type: "tick", now: 99_999 }), s);
  assert.equal(next(s, { type: "tick", now: 100_000 }).lang, "vi");
  const busy = run({ type: "service_chosen", service: "A" }, { type: "no_document" }, { type: "take", faceOffered: false });
  assert.equal(next(busy, { type: "tick", now: 1e9 }), busy, "an issue on its way is waited for");
});

test("opening hours: closed, drawn again on a new day, open again at the start", () => {
  const s = run({ type: "service_chosen", service: "A" });
  assert.equal(next(s, { type: "hours", open: true, today: "2026-12-06" }), s);
  const closed = next(s, { type: "hours", open: false, today: "2026-12-06" });
  assert.deepEqual([closed.screen, closed.closedOn], ["closed", "2026-12-06"]);
  assert.equal(next(closed, { type: "hours", open: false, today: "2026-12-06" }), closed);
  assert.equal(next(closed, { type: "hours", open: false, today: "2026-12-07" }).closedOn, "2026-12-07");
  const open = next(closed, { type: "hours", open: true, today: "2026-12-07" });
  assert.deepEqual([open.screen, open.service], ["home", ""]);
  const busy = next(next(s, { type: "no_document" }), { type: "take", faceOffered: false });
  assert.equal(next(busy, { type: "hours", open: false, today: "2026-12-06" }), busy);
});

// ---- a second ticket is refused at the identity step (issue 16, item 9) -------------------------

test("a person who holds a ticket for the chosen service is told at once, with the services still allowed", () => {
  const checking = run({ type: "service_chosen", service: "B" }, { type: "typed", value: ID }, { type: "identity_submitted", hasCard: false });
  assert.equal(checking.screen, "checking");
  const held = [{ label: "B001", service: "B", status: "waiting" }, { label: "C001", service: "C", status: "called" }];
  const dup = next(checking, { type: "held", held });
  assert.deepEqual([dup.screen, dup.duplicate, dup.duplicateFace, dup.held], ["duplicate", "B001", false, held]);
  assert.equal(dup.value, ID, "the identity is kept for another service");
  // another service still allowed goes on to the priority step with the same identity
  const other = next(dup, { type: "service_chosen", service: "A" });
  assert.deepEqual([other.screen, other.service, identityOf(other)], ["priority", "A", { source: "typed", id_number: ID }]);
  assert.equal(next(dup, { type: "service_chosen", service: "C" }), dup, "a service held already is not offered");
  const home = next(dup, { type: "done" });
  assert.deepEqual([home.screen, home.held, home.value], ["home", null, ""]);
  assert.deepEqual([next(home, { type: "service_chosen", service: "A" }).screen], ["identify"]);
  // an answer that comes after the patient left changes nothing
  assert.equal(next(home, { type: "held", held }), home);
  assert.equal(next(home, { type: "check_failed" }), home);
});

test("without an answer the kiosk goes on to the priority step (the issue still decides)", () => {
  const checking = run({ type: "service_chosen", service: "B" }, { type: "typed", value: ID }, { type: "identity_submitted", hasCard: false });
  const on = next(checking, { type: "check_failed" });
  assert.deepEqual([on.screen, on.held], ["priority", null]);
  const dup = next(next(on, { type: "take", faceOffered: false }), { type: "refused", error: { code: "duplicate_ticket", field: "B001" } });
  assert.deepEqual([dup.screen, dup.duplicate, dup.held], ["duplicate", "B001", null]);
  assert.equal(next(dup, { type: "service_chosen", service: "A" }).screen, "identify", "no identity kept: start again");
  const none = run({ type: "service_chosen", service: "B" }, { type: "no_document" });
  assert.equal(none.screen, "priority", "no identity, nothing to ask");
});

test("the services still allowed: the kiosk's services, by department, without those held", () => {
  const cfg = {
    departments: [{ code: "D", order: 1 }, { code: "E", order: 2 }],
    services: [
      { code: "A", department: "D", order: 1, on_kiosk: true }, { code: "B", department: "D", order: 2, on_kiosk: true },
      { code: "C", department: "E", order: 1, on_kiosk: true }, { code: "X", department: "E", order: 2, on_kiosk: false },
    ],
  };
  const codes = (held) => servicesAllowed(cfg, held).map((g) => [g.dept.code, g.services.map((s) => s.code)]);
  assert.deepEqual(codes([]), [["D", ["A", "B"]], ["E", ["C"]]]);
  assert.deepEqual(codes([{ label: "C001", service: "C", status: "waiting" }, { label: "A001", service: "A", status: "waiting" }]), [["D", ["B"]]]);
});

test("the ticket screen shows the expected call time with the minutes, else as before", () => {
  const clock = (at) => `t${at}`;
  assert.deepEqual(waitLine({ wait_minutes: 25, call_at: 1800 }, clock), ["ticket.wait_at", { time: "t1800", n: 25 }]);
  assert.deepEqual(waitLine({ wait_minutes: 0 }, clock), ["ticket.wait", { n: 1 }]);
  assert.deepEqual(waitLine({ wait_minutes: null, call_at: null }, clock), ["ticket.no_wait", {}]);
  assert.deepEqual(waitLine({ wait_minutes: null, late: true }, clock), ["ticket.late", {}]);
});

test("the phone link says the ticket's day: opened on another day, it follows no other patient's number", () => {
  assert.equal(phoneUrl("http://hang-doi.lan", "A005", "2026-12-07"), "http://hang-doi.lan/t/A005?d=2026-12-07");
  assert.equal(phoneUrl("http://hang-doi.lan", "A005"), "http://hang-doi.lan/t/A005", "the day unknown: the label alone");
});

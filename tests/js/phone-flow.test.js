// The phone page's texts (clients/phone/texts.js) and pure flow (clients/phone/flow.js): both
// languages complete; the label from the path; when the phone rings (a new call, a recall, a
// call missed while asleep) and when it does not (the same status again after a reconnect).
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { TEXTS } from "../../clients/phone/texts.js";
import { addTexts, t } from "../../clients/shared/i18n.js";
import {
  labelFromPath, dayFromSearch, offersSound, initial, helloFields, callKey, receive, linkChanged, refused, screen, notice, waitMinutes, waitLine, linkLine, MAX_LABEL,
} from "../../clients/phone/flow.js";

const DIR = new URL("../../clients/phone/", import.meta.url);

test("Vietnamese and English have the same phone keys, none empty, diacritics kept", () => {
  assert.deepEqual(Object.keys(TEXTS.en).sort(), Object.keys(TEXTS.vi).sort());
  for (const [lang, table] of Object.entries(TEXTS)) {
    for (const [key, text] of Object.entries(table)) assert.ok(text.trim(), `${lang} ${key} is empty`);
  }
  assert.equal(TEXTS.vi["sound.unlock"], "Chạm vào đây để bật chuông và rung khi đến lượt bạn");
  assert.equal(TEXTS.vi["called.lead"], "Đến lượt bạn! Mời bạn đến");
});

test("every literal key the phone modules use has a text in both languages", () => {
  addTexts(TEXTS);
  const used = new Set();
  for (const name of readdirSync(DIR).filter((f) => f.endsWith(".js"))) {
    const src = readFileSync(new URL(name, DIR), "utf8");
    for (const m of src.matchAll(/\bt\("([\w.]+)"/g)) used.add(m[1]);
    for (const m of src.matchAll(/return "(notice\.\w+|live|offline|updated|connecting)"/g)) used.add(m[1]);
  }
  for (const status of ["done", "missed", "parked", "cancelled", "expired"]) used.add(status); // t(status)
  assert.ok(used.size > 20);
  for (const key of used) {
    if (key === "lang.switch") continue;
    assert.ok(key in TEXTS.vi && key in TEXTS.en, key);
    assert.notEqual(t(key, {}, "vi"), key);
  }
});

test("the label comes from the path, decoded, trimmed, upper case and bounded", () => {
  assert.equal(labelFromPath("/t/n002"), "N002");
  assert.equal(labelFromPath("/t/%20a001%20/"), "A001");
  assert.equal(labelFromPath("/t/%E0%A4"), "%E0%A4"); // not UTF-8: as typed
  assert.equal(labelFromPath(`/t/${"x".repeat(40)}`).length, MAX_LABEL);
  assert.equal(labelFromPath("/"), "");
});

const waiting = { label: "N002", day: "2026-12-06", service: "N", status: "waiting", counter: null, counters: [4], called_at: null, recalls: 0, ahead: 1, wait_minutes: 5, open_counters: 1 };
const called = { ...waiting, status: "called", counter: 4, called_at: 100.5, ahead: undefined };

test("the hello names the label, and the day once a status was seen", () => {
  const m = initial("N002");
  assert.deepEqual(helloFields(m), { role: "phone", label: "N002" });
  const seen = receive(m, { ticket: waiting, cause: "" }, 1).model;
  assert.deepEqual(helloFields(seen), { role: "phone", label: "N002", day: "2026-12-06" });
});

test("a link that says its ticket's day follows that day's ticket only, from the first hello", () => {
  assert.equal(dayFromSearch("?d=2026-12-06"), "2026-12-06");
  assert.equal(dayFromSearch(""), "");
  assert.equal(dayFromSearch("?d=06/12/2026"), "", "not a day: the label alone");
  assert.equal(dayFromSearch("?d=2026-12-06x"), "");
  assert.deepEqual(helloFields(initial("N002", "2026-12-06")), { role: "phone", label: "N002", day: "2026-12-06" });
});

test("the phone rings on a call, on a recall, and on a new call at another counter", () => {
  let m = receive(initial("N002"), { ticket: waiting, cause: "" }, 1).model;
  const first = receive(m, { ticket: called, cause: "ticket_called" }, 2);
  assert.equal(first.ring, "call");
  assert.equal(screen(first.model), "ticket");
  m = first.model;
  const again = receive(m, { ticket: { ...called, recalls: 1 }, cause: "ticket_recalled" }, 3);
  assert.equal(again.ring, "recall");
  const elsewhere = receive(again.model, { ticket: { ...called, counter: 9, called_at: 300, recalls: 0 }, cause: "ticket_called" }, 4);
  assert.equal(elsewhere.ring, "call");
});

test("the same status again (a reconnect, a place that did not move) does not ring twice", () => {
  const m = receive(initial("N002"), { ticket: called, cause: "ticket_called" }, 1).model;
  assert.equal(receive(m, { ticket: called, cause: "" }, 2).ring, null);
  assert.equal(receive(m, { ticket: { ...called, status: "serving" }, cause: "service_started" }, 2).ring, null);
  assert.equal(callKey(waiting), "");
  assert.equal(callKey(null), "");
});

test("a call that came while the phone slept rings when it wakes; opened already called, it rings", () => {
  let m = receive(initial("N002"), { ticket: waiting, cause: "" }, 1).model;
  m = linkChanged(m, "offline");
  assert.equal(linkLine(m), "offline");
  const woke = receive(m, { ticket: { ...called, recalls: 1 }, cause: "" }, 9);
  assert.equal(woke.ring, "call");
  assert.equal(woke.model.link, "online");
  assert.equal(linkLine(woke.model), "live");
  assert.equal(receive(initial("N002"), { ticket: called, cause: "" }, 1).ring, "call");
});

test("a transfer or a return to the queue is noted above the place until the status changes", () => {
  let m = receive(initial("N002"), { ticket: called, cause: "ticket_called" }, 1).model;
  m = receive(m, { ticket: { ...waiting, service: "X", counters: [9] }, cause: "ticket_transferred" }, 2).model;
  assert.equal(notice(m), "notice.transferred");
  m = receive(m, { ticket: { ...waiting, service: "X", counters: [9], ahead: 0 }, cause: "" }, 3).model;
  assert.equal(notice(m), "notice.transferred", "a place update keeps the note");
  m = receive(m, { ticket: { ...called, service: "X", counter: 9 }, cause: "ticket_called" }, 4).model;
  assert.equal(notice(m), "");
  m = receive(m, { ticket: { ...waiting, status: "missed" }, cause: "ticket_missed" }, 5).model;
  m = receive(m, { ticket: waiting, cause: "ticket_reactivated" }, 6).model;
  assert.equal(notice(m), "notice.reactivated");
  m = receive(m, { ticket: { ...waiting, status: "done" }, cause: "service_finished" }, 7).model;
  assert.equal(notice(m), "");
});

test("refusals: an unknown number, a full server that is tried again later, the end of the day", () => {
  const unknown = refused(initial("Z999"), { code: "unknown_ticket" });
  assert.equal(screen(unknown.model), "unknown");
  assert.equal(unknown.retry, null);
  const full = refused(initial("N002"), { code: "too_many_phones" });
  assert.equal(screen(full.model), "refused");
  assert.equal(full.retry, 60_000);
  assert.equal(screen(initial("N002")), "loading");
  assert.equal(linkLine(initial("N002")), "connecting");
  const seen = receive(initial("N002"), { ticket: { ...waiting, status: "expired" }, cause: "day_started" }, 1).model;
  const ended = refused(seen, { code: "unknown_ticket" }).model;
  assert.equal(screen(ended), "ticket", "the last status stays");
  assert.equal(linkLine(ended), "updated");
  const back = receive(full.model, { ticket: waiting, cause: "" }, 2).model;
  assert.equal(back.refusal, null);
});

test("an estimate shows at least one minute; none without an open counter", () => {
  assert.equal(waitMinutes(0), 1);
  assert.equal(waitMinutes(4.6), 5);
  assert.equal(waitMinutes(null), null);
  assert.equal(waitMinutes(undefined), null);
});

test("the wait is shown as the expected call time with the minutes, else as before", () => {
  const clock = (ms) => `t${ms / 1000}`;
  const waiting = { label: "A001", day: "2026-11-23", service: "A", status: "waiting", counter: null, counters: [1], called_at: null, recalls: 0 };
  assert.deepEqual(waitLine({ ...waiting, wait_minutes: 25, call_at: 1800 }, clock), ["wait_at", { time: "t1800", n: 25 }]);
  assert.deepEqual(waitLine({ ...waiting, wait_minutes: 0.2 }, clock), ["wait", { n: 1 }]);
  assert.deepEqual(waitLine({ ...waiting, wait_minutes: null }, clock), ["no_wait", {}]);
  assert.deepEqual(waitLine({ ...waiting, wait_minutes: null, late: true }, clock), ["late", {}]);
  addTexts(TEXTS);
  assert.equal(t("wait_at", { time: "9:30", n: 25 }), "Dự kiến được gọi khoảng 9:30 (chờ khoảng 25 phút)");
});

test("the chime is offered while the ticket may be called, not for a number not found or a visit ended", () => {
  const m = initial("N002");
  assert.equal(offersSound(m), true, "still loading");
  assert.equal(offersSound(refused(m, { code: "unknown_ticket" }).model), false);
  assert.equal(offersSound(refused(m, { code: "too_many_phones" }).model), true, "it tries again");
  for (const status of ["waiting", "called", "serving", "parked", "missed"]) {
    assert.equal(offersSound(receive(m, { ticket: { ...waiting, status }, cause: "" }, 1).model), true, status);
  }
  for (const status of ["done", "cancelled", "expired"]) {
    assert.equal(offersSound(receive(m, { ticket: { ...waiting, status }, cause: "" }, 1).model), false, status);
  }
});

test("the lines a patient reads on the way, natural in both languages", () => {
  addTexts(TEXTS);
  assert.equal(t("go.wait", undefined, "en"), "Please go and wait at");
  assert.equal(t("missed", undefined, "en"), "You missed your call. Please go to the help desk.");
  assert.equal(t("counters", { names: "Counter 1, Counter 2" }, "en"), "Your counters: Counter 1, Counter 2");
  const tests = "Phòng Xét nghiệm, Phòng Chẩn đoán hình ảnh";
  assert.equal(t("step.return.after", { tests }, "vi"), `Sau khi xong ${tests}`, "not 'Sau khi xong: …', read as where to go next");
  assert.equal(t("step.return.after", { tests: "Laboratory, Imaging" }, "en"), "After Laboratory, Imaging");
});

// The counter page: its texts (clients/counter/texts.js: both languages complete, diacritics
// kept, every key the counter modules look up with a literal exists) and its pure flow
// (clients/counter/flow.js: which view follows which, the keyboard's map, the buttons' rules).
import test from "node:test";
import assert from "node:assert/strict";
import { freeze } from "./freeze.js";
import { readFileSync, readdirSync } from "node:fs";
import { TEXTS } from "../../clients/counter/texts.js";
import { ratingTexts } from "../../clients/rating/scores.js";
import { addTexts, t } from "../../clients/shared/i18n.js";
import "../../clients/shared/password.js"; // the password dialog's texts, shared by the pages
import {
  initial, next, validSession, keyAction, buttons, enabled, rated, groupNames, missedHere, minutesSince,
  typedLabel, transferCommand,
} from "../../clients/counter/flow.js";

const DIR = new URL("../../clients/counter/", import.meta.url);

test("Vietnamese and English have the same keys, none empty", () => {
  assert.deepEqual(Object.keys(TEXTS.en).sort(), Object.keys(TEXTS.vi).sort());
  for (const [lang, table] of Object.entries(TEXTS)) {
    for (const [key, text] of Object.entries(table)) assert.ok(text.trim(), `${lang} ${key} is empty`);
  }
});

test("the Vietnamese texts keep their diacritics", () => {
  assert.equal(TEXTS.vi["login.title"], "Đăng nhập quầy");
  assert.equal(TEXTS.vi["choose.title"], "Chọn quầy làm việc");
});

test("every literal key the counter modules use has a text in both languages", () => {
  addTexts(ratingTexts);
  addTexts(TEXTS);
  const used = new Set();
  for (const name of readdirSync(DIR).filter((f) => f.endsWith(".js"))) {
    const src = readFileSync(new URL(name, DIR), "utf8");
    for (const m of src.matchAll(/\bt\("([\w.]+)"/g)) used.add(m[1]);
  }
  assert.ok(used.size > 0);
  for (const key of used) {
    // Shared texts (clients/shared/i18n.js) and the borrowed rating texts count too.
    assert.notEqual(t(key, {}, "vi"), key, `vi lacks ${key}`);
    assert.notEqual(t(key, {}, "en"), key, `en lacks ${key}`);
  }
});

// ---- the pure flow (clients/counter/flow.js) -----------------------------------------------

const SESSION = { token: "tok", role: "counter", username: "quay1", full_name: "Nguyễn Thị Hoa", counters: [1, 2], expires: 2_000_000_000 };

/** Apply actions in turn. */
const run = (state, ...actions) => actions.reduce(next, state);


const view = (state) => state.view;

test("sign-in, then the only counter of the account straight away", () => {
  const start = freeze(initial(null, 0));
  assert.equal(view(start), "login");
  const signed = run(start, { type: "signed_in", session: SESSION });
  assert.equal(signed.session, SESSION);
  assert.equal(view(signed), "login"); // until the counters are known
  const one = next(freeze(signed), { type: "counters_allowed", allowed: [3] });
  assert.equal(view(one), "loading");
  assert.equal(one.counter, 3);
  assert.equal(view(next(one, { type: "snapshot" })), "main");
});

test("several counters: the stored one if allowed, else a choice", () => {
  const signed = freeze(run(initial(null, 2), { type: "signed_in", session: SESSION }));
  const stored = next(signed, { type: "counters_allowed", allowed: [1, 2] });
  assert.equal(view(stored), "loading");
  assert.equal(stored.counter, 2);
  const notAllowed = freeze(run(initial(null, 7), { type: "signed_in", session: SESSION }, { type: "counters_allowed", allowed: [1, 2] }));
  assert.equal(view(notAllowed), "choose");
  assert.deepEqual(notAllowed.allowed, [1, 2]);
  assert.equal(notAllowed.counter, 0, "a counter this account may not serve is not kept");
  const chosen = run(notAllowed, { type: "counter_chosen", counter: 1 }, { type: "snapshot" });
  assert.equal(view(chosen), "main");
  assert.equal(chosen.counter, 1);
  const none = next(signed, { type: "counters_allowed", allowed: [] });
  assert.equal(view(none), "choose");
  assert.deepEqual(none.allowed, []);
});

test("changing counter goes back to the choice and forgets the old counter's lists", () => {
  const main = freeze(run(initial(SESSION, 1), { type: "counters_allowed", allowed: [1, 2] }, { type: "snapshot" },
    { type: "lists", queue: [{ label: "A001" }], history: [{ label: "A000" }] }));
  assert.equal(main.queue.length, 1);
  const switching = next(main, { type: "switching", allowed: [1, 2] });
  assert.equal(view(switching), "choose");
  assert.equal(switching.counter, 0);
  assert.deepEqual([switching.queue, switching.history], [[], []]);
  assert.equal(switching.session, SESSION, "still signed in");
});

test("signing out, and a session the server refuses, go back to the sign-in", () => {
  const main = freeze(run(initial(SESSION, 1), { type: "counters_allowed", allowed: [1] }, { type: "snapshot" }));
  const out = next(main, { type: "signed_out" });
  assert.deepEqual([view(out), out.session, out.message], ["login", null, ""]);
  const expired = next(main, { type: "session_ended", message: "Phiên đăng nhập đã hết hạn" });
  assert.deepEqual([view(expired), expired.session, expired.message], ["login", null, "Phiên đăng nhập đã hết hạn"]);
  // the server's own reason, when it gave one, is what the sign-in shows
  const said = run(main, { type: "refused", message: "Tài khoản đã bị khóa" }, { type: "session_ended", message: "hết hạn" });
  assert.equal(said.message, "Tài khoản đã bị khóa");
  // signing in again clears it
  assert.equal(next(said, { type: "signed_in", session: SESSION }).message, "");
});

test("a stored session is kept only until it expires", () => {
  assert.equal(validSession(SESSION, 1_000_000_000_000), SESSION);
  assert.equal(validSession(SESSION, 2_000_000_000_000), null);
  assert.equal(validSession(null, 0), null);
});

test("the rating asked at this counter is awaited until given, or until the day ends", () => {
  const main = freeze(run(initial(SESSION, 1), { type: "counters_allowed", allowed: [1] }, { type: "snapshot" }));
  const other = next(main, { type: "event", event: { type: "rating_requested", counter: 2, label: "A007" } });
  assert.equal(other.rating, "", "another counter's request is not ours");
  const asked = freeze(next(main, { type: "event", event: { type: "rating_requested", counter: 1, label: "A001" } }));
  assert.equal(asked.rating, "A001");
  assert.equal(rated(asked, { type: "ticket_rated", label: "A002", score: 4 }), false);
  assert.equal(next(asked, { type: "event", event: { type: "ticket_rated", label: "A002", score: 4 } }).rating, "A001");
  assert.equal(rated(asked, { type: "ticket_rated", label: "A001", score: 5 }), true);
  assert.equal(next(asked, { type: "event", event: { type: "ticket_rated", label: "A001", score: 5 } }).rating, "");
  assert.equal(rated(main, { type: "ticket_rated", label: "", score: 5 }), false);
  assert.equal(next(asked, { type: "event", event: { type: "day_started" } }).rating, "");
  assert.equal(next(asked, { type: "event", event: { type: "ticket_called" } }), asked, "other events change nothing here");
});

test("the devices' faults are kept by device and part until they clear", () => {
  const s = freeze(initial(SESSION, 1));
  const fault = { device: "kiosk-1", part: "printer", code: "paper_out", label: "B001" };
  const one = freeze(next(s, { type: "alert", alert: fault }));
  assert.deepEqual(Object.keys(one.alerts), ["kiosk-1|printer"]);
  const two = next(one, { type: "alert", alert: { device: "kiosk-1", part: "camera", code: "x" } });
  assert.equal(Object.keys(two.alerts).length, 2);
  assert.deepEqual(next(one, { type: "alert", alert: { device: "kiosk-1", part: "printer", code: "", ok: true } }).alerts, {});
});

test("an unknown action is a programming error", () => {
  assert.throws(() => next(initial(null, 0), /** @type {any} */ ({ type: "nonsense" })), /unknown counter action nonsense/);
});

const CLOSED = { status: "closed", current: null, current_status: null };
const IDLE = { status: "open", current: null, current_status: null };
const CALLED = { status: "open", current: "A001", current_status: "called" };
const SERVING = { status: "open", current: "A001", current_status: "serving" };
const PAUSED = { status: "paused", current: null, current_status: null };

test("Space opens a closed counter, calls the next, or finishes and calls the next", () => {
  assert.equal(keyAction(CLOSED, " "), "open");
  assert.equal(keyAction(IDLE, " "), "next");
  assert.equal(keyAction(CALLED, " "), "finish_next");
});

test("the letter keys, either case; P pauses or resumes; other keys are nothing", () => {
  const expected = { r: "recall", s: "start", f: "finish", m: "missed", t: "transfer", d: "send_on", g: "call_number", h: "park" };
  for (const [key, name] of Object.entries(expected)) {
    assert.equal(keyAction(SERVING, key), name);
    assert.equal(keyAction(SERVING, key.toUpperCase()), name);
  }
  assert.equal(keyAction(IDLE, "p"), "pause");
  assert.equal(keyAction(PAUSED, "P"), "resume");
  for (const key of ["x", "Enter", "1", "Escape"]) assert.equal(keyAction(SERVING, key), null);
});

const on = (c, rating = "") => buttons(c, rating).filter((b) => b.enabled).map((b) => b.name);

test("a closed counter shows only Open", () => {
  assert.deepEqual(buttons(CLOSED, ""), [{ name: "open", enabled: true, key: "", kind: "primary" }]);
  assert.equal(enabled(CLOSED, "", "recall"), false, "a key whose button is absent does nothing");
});

test("an open counter without a number can call, pause, close and ask a rating", () => {
  assert.deepEqual(on(IDLE), ["next", "call_number", "pause", "close", "ask_rating"]);
  assert.equal(buttons(IDLE, "")[0].key, "Space");
});

test("with a number called: act on it; no pause, no close, no other call", () => {
  assert.deepEqual(on(CALLED), ["finish_next", "recall", "start", "finish", "missed", "transfer", "send_on", "park", "ask_rating"]);
  assert.deepEqual(on(SERVING), ["finish_next", "recall", "finish", "transfer", "send_on", "park", "ask_rating"], "serving: no start, no missed");
  assert.equal(enabled(CALLED, "", "pause"), false);
});

test("a paused counter resumes; it calls nobody until then", () => {
  assert.deepEqual(on(PAUSED), ["resume", "close", "ask_rating"]);
  const resume = buttons(PAUSED, "").find((b) => b.name === "resume");
  assert.deepEqual(resume, { name: "resume", enabled: true, key: "P", kind: "warn" });
  assert.equal(enabled(PAUSED, "", "next"), false);
});

test("a rating asked: no second request; the screen can be turned to the patient", () => {
  assert.deepEqual(on(IDLE, "A001"), ["next", "call_number", "pause", "close", "rate_here"]);
  assert.equal(buttons(IDLE, "").some((b) => b.name === "rate_here"), false);
});

test("labels and lists", () => {
  assert.equal(groupNames(["pregnant", "elderly_75"], "vi"), "Có thai, Từ 75 tuổi");
  assert.equal(groupNames(["pregnant", "martian"], "en"), "Pregnant, martian");
  const tickets = [
    { label: "A001", status: "missed", service: "A" },
    { label: "B001", status: "missed", service: "B" },
    { label: "A002", status: "waiting", service: "A" },
  ];
  assert.deepEqual(missedHere(tickets, { services: [{ code: "A" }] }).map((x) => x.label), ["A001"]);
  assert.deepEqual(missedHere(tickets, null), []);
  assert.equal(minutesSince(1000, 1000 - 179), 2);
  assert.equal(minutesSince(1000, 1010), 0, "a clock a little behind the server is not negative");
  assert.equal(typedLabel("  b001 "), "B001");
  assert.equal(typedLabel(null), "");
  assert.deepEqual(transferCommand({ service: "N", to_counter: "", position: "front" }),
    { type: "transfer", to_service: "N", to_counter: 0, position: "front" });
  assert.equal(transferCommand({ service: "N", to_counter: "4", position: "back" }).to_counter, 4);
});

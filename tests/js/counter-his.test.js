// The counter page's HIS delivery, its pure part (clients/counter/flow.js): which ticket the page
// follows, what the server's answers change, the marks of the day list, when to ask again, when
// staff may send again; and the words of each status (clients/counter/texts.js).
import test from "node:test";
import assert from "node:assert/strict";
import { freeze } from "./freeze.js";
import { TEXTS } from "../../clients/counter/texts.js";
import { initial, next, hisWorst, hisShown, hisUnsettled, hisResend, hisToAsk } from "../../clients/counter/flow.js";

const SESSION = { token: "tok", role: "counter", username: "quay1", counters: [1], expires: 2_000_000_000 };
const run = (state, ...actions) => actions.reduce((s, a) => next(freeze(s), a), state);
const link = (status, last_error = "", name = "web") => ({ link: name, status, last_error, messages: 1 });
const main = () => run(initial(SESSION, 1), { type: "counters_allowed", allowed: [1] }, { type: "snapshot" });

test("each delivery status has its words in both languages, the Vietnamese with diacritics", () => {
  for (const status of ["delivered", "pending", "failed", "dead"]) {
    for (const lang of ["vi", "en"]) assert.ok(TEXTS[lang][`his.${status}`], `${lang} his.${status}`);
  }
  assert.equal(TEXTS.vi["his.delivered"], "Đã gửi HIS");
  assert.equal(TEXTS.vi["his.pending"], "Đang chờ gửi HIS");
  assert.equal(TEXTS.vi["his.failed"], "Chưa gửi được HIS");
  assert.equal(TEXTS.vi["his.dead"], "HIS từ chối");
  assert.equal(TEXTS.vi["his.resend"], "Gửi lại HIS");
});

test("the page follows the current ticket: a new one starts unknown, the answers for another are dropped", () => {
  const s = run(main(), { type: "his_follow", label: "A001" });
  assert.equal(s.his.label, "A001");
  assert.equal(s.his.links, null, "not asked yet");
  const known = run(s, { type: "his_status", label: "A001", links: [link("failed", "HTTP 503")] });
  assert.deepEqual(known.his.links, [link("failed", "HTTP 503")]);
  assert.equal(known.his.marks.A001, "failed");
  const late = run(known, { type: "his_status", label: "B002", links: [link("delivered")] });
  assert.equal(late, known, "an answer about a ticket no longer current changes nothing");
  assert.equal(run(known, { type: "his_follow", label: "A001" }), known, "the same ticket: nothing forgotten");
  const noted = run(known, { type: "his_note", label: "A001", note: "Đã đưa số A001 vào hàng gửi lại HIS.", failed: false });
  assert.equal(noted.his.note, "Đã đưa số A001 vào hàng gửi lại HIS.");
  assert.equal(run(noted, { type: "his_note", label: "B002", note: "x", failed: true }), noted);
  const moved = run(noted, { type: "his_follow", label: "A002" });
  assert.deepEqual([moved.his.label, moved.his.links, moved.his.note], ["A002", null, ""], "the next ticket starts clean");
  assert.equal(moved.his.marks.A001, "failed", "the day list keeps the marks");
  const none = run(moved, { type: "his_follow", label: "" });
  assert.equal(none.his.label, "");
});

test("signing out or changing counter forgets the HIS state", () => {
  const s = run(main(), { type: "his_follow", label: "A001" }, { type: "his_status", label: "A001", links: [link("delivered")] });
  for (const action of [{ type: "signed_out" }, { type: "switching", allowed: [1] }]) {
    const after = run(s, action);
    assert.deepEqual([after.his.label, after.his.links, after.his.marks], ["", null, {}]);
  }
});

test("the day list's marks: the worst link wins; none when no link carries the ticket", () => {
  const s = run(main(), { type: "his_marks", marks: { A001: [link("delivered"), link("dead", "HTTP 400", "fhir")], A002: [], A003: [link("pending")] } });
  assert.deepEqual(s.his.marks, { A001: "dead", A002: "none", A003: "pending" });
  assert.equal(hisWorst([link("delivered"), link("failed"), link("pending")]), "failed");
  assert.equal(hisWorst([link("delivered"), link("none")]), "delivered");
  assert.equal(hisWorst([]), "none");
});

test("a day list row that changed is asked again: its ticket sent the HIS a new message", () => {
  const rows = (...pairs) => pairs.map(([label, status]) => ({ label, status }));
  const s = run(main(),
    { type: "lists", queue: [], history: rows(["A002", "called"], ["A001", "done"]) },
    { type: "his_marks", marks: { A001: [link("delivered")], A002: [link("delivered")], B009: [link("dead")] } });
  const after = run(s, { type: "lists", queue: [], history: rows(["A003", "called"], ["A002", "done"], ["A001", "done"]) });
  assert.deepEqual(after.his.marks, { A001: "delivered", B009: "dead" }, "A002 finished: asked again");
  assert.deepEqual(hisToAsk(after.history, after.his.marks, 8), ["A003", "A002"]);
  const moved = run(after, { type: "lists", queue: [], history: rows(["A001", "transferred"], ["A003", "called"], ["A002", "done"], ["A001", "done"]) });
  assert.equal(moved.his.marks.A001, undefined, "a row added for the same ticket counts as a change");
});

test("which of the day list's tickets to ask: not known delivered or linkless, the latest first, a few", () => {
  const history = ["A005", "A004", "A003", "A004", "A002", "A001"].map((label) => ({ label }));
  const marks = /** @type {Record<string, any>} */ ({ A004: "delivered", A002: "none", A003: "failed" });
  assert.deepEqual(hisToAsk(history, marks, 8), ["A005", "A003", "A001"]);
  assert.deepEqual(hisToAsk(history, marks, 2), ["A005", "A003"]);
  assert.deepEqual(hisToAsk([], {}, 8), []);
});

test("what shows, and when to ask again", () => {
  assert.deepEqual(hisShown(null), []);
  assert.deepEqual(hisShown([link("none"), link("pending", "", "fhir")]), [link("pending", "", "fhir")]);
  assert.equal(hisUnsettled(null), true, "no answer yet: ask again");
  assert.equal(hisUnsettled([]), false, "the site has no outbound link: never ask again");
  assert.equal(hisUnsettled([link("none")]), false);
  assert.equal(hisUnsettled([link("delivered"), link("none")]), false);
  for (const status of ["pending", "failed", "dead"]) assert.equal(hisUnsettled([link("delivered"), link(status)]), true, status);
});

test("sending again: at once when failed or refused, after a question when delivered, not while pending", () => {
  assert.equal(hisResend(null), "");
  assert.equal(hisResend([]), "");
  assert.equal(hisResend([link("pending")]), "");
  assert.equal(hisResend([link("failed", "HTTP 503")]), "send");
  assert.equal(hisResend([link("delivered"), link("dead", "HTTP 400")]), "send");
  assert.equal(hisResend([link("delivered")]), "confirm");
  assert.equal(hisResend([link("delivered"), link("pending")]), "", "one link still sending");
  assert.equal(hisResend([link("delivered"), link("none")]), "confirm");
});

// The province view's pure flow (clients/province/flow.js): sign-in, tabs, the report asked for
// and the query it makes; and its texts in both languages. Plain data in, plain data out.
import test from "node:test";
import assert from "node:assert/strict";
import { freeze } from "./freeze.js";
import { initial, next, reportQuery } from "../../clients/province/flow.js";
import { TEXTS } from "../../clients/province/texts.js";

const run = (state, ...actions) => actions.reduce(next, state);
const CHIEF = { token: "t", username: "so-y-te", full_name: "Chuyên viên Sở", site: "" };

test("the first ask is this half year of every facility", () => {
  const s = initial(new Date("2026-12-07T02:00:00Z"));
  assert.equal(s.session, null);
  assert.deepEqual(s.ask, { site: "", kind: "half", year: 2026, half: 2, from: "2026-12-07", to: "2026-12-07" });
  assert.equal(initial(new Date("2026-03-01T02:00:00Z")).ask.half, 1);
  assert.equal(reportQuery(s.ask), "year=2026&half=2");
});

test("signing in, the tabs, a report asked and answered, signing out", () => {
  const s0 = freeze(initial(new Date("2026-12-07T02:00:00Z")));
  const failed = next(s0, { type: "login_failed", error: "Sai tên đăng nhập hoặc mật khẩu." });
  assert.equal(failed.error, "Sai tên đăng nhập hoặc mật khẩu.");
  const s = run(failed, { type: "signed_in", session: CHIEF }, { type: "board_loaded", board: { sites: [] } });
  assert.equal(s.error, "");
  assert.equal(s.tab, "dashboard");
  const asked = run(s, { type: "tab_opened", tab: "reports" }, { type: "asked", field: "kind", value: "range" },
    { type: "asked", field: "from", value: "2026-11-01" }, { type: "asked", field: "to", value: "2026-11-30" },
    { type: "asked", field: "site", value: "tyt-an-binh" });
  assert.equal(asked.tab, "reports");
  assert.equal(reportQuery(asked.ask), "from=2026-11-01&to=2026-11-30&site=tyt-an-binh");
  assert.equal(run(asked, { type: "asked", field: "kind", value: "half" }, { type: "asked", field: "half", value: "1" }).ask.half, 1);
  assert.equal(next(asked, { type: "report_requested" }).report, "loading");
  assert.deepEqual(next(asked, { type: "report_loaded", report: { total: {} } }).report, { total: {} });
  const refused = next(next(asked, { type: "report_requested" }), { type: "report_failed", error: "Không được phép." });
  assert.equal(refused.report, null);
  assert.equal(refused.reportError, "Không được phép.");
  assert.equal(next(s, { type: "board_failed", error: "x" }).error, "x");
  const opened = next(s, { type: "site_opened", site: "tyt-an-binh" });
  assert.equal(opened.opened, "tyt-an-binh");
  assert.equal(next(opened, { type: "site_opened", site: "ttyt-hoa-an" }).opened, "ttyt-hoa-an");
  assert.equal(next(opened, { type: "site_opened", site: "tyt-an-binh" }).opened, "");  // a second click closes it
  assert.equal(next(opened, { type: "signed_out" }).opened, "");
  const out = next(asked, { type: "signed_out" });
  assert.equal(out.session, null);
  assert.equal(out.board, null);
  assert.equal(next(out, /** @type {any} */ ({ type: "nothing" })), out);
});

test("every text exists in Vietnamese and English", () => {
  assert.deepEqual(Object.keys(TEXTS.vi).sort(), Object.keys(TEXTS.en).sort());
  for (const [key, vi] of Object.entries(TEXTS.vi)) assert.notEqual(vi, TEXTS.en[key], key);
});

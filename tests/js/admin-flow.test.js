// The administrator's pure flow (clients/admin/flow.js): sign-in, tabs, the report's range, what
// the socket keeps beside the board. No DOM: the flow is plain data in, plain data out.
import test from "node:test";
import assert from "node:assert/strict";
import { freeze } from "./freeze.js";
import { TABS, initial, next, screen, validSession } from "../../clients/admin/flow.js";

const SESSION = { token: "tok", role: "admin", username: "admin", full_name: "Quản trị viên", expires: 2_000_000_000 };
const CONFIG = { unit: { name: "Trạm Y tế xã Hòa An", timezone: "Asia/Ho_Chi_Minh" }, services: [{ code: "N", name: "Khám Nội" }] };

/** Apply actions in turn. */
const run = (state, ...actions) => actions.reduce(next, state);


test("the page starts on the sign-in, then the dashboard once signed in", () => {
  const start = initial(null);
  assert.equal(screen(start), "login");
  const signed = next(start, { type: "signed_in", session: SESSION });
  assert.equal(screen(signed), "dashboard");
  assert.equal(signed.session, SESSION);
  assert.equal(screen(next(signed, { type: "signed_out" })), "login");
});

test("signing out keeps the tab that was open", () => {
  const s = run(initial(SESSION), { type: "tab_opened", tab: "reports", config: CONFIG }, { type: "signed_out" });
  assert.equal(s.session, null);
  assert.equal(s.tab, "reports");
  assert.equal(screen(next(s, { type: "signed_in", session: SESSION })), "reports");
});

test("a stored session is kept only if it is an administrator's and not expired", () => {
  const now = 1_900_000_000_000;
  assert.equal(validSession(SESSION, now), SESSION);
  assert.equal(validSession({ ...SESSION, role: "counter" }, now), null);
  assert.equal(validSession({ ...SESSION, expires: now / 1000 - 1 }, now), null);
  assert.equal(validSession(null, now), null);
});

test("the tabs, in the order of the bar", () => {
  assert.deepEqual(TABS, ["dashboard", "reports", "settings", "devices", "his", "audit"]);
  for (const tab of TABS) assert.equal(screen(next(initial(SESSION), { type: "tab_opened", tab, config: CONFIG })), tab);
});

test("opening the settings takes a copy of the configuration as the draft and clears the banners", () => {
  const before = freeze(run(initial(SESSION), { type: "settings_failed", error: "unit.name" }, { type: "settings_said", message: "Đã lưu" }));
  const s = next(before, { type: "tab_opened", tab: "settings", config: CONFIG });
  assert.deepEqual(s.settings.draft, CONFIG);
  assert.notEqual(s.settings.draft, CONFIG, "a copy, not the board's own configuration");
  s.settings.draft.unit.name = "edited";
  assert.equal(CONFIG.unit.name, "Trạm Y tế xã Hòa An");
  assert.equal(s.settings.message, "");
  assert.equal(s.settings.error, "");
  assert.equal(next(before, { type: "tab_opened", tab: "settings", config: null }).settings.draft, null);
});

test("a settings tab opened before the configuration came gets its draft when the page draws", () => {
  const s = next(initial(SESSION), { type: "tab_opened", tab: "settings", config: null });
  assert.equal(next(s, { type: "defaults", config: null, today: "" }).settings.draft, null);
  assert.deepEqual(next(s, { type: "defaults", config: CONFIG, today: "" }).settings.draft, CONFIG);
  const edited = { ...CONFIG, unit: { name: "edited" } };
  const kept = run(s, { type: "draft_replaced", draft: edited }, { type: "defaults", config: CONFIG, today: "" });
  assert.equal(kept.settings.draft, edited, "a draft being edited is never replaced");
  const dashboard = next(initial(SESSION), { type: "defaults", config: CONFIG, today: "" });
  assert.equal(dashboard.settings.draft, null, "only the settings tab wants a draft");
});

test("opening the devices tab clears its banners and the token shown once, not the fleet", () => {
  const fleet = [{ device: "kiosk-1" }];
  const s = run(initial(SESSION),
    { type: "fleet_loaded", devices: fleet, at: 100 },
    { type: "device_token", token: "http://x/kiosk/#token=abc" },
    { type: "devices_said", message: "ok" },
    { type: "devices_failed", error: "bad" },
    { type: "tab_opened", tab: "devices", config: CONFIG });
  assert.deepEqual(s.devices, { ...initial(null).devices, fleet, at: 100 });
});

test("registering a device clears the token; creating an account keeps it", () => {
  const shown = run(initial(SESSION), { type: "device_token", token: "t" }, { type: "devices_said", message: "m" }, { type: "devices_failed", error: "e" });
  assert.deepEqual(next(shown, { type: "device_registering" }).devices, { ...shown.devices, message: "", error: "", token: "" });
  assert.deepEqual(next(shown, { type: "staff_creating" }).devices, { ...shown.devices, message: "", error: "" });
});

test("opening the audit log starts again from the newest page; the next pages add to it", () => {
  const page1 = [{ seq: 9, event: { type: "a" } }, { seq: 8, event: { type: "b" } }];
  const page2 = [{ seq: 7, event: { type: "c" } }];
  const s = run(initial(SESSION), { type: "audit_loaded", events: page1 }, { type: "audit_loaded", events: page2 });
  assert.deepEqual(s.audit.rows.map((r) => r.seq), [9, 8, 7]);
  const failed = next(s, { type: "audit_failed", error: "offline" });
  const reopened = next(failed, { type: "tab_opened", tab: "audit", config: CONFIG });
  assert.deepEqual(reopened.audit.rows, []);
  assert.equal(reopened.audit.error, "offline", "the last error stays until the page reloads");
});

test("the report's range starts at today and keeps what the administrator chose", () => {
  const reports = next(initial(SESSION), { type: "tab_opened", tab: "reports", config: CONFIG });
  const drawn = next(reports, { type: "defaults", config: CONFIG, today: "2026-03-05" });
  assert.equal(drawn.from, "2026-03-05");
  assert.equal(drawn.to, "2026-03-05");
  const chosen = run(drawn, { type: "range_changed", field: "from", value: "2026-01-01" }, { type: "defaults", config: CONFIG, today: "2026-03-06" });
  assert.deepEqual([chosen.from, chosen.to], ["2026-01-01", "2026-03-05"]);
  const cleared = run(chosen, { type: "range_changed", field: "to", value: "" }, { type: "defaults", config: CONFIG, today: "2026-03-06" });
  assert.deepEqual([cleared.from, cleared.to], ["2026-01-01", "2026-01-01"], "an empty end takes the start");
  const elsewhere = next(initial(SESSION), { type: "defaults", config: CONFIG, today: "2026-03-05" });
  assert.equal(elsewhere.from, "", "the range is set only when the reports show");
});

test("a report goes loading, then shown or failed; a failed download keeps the report", () => {
  const report = { total: { issued: 3 } };
  const loading = run(initial(SESSION), { type: "report_failed", error: "old" }, { type: "report_requested" });
  assert.equal(loading.report, "loading");
  assert.equal(loading.reportError, "");
  const shown = next(loading, { type: "report_loaded", report });
  assert.equal(shown.report, report);
  const failed = next(loading, { type: "report_failed", error: "Máy chủ không trả lời kịp." });
  assert.equal(failed.report, null);
  assert.equal(failed.reportError, "Máy chủ không trả lời kịp.");
  const download = next(shown, { type: "download_failed", error: "offline" });
  assert.equal(download.report, report);
  assert.equal(download.reportError, "offline");
});

test("the snapshot gives the staff and the active TVs", () => {
  const view = {
    staff: [{ username: "quay1", active: true }],
    devices: [
      { device: "tv-1", kind: "tv", active: true },
      { device: "tv-2", kind: "tv", active: false },
      { device: "kiosk-1", kind: "kiosk", active: true },
    ],
  };
  const s = next(initial(SESSION), { type: "snapshot", view });
  assert.deepEqual(s.devices.staff, view.staff);
  assert.deepEqual(s.settings.tvs.map((d) => d.device), ["tv-1"]);
  assert.deepEqual(next(initial(SESSION), { type: "snapshot", view: {} }).devices.staff, []);
});

test("events keep the staff and the TVs up to date, without touching the previous state", () => {
  const before = freeze(next(initial(SESSION), { type: "snapshot", view: { staff: [{ username: "quay1", active: true }], devices: [] } }));
  const s = run(before,
    { type: "event", event: { type: "staff_created", username: "quay7", full_name: "Lê Thị Bảy", role: "counter", counters: [7] } },
    { type: "event", event: { type: "staff_active_set", username: "quay1", active: false } },
    { type: "event", event: { type: "device_registered", device: "tv-9", name: "TV 9", kind: "tv", zone: "tang-1" } },
    { type: "event", event: { type: "device_registered", device: "kiosk-2", name: "Kiosk 2", kind: "kiosk", zone: "" } });
  assert.deepEqual(s.devices.staff, [
    { username: "quay1", active: false },
    { username: "quay7", full_name: "Lê Thị Bảy", role: "counter", counters: [7], active: true },
  ]);
  assert.deepEqual(s.settings.tvs, [{ device: "tv-9", name: "TV 9", kind: "tv", zone: "tang-1", active: true }]);
  assert.deepEqual(next(s, { type: "event", event: { type: "device_revoked", device: "tv-9" } }).settings.tvs, []);
  assert.equal(next(s, { type: "event", event: { type: "ticket_issued", label: "N001" } }), s, "other events change nothing here");
});

test("a device's alert shows until the same part reports it fixed", () => {
  const paper = { device: "device:kiosk-1", part: "printer", code: "paper_out" };
  const camera = { device: "device:kiosk-1", part: "camera", code: "camera_busy" };
  const s = run(initial(SESSION), { type: "alert", alert: paper }, { type: "alert", alert: camera });
  assert.deepEqual(Object.values(s.faults), [paper, camera]);
  const again = next(s, { type: "alert", alert: { ...paper, code: "cover_open" } });
  assert.deepEqual(Object.values(again.faults).map((f) => f.code), ["cover_open", "camera_busy"], "one per part, in place");
  const fixed = next(again, { type: "alert", alert: { ...paper, ok: true } });
  assert.deepEqual(Object.values(fixed.faults), [camera]);
});

test("saving the settings: banners cleared, then the saved configuration as the new draft", () => {
  const opened = next(initial(SESSION), { type: "tab_opened", tab: "settings", config: CONFIG });
  const failed = run(opened, { type: "settings_started" }, { type: "settings_failed", error: "unit.name: bắt buộc" });
  assert.equal(failed.settings.error, "unit.name: bắt buộc");
  assert.equal(failed.settings.draft, opened.settings.draft, "the draft is kept to be fixed");
  const saved = { ...CONFIG, unit: { ...CONFIG.unit, name: "Trạm mới" } };
  const ok = run(failed, { type: "settings_started" }, { type: "settings_saved", config: saved, message: "Đã lưu." });
  assert.equal(ok.settings.error, "");
  assert.equal(ok.settings.message, "Đã lưu.");
  assert.deepEqual(ok.settings.draft, saved);
  assert.notEqual(ok.settings.draft, saved);
  const media = [{ name: "a.png" }];
  assert.deepEqual(next(ok, { type: "settings_media", media }).settings.media, media);
  assert.deepEqual(next(ok, { type: "devices_media", media }).settings.media, [], "the devices tab has its own list");
});

test("a JSON draft replaces the form's and clears the error", () => {
  const s = run(initial(SESSION), { type: "settings_failed", error: "JSON không hợp lệ" }, { type: "draft_replaced", draft: CONFIG });
  assert.equal(s.settings.draft, CONFIG);
  assert.equal(s.settings.error, "");
});

test("the flow never mutates the state it is given", () => {
  const start = freeze(initial(SESSION));
  const actions = [
    { type: "tab_opened", tab: "reports", config: CONFIG },
    { type: "defaults", config: CONFIG, today: "2026-03-05" },
    { type: "range_changed", field: "to", value: "2026-03-31" },
    { type: "report_requested" },
    { type: "alert", alert: { device: "d", part: "p", code: "c" } },
    { type: "audit_loaded", events: [{ seq: 1 }] },
    { type: "fleet_loaded", devices: [], at: 1 },
    { type: "signed_out" },
  ];
  let s = start;
  for (const a of actions) s = freeze(next(s, /** @type {any} */ (a)));
  assert.deepEqual(start, initial(SESSION));
});

test("an unknown action fails loudly", () => {
  assert.throws(() => next(initial(null), /** @type {any} */ ({ type: "tab_clicked" })), /unknown admin action tab_clicked/);
});

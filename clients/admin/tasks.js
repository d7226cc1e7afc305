// What the tabs ask for: a report or its file, the audit log, the fleet, the media library,
// saving the settings, a command to a device or an account. Each task does its call, gives
// what came back to the flow as an action (texts in the current language) and redraws if its
// tab still shows. controller.js holds the state, the socket and the drawing.
import { h } from "../shared/dom.js";
import { t, errorText } from "../shared/i18n.js";
import * as http from "./http.js";
import { askPassword, resetOther } from "../shared/password.js";

/** @typedef {import("./controller.js").Controller} Controller */

/** The handlers the views call. @param {Controller} c @returns {import("./view.js").Handlers} */
export function handlers(c) {
  return {
    login: (username, password) => c.login(username, password),
    setRange: (field, value) => c.dispatch({ type: "range_changed", field, value }),
    showReport: () => showReport(c),
    downloadRange: (range, format) => download(c, range, format, `bao-cao-${c.state.from}-${c.state.to}.${format}`),
    download: (query, format, name) => download(c, query, format, name),
    olderAudit: () => loadAudit(c),
    settings: {
      rerender: () => c.render(),
      reset: () => c.openTab("settings"),
      save: () => saveSettings(c),
      upload: (file) => upload(c, file),
      applyJson: (text) => applyJson(c, text),
    },
    devices: {
      play: (device, media) => control(c, { type: "control", id: `p${Date.now()}`, device, action: "play", media }, "d.played"),
      reload: (device) => control(c, { type: "control", id: `c${Date.now()}`, device, action: "reload" }, "d.reloaded"),
      revoke: (device) => devicesCommand(c, { type: "revoke_device", device }).then(() => loadFleet(c, true)),
      setPrinter: (device, printer) => setPrinter(c, device, printer),
      setActive: (username, active) => devicesCommand(c, { type: "set_staff_active", username, active }).then(() => c.render()),
      register: (data) => register(c, data),
      createStaff: (data) => createStaff(c, data),
      resetPassword: (username) => resetPassword(c, username),
    },
    his: {
      retry: (link, id) => hisLetter(c, link, id, "retry", "h.retried"),
      discard: (link, id) => hisLetter(c, link, id, "discard", "h.discarded"),
      refresh: () => loadHis(c),
    },
  };
}

// ---- the HIS link ------------------------------------------------------------------------------

/** Each link's health and the dead letters. @param {Controller} c */
export async function loadHis(c) {
  try {
    const [links, dead] = await Promise.all([c.api("GET", "/api/his/links"), c.api("GET", "/api/his/dead")]);
    c.dispatch({ type: "his_loaded", links: links.links, dead: dead.dead, at: links.at });
  } catch (err) { c.dispatch({ type: "his_failed", error: errorText(err) }); }
  if (c.tab === "his") c.render();
}

/** Retry or discard a dead letter. @param {Controller} c @param {string} link @param {string} id @param {"retry"|"discard"} verb @param {string} said */
async function hisLetter(c, link, id, verb, said) {
  try {
    await c.api("POST", `/api/his/dead/${encodeURIComponent(link)}/${encodeURIComponent(id)}/${verb}`);
    c.dispatch({ type: "his_said", message: t(said) });
  } catch (err) { c.dispatch({ type: "his_failed", error: errorText(err) }); }
  await loadHis(c);
}

// ---- reports ----------------------------------------------------------------------------------

/** @param {Controller} c */
async function showReport(c) {
  c.dispatch({ type: "report_requested" });
  c.render();
  try {
    c.dispatch({ type: "report_loaded", report: await http.fetchReport(c.token, `from=${c.state.from}&to=${c.state.to}`) });
  } catch (err) {
    c.dispatch({ type: "report_failed", error: errorText(err) });
  }
  c.render();
}

/** @param {Controller} c @param {string} query @param {string} format @param {string} name */
async function download(c, query, format, name) {
  try {
    const blob = await http.fetchReport(c.token, query, format);
    const a = h("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(a);
    a.click();
    a.remove();
  } catch (err) {
    c.dispatch({ type: "download_failed", error: errorText(err) });
    c.render();
  }
}

// ---- the audit log ----------------------------------------------------------------------------

/** The next page of 200, older than the rows shown. @param {Controller} c */
export async function loadAudit(c) {
  const last = c.state.audit.rows.at(-1);
  try {
    const answer = await c.api("GET", `/api/audit?limit=200${last ? `&before=${last.seq}` : ""}`);
    c.dispatch({ type: "audit_loaded", events: answer.events });
  } catch (err) { c.dispatch({ type: "audit_failed", error: errorText(err) }); }
  if (c.tab === "audit") c.render();
}

// ---- the settings tab -------------------------------------------------------------------------

/** @param {Controller} c */
export async function loadMedia(c) {
  const media = await http.listMedia(c.token);
  if (media) c.dispatch({ type: "settings_media", media });
  if (c.tab === "settings") c.render();
}

/** @param {Controller} c */
async function saveSettings(c) {
  c.dispatch({ type: "settings_started" });
  try {
    await c.live().command({ type: "replace_config", config: c.state.settings.draft }, { timeout: 10000 });
    c.dispatch({ type: "settings_saved", config: c.board.config, message: t("s.saved") });
  } catch (err) {
    c.dispatch({ type: "settings_failed", error: errorText(err) });
  }
  c.render();
}

/** @param {Controller} c @param {File} file */
async function upload(c, file) {
  c.dispatch({ type: "settings_started" });
  const { ok, body } = await http.uploadMedia(c.token, file);
  if (!ok) c.dispatch({ type: "settings_failed", error: errorText(body.error || { code: "offline" }) });
  else c.dispatch({ type: "settings_said", message: t("s.uploaded", { name: body.name }) });
  await loadMedia(c);
}

/** @param {Controller} c @param {string} text the whole configuration as JSON */
function applyJson(c, text) {
  try { c.dispatch({ type: "draft_replaced", draft: JSON.parse(text) }); } catch (err) {
    c.dispatch({ type: "settings_failed", error: t("s.bad_json", { msg: String(err.message || err) }) });
  }
  c.render();
}

// ---- the devices tab --------------------------------------------------------------------------

/** The fleet, polled while the tab is open; the periodic refresh skips a redraw while the
 * administrator is typing in a form (``force`` after an action of theirs). @param {Controller} c */
export async function loadFleet(c, force = false) {
  try {
    const answer = await c.api("GET", "/api/fleet");
    c.dispatch({ type: "fleet_loaded", devices: answer.devices, at: answer.at });
  } catch (err) { c.dispatch({ type: "devices_failed", error: errorText(err) }); }
  if (c.tab === "devices" && (force || !c.view.isTyping())) c.render();
}

/** The media a TV can be told to play (drawn when the administrator is not typing in a form:
 * its fields hold what is typed, a redraw would empty them). @param {Controller} c */
export function loadDevicesMedia(c) {
  c.api("GET", "/api/media").then((r) => {
    c.dispatch({ type: "devices_media", media: r.media });
    if (c.tab === "devices" && !c.view.isTyping()) c.render();
  }).catch(() => {});
}

/** A control message to devices; says to how many it went. @param {Controller} c @param {any} body @param {string} said */
async function control(c, body, said) {
  try {
    const r = await c.live().request(body);
    c.dispatch({ type: "devices_said", message: t(said, { n: r.sent }) });
  } catch (err) { c.dispatch({ type: "devices_failed", error: errorText(err) }); }
  c.render();
}

/** @param {Controller} c @param {Record<string, any>} command */
async function devicesCommand(c, command) {
  try { await c.live().command(command); } catch (err) { c.dispatch({ type: "devices_failed", error: errorText(err) }); }
}

/** A kiosk's printer set; the refusal (a bad address) said in the banner. @param {Controller} c
 * @param {string} device @param {string} printer */
async function setPrinter(c, device, printer) {
  c.dispatch({ type: "printer_setting" });
  try {
    await c.live().command({ type: "set_device_printer", device, printer });
    c.dispatch({ type: "devices_said", message: t("d.printer.set", { device, printer }) });
  } catch (err) { c.dispatch({ type: "devices_failed", error: errorText(err) }); }
  loadFleet(c, true);
}

/** @param {Controller} c @param {any} data */
async function register(c, data) {
  c.dispatch({ type: "device_registering" });
  try {
    const r = await c.api("POST", "/api/devices", data);
    c.dispatch({ type: "device_token", token: `${location.origin}/${data.kind}/#token=${r.token}` });
  } catch (err) { c.dispatch({ type: "devices_failed", error: errorText(err) }); }
  loadFleet(c, true);
}

/** @param {Controller} c @param {any} data */
async function createStaff(c, data) {
  c.dispatch({ type: "staff_creating" });
  try {
    await c.api("POST", "/api/staff", data);
    c.dispatch({ type: "devices_said", message: t("d.created", { name: data.username }) });
  } catch (err) { c.dispatch({ type: "devices_failed", error: errorText(err) }); }
  c.render();
}

/** Another account's password set by the administrator (the dialog says the server's refusal).
 * @param {Controller} c @param {string} username */
async function resetPassword(c, username) {
  c.dispatch({ type: "staff_creating" });
  const token = c.token;
  const done = await askPassword(c.view.dialog(), {
    title: t("pw.reset.title", { name: username }), intro: t("pw.reset.intro", { name: username }), current: false,
    send: (_, password) => resetOther(token, username, password),
  });
  if (done) c.dispatch({ type: "devices_said", message: t("pw.reset.done", { name: username }) });
  c.render();
}

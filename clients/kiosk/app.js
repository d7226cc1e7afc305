// The self-service kiosk: choose a service, identify (typed ID or BHYT number), declare a
// priority group, get a number. Works without the hardware bridge; the chip card, QR camera,
// face capture and printer arrive with it (docs/protocol.md for the server side).
import { h, fill, $, textOn } from "../shared/dom.js";
import { t, addTexts, setLang, lang, onLang, pick, errorText } from "../shared/i18n.js";
import { QueueSocket } from "../shared/socket.js";
import { Board } from "../shared/board.js";
import { connectionBadge } from "../shared/badge.js";
import { deviceToken, forgetDeviceToken } from "../shared/device.js";
import { unitHeader, renderClock } from "../shared/header.js";
import { isOpen, hhmm } from "../shared/hours.js";
import { PRIORITY_GROUPS } from "./identity.js";
import * as flow from "./flow.js";
import { Bridge, bridgeToken } from "../shared/bridge.js";
import { reportHealth } from "../shared/fleet.js";
import { TEXTS } from "./texts.js";

addTexts(TEXTS);

const board = new Board();
const state = flow.initial(Date.now());
let token = deviceToken("kiosk");
const bridge = new Bridge(bridgeToken("queue.kiosk.bridge"), new URLSearchParams(location.search).get("bridge") || "ws://127.0.0.1:8765").start();

let socket = /** @type {QueueSocket|null} */ (null);
let issueSeq = 0;

function go(screen, extra = {}) {
  if (screen !== "camera") stopCamera();
  Object.assign(state, { screen, error: "" }, extra);
  render();
}

function reset() {
  go("home", flow.resetFields());
}

// ---- screens ---------------------------------------------------------------------------------

function render() {
  const main = $("#screen");
  main.dataset.screen = state.screen;
  const cfg = board.config;
  if (cfg && state.screen !== "setup") {
    fill($("#unit"), unitHeader(cfg));
    tickClock();
  }
  $("#lang").textContent = t("lang.switch");
  const view = {
    loading: () => h("p.center.muted", t("loading")),
    setup: viewSetup,
    home: viewHome,
    identify: viewIdentify,
    priority: viewPriority,
    busy: () => h("div.center", h("div.spinner", { "aria-hidden": "true" }), h("p.big", t("busy"))),
    reading: () => h("div.center", h("div.spinner", { "aria-hidden": "true" }), h("p.big", t("chip.reading"))),
    consent: viewConsent,
    camera: viewCamera,
    ticket: viewTicket,
    duplicate: viewDuplicate,
    closed: viewClosed,
  }[state.screen];
  fill(main, view());
  if (state.screen === "camera") faceVideo?.play().catch(() => {});
  const focus = main.querySelector("[autofocus]");
  if (focus instanceof HTMLElement) focus.focus();
}

function viewSetup() {
  const input = h("input.token-input", { type: "text", autocomplete: "off", "aria-label": "token" });
  return h("section.setup",
    h("h1", t("setup.title")),
    h("p", t("setup.body")),
    input,
    h("button.primary", { type: "button", on: { click: () => {
      const v = /** @type {HTMLInputElement} */ (input).value.trim();
      if (!v) return;
      location.hash = `token=${encodeURIComponent(v)}`;
      location.reload();
    } } }, t("setup.save")));
}

function viewHome() {
  const groups = flow.servicesByDepartment(board.config);
  const count = groups.reduce((n, g) => n + g.services.length, 0);
  const density = flow.density(count);
  return h("section.home", { dataset: { density } },
    h("h1.home-title", t("home.title")),
    h("p.home-hint", t("home.hint")),
    h("div.departments", groups.map(({ dept, services }) =>
      h("section.department",
        h("h2", pick(dept.name, dept.name_en)),
        h("div.services", services.map((s) =>
          h(`button.service.size-${s.size}`, {
            type: "button",
            style: { "--c": s.colour, "--fg": textOn(s.colour) },
            dataset: { service: s.code },
            on: { click: () => go("identify", { service: s.code, value: "", method: "id" }) },
          },
          h("span.service-code", s.code),
          h("span.service-name", pick(s.name, s.name_en)),
          lang() === "vi" && s.name_en ? h("span.service-name-en", s.name_en) : null,
          density === "dense"
            ? h("span.service-waiting", { title: t("home.waiting", { n: board.waiting[s.code] ?? 0 }) }, String(board.waiting[s.code] ?? 0))
            : h("span.service-waiting", t("home.waiting", { n: board.waiting[s.code] ?? 0 })))))))));
}

function serviceTitle() {
  const s = board.service(state.service);
  return s ? h("div.chosen", { style: { "--c": s.colour, "--fg": textOn(s.colour) } }, h("span.service-code", s.code), pick(s.name, s.name_en)) : null;
}

function viewIdentify() {
  const input = /** @type {HTMLInputElement} */ (h("input.id-input", {
    id: "id-input", type: "text", inputmode: "none", autocomplete: "off", spellcheck: "false",
    maxlength: 200, value: state.value, autofocus: true,
    placeholder: t(`id.placeholder.${state.method}`), "aria-describedby": "id-error",
    "aria-invalid": state.error ? "true" : "false",
    on: {
      input: (e) => { state.value = /** @type {HTMLInputElement} */ (e.target).value; state.error = ""; state.qr = null; updateCount(); },
      keydown: (e) => { if (e.key === "Enter") { e.preventDefault(); submitIdentity(); } },
    },
  }));
  const count = h("div.id-count", { id: "id-count" });
  const error = h("div.field-error", { id: "id-error", role: "alert" }, state.error);
  function updateCount() {
    count.textContent = t("id.count", { n: flow.typedLength(state.value), max: flow.MAX[state.method] });
    error.textContent = state.error;
  }
  updateCount();
  const press = (k) => {
    state.value = flow.pressKey(state.value, k);
    state.error = "";
    input.value = state.value;
    updateCount();
    input.focus();
  };
  const keys = flow.keypadKeys(state.method);
  const methods = ["id", "bhyt"].map((m) => h("button.tab", {
    type: "button", role: "tab", "aria-selected": String(state.method === m), dataset: { method: m },
    on: { click: () => go("identify", { method: m, value: "" }) },
  }, t(`id.method.${m}`)));
  return h("section.identify",
    serviceTitle(),
    h("h1", t("id.title")),
    h("div.tabs", { role: "tablist" }, methods),
    h("label.sr-only", { for: "id-input" }, t(`id.method.${state.method}`)),
    input, count, error,
    h(`div.keypad.keypad-${state.method}`, keys.map((k) => h("button.key", {
      type: "button", dataset: { key: k }, class: k.length > 1 ? "key-wide" : "",
      on: { click: () => press(k) },
    }, k === "back" ? t("key.back") : k === "clear" ? t("key.clear") : k))),
    bridge.hasCard() && state.method === "id"
      ? h("p.card-hint#card-hint", { role: "status" }, t("chip.seen"))
      : h("p.muted.small", t("id.qr_hint")),
    h("p.muted.small", t("id.privacy")),
    h("div.actions",
      h("button.secondary", { type: "button", on: { click: reset } }, t("btn.back")),
      h("button.link", { type: "button", dataset: { action: "no-id" }, on: { click: () => go("priority", { value: "" }) } }, t("id.none")),
      h("button.primary", { type: "button", dataset: { action: "next" }, on: { click: submitIdentity } }, t("btn.next"))));
}

function submitIdentity() {
  const out = flow.submitIdentity(state.method, state.value);
  if ("error" in out) {
    state.error = t(out.error.key, out.error.params);
    render();
  } else if ("readChip" in out) {
    if (out.qr) {
      state.qr = out.qr;
      state.value = out.qr.id_number;
    }
    readChipOr(out.readChip);
  } else {
    go("priority");
  }
}

/** With a card on the bridge's reader, read its chip with the ID number's CAN: the identity is
 * then the card's own, verified. A wrong number is said so; any other failure goes on typed. */
async function readChipOr(idNumber) {
  if (!bridge.hasCard()) { go("priority"); return; }
  go("reading");
  try {
    const chip = await bridge.request("card.read", { id_number: idNumber, portrait: false }, 30000);
    go("priority", { chip });
  } catch (err) {
    if (err.code === "wrong_can") {
      go("identify", { value: "" });
      state.error = t("chip.wrong");
      render();
    } else {
      go("priority");
      state.error = err.message_vi ? errorText(err) : "";
      render();
    }
  }
}

function viewPriority() {
  const toggle = (g) => {
    state.declared = flow.toggleGroup(state.declared, g);
    render();
  };
  return h("section.priority",
    state.error ? h("div.banner-error", { role: "alert" }, state.error) : null,
    serviceTitle(),
    state.chip ? h("p.who", { id: "who" }, t("prio.who", { name: state.chip.name }), h("span.chip-ok", { id: "chip-ok" }, ` ✓ ${t("chip.ok")}`)) : null,
    !state.chip && state.qr ? h("p.who", { id: "who" }, t("prio.who", { name: state.qr.name })) : null,
    h("h1", t("prio.title")),
    h("p.muted", t("prio.hint")),
    h("div.groups", PRIORITY_GROUPS.map((g) => h("button.group", {
      type: "button", "aria-pressed": String(state.declared.has(g.code)), dataset: { group: g.code },
      on: { click: () => toggle(g.code) },
    }, h("span.group-check", { "aria-hidden": "true" }), pick(g.vi, g.en)))),
    h("div.actions",
      h("button.secondary", { type: "button", on: { click: () => go("identify") } }, t("btn.back")),
      state.declared.size
        ? h("button.primary", { type: "button", dataset: { action: "take" }, on: { click: take } }, t("prio.take"))
        : h("button.primary", { type: "button", dataset: { action: "take" }, on: { click: take } }, t("prio.none"))));
}

// ---- the face check (with consent; docs/face.md) -----------------------------------------------

/** The face check is offered when the unit has it on, the bridge can compute descriptors and
 * there is a camera (the browser's, or the bridge's own); never for a declared young child. */
function faceOffered() {
  const face = bridge.available ? bridge.devices.face : null;
  return flow.faceOffered({
    enabled: board.config?.face?.enabled !== false,
    faceOk: !!face?.ok,
    browserCamera: !!navigator.mediaDevices?.getUserMedia,
    bridgeCamera: !!face?.camera,
    declared: state.declared,
  });
}

function take() {
  if (faceOffered()) go("consent");
  else issue();
}

function viewConsent() {
  return h("section.consent",
    serviceTitle(),
    h("h1", t("face.title")),
    h("p.big", t("face.why")),
    h("p", t("face.what")),
    h("p.muted", t("face.choice")),
    h("div.actions",
      h("button.secondary", { type: "button", dataset: { action: "face-no" }, on: { click: () => issue({ consent: "declined" }) } }, t("face.no")),
      h("button.primary", { type: "button", dataset: { action: "face-yes" }, on: { click: startCamera } }, t("face.yes"))));
}

let faceVideo = /** @type {HTMLVideoElement|null} */ (null);
let faceStream = /** @type {MediaStream|null} */ (null);
let faceRun = 0;
const FACE_SECONDS = 20;

function viewCamera() {
  return h("section.camera",
    h("h1", t("face.title")),
    faceVideo ? h("div.camera-frame", faceVideo) : h("div.center", h("div.spinner", { "aria-hidden": "true" })),
    h("p.big#face-hint", { role: "status" }, state.faceFailed ? t("face.failed") : state.faceHint || t("face.look")),
    h("div.actions",
      h("button.secondary", { type: "button", dataset: { action: "face-skip" }, on: { click: () => issue({ consent: "declined" }) } }, t("face.skip"))));
}

function stopCamera() {
  faceRun++;
  if (faceStream) for (const track of faceStream.getTracks()) track.stop();
  faceStream = null;
  faceVideo = null;
}

function faceHint(text) {
  state.faceHint = text;
  const el = document.getElementById("face-hint");
  if (el) el.textContent = text;
}

/** Frames from the browser's camera go to the bridge one at a time until one has a usable
 * face; its descriptor goes with the issue. Frames never leave this box. */
async function startCamera() {
  go("camera", { faceHint: "", faceFailed: false });
  const run = faceRun;
  const until = Date.now() + FACE_SECONDS * 1000;
  try {
    if (!navigator.mediaDevices?.getUserMedia) throw new Error("no camera in the browser");
    faceStream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    if (run !== faceRun) { stopCamera(); return; }
    faceVideo = /** @type {HTMLVideoElement} */ (h("video", { autoplay: true, playsinline: true, muted: true }));
    faceVideo.srcObject = faceStream;
    render();
    const canvas = document.createElement("canvas");
    while (run === faceRun && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 300));
      const v = faceVideo;
      if (!v || v.videoWidth === 0) continue;
      canvas.width = v.videoWidth;
      canvas.height = v.videoHeight;
      canvas.getContext("2d")?.drawImage(v, 0, 0);
      const image = canvas.toDataURL("image/jpeg", 0.85);
      let result;
      try {
        result = await bridge.request("face.describe", { image }, 10000);
      } catch (err) {
        if (err.code === "bridge_gone" || err.code === "face_unavailable") break;
        continue;
      }
      if (run !== faceRun) return;
      state.lastTouch = Date.now(); // someone is standing in front of the kiosk
      if (result.descriptor) { issue({ face: result.descriptor }); return; }
      faceHint(pick(result.quality.message_vi, result.quality.message_en) || t("face.look"));
    }
  } catch {
    if (run !== faceRun) return;
    if (bridge.devices.face?.camera) { // the bridge's own camera
      try {
        const result = await bridge.request("face.capture", { frames: 30 }, 30000);
        if (run === faceRun && result.descriptor) { issue({ face: result.descriptor }); return; }
      } catch { /* said below */ }
    }
  }
  if (run !== faceRun) return;
  stopCamera();
  state.faceFailed = true;
  render();
}

/** @param {{face?: number[], consent?: string}} [opts] */
async function issue(opts = {}) {
  if (!socket) return;
  const command = flow.issueCommand(state, opts, board.config?.face?.notice || "");
  const mine = ++issueSeq;
  go("busy");
  try {
    const ack = await socket.command(command, { timeout: 8000 });
    if (mine !== issueSeq) return;
    go("ticket", { result: ack.result, value: "", at: Date.now() });
    printTicket(ack.result);
  } catch (err) {
    if (mine !== issueSeq) return;
    const where = flow.afterIssueError(err.code);
    if (where === "duplicate") {
      go("duplicate", { duplicate: err.field || "", value: "", duplicateFace: err.code === "duplicate_face" });
    } else {
      state.screen = where;
      state.error = errorText(err);
      render();
    }
  }
}

function counterNames(numbers) {
  return numbers.map((n) => {
    const c = board.counterConfig(n);
    return c ? pick(c.name, c.name_en) : t("counter", { n });
  }).join(", ");
}

function viewTicket() {
  const r = state.result;
  const s = board.service(r.service);
  const showWait = board.config.kiosk?.show_wait !== false;
  return h("section.ticket", { style: { "--c": s?.colour || "#1565c0" } },
    h("h1", t("ticket.title")),
    h("div.ticket-number", { id: "ticket-number" }, r.ticket),
    h("div.ticket-service", s ? pick(s.name, s.name_en) : r.service),
    h("div.ticket-counters", t("ticket.counters", { names: counterNames(r.counters) })),
    showWait ? h("div.ticket-ahead", t("ticket.ahead", { n: r.ahead })) : null,
    showWait ? h("div.ticket-wait", r.wait_minutes === null ? t("ticket.no_wait") : t("ticket.wait", { n: flow.waitMinutes(r.wait_minutes) })) : null,
    r.priority_pending ? h("div.ticket-note", t("ticket.pending")) : null,
    h("div.ticket-at", t("ticket.at", { time: hhmm(r.issued_at, board.config) })),
    state.printed === "printed" ? h("p.ticket-printed", { id: "printed" }, t("ticket.printed"))
      : state.printed === "printing" ? h("p.muted", t("ticket.printing"))
      : state.printed ? h("p.banner-error", { id: "print-error", role: "alert" }, state.printed) : null,
    state.printed === "printed" ? null : h("p.ticket-remember", t("ticket.remember")),
    h("div.actions", h("button.primary", { type: "button", dataset: { action: "done" }, on: { click: reset } }, t("btn.done"))),
    h("p.muted.small", { id: "back-in" }));
}

async function printTicket(r) {
  if (!bridge.available) return;
  const s = board.service(r.service);
  const cfg = board.config;
  state.printed = "printing";
  render();
  try {
    await bridge.request("printer.print", {
      unit: cfg.unit.name,
      service: s ? s.name : r.service,
      label: r.ticket,
      counters: counterNames(r.counters),
      ahead: r.ahead,
      wait_minutes: flow.waitMinutes(r.wait_minutes),
      issued: `${hhmm(r.issued_at, cfg)} ${flow.printedDay(board.day)}`,
      url: `${location.origin}/t/${r.ticket}`,
    }, 20000);
    state.printed = "printed";
    reportDevice("printer", "", r.ticket);
  } catch (err) {
    state.printed = errorText(err.message_vi ? err : { code: "timeout" });
    reportDevice("printer", err.code || "timeout", r.ticket);
  }
  if (state.screen === "ticket") render();
}

let reports = 0;
let printerFault = false;

/** Tell staff (through the server) that the printer is in fault, or working again. */
function reportDevice(part, code, label) {
  if (!code && !printerFault) return;
  printerFault = !!code;
  socket?.request({ type: "report", id: `k${++reports}`, what: code ? "device_fault" : "device_ok", part, detail: code, label }, { queueOffline: false })
    .catch(() => { /* offline: the next print reports again */ });
}

function viewDuplicate() {
  return h("section.duplicate",
    h("h1", t("dup.title")),
    h("div.ticket-number", state.duplicate || "—"),
    h("p#dup-body", t(state.duplicateFace ? "dup.face" : "dup.body", { label: state.duplicate || "—" })),
    h("div.actions", h("button.primary", { type: "button", on: { click: reset } }, t("btn.home"))));
}

function viewClosed() {
  const cfg = board.config;
  const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  return h("section.closed",
    h("h1", t("closed.title")),
    h("p", t("closed.body")),
    h("table.timetable", h("tbody", days.map((d) => {
      const hours = cfg.hours[d];
      return h("tr", h("th", t(`day.${d}`)), h("td", hours ? `${hours.open}–${hours.close}` + (hours.breaks?.length ? ` (${hours.breaks.map((b) => t("hours.break", { start: b.start, end: b.end })).join(", ")})` : "") : t("hours.closed_today")));
    }))),
    h("p.emergency", t("closed.emergency")));
}

// ---- time, idle, language ------------------------------------------------------------------------

function tickClock() {
  if (!board.config || !socket) return;
  renderClock($("#clock"), board.config, socket.now());
}

function checkHours() {
  if (!board.config || !socket) return;
  const change = flow.hoursChange(isOpen(board.config, socket.now()), state.screen);
  if (change === "close") go("closed");
  else if (change === "reopen") reset();
}

function checkIdle() {
  const left = flow.idleLeft(state.screen, board.config?.kiosk?.idle_seconds, state.lastTouch, Date.now());
  if (left === null) return;
  const backIn = document.getElementById("back-in");
  if (backIn) backIn.textContent = t("ticket.back_in", { n: Math.max(0, left) });
  if (left <= 0) reset();
}

for (const ev of ["pointerdown", "keydown"]) {
  document.addEventListener(ev, () => { state.lastTouch = Date.now(); }, { capture: true });
}
$("#lang").addEventListener("click", () => setLang(lang() === "vi" ? "en" : "vi"));
onLang(render);

// ---- connection ---------------------------------------------------------------------------------

// a card laid on the reader changes what the identity screen says (the chip needs the number)
for (const ev of ["card_inserted", "card_removed", "status"]) {
  bridge.on(ev, () => { if (state.screen === "identify") render(); });
}

function start() {
  if (!token) {
    go("setup");
    return;
  }
  socket = new QueueSocket({ hello: () => ({ role: "kiosk", token }), name: "kiosk" });
  document.body.append(connectionBadge(socket));
  socket.on("snapshot", (msg) => {
    board.snapshot(msg);
    if (state.screen === "loading") reset();
    else render();
    checkHours();
  });
  socket.on("event", (msg) => {
    board.apply(msg);
    if (msg.event.type === "config_replaced" || state.screen === "home") render();
  });
  socket.on("waiting", (msg) => {
    board.setWaiting(msg);
    if (state.screen === "home") render();
  });
  socket.on("status", (s) => {
    if (s === "refused") {
      forgetDeviceToken("kiosk");
      token = "";
      socket?.stop();
      go("setup");
    }
  });
  reportHealth(socket, () => ({
    screen: state.screen,
    bridge: bridge.available,
    card_readers: (bridge.devices.card?.readers || []).length,
    face: !!bridge.devices.face?.ok,
    printer: bridge.available ? (printerFault ? "fault" : "ok") : "none",
  }));
  socket.start();
  setInterval(() => { tickClock(); checkIdle(); }, 1000);
  setInterval(checkHours, 15000);
}

render();
start();

// exposed for the end-to-end tests and for support staff at the console
Object.assign(window, { kiosk: { state, board, bridge } });

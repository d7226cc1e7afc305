// The kiosk's controller: every effect around the pure flow: the server socket, the hardware
// bridge (chip card, face, printer), the camera, the timers (clock, idle, opening hours) and the
// rendering of views.js into the page. What they give is dispatched to flow.js's next() as an
// action; the state is replaced by what it returns, never changed in place. app.js starts it.
import { h, fill, $ } from "../shared/dom.js";
import { t, setLang, lang, onLang, pick, errorText } from "../shared/i18n.js";
import { QueueSocket } from "../shared/socket.js";
import { Board } from "../shared/board.js";
import { connectionBadge } from "../shared/badge.js";
import { deviceToken, forgetDeviceToken } from "../shared/device.js";
import { unitHeader, renderClock } from "../shared/header.js";
import { isOpen, hhmm, localParts } from "../shared/hours.js";
import * as flow from "./flow.js";
import * as views from "./views.js";
import { passportParams } from "./passport.js";
import { Bridge, bridgeToken } from "../shared/bridge.js";
import { reportHealth } from "../shared/fleet.js";

/** Actions that change nothing drawn, or whose view patched the page itself (typing keeps the
 * caret; the camera keeps its video). */
const QUIET = ["typed", "key", "touch", "face_hint", "passport_typed", "passport_field"];

/** Build the kiosk on this page; render() and start() bring it up. */
export function createKiosk() {
  const board = new Board();
  let state = flow.initial(Date.now());
  let token = deviceToken("kiosk");
  const bridge = new Bridge(bridgeToken("queue.kiosk.bridge"), new URLSearchParams(location.search).get("bridge") || "ws://127.0.0.1:8765").start();

  let socket = /** @type {QueueSocket|null} */ (null);
  let issueSeq = 0;
  let linkBase = location.origin; // where the tickets' phone links start (the welcome may say otherwise)
  let serverPrints = false; // the server prints this kiosk's tickets (the welcome says so)

  /** Give an action to the flow, take its next state, run the effects that state asks for and
   * draw it. @param {flow.Action} action */
  function dispatch(action) {
    const before = state;
    state = flow.next(state, action);
    if (state === before) return state;
    const entered = state.screen !== before.screen ? state.screen : "";
    if (before.screen === "camera" && entered) stopCamera();
    if (state.lang !== lang()) setLang(state.lang); // draws through onLang
    else if (!QUIET.includes(action.type)) render();
    if (entered === "scanning") readScan();
    else if (entered === "reading") readChip();
    else if (entered === "checking") checkHeld();
    else if (entered === "camera") startCamera();
    else if (entered === "busy") issue();
    else if (entered === "ticket") printTicket(state.result);
    return state;
  }

  /** What the screens' buttons do (views.js). @type {views.Actions} */
  const act = {
    send: dispatch,
    saveToken: (v) => {
      location.hash = `token=${encodeURIComponent(v)}`;
      location.reload();
    },
  };

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
      loading: views.viewLoading,
      setup: views.viewSetup,
      home: views.viewHome,
      identify: views.viewIdentify,
      priority: views.viewPriority,
      busy: views.viewBusy,
      reading: views.viewReading,
      scanning: views.viewChecking,
      checking: views.viewChecking,
      consent: views.viewConsent,
      camera: views.viewCamera,
      ticket: views.viewTicket,
      duplicate: views.viewDuplicate,
      closed: views.viewClosed,
    }[state.screen];
    fill(main, view(state, { board, act, hasCard: bridge.hasCard(), hasReader: bridge.hasReader(), faceOffered, faceVideo, origin: linkBase, now: socket ? socket.now() : Date.now() / 1000 }));
    if (state.screen === "camera") faceVideo?.play().catch(() => {});
    const focus = main.querySelector("[autofocus]");
    if (focus instanceof HTMLElement) focus.focus();
  }

  /** With a card on the bridge's reader, read its chip with the ID number's CAN: the identity is
   * then the card's own, verified. A wrong number is said so; any other failure goes on typed. */
  async function readChip() {
    try {
      const params = state.method === "passport" ? passportParams(state.passport) : { id_number: state.value.replace(/\s/g, ""), portrait: false };
      const chip = await bridge.request("card.read", params, 30000);
      dispatch({ type: "chip_read", chip });
    } catch (err) {
      dispatch({ type: "chip_failed", error: err });
    }
  }

  /** Ask the server what this person holds already (the query answers for them only); without
   * an answer the patient goes on, and the issue decides. */
  async function checkHeld() {
    const who = flow.identityOf(state);
    try {
      if (!socket || !who) throw { code: "offline" };
      const number = who.id_number ? { id_number: who.id_number } : { bhyt_number: /** @type {any} */ (who).bhyt_number };
      // the server names the held tickets only for a number read from the chip (issue 17)
      const reply = await socket.query("held", { ...number, source: who.source, service: state.service }, { timeout: 5000 });
      dispatch({ type: "held", held: reply.held });
    } catch (err) {
      dispatch({ type: "check_failed", error: err });
    }
  }

  /** Ask the server to read a scanned code (the card's QR under the rules of the numbers, or
   * the VNeID app's, which it may send to the site's verifier: docs/vneid.md). */
  async function readScan() {
    const source = state.method === "vneid" ? "vneid" : "qr";
    try {
      if (!socket) throw { code: "offline" };
      const identity = await socket.query("card_qr", { qr: state.value.trim(), source }, { timeout: 15000 });
      dispatch({ type: "scanned", identity, hasCard: bridge.hasCard() });
    } catch (err) {
      dispatch({ type: "scan_refused", error: err?.message_vi ? err : { key: "idv.scan_failed" } });
    }
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

  let faceVideo = /** @type {HTMLVideoElement|null} */ (null);
  let faceStream = /** @type {MediaStream|null} */ (null);
  let faceRun = 0;
  const FACE_SECONDS = 20;

  function stopCamera() {
    faceRun++;
    if (faceStream) for (const track of faceStream.getTracks()) track.stop();
    faceStream = null;
    faceVideo = null;
  }

  /** @param {import("./flow.js").Told|null} hint */
  function faceHint(hint) {
    dispatch({ type: "face_hint", hint, now: Date.now() }); // someone is standing in front of the kiosk
    const el = document.getElementById("face-hint");
    if (el) el.textContent = views.faceHintText(state);
  }

  /** Frames from the browser's camera go to the bridge one at a time until one has a usable
   * face; its descriptor goes with the issue. Frames never leave this box. */
  async function startCamera() {
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
        if (result.descriptor) { dispatch({ type: "face_captured", face: result.descriptor }); return; }
        faceHint(result.quality.message_vi ? result.quality : null);
      }
    } catch {
      if (run !== faceRun) return;
      if (bridge.devices.face?.camera) { // the bridge's own camera
        try {
          const result = await bridge.request("face.capture", { frames: 30 }, 30000);
          if (run === faceRun && result.descriptor) { dispatch({ type: "face_captured", face: result.descriptor }); return; }
        } catch { /* said below */ }
      }
    }
    if (run !== faceRun) return;
    stopCamera();
    dispatch({ type: "face_failed" });
  }

  /** Send the issue the state describes; the answer is the flow's. */
  async function issue() {
    const mine = ++issueSeq;
    try {
      if (!socket) throw { code: "offline" };
      const command = flow.issueCommand(state, board.config?.face?.notice || "");
      // pressed again after no answer: the same key only when it is surely the same person
      const ack = await socket.command(command, { timeout: 8000, sameKeyOnRetry: !!(command.identity || command.face) });
      if (mine === issueSeq) dispatch({ type: "issued", result: ack.result });
    } catch (err) {
      if (mine === issueSeq) dispatch({ type: "refused", error: err });
    }
  }

  async function printTicket(r) {
    if (serverPrints) { dispatch({ type: "printed_by_server", label: r.ticket }); return; }
    if (!bridge.available) return;
    const s = board.service(r.service);
    const cfg = board.config;
    dispatch({ type: "print_started", label: r.ticket });
    try {
      await bridge.request("printer.print", {
        unit: cfg.unit.name,
        service: s ? s.name : r.service,
        label: r.ticket,
        counters: views.counterNames(board, r.counters),
        ahead: r.ahead,
        wait_minutes: flow.waitMinutes(r.wait_minutes),
        ...flow.printedWait(r, (at) => hhmm(at, cfg), r.issued_at),
        late: Boolean(r.late),
        issued: `${hhmm(r.issued_at, cfg)} ${flow.printedDay(board.day)}`,
        url: flow.phoneUrl(linkBase, r.ticket, board.day),
        booked: views.slotText(r.slot),
      }, 20000);
      dispatch({ type: "printed", label: r.ticket });
      reportDevice("printer", "", r.ticket);
    } catch (err) {
      dispatch({ type: "print_failed", label: r.ticket, error: err.message_vi ? err : { code: "timeout" } });
      reportDevice("printer", err.code || "timeout", r.ticket);
    }
  }

  let reports = 0;
  let printerFault = false;
  let printerTold = false; // nothing said since the page (re)loaded: the first print's news is told, so a fault left open before a reload is cleared

  /** Tell staff (through the server) that the printer is in fault, or working again. */
  function reportDevice(part, code, label) {
    if (!code && !printerFault && printerTold) return;
    printerFault = !!code;
    printerTold = true;
    socket?.request({ type: "report", id: `k${++reports}`, what: code ? "device_fault" : "device_ok", part, detail: code, label }, { queueOffline: false })
      .catch(() => { /* offline: the next print reports again */ });
  }

  // ---- time, idle, language ------------------------------------------------------------------------

  function tickClock() {
    if (!board.config || !socket) return;
    renderClock($("#clock"), board.config, socket.now());
  }

  function checkHours() {
    if (!board.config || !socket) return;
    dispatch({ type: "hours", open: isOpen(board.config, socket.now()), today: localParts(socket.now(), board.config.unit.timezone).date });
  }

  function checkIdle() {
    const idleSeconds = board.config?.kiosk?.idle_seconds;
    dispatch({ type: "tick", now: Date.now(), idleSeconds });
    const left = flow.idleLeft(state.screen, idleSeconds, state.lastTouch, Date.now());
    const backIn = document.getElementById("back-in");
    if (left !== null && backIn) backIn.textContent = t("ticket.back_in", { n: Math.max(0, left) });
  }

  for (const ev of ["pointerdown", "keydown"]) {
    document.addEventListener(ev, () => dispatch({ type: "touch", now: Date.now() }), { capture: true });
  }
  $("#lang").addEventListener("click", () => dispatch({ type: "language" }));
  onLang(render);
  if (lang() !== "vi") setLang("vi"); // a reload (power cut, morning boot) starts in Vietnamese too

  // ---- connection ---------------------------------------------------------------------------------

  // a card laid on the reader changes what the identity screen says (the chip needs the number)
  for (const ev of ["card_inserted", "card_removed", "status"]) {
    bridge.on(ev, () => { if (state.screen === "identify") render(); });
  }

  function start() {
    if (!token) {
      dispatch({ type: "setup" });
      return;
    }
    socket = new QueueSocket({ hello: () => ({ role: "kiosk", token }), name: "kiosk" });
    document.body.append(connectionBadge(socket));
    socket.on("welcome", (msg) => { linkBase = msg.public_url || location.origin; serverPrints = !!msg.server_prints; });
    socket.on("snapshot", (msg) => {
      board.snapshot(msg);
      const before = state;
      if (dispatch({ type: "snapshot" }) === before) render();
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
        dispatch({ type: "setup" });
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

  return { get state() { return state; }, board, bridge, render, start };
}

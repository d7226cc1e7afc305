// The TV board's controller: it holds the state and every effect on it: the socket and the
// board it feeds, the timers (clock and closed notice, page turns, the end of a flash, the
// notice's minute), the announcer (browser or hardware bridge), the media (media.js), the
// fleet's health report, and the rendering of views.js into the page. What it learns it
// dispatches through flow.next; app.js starts it.
import { fill, $, inkOnWhite } from "../shared/dom.js";
import { QueueSocket } from "../shared/socket.js";
import { Board } from "../shared/board.js";
import { connectionBadge } from "../shared/badge.js";
import { deviceToken, forgetDeviceToken } from "../shared/device.js";
import { unitHeader, renderClock } from "../shared/header.js";
import { isOpen, localParts } from "../shared/hours.js";
import { Bridge, bridgeToken } from "../shared/bridge.js";
import { reportHealth } from "../shared/fleet.js";
import { Announcer } from "./announcer.js";
import { createMedia } from "./media.js";
import * as flow from "./flow.js";
import * as views from "./views.js";

const NOTICE_MS = 60_000; // a scheduled announcement stays on screen a minute
const TURN_MS = 10_000; // several pages of counters: turn every 10 s

/** Build the TV board from its URL's query; start() brings it up. @param {URLSearchParams} params */
export function createTv(params) {
  const token = deviceToken("tv");
  const board = new Board();
  const media = createMedia();
  let state = flow.initial(params.get("zone") || "");
  let socket = /** @type {QueueSocket|null} */ (null);
  let noticeTimer = /** @type {any} */ (0);
  let closedOn = ""; // the local date the closed notice was drawn for ("" while open)
  let newWaits = /** @type {views.NewWaits} */ ({}); // the wait of a number taken now (new_wait)

  /** @param {flow.Action} action */
  const dispatch = (action) => { state = flow.next(state, action); };
  const display = () => flow.display(board.config, state.deviceId, { layout: params.get("layout"), theme: params.get("theme") });
  /** @returns {views.Ctx} */
  const ctx = () => ({ board, display: display(), now: Date.now(), newWaits });

  // ---- the speaker: the browser's (?audio=1) or the box's hardware bridge (?audio=bridge) ----
  let reports = 0;
  /** @param {string} what @param {any} item @param {string} [detail] */
  const reportPlay = (what, item, detail = "") => {
    socket?.request({ type: "report", id: `r${++reports}`, what, seq: item.seq, label: item.label, detail }, { queueOffline: false })
      .catch(() => { /* offline: the next call reports again */ });
  };
  const speakerBridge = params.get("audio") === "bridge"
    ? new Bridge(bridgeToken("queue.tv.bridge"), params.get("bridge") || "ws://127.0.0.1:8765", "tv/1").start()
    : null;
  const speechSettings = () => board.config?.speech || {};
  const serverNow = () => (socket ? socket.now() : Date.now() / 1000);
  const announcer = params.get("audio") === "1"
    ? new Announcer(reportPlay, null, speechSettings, serverNow)
    : speakerBridge
      ? new Announcer(reportPlay, async (item) => {
        const done = await speakerBridge.request("speaker.play", { url: new URL(item.url, location.href).href, label: item.label }, 60000);
        return done.seconds;
      }, speechSettings, serverNow)
      : null;
  const speaks = () => announcer && board.config?.speech?.enabled !== false;

  // ---- rendering ----------------------------------------------------------------------------

  function renderAll() {
    const d = display();
    document.body.dataset.theme = d.theme;
    fill($("#unit"), unitHeader(board.config));
    $(".recent-title").textContent = views.both("tv.recent").join(" · ");
    const marquee = $("#marquee");
    const text = flow.marqueeText(d);
    marquee.hidden = !text;
    marquee.dataset.position = d.marqueePosition;
    $("#marquee-text").textContent = text;
    document.body.dataset.marquee = text ? d.marqueePosition : "none";
    renderGrid();
    renderCalling();
    renderWaiting();
    media.show(flow.playlist(d), $(".tv-body"));
    tick();
  }

  function renderGrid() {
    const c = ctx();
    const { cols, rows, perPage, pages } = flow.paging(board.counterList().length, c.display);
    dispatch({ type: "pages", pages });
    const grid = $("#grid");
    grid.style.setProperty("--cols", String(cols));
    grid.style.setProperty("--rows", String(rows));
    grid.dataset.cols = String(cols);
    grid.dataset.rows = String(rows);
    fill(grid, views.viewCells(state, c, perPage));
  }

  function renderCalling() {
    const c = ctx();
    const el = $("#now-calling");
    const panel = views.viewCalling(state, c);
    if (panel.colour) {
      el.style.setProperty("--c", panel.colour);
      el.style.setProperty("--ct", inkOnWhite(panel.colour));
    }
    fill(el, panel.children);
    el.classList.toggle("flash", panel.flash);
    fill($("#recent"), views.viewRecent(c));
  }

  const renderWaiting = () => fill($("#waiting"), views.viewWaiting(ctx()));

  function tick() {
    if (!board.config || !socket) return;
    const now = socket.now();
    renderClock($("#clock"), board.config, now);
    const open = !flow.showsClosed(isOpen(board.config, now), board.counterList());
    const closed = $("#closed");
    const today = open ? "" : localParts(now, board.config.unit.timezone).date;
    if (closed.hidden === open && today === closedOn) return;
    closedOn = today;
    closed.hidden = open;
    if (!open) fill(closed, views.viewClosed(board.config, now));
  }

  /** A scheduled announcement on screen for a minute, in both languages. @param {any} msg */
  function showNotice(msg) {
    const el = $("#notice");
    fill(el, views.viewNotice(msg));
    el.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { el.hidden = true; }, NOTICE_MS);
  }

  // ---- events -------------------------------------------------------------------------------

  /** @param {any} msg */
  function onEvent(msg) {
    const change = board.apply(msg);
    if (!change) return;
    const type = msg.event.type;
    if (type === "config_replaced" || type === "day_started") { renderAll(); return; }
    if (flow.isCall(type)) {
      const d = display();
      const ms = d.flashSeconds * 1000;
      const list = board.counterList();
      const call = { label: change.label, counter: change.counter, service: change.service, until: Date.now() + ms };
      dispatch({ type: "called", call, index: list.findIndex((c) => c.number === change.counter), perPage: flow.paging(list.length, d).perPage });
      const fresh = socket ? flow.fresh(socket.now(), msg.at) : true;
      if (announcer && fresh && speaks()) announcer.enqueue(change.label, change.counter, msg.seq, msg.at);
      setTimeout(() => { renderGrid(); renderCalling(); }, ms + 50);
      renderCalling();
    }
    renderGrid();
    renderWaiting();
  }

  function start() {
    if (!token) { // not registered: how to register it
      $("#setup").hidden = false;
      fill($("#setup"), views.viewSetup());
      return;
    }
    const s = new QueueSocket({ hello: () => ({ role: "tv", token, zone: state.zone }), name: "tv" });
    socket = s;
    document.body.append(connectionBadge(s));
    s.on("welcome", (msg) => dispatch({ type: "welcome", zone: msg.zone, deviceId: (msg.actor || "").replace(/^device:/, "") }));
    s.on("snapshot", (msg) => { board.snapshot(msg, state.zone); renderAll(); });
    s.on("event", onEvent);
    s.on("waiting", (msg) => { board.setWaiting(msg); renderWaiting(); });
    s.on("new_wait", (msg) => { newWaits = msg.waits; renderWaiting(); });
    s.on("announce", (msg) => {
      showNotice(msg);
      if (announcer && speaks()) announcer.enqueueUrl(msg.audio, `announce:${msg.time}`);
    });
    s.on("status", (st) => {
      if (st === "refused") {
        forgetDeviceToken("tv");
        s.stop();
        location.reload();
      }
    });
    s.on("control", (msg) => { if (msg.action === "play" && msg.media) media.playNow(msg.media); });
    reportHealth(s, () => ({
      zone: state.zone,
      audio: params.get("audio") || "off",
      calls_played: announcer ? announcer.log.filter((e) => e.end > 0).reduce((n, e) => n + e.labels.length, 0) : 0,
      bridge: speakerBridge ? speakerBridge.available : null,
      media: media.playlist.length,
    }));
    s.start();
    setInterval(tick, 1000);
    setInterval(() => {
      const count = board.counterList().length;
      const { perPage } = flow.paging(count, display());
      if (count <= perPage) return;
      dispatch({ type: "turn", count, perPage });
      renderGrid();
    }, TURN_MS);
  }

  return {
    board, announcer, media, start, renderAll,
    bridge: speakerBridge, // the box's bridge when it speaks the calls (?audio=bridge), else null
    get socket() { return socket; },
    get state() { return state; },
  };
}

// The TV board of one zone: the counters with their current numbers and status, a large "now
// calling" panel that flashes each new call, the last calls, how many wait per service, a
// scrolling notice, the unit, the clock and the out-of-hours notice. It keeps showing the last
// state when the server is gone (the badge says so) and resumes from its last seq when it returns.
//
// URL: /tv/#token=<device token>  (once; kept in the browser). Optional query: ?layout=4x8
// (columns x rows), ?theme=mono|multi, ?zone=<code> for a device registered without a zone,
// ?audio=1 for the screen that speaks the calls of its zone (one per hall: two would echo);
// ?audio=bridge to speak them through the box's hardware bridge instead of the browser.
import { h, fill, $, inkOnWhite } from "../shared/dom.js";
import { t, addTexts, onLang } from "../shared/i18n.js";
import { QueueSocket } from "../shared/socket.js";
import { Board } from "../shared/board.js";
import { connectionBadge } from "../shared/badge.js";
import { deviceToken, forgetDeviceToken } from "../shared/device.js";
import { unitHeader, renderClock } from "../shared/header.js";
import { isOpen, localParts } from "../shared/hours.js";
import { closedDetails } from "../shared/closed.js";
import { Announcer } from "./announcer.js";
import { Bridge, bridgeToken } from "../shared/bridge.js";
import { reportHealth } from "../shared/fleet.js";
import { gridShape } from "./grid.js";

addTexts({
  vi: {
    "tv.calling": "Mời số",
    "tv.to_counter": "đến {counter}",
    "tv.recent": "Vừa gọi",
    "tv.waiting": "Đang chờ",
    "tv.status.open": "Đang mở",
    "tv.status.paused": "Tạm dừng",
    "tv.status.closed": "Đóng",
    "tv.online": "Trực tuyến",
    "tv.serving": "Đang phục vụ",
    "tv.idle": "Sẵn sàng",
    "tv.closed.title": "Ngoài giờ làm việc",
    "tv.closed.body": "Hẹn gặp lại quý khách trong giờ làm việc.",
    "tv.setup.title": "Màn hình chưa được đăng ký",
    "tv.setup.body": "Mở địa chỉ …/tv/#token=<mã thiết bị> do quản trị viên cấp.",
    "tv.none": "—",
  },
  en: {
    "tv.calling": "Number",
    "tv.to_counter": "to {counter}",
    "tv.recent": "Recent calls",
    "tv.waiting": "Waiting",
    "tv.status.open": "Open",
    "tv.status.paused": "Paused",
    "tv.status.closed": "Closed",
    "tv.online": "Online",
    "tv.serving": "Serving",
    "tv.idle": "Ready",
    "tv.closed.title": "Outside working hours",
    "tv.closed.body": "We look forward to seeing you during working hours.",
    "tv.setup.title": "This screen is not registered",
    "tv.setup.body": "Open …/tv/#token=<device token> given by the administrator.",
    "tv.none": "—",
  },
});

/** Both languages at once: TVs speak to everyone in the hall. */
const both = (key, params) => [t(key, params, "vi"), t(key, params, "en")];

const params = new URLSearchParams(location.search);
const token = deviceToken("tv");
const board = new Board();
let socket = /** @type {QueueSocket|null} */ (null);
let zone = params.get("zone") || "";
let page = 0;
/** @type {Map<number, number>} counter -> until when (ms) its cell flashes */
const flashing = new Map();
let nowCalling = /** @type {{label: string, counter: number, service: string, until: number}|null} */ (null);
let reports = 0;
const reportPlay = (what, item, detail = "") => {
  socket?.request({ type: "report", id: `r${++reports}`, what, seq: item.seq, label: item.label, detail }, { queueOffline: false })
    .catch(() => { /* offline: the next call reports again */ });
};
// ?audio=bridge: the box's hardware bridge plays the calls (its token given once as #bridge=...)
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
const STALE_CALL_SECONDS = 30; // calls caught up after a reconnect are shown, not spoken

let deviceId = ""; // this screen's registered id (from the welcome): its own layout, if configured

/** The unit's [display], overridden by this screen's own entry in display.screens, then by
 * the URL (?layout=CxR, ?theme=). */
function display() {
  const base = board.config?.display || {};
  const own = (base.screens || []).find((x) => x.device === deviceId) || {};
  const pickOwn = (key) => (own[key] !== null && own[key] !== undefined ? own[key] : base[key]);
  const d = { ...base, columns: pickOwn("columns"), rows: pickOwn("rows"), theme: pickOwn("theme"), media_area: pickOwn("media_area"), media: pickOwn("media") };
  const [c, r] = (params.get("layout") || "").split("x").map(Number);
  return {
    theme: params.get("theme") || d.theme || "multi",
    columns: c || d.columns || 0,
    rows: r || d.rows || 0,
    mediaArea: d.media_area || "none",
    media: d.media || [],
    marquee: d.marquee || "",
    marqueeEn: d.marquee_en || "",
    marqueePosition: d.marquee_position || "bottom",
    lastCalls: d.last_calls ?? 6,
    flashSeconds: d.flash_seconds ?? 10,
  };
}

function counterName(n) {
  const cc = board.counterConfig(n);
  return { vi: cc?.name || `Quầy ${n}`, en: cc?.name_en || cc?.name || `Counter ${n}` };
}

// ---- rendering --------------------------------------------------------------------------------

function renderAll() {
  const d = display();
  document.body.dataset.theme = d.theme;
  fill($("#unit"), unitHeader(board.config));
  $(".recent-title").textContent = both("tv.recent").join(" · ");
  const marquee = $("#marquee");
  const text = [d.marquee, d.marqueeEn].filter(Boolean).join("   •   ");
  marquee.hidden = !text;
  marquee.dataset.position = d.marqueePosition;
  $("#marquee-text").textContent = text;
  document.body.dataset.marquee = text ? d.marqueePosition : "none";
  renderGrid();
  renderCalling();
  renderWaiting();
  renderMedia();
  tick();
}

// ---- a clip or image played now, full screen, once (an administrator's "play", B2) -------------
function playNow(name) {
  document.getElementById("play-now")?.remove();
  const close = () => document.getElementById("play-now")?.remove();
  const item = name.endsWith(".mp4")
    ? h("video", { src: `/media/${name}`, autoplay: true, playsinline: true })
    : h("img", { src: `/media/${name}`, alt: "" });
  item.addEventListener(name.endsWith(".mp4") ? "playing" : "load", () => media.played.push(`now:${name}`), { once: true });
  if (name.endsWith(".mp4")) {
    item.addEventListener("ended", close);
    item.addEventListener("error", close);
  } else {
    setTimeout(close, IMAGE_SECONDS * 1000);
  }
  document.body.append(h("div.play-now#play-now", item));
}

// ---- the media area (split screen, [display] media_area and media) ----------------------------
const IMAGE_SECONDS = 10;
const media = { playlist: /** @type {string[]} */ ([]), index: 0, timer: /** @type {any} */ (0), played: /** @type {string[]} */ ([]) };

function renderMedia() {
  const d = display();
  const list = d.mediaArea === "right" ? d.media : [];
  const body = $(".tv-body");
  body.classList.toggle("with-media", list.length > 0);
  if (list.join("|") === media.playlist.join("|")) return; // unchanged: keep playing
  media.playlist = [...list];
  media.index = 0;
  clearTimeout(media.timer);
  document.getElementById("media")?.remove();
  if (list.length) {
    body.append(h("aside.media#media", { "aria-hidden": "true" }));
    playMedia();
  }
}

function playMedia() {
  const area = document.getElementById("media");
  if (!area || !media.playlist.length) return;
  const name = media.playlist[media.index % media.playlist.length];
  media.index += 1;
  const next = () => { clearTimeout(media.timer); playMedia(); };
  if (name.endsWith(".mp4")) {
    const video = /** @type {HTMLVideoElement} */ (h("video", { src: `/media/${name}`, muted: true, autoplay: true, playsinline: true }));
    video.muted = true;
    video.addEventListener("playing", () => media.played.push(name), { once: true });
    video.addEventListener("ended", next);
    video.addEventListener("error", () => { media.timer = setTimeout(next, 2000); });
    fill(area, video);
    if (media.playlist.length === 1) video.loop = true;
  } else {
    const img = h("img", { src: `/media/${name}`, alt: "" });
    img.addEventListener("load", () => media.played.push(name), { once: true });
    fill(area, img);
    media.timer = setTimeout(next, IMAGE_SECONDS * 1000);
  }
}

function renderGrid() {
  const d = display();
  const counters = board.counterList();
  const { cols, rows } = gridShape(counters.length, d.columns, d.rows);
  const perPage = cols * rows;
  const pages = Math.max(1, Math.ceil(counters.length / perPage));
  if (page >= pages) page = 0;
  const shown = counters.slice(page * perPage, (page + 1) * perPage);
  const grid = $("#grid");
  grid.style.setProperty("--cols", String(cols));
  grid.style.setProperty("--rows", String(rows));
  grid.dataset.cols = String(cols);
  grid.dataset.rows = String(rows);
  const now = Date.now();
  fill(grid, shown.map((c) => {
    const name = counterName(c.number);
    const svc = c.current_service ? board.service(c.current_service) : null;
    const flash = (flashing.get(c.number) || 0) > now;
    const status = c.status === "open"
      ? (c.current ? both(c.current_status === "serving" ? "tv.serving" : "tv.calling") : both("tv.idle"))
      : both(`tv.status.${c.status}`);
    return h("div.cell", {
      dataset: { counter: c.number, status: c.status, online: c.online ? "1" : "0" },
      class: flash ? "flash" : "",
      style: { "--c": svc?.colour || "#0b4f8a", "--ct": inkOnWhite(svc?.colour || "#0b4f8a") },
    },
    h("div.cell-name", h("span", name.vi), c.online ? h("span.online", both("tv.online").join(" / ")) : null),
    h("div.cell-number", c.status === "open" || c.current ? (c.current || t("tv.none")) : ""),
    h("div.cell-status",
      c.status === "paused" && c.pause_reason ? `${status[0]}: ${c.pause_reason}` : status[0],
      h("span.en", status[1])));
  }));
}

function renderCalling() {
  const el = $("#now-calling");
  const call = nowCalling || (board.lastCalls[0] ? { ...board.lastCalls[0], until: 0 } : null);
  if (!call) {
    fill(el, h("div.now-title", both("tv.calling").join(" / ")), h("div.now-label", t("tv.none")));
    el.classList.remove("flash");
  } else {
    const name = counterName(call.counter);
    const svc = board.service(call.service);
    el.style.setProperty("--c", svc?.colour || "#0b4f8a");
    el.style.setProperty("--ct", inkOnWhite(svc?.colour || "#0b4f8a"));
    fill(el,
      h("div.now-title", both("tv.calling").join(" / ")),
      h("div.now-label", { id: "now-label" }, call.label),
      h("div.now-counter", t("tv.to_counter", { counter: name.vi }, "vi")),
      h("div.now-counter-en", t("tv.to_counter", { counter: name.en }, "en")),
      svc ? h("div.now-service", svc.name) : null);
    el.classList.toggle("flash", call.until > Date.now());
  }
  const d = display();
  const recent = board.lastCalls.slice(1, 1 + d.lastCalls); // the first is in the large panel
  fill($("#recent"), recent.map((r) => h("li", { dataset: { label: r.label } },
    h("strong", r.label), h("span", "→"), h("span", counterName(r.counter).vi))));
}

function renderWaiting() {
  const mine = new Set(board.counterList().flatMap((c) => (board.counterConfig(c.number)?.services || []).map((s) => s.code)));
  const services = (board.config?.services || []).filter((s) => mine.has(s.code));
  fill($("#waiting"),
    h("span.waiting-title", both("tv.waiting").join(" / ")),
    services.map((s) => h("span.wait-chip", { dataset: { service: s.code }, style: { "--c": s.colour } },
      h("b", s.code), h("span.wait-name", s.name), h("strong.wait-n", String(board.waiting[s.code] ?? 0)))));
}

let closedOn = ""; // the local date the closed notice was drawn for ("" while open)
function tick() {
  if (!board.config || !socket) return;
  const now = socket.now();
  renderClock($("#clock"), board.config, now);
  const open = isOpen(board.config, now);
  const closed = $("#closed");
  const today = open ? "" : localParts(now, board.config.unit.timezone).date;
  if (closed.hidden === open && today === closedOn) return;
  closedOn = today;
  closed.hidden = open;
  if (open) return;
  fill(closed, h("div.closed-box",
    h("div.closed-title", t("tv.closed.title", {}, "vi")),
    h("div.closed-title-en", t("tv.closed.title", {}, "en")),
    closedDetails(board.config, now, ["vi", "en"]),
    h("p.closed-body", t("tv.closed.body", {}, "vi")), h("p.closed-body.en", t("tv.closed.body", {}, "en"))));
}

// ---- events ---------------------------------------------------------------------------------------

function onEvent(msg) {
  const change = board.apply(msg);
  if (!change) return;
  const type = msg.event.type;
  if (type === "config_replaced" || type === "day_started") { renderAll(); return; }
  if (type === "ticket_called" || type === "ticket_recalled" || type === "ticket_unparked") {
    const ms = display().flashSeconds * 1000;
    const until = Date.now() + ms;
    flashing.set(change.counter, until);
    nowCalling = { label: change.label, counter: change.counter, service: change.service, until };
    showCounterPage(change.counter);
    const fresh = socket ? socket.now() - msg.at < STALE_CALL_SECONDS : true;
    if (announcer && fresh && board.config?.speech?.enabled !== false) announcer.enqueue(change.label, change.counter, msg.seq, msg.at);
    setTimeout(() => { renderGrid(); renderCalling(); }, ms + 50);
    renderCalling();
  }
  renderGrid();
  renderWaiting();
}

let noticeTimer = /** @type {any} */ (0);

/** A scheduled announcement on screen for a minute, in both languages. */
function showNotice(msg) {
  const el = $("#notice");
  fill(el, h("div.notice-vi", msg.text), msg.text_en ? h("div.notice-en", msg.text_en) : null);
  el.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { el.hidden = true; }, 60_000);
}

/** Turn to the page of the grid that holds a counter that was just called. */
function showCounterPage(number) {
  const d = display();
  const list = board.counterList();
  const { cols, rows } = gridShape(list.length, d.columns, d.rows);
  const i = list.findIndex((c) => c.number === number);
  if (i >= 0) page = Math.floor(i / (cols * rows));
}

function start() {
  if (!token) {
    const setup = $("#setup");
    setup.hidden = false;
    fill(setup, h("h1", t("tv.setup.title", {}, "vi")), h("p", t("tv.setup.body", {}, "vi")),
      h("h2", t("tv.setup.title", {}, "en")), h("p", t("tv.setup.body", {}, "en")));
    return;
  }
  socket = new QueueSocket({ hello: () => ({ role: "tv", token, zone }), name: "tv" });
  document.body.append(connectionBadge(socket));
  socket.on("welcome", (msg) => { zone = msg.zone || zone; deviceId = (msg.actor || "").replace(/^device:/, ""); });
  socket.on("snapshot", (msg) => {
    board.snapshot(msg, zone);
    renderAll();
  });
  socket.on("event", onEvent);
  socket.on("waiting", (msg) => { board.setWaiting(msg); renderWaiting(); });
  socket.on("announce", (msg) => {
    showNotice(msg);
    if (announcer && board.config?.speech?.enabled !== false) announcer.enqueueUrl(msg.audio, `announce:${msg.time}`);
  });
  socket.on("status", (s) => {
    if (s === "refused") {
      forgetDeviceToken("tv");
      socket?.stop();
      location.reload();
    }
  });
  socket.on("control", (msg) => { if (msg.action === "play" && msg.media) playNow(msg.media); });
  reportHealth(socket, () => ({
    zone,
    audio: params.get("audio") || "off",
    calls_played: announcer ? announcer.log.filter((e) => e.end > 0).reduce((n, e) => n + e.labels.length, 0) : 0,
    bridge: speakerBridge ? speakerBridge.available : null,
    media: media.playlist.length,
  }));
  socket.start();
  setInterval(tick, 1000);
  setInterval(() => {
    // several pages of counters: turn every 10 s
    const d = display();
    const n = board.counterList().length;
    const { cols, rows } = gridShape(n, d.columns, d.rows);
    if (n > cols * rows) { page = (page + 1) % Math.ceil(n / (cols * rows)); renderGrid(); }
  }, 10000);
}

onLang(() => board.config && renderAll());
start();

Object.assign(window, { tv: { board, gridShape, announcer, media, get socket() { return socket; } } });

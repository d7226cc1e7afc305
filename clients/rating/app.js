// The rating screen beside a counter (M3): idle until the counter asks, then 1-5 with optional
// reasons, then thanks. Registered as a "rating" device bound to one counter; the patient's
// identity never reaches it. The counter page can also turn its own screen to the patient.
import { h, fill, $ } from "../shared/dom.js";
import { t, addTexts, setLang, lang, onLang, errorText } from "../shared/i18n.js";
import { QueueSocket } from "../shared/socket.js";
import { Board } from "../shared/board.js";
import { connectionBadge } from "../shared/badge.js";
import { deviceToken, forgetDeviceToken } from "../shared/device.js";
import { unitHeader } from "../shared/header.js";
import { SCORES, REASONS, faceElement, ratingTexts } from "./scores.js";
import { reportHealth } from "../shared/fleet.js";
import { ERROR } from "../shared/protocol.js";

addTexts(ratingTexts);
addTexts({
  vi: {
    "r.idle": "Cảm ơn quý khách đã đến khám.",
    "r.idle_sub": "Sau khi được phục vụ, mời quý khách đánh giá tại đây.",
    "r.setup": "Màn hình đánh giá chưa được đăng ký: mở …/rating/#token=<mã thiết bị>.",
    "lang.switch": "English",
  },
  en: {
    "r.idle": "Thank you for visiting us.",
    "r.idle_sub": "After you are served, please rate us here.",
    "r.setup": "This rating screen is not registered: open …/rating/#token=<device token>.",
    "lang.switch": "Tiếng Việt",
  },
});

const BACK_AFTER_MS = 60_000; // an unanswered question goes away
const THANKS_MS = 5_000;
const board = new Board();
const state = { screen: "idle", label: "", counter: 0, score: 0, reasons: new Set(), error: "" };
let token = deviceToken("rating");
let socket = /** @type {QueueSocket|null} */ (null);
let timer = /** @type {any} */ (null);

function go(screen, extra = {}) {
  Object.assign(state, { screen, error: "" }, extra);
  clearTimeout(timer);
  if (screen === "ask") timer = setTimeout(() => go("idle"), BACK_AFTER_MS);
  if (screen === "thanks") timer = setTimeout(() => go("idle"), THANKS_MS);
  render();
}

function render() {
  if (board.config) fill($("#unit"), unitHeader(board.config));
  $("#lang").textContent = t("lang.switch");
  fill($("#screen"), {
    setup: () => h("p.big", t("r.setup")),
    idle: () => [h("div.idle-title", t("r.idle")), h("p.muted", t("r.idle_sub"))],
    ask: viewAsk,
    thanks: () => h("div.thanks#thanks", t("rate.thanks")),
  }[state.screen]());
}

function viewAsk() {
  // in English the counter's English name, else "Counter 3": never the Vietnamese name in an English sentence
  const cc = board.counterConfig(state.counter);
  const counterName = (lang() === "en" ? cc?.name_en : cc?.name) || t("rate.counter", { n: state.counter });
  return [
    h("h1", t("rate.question", { counter: counterName })),
    h("div.scores", SCORES.map((s) => h("button.score", {
      type: "button", dataset: { score: String(s.score) }, "aria-pressed": String(state.score === s.score),
      on: { click: () => { state.score = s.score; render(); } },
    }, faceElement(s.score), t(`rate.score.${s.score}`)))),
    state.score ? h("p.muted", t("rate.reasons")) : null,
    state.score ? h("div.reasons", REASONS.map((r) => h("button.reason", {
      type: "button", dataset: { reason: r }, "aria-pressed": String(state.reasons.has(r)),
      on: { click: () => { if (state.reasons.has(r)) state.reasons.delete(r); else state.reasons.add(r); render(); } },
    }, t(`rate.reason.${r}`)))) : null,
    state.error ? h("p.banner-error", { role: "alert" }, state.error) : null,
    h("button.primary.send", { type: "button", dataset: { action: "send" }, disabled: !state.score || undefined, on: { click: send } }, t("rate.send")),
  ];
}

async function send() {
  if (!socket || !state.score) return;
  try {
    await socket.command({ type: "rate_ticket", label: state.label, score: state.score, reasons: [...state.reasons] }, { timeout: 8000 });
    go("thanks");
  } catch (err) {
    if (err.code === ERROR.NOT_RATEABLE) go("thanks"); // rated meanwhile (e.g. on the counter's screen)
    else { state.error = errorText(err); render(); }
  }
}

$("#lang").addEventListener("click", () => setLang(lang() === "vi" ? "en" : "vi"));
onLang(render);

function start() {
  if (!token) { go("setup"); return; }
  socket = new QueueSocket({ hello: () => ({ role: "rating", token }), name: "rating" });
  document.body.append(connectionBadge(socket));
  socket.on("welcome", (msg) => { state.counter = msg.counter || 0; });
  socket.on("snapshot", (msg) => { board.snapshot(msg); render(); });
  socket.on("event", (msg) => {
    board.apply(msg);
    const e = msg.event;
    const fresh = socket && socket.now() - msg.at < BACK_AFTER_MS / 1000; // not a request caught up late
    if (e.type === "rating_requested" && e.counter === state.counter && fresh) {
      go("ask", { label: e.label, score: 0, reasons: new Set() });
    } else if (e.type === "config_replaced") render();
  });
  socket.on("status", (s) => {
    if (s === "refused") { forgetDeviceToken("rating"); token = ""; socket?.stop(); go("setup"); }
  });
  reportHealth(socket, () => ({ screen: state.screen, counter: state.counter }));
  socket.start();
}

render();
start();
Object.assign(window, { rating: { state, board } });

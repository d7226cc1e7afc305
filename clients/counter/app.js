// The counter page (tablet or keyboard): log in, choose the counter, call and serve patients.
// Every button sends one command of docs/protocol.md; the server decides and the screen shows
// what it answered (an error in the staff's language, or the new state through the events).
import { h, fill, $ } from "../shared/dom.js";
import { t, addTexts, setLang, lang, onLang, pick, errorText } from "../shared/i18n.js";
import { QueueSocket } from "../shared/socket.js";
import { Board } from "../shared/board.js";
import { connectionBadge } from "../shared/badge.js";
import { hhmm } from "../shared/hours.js";
import { SCORES, REASONS, ratingTexts } from "../rating/scores.js";
import { TEXTS } from "./texts.js";

addTexts(TEXTS);

const GROUPS = {
  emergency: ["Cấp cứu", "Emergency"],
  child_under_6: ["Trẻ dưới 6 tuổi", "Child under 6"],
  pregnant: ["Có thai", "Pregnant"],
  disability_extreme: ["Khuyết tật đặc biệt nặng", "Extremely severe disability"],
  disability_severe: ["Khuyết tật nặng", "Severe disability"],
  elderly_75: ["Từ 75 tuổi", "Aged 75+"],
  revolutionary_merit: ["Người có công", "Revolutionary merit"],
};
const groupNames = (groups) => groups.map((g) => pick(...(GROUPS[g] || [g, g]))).join(", ");

const SESSION_KEY = "queue.counter.session";
const COUNTER_KEY = "queue.counter.number";
const board = new Board();
addTexts(ratingTexts);

const ui = {
  view: "login", message: "", allowed: /** @type {number[]} */ ([]),
  queue: /** @type {any[]} */ ([]), history: /** @type {any[]} */ ([]), inFlight: new Set(),
  alerts: /** @type {Map<string, any>} */ (new Map()),
  rating: "", // the ticket this counter asked a rating for, until it is rated
};
let session = loadSession();
let counter = Number(localStorage.getItem(COUNTER_KEY)) || 0;
let socket = /** @type {QueueSocket|null} */ (null);
let badge = /** @type {HTMLElement|null} */ (null);

function loadSession() {
  try {
    const s = JSON.parse(localStorage.getItem(SESSION_KEY) || "null");
    return s && s.expires * 1000 > Date.now() ? s : null;
  } catch { return null; }
}

// ---- login and counter choice ---------------------------------------------------------------

function viewLogin() {
  const user = h("input", { id: "username", name: "username", autocomplete: "username", required: true, autofocus: true });
  const pass = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const error = h("div.form-error", { role: "alert", id: "login-error" }, ui.message);
  const form = h("form.card.login", {
    on: { submit: async (e) => {
      e.preventDefault();
      error.textContent = "";
      try {
        const r = await fetch("/api/login", {
          method: "POST", headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: /** @type {HTMLInputElement} */ (user).value.trim(), password: /** @type {HTMLInputElement} */ (pass).value }),
        });
        const body = await r.json().catch(() => ({}));
        if (!r.ok) { error.textContent = errorText(body.error) || t("login.failed"); return; }
        session = body;
        localStorage.setItem(SESSION_KEY, JSON.stringify(body));
        ui.message = "";
        afterLogin();
      } catch { error.textContent = t("login.failed"); }
    } },
  },
  h("h1", t("login.title")),
  h("label", { for: "username" }, t("login.user")), user,
  h("label", { for: "password" }, t("login.password")), pass,
  error,
  h("button.primary", { type: "submit" }, t("login.submit")));
  return form;
}

/** Counters this account may serve (an admin: every counter of the configuration). */
async function allowedCounters() {
  if (session.role !== "admin") return session.counters;
  const r = await fetch("/api/state");
  const body = await r.json();
  board.config = body.view.config;
  return body.view.config.counters.map((c) => c.number);
}

async function afterLogin() {
  const allowed = await allowedCounters();
  if (counter && allowed.includes(counter)) { connect(); return; }
  if (allowed.length === 1) { choose(allowed[0]); return; }
  ui.view = "choose";
  ui.allowed = allowed;
  render();
}

function viewChoose() {
  const allowed = ui.allowed || [];
  return h("section.card.choose",
    h("h1", t("choose.title")),
    allowed.length ? null : h("p", t("choose.none")),
    h("div.choose-grid", allowed.map((n) => {
      const c = board.config?.counters.find((x) => x.number === n);
      return h("button.choice", { type: "button", dataset: { counter: n }, on: { click: () => choose(n) } },
        h("strong", c ? pick(c.name, c.name_en) : t("counter", { n })));
    })));
}

function choose(n) {
  counter = n;
  localStorage.setItem(COUNTER_KEY, String(n));
  connect();
}

function logout() {
  if (session) fetch("/api/logout", { method: "POST", headers: { authorization: `Bearer ${session.token}` } }).catch(() => {});
  localStorage.removeItem(SESSION_KEY);
  session = null;
  socket?.stop();
  socket = null;
  ui.view = "login";
  render();
}

// ---- the connection -------------------------------------------------------------------------

function connect() {
  socket?.stop();
  ui.view = "loading";
  render();
  socket = new QueueSocket({ hello: () => ({ role: "counter", token: session.token, counter }), name: `${session.username}-${counter}` });
  badge?.remove();
  badge = connectionBadge(socket);
  document.body.append(badge);
  socket.on("snapshot", (msg) => {
    board.snapshot(msg);
    ui.view = "main";
    render();
    refreshLists();
  });
  socket.on("event", (msg) => {
    board.apply(msg);
    const e = msg.event;
    if (e.type === "rating_requested" && e.counter === counter) ui.rating = e.label;
    if (e.type === "ticket_rated" && e.label === ui.rating) {
      ui.rating = "";
      toast(t("rating.done", { label: e.label, score: e.score }), false);
    }
    if (e.type === "day_started") ui.rating = "";
    if (ui.view === "main") { render(); refreshLists(); }
  });
  socket.on("waiting", (msg) => { board.setWaiting(msg); refreshLists(); });
  socket.on("alert", (msg) => {
    const key = `${msg.device}|${msg.part}`;
    if (msg.ok) ui.alerts.delete(key); else ui.alerts.set(key, msg);
    showAlerts();
  });
  socket.on("refused", (msg) => { ui.message = errorText(msg); });
  socket.on("status", (s) => {
    if (s === "refused") {
      socket?.stop();
      socket = null;
      localStorage.removeItem(SESSION_KEY);
      session = null;
      ui.view = "login";
      ui.message = ui.message || t("login.expired");
      render();
    }
  });
  socket.start();
}

let refreshTimer = 0;
function refreshLists() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    if (!socket || socket.status !== "online") return;
    try {
      const [queue, history] = await Promise.all([socket.query("queue", { counter }), socket.query("history", { counter })]);
      ui.queue = queue;
      ui.history = history;
      if (ui.view === "main") renderLists();
    } catch { /* offline: the lists refresh on the next event */ }
  }, 150);
}
setInterval(refreshLists, 30000); // waited minutes move on

// ---- commands -----------------------------------------------------------------------------------

/** Send a command about this counter (the counter number is added unless `plain`). */
async function send(command, okText, plain = false) {
  // a second press of the same button before the answer is ignored (no double call)
  if (!socket || ui.inFlight.has(command.type)) return null;
  ui.inFlight.add(command.type);
  try {
    const ack = await socket.command(plain ? command : { counter, ...command });
    if (okText) toast(okText(ack.result), false);
    return ack;
  } catch (err) {
    toast(errorText(err), true);
    return null;
  } finally {
    ui.inFlight.delete(command.type);
  }
}

const called = (r) => t("done.called", { label: r.ticket });
const actions = {
  open: () => send({ type: "open_counter" }),
  close: () => send({ type: "close_counter" }),
  next: () => send({ type: "call_next" }, called),
  finish_next: () => send({ type: "finish_and_call_next" }, called),
  recall: () => send({ type: "recall" }),
  start: () => send({ type: "start_service" }),
  finish: () => send({ type: "finish_service" }),
  missed: () => send({ type: "mark_missed" }),
  park: () => send({ type: "park_ticket" }),
  resume: () => send({ type: "resume_counter" }),
  pause: () => pauseDialog(),
  transfer: () => transferDialog(),
  call_number: () => numberDialog(),
  ask_rating: () => send({ type: "request_rating" }),
  rate_here: () => rateHere(),
};

/** The counter's screen turned to the patient: the same scale as the rating screen. */
function rateHere() {
  const label = ui.rating;
  if (!label) return;
  const dlg = /** @type {HTMLDialogElement} */ ($("#dialog"));
  let score = 0;
  const reasons = new Set();
  const draw = () => fill(dlg, h("div.rate-here",
    h("h2", t("rate.question", { counter: board.counterConfig(counter)?.name || t("rate.counter", { n: counter }) })),
    h("div.scores", SCORES.map((s) => h("button.score", {
      type: "button", dataset: { score: String(s.score) }, "aria-pressed": String(score === s.score),
      on: { click: () => { score = s.score; draw(); } },
    }, h("span.face", { "aria-hidden": "true" }, s.face), t(`rate.score.${s.score}`)))),
    score ? h("div.reasons", REASONS.map((r) => h("button.reason", {
      type: "button", dataset: { reason: r }, "aria-pressed": String(reasons.has(r)),
      on: { click: () => { if (reasons.has(r)) reasons.delete(r); else reasons.add(r); draw(); } },
    }, t(`rate.reason.${r}`)))) : null,
    h("div.dialog-actions",
      h("button", { type: "button", on: { click: () => dlg.close() } }, t("dlg.cancel")),
      h("button.primary", { type: "button", dataset: { action: "send-rating" }, disabled: !score || undefined, on: { click: async () => {
        const ack = await send({ type: "rate_ticket", label, score, reasons: [...reasons] }, null, true);
        if (ack) dlg.close();
      } } }, t("rate.send")))));
  draw();
  dlg.showModal();
}

let toastTimer = 0;
function showAlerts() {
  let el = document.getElementById("alerts");
  if (!el) {
    el = h("div.alerts#alerts", { role: "alert" });
    document.querySelector("header.bar")?.after(el);
  }
  const parts = { printer: t("alert.printer"), card_reader: t("alert.card_reader"), camera: t("alert.camera") };
  fill(el, [...ui.alerts.values()].map((a) => h("div.alert-item", { dataset: { device: a.device, code: a.code } },
    t("alert.line", { device: a.device.replace(/^device:/, ""), part: parts[a.part] || a.part, code: t(`alert.code.${a.code}`) === `alert.code.${a.code}` ? a.code : t(`alert.code.${a.code}`) }),
    a.label ? ` ${t("alert.label", { label: a.label })}` : "")));
  el.hidden = ui.alerts.size === 0;
}

function toast(text, bad) {
  const el = $("#toast");
  el.textContent = text;
  el.dataset.kind = bad ? "error" : "ok";
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, bad ? 6000 : 2500);
}

// ---- dialogs --------------------------------------------------------------------------------------

/** Show a form in the dialog; resolves with its FormData, or null if cancelled. */
function dialogForm(title, fields) {
  const dlg = /** @type {HTMLDialogElement} */ ($("#dialog"));
  return new Promise((resolve) => {
    const form = h("form", { method: "dialog" },
      h("h2", title), fields,
      h("div.dialog-actions",
        h("button.ghost", { type: "button", value: "cancel", on: { click: () => { dlg.close(); resolve(null); } } }, t("dlg.cancel")),
        h("button.primary", { type: "submit", value: "ok" }, t("dlg.ok"))));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      dlg.close();
      resolve(new FormData(/** @type {HTMLFormElement} */ (form)));
    });
    fill(dlg, form);
    dlg.showModal();
    const first = dlg.querySelector("input, select");
    if (first instanceof HTMLElement) first.focus();
  });
}

async function pauseDialog() {
  const reasons = ["pause.r1", "pause.r2", "pause.r3", "pause.r4"].map((k) => t(k, {}, "vi"));
  const input = h("input", { name: "reason", id: "pause-reason", list: "pause-reasons", value: reasons[0], maxlength: 120 });
  const data = await dialogForm(t("pause.title"), [
    h("label", { for: "pause-reason" }, t("pause.reason")), input,
    h("datalist", { id: "pause-reasons" }, reasons.map((r) => h("option", { value: r }))),
  ]);
  if (data) send({ type: "pause_counter", reason: String(data.get("reason") || "").trim() });
}

async function transferDialog() {
  const c = board.counters.get(counter);
  if (!c?.current) return;
  const services = board.config.services;
  const serviceSel = h("select", { name: "service", id: "t-service" },
    services.map((s) => h("option", { value: s.code, selected: s.code === c.current_service }, `${s.code} — ${pick(s.name, s.name_en)}`)));
  const counterSel = h("select", { name: "to_counter", id: "t-counter" },
    h("option", { value: "" }, t("transfer.any")),
    board.config.counters.map((k) => h("option", { value: k.number }, pick(k.name, k.name_en))));
  const posSel = h("select", { name: "position", id: "t-position" },
    ["front", "back", "arrival"].map((p) => h("option", { value: p }, t(`pos.${p}`))));
  const data = await dialogForm(t("transfer.title", { label: c.current }), [
    h("label", { for: "t-service" }, t("transfer.service")), serviceSel,
    h("label", { for: "t-counter" }, t("transfer.counter")), counterSel,
    h("label", { for: "t-position" }, t("transfer.position")), posSel,
  ]);
  if (!data) return;
  const toCounter = data.get("to_counter");
  send({ type: "transfer", to_service: data.get("service"), to_counter: toCounter ? Number(toCounter) : 0, position: data.get("position") });
}

async function numberDialog(prefill = "") {
  const input = h("input", { name: "label", id: "n-label", value: prefill, autocomplete: "off", maxlength: 10 });
  const data = await dialogForm(t("number.title"), [h("label", { for: "n-label" }, t("number.label")), input]);
  const label = String(data?.get("label") || "").trim().toUpperCase();
  if (label) send({ type: "call_number", label }, called);
}

// ---- rendering ------------------------------------------------------------------------------------

function render() {
  $("#lang").textContent = t("lang.switch");
  $("#logout").textContent = t("btn.logout");
  $("#switch").textContent = t("btn.switch");
  $("#logout").hidden = !session;
  $("#switch").hidden = !session || ui.view !== "main";
  $("#who").textContent = session ? session.full_name || session.username : "";
  const view = $("#view");
  view.dataset.view = ui.view;
  if (ui.view === "login") { fill(view, viewLogin()); focusFirst(view); return; }
  if (ui.view === "choose") { fill(view, viewChoose()); return; }
  if (ui.view === "loading" || !board.config) { fill(view, h("p.muted", "…")); return; }
  renderMain(view);
}

function focusFirst(root) {
  const el = root.querySelector("[autofocus]");
  if (el instanceof HTMLElement) el.focus();
}

function renderMain(view) {
  const cc = board.counterConfig(counter);
  const c = board.counters.get(counter);
  $("#counter-name").textContent = cc ? pick(cc.name, cc.name_en) : t("counter", { n: counter });
  const status = $("#counter-status");
  status.textContent = c ? t(`status.${c.status}`) + (c.status === "paused" && c.pause_reason ? ` — ${c.pause_reason}` : "") : "";
  status.dataset.status = c?.status || "";
  if (!c) { fill(view, h("p", t("choose.none"))); return; }
  const ticket = c.current ? board.ticketByLabel(c.current) : null;
  const svc = c.current_service ? board.service(c.current_service) : null;
  const btn = (name, enabled, key, cls = "") => h(`button.act${cls}`, {
    type: "button", dataset: { action: name }, disabled: !enabled || undefined,
    on: { click: () => actions[name]() },
  }, t(`act.${name}`), key ? h("kbd", key) : null);
  const open = c.status === "open";
  const has = Boolean(c.current);
  const current = h("section.current", { style: { "--c": svc?.colour || "#0b4f8a" } },
    h("div.current-label", t("current.title")),
    h("div.current-number", { id: "current-number" }, c.current || "—"),
    has ? h("div.current-service", svc ? pick(svc.name, svc.name_en) : c.current_service) : h("div.muted", t("current.none")),
    has ? h("div.current-status", t(c.current_status === "serving" ? "current.serving" : "current.called")) : null,
    ticket?.identity?.name ? h("div", t("current.identity", { name: ticket.identity.name })) : null,
    ticket?.recalls ? h("div.muted", t("current.recalls", { n: ticket.recalls })) : null,
    ticket?.call_reason_vi ? h("div.muted", t("current.reason", { reason: pick(ticket.call_reason_vi, ticket.call_reason_en) })) : null,
    ticket?.priority?.length ? h("div.priority-line",
      t(ticket.priority_pending ? "current.priority_pending" : "current.priority", { groups: groupNames(ticket.priority) })) : null,
    ticket?.priority_pending ? h("div.row",
      h("button.small-btn", { type: "button", dataset: { action: "confirm_priority" }, on: { click: () => send({ type: "review_priority", label: ticket.label, confirmed: true }, null, true) } }, t("act.confirm_priority")),
      h("button.small-btn", { type: "button", dataset: { action: "reject_priority" }, on: { click: () => send({ type: "review_priority", label: ticket.label, confirmed: false }, null, true) } }, t("act.reject_priority"))) : null,
    ticket?.face_review ? h("div.face-review#face-review", { role: "alert" },
      t("face.review", { label: ticket.face_review, d: ticket.face_distance ?? "?" })) : null,
    ticket?.face_review ? h("div.row",
      h("button.small-btn", { type: "button", dataset: { action: "face_other" }, on: { click: () => send({ type: "review_face", label: ticket.label, same: false }, null, true) } }, t("act.face_other")),
      h("button.small-btn", { type: "button", dataset: { action: "face_same" }, on: { click: () => send({ type: "review_face", label: ticket.label, same: true }, null, true) } }, t("act.face_same"))) : null);
  const ratingLine = ui.rating ? h("p.muted#rating-status", t("rating.waiting", { label: ui.rating })) : null;
  const buttons = c.status === "closed"
    ? h("div.actions", btn("open", true, "", ".primary-act"))
    : h("div.actions",
      has ? btn("finish_next", open, "Space", ".primary-act") : btn("next", open, "Space", ".primary-act"),
      btn("recall", has, "R"),
      btn("start", has && c.current_status === "called", "S"),
      btn("finish", has, "F"),
      btn("missed", has && c.current_status === "called", "M"),
      btn("transfer", has, "T"),
      btn("park", has, "H"),
      btn("call_number", open && !has, "G"),
      c.status === "paused" ? btn("resume", true, "P", ".warn") : btn("pause", !has, "P"),
      btn("close", !has),
      btn("ask_rating", !ui.rating),
      ui.rating ? btn("rate_here", true) : null);
  const parked = (c.parked || []);
  fill(view,
    h("div.layout",
      h("div.left", current, buttons, ratingLine,
        parked.length ? h("section.parked", h("h3", t("list.parked")), parked.map((label) =>
          h("button.small-btn", { type: "button", dataset: { unpark: label }, on: { click: () => send({ type: "unpark_ticket", label }, called) } }, `${label} — ${t("act.unpark")}`))) : null,
        h("p.keys", t("keys"))),
      h("div.right", { id: "lists" })));
  renderLists();
}

function renderLists() {
  const el = document.getElementById("lists");
  if (!el) return;
  const mine = new Set((board.counterConfig(counter)?.services || []).map((s) => s.code));
  const missed = [...board.tickets.values()].filter((x) => x.status === "missed" && mine.has(x.service));
  const now = socket ? socket.now() : Date.now() / 1000;
  fill(el,
    h("section.list",
      h("h3", t("list.waiting", { n: ui.queue.length })),
      ui.queue.length ? h("ol.rows#waiting-list", ui.queue.map((q) => h("li.row-item", { dataset: { label: q.label, klass: q.klass } },
        h("span.pos", String(q.position)),
        h("strong.lbl", q.label),
        h("span.reason", pick(q.reason_vi, q.reason_en)),
        q.priority.length ? h("span.prio", { title: groupNames(q.priority) }, q.priority_pending ? "★?" : "★") : null,
        q.face_review ? h("span.face-flag", { title: t("list.face"), "aria-label": t("list.face") }, "⚠") : null,
        h("span.waited", t("list.minutes", { n: Math.floor(q.waited_seconds / 60) })),
        h("button.small-btn", { type: "button", title: t("list.call_this"), "aria-label": `${t("list.call_this")} ${q.label}`,
          on: { click: () => send({ type: "call_number", label: q.label }, called) } }, "▶")))) : h("p.muted", t("list.empty"))),
    h("section.list",
      h("h3", t("list.missed", { n: missed.length })),
      missed.length ? h("ul.rows#missed-list", missed.map((m) => h("li.row-item", { dataset: { label: m.label } },
        h("strong.lbl", m.label),
        h("span.waited", t("list.minutes", { n: Math.floor((now - m.issued_at) / 60) })),
        h("button.small-btn", { type: "button", dataset: { action: "reactivate" },
          on: { click: () => send({ type: "reactivate", label: m.label }, null, true) } }, t("act.reactivate"))))) : h("p.muted", t("list.empty"))),
    h("section.list",
      h("h3", t("list.today", { n: ui.history.length })),
      ui.history.length ? h("ul.rows#history-list", ui.history.map((x) => h("li.row-item", { dataset: { label: x.label, status: x.status } },
        h("strong.lbl", x.label),
        h("span", t(`status.${x.status}`)),
        h("span.waited", hhmm(x.called_at, board.config))))) : h("p.muted", t("list.empty"))));
}

// ---- keyboard -------------------------------------------------------------------------------------

document.addEventListener("keydown", (e) => {
  if (ui.view !== "main" || e.ctrlKey || e.altKey || e.metaKey) return;
  if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement) return;
  if (/** @type {HTMLDialogElement} */ ($("#dialog")).open) return;
  const c = board.counters.get(counter);
  if (!c) return;
  const map = { r: "recall", s: "start", f: "finish", m: "missed", t: "transfer", g: "call_number", h: "park" };
  let name = map[e.key.toLowerCase()];
  if (e.key === " ") name = c.status === "closed" ? "open" : c.current ? "finish_next" : "next";
  if (e.key.toLowerCase() === "p") name = c.status === "paused" ? "resume" : "pause";
  if (!name) return;
  e.preventDefault();
  const button = document.querySelector(`[data-action="${name}"]`);
  if (button instanceof HTMLButtonElement && !button.disabled) actions[name]();
});

$("#lang").addEventListener("click", () => setLang(lang() === "vi" ? "en" : "vi"));
$("#logout").addEventListener("click", logout);
$("#switch").addEventListener("click", async () => {
  socket?.stop();
  socket = null;
  localStorage.removeItem(COUNTER_KEY);
  counter = 0;
  ui.allowed = await allowedCounters();
  ui.view = "choose";
  render();
});
onLang(() => { render(); if (ui.alerts.size) showAlerts(); });

render();
if (session) afterLogin();

Object.assign(window, { counterPage: { board, ui, get counter() { return counter; } } });

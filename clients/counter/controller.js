// The counter page's controller: it holds the state and every effect on it: signing in and out
// (fetch, localStorage), the socket to the counter, the lists' refresh timer, the toasts, the
// keyboard, and the rendering of views.js into the page; the dialogs (dialogs.js), the HIS
// link's (his.js) and a visit's steps (journey-effects.js) are wired here. What it learns it dispatches through flow.next (the only way the state,
// and so the screen, changes); app.js starts it.
import { fill, $, h } from "../shared/dom.js";
import { t, setLang, lang, onLang, errorText } from "../shared/i18n.js";
import { QueueSocket } from "../shared/socket.js";
import { Board } from "../shared/board.js";
import { connectionBadge } from "../shared/badge.js";
import * as flow from "./flow.js";
import * as views from "./views.js";
import * as journey from "./journey.js";
import { toast } from "./toast.js";
import { createHis } from "./his.js";
import { createDialogs, createAsks } from "./dialogs.js";
import { createJourney } from "./journey-effects.js";
import { askPassword, changeOwn } from "../shared/password.js";

const SESSION_KEY = "queue.counter.session";
const COUNTER_KEY = "queue.counter.number";
const LISTS_EVERY_MS = 30_000; // waited minutes move on
const LISTS_AFTER_MS = 150; // events come in bursts: one refresh after them

function loadSession() {
  try {
    return flow.validSession(JSON.parse(localStorage.getItem(SESSION_KEY) || "null"), Date.now());
  } catch { return null; }
}

/** Build the counter page; render() and start() bring it up. */
export function createCounter() {
  const board = new Board();
  let state = flow.initial(loadSession(), Number(localStorage.getItem(COUNTER_KEY)) || 0);
  let socket = /** @type {QueueSocket|null} */ (null);
  let badge = /** @type {HTMLElement|null} */ (null);
  const inFlight = new Set(); // commands sent and not answered yet
  let listsTimer = /** @type {any} */ (0);
  let changingPassword = false; // the change closes this session's socket: not a sign-out
  const dialog = () => /** @type {HTMLDialogElement} */ ($("#dialog"));
  const dialogs = createDialogs(dialog);
  const ask = dialogs.ask;

  /** @param {import("./flow.js").Action} action */
  function dispatch(action) {
    state = flow.next(state, action);
  }

  const session = () => /** @type {import("./flow.js").Session} */ (state.session);
  const counterNow = () => board.counters.get(state.counter);
  const his = createHis({
    token: () => session().token, state: () => state, dispatch, paint: paintHis,
    confirm: (question) => ask(question, []).then(Boolean),
  });
  const visits = createJourney({ board, dialog, ask, toast, counter: () => state.counter, send: (c, ok) => send(c, ok), sendAbout: (c, ok) => sendRaw(c, ok) });

  // ---- signing in, the counter, signing out ------------------------------------------------

  /** @param {string} username @param {string} password @returns {Promise<string>} the refusal, or "" */
  async function login(username, password) {
    try {
      const r = await fetch("/api/login", {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ username, password }),
      });
      const body = await r.json().catch(() => ({}));
      if (!r.ok) return errorText(body.error) || t("login.failed");
      localStorage.setItem(SESSION_KEY, JSON.stringify(body));
      dispatch({ type: "signed_in", session: body });
      await afterLogin();
      return "";
    } catch { return t("login.failed"); }
  }

  /** Counters this account may serve (an admin: every counter of the configuration). */
  async function allowedCounters() {
    if (session().role !== "admin") return session().counters;
    const r = await fetch("/api/state");
    const body = await r.json();
    board.config = body.view.config;
    return body.view.config.counters.map((c) => c.number);
  }

  async function afterLogin() {
    dispatch({ type: "counters_allowed", allowed: await allowedCounters() });
    if (state.view === "loading") connect(); else render();
  }

  /** @param {number} n */
  function choose(n) {
    dispatch({ type: "counter_chosen", counter: n });
    connect();
  }

  function stopSocket() {
    socket?.stop();
    socket = null;
  }

  function logout() {
    if (state.session) fetch("/api/logout", { method: "POST", headers: { authorization: `Bearer ${session().token}` } }).catch(() => {});
    localStorage.removeItem(SESSION_KEY);
    stopSocket();
    his.stop();
    dispatch({ type: "signed_out" });
    render();
  }

  /** One's own password: the server ends every session of the account and answers a fresh one. */
  async function changePassword() {
    changingPassword = true;
    const fresh = await askPassword(dialog(), {
      title: t("pw.change.title"), current: true, send: (current, next) => changeOwn(session().token, current, next),
    });
    changingPassword = false;
    if (!fresh) return;
    localStorage.setItem(SESSION_KEY, JSON.stringify(fresh));
    dispatch({ type: "signed_in", session: fresh });
    toast(t("pw.changed"), false);
    if (state.view === "main" || state.view === "loading") connect(); else render();
  }

  async function switchCounter() {
    stopSocket();
    his.stop();
    localStorage.removeItem(COUNTER_KEY);
    dispatch({ type: "switching", allowed: await allowedCounters() });
    render();
  }

  // ---- the connection ------------------------------------------------------------------------

  function connect() {
    stopSocket();
    localStorage.setItem(COUNTER_KEY, String(state.counter));
    render();
    const { token, username } = session();
    const counter = state.counter;
    const s = new QueueSocket({ hello: () => ({ role: "counter", token, counter }), name: `${username}-${counter}` });
    socket = s;
    badge?.remove();
    badge = connectionBadge(s);
    document.body.append(badge);
    s.on("snapshot", onSnapshot);
    s.on("event", (msg) => {
      if (journey.arrivesHere(board, msg.event, board.counterConfig(state.counter), state.counter) || journey.mayEndChanges(board, msg.event)) resync(s);
      board.apply(msg);
      const e = msg.event;
      if (flow.rated(state, e)) toast(t("rating.done", { label: e.label, score: e.score }), false);
      dispatch({ type: "event", event: e });
      if (state.view === "main") { render(); refreshLists(); his.touched(e.label); }
    });
    s.on("waiting", (msg) => { board.setWaiting(msg); refreshLists(); });
    s.on("identity", (msg) => { board.setIdentity(msg); render(); });
    s.on("alert", (msg) => { dispatch({ type: "alert", alert: msg }); showAlerts(); });
    s.on("refused", (msg) => { dispatch({ type: "refused", message: errorText(msg) }); });
    s.on("status", (status) => {
      if (status !== "refused" || changingPassword) return;
      stopSocket();
      localStorage.removeItem(SESSION_KEY);
      dispatch({ type: "session_ended", message: t("login.expired") });
      render();
    });
    s.start();
  }

  /** @param {{seq: number, view: any}} msg */
  function onSnapshot(msg) {
    board.snapshot(msg);
    dispatch({ type: "snapshot" });
    render();
    refreshLists();
  }

  /** The counter's snapshot again: a visit sent here that this page never had (journey.arrivesHere), or whose steps changed (journey.mayEndChanges). @param {QueueSocket} s */
  async function resync(s) {
    try {
      const msg = await s.query("snapshot");
      if (s !== socket) return;
      s.lastSeq = Math.max(s.lastSeq ?? 0, msg.seq); // the events it holds are not applied twice
      onSnapshot(msg);
    } catch { /* offline: the reconnection's snapshot has it */ }
  }

  function refreshLists() {
    clearTimeout(listsTimer);
    listsTimer = setTimeout(async () => {
      const s = socket;
      if (!s || s.status !== "online") return;
      const counter = state.counter;
      try {
        const [queue, history] = await Promise.all([s.query("queue", { counter }), s.query("history", { counter })]);
        if (s !== socket) return; // the counter changed meanwhile
        dispatch({ type: "lists", queue, history });
        if (state.view === "main") { renderLists(); his.marks(); }
      } catch { /* offline: the lists refresh on the next event */ }
    }, LISTS_AFTER_MS);
  }

  // ---- commands ------------------------------------------------------------------------------

  /**
   * Send a command; a second press of the same button before the answer is ignored (no double
   * call). Resolves with the ack, or null (refused: the toast says why).
   * @param {Record<string, any>} command @param {((result: any) => string)|null} okText
   */
  async function sendRaw(command, okText) {
    if (!socket || inFlight.has(command.type)) return null;
    inFlight.add(command.type);
    try {
      const ack = await socket.command(command);
      if (okText) toast(okText(ack.result), false);
      return ack;
    } catch (err) {
      toast(errorText(err), true);
      return null;
    } finally {
      inFlight.delete(command.type);
    }
  }

  const called = (r) => t("done.called", { label: r.ticket });
  /** A command about this counter. @param {Record<string, any>} command @param {((result: any) => string)|null} [okText] */
  const send = (command, okText = null) => sendRaw({ counter: state.counter, ...command }, okText);
  const asks = createAsks({ ask, board, counter: counterNow, send, called });

  /** What the main view's buttons do (flow.buttons names them). */
  const buttons = {
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
    pause: () => asks.pause(),
    transfer: () => asks.transfer(),
    send_on: () => visits.sendOn(),
    call_number: () => asks.number(),
    ask_rating: () => send({ type: "request_rating" }),
    rate_here: () => rateHere(),
  };

  /** @type {views.Actions} */
  const act = {
    login, choose,
    run: (name) => { buttons[name]?.(); },
    send: (command, isCall) => { send(command, isCall ? called : null); },
    sendAbout: (command) => { sendRaw(command, null); },
    hisResend: (confirm) => { his.resend(confirm); },
    visit: (label) => visits.showVisit(label),
    step: (label, step, action) => { visits.stepAct(label, step, action); },
  };

  // ---- dialogs ---------------------------------------------------------------------------------

  /** The counter's screen turned to the patient for the rating it asked. */
  function rateHere() {
    const label = state.rating;
    if (!label) return;
    const counterName = board.counterConfig(state.counter)?.name || t("rate.counter", { n: state.counter });
    dialogs.rate(label, counterName, (score, reasons) => sendRaw({ type: "rate_ticket", label, score, reasons }, null));
  }

  // ---- alerts, rendering -------------------------------------------------------------------------

  function showAlerts() {
    let el = document.getElementById("alerts");
    if (!el) {
      el = h("div.alerts#alerts", { role: "alert" });
      document.querySelector("header.bar")?.after(el);
    }
    fill(el, views.viewAlerts(state.alerts));
    el.hidden = Object.keys(state.alerts).length === 0;
  }

  const ctx = () => ({ board, act, now: socket ? socket.now() : Date.now() / 1000 });

  function render() {
    const signedIn = Boolean(state.session);
    $("#lang").textContent = t("lang.switch");
    $("#logout").textContent = t("btn.logout");
    $("#switch").textContent = t("btn.switch");
    $("#logout").hidden = !signedIn;
    $("#switch").hidden = !signedIn || state.view !== "main";
    $("#change-password").textContent = t("pw.change");
    $("#change-password").hidden = !signedIn;
    $("#who").textContent = state.session ? state.session.full_name || state.session.username : "";
    const view = $("#view");
    view.dataset.view = state.view;
    if (state.view === "login") {
      fill(view, views.viewLogin(state, ctx()));
      const focus = view.querySelector("[autofocus]");
      if (focus instanceof HTMLElement) focus.focus();
      return;
    }
    if (state.view === "choose") { fill(view, views.viewChoose(state, ctx())); return; }
    if (state.view === "loading" || !board.config) { fill(view, views.viewLoading()); return; }
    $("#counter-name").textContent = views.counterName(state, ctx());
    $("#room-line").textContent = views.roomLine(state, ctx());
    const status = $("#counter-status");
    const c = counterNow();
    status.textContent = views.statusLine(c);
    status.dataset.status = c?.status || "";
    his.follow(c?.current || "");
    fill(view, views.viewMain(state, ctx()));
  }

  /** The current ticket's HIS delivery and the day list's marks, after his.js learnt them. */
  function paintHis() {
    if (state.view !== "main") return;
    const el = document.getElementById("his-delivery");
    if (el) fill(el, views.viewHis(state.his, act));
    renderLists();
  }

  function renderLists() {
    const el = document.getElementById("lists");
    if (el) fill(el, views.viewLists(state, ctx()));
  }

  /** The keyboard of the main view: a key presses its button if it shows and is enabled. @param {KeyboardEvent} e */
  function onKey(e) {
    if (state.view !== "main" || e.ctrlKey || e.altKey || e.metaKey) return;
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement) return;
    if (dialog().open) return;
    const c = counterNow();
    if (!c) return;
    const name = flow.keyAction(c, e.key);
    if (!name) return;
    e.preventDefault();
    if (flow.enabled(c, state.rating, name)) buttons[name]();
  }

  function start() {
    document.addEventListener("keydown", onKey);
    $("#lang").addEventListener("click", () => setLang(lang() === "vi" ? "en" : "vi"));
    $("#logout").addEventListener("click", logout);
    $("#switch").addEventListener("click", switchCounter);
    $("#change-password").addEventListener("click", changePassword);
    onLang(() => { render(); if (Object.keys(state.alerts).length) showAlerts(); });
    setInterval(refreshLists, LISTS_EVERY_MS);
    if (state.session) afterLogin();
  }

  return { board, render, start, get state() { return state; } };
}

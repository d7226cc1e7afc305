// The administrator's effects around the pure flow: the stored session, signing in and out,
// the socket, the timers, opening a tab. Each gives what it got to the flow as an action, then
// redraws when the page shows it; the tabs' own calls are in tasks.js. The board
// (../shared/board.js) folds the queue itself from the socket.
import { t, setLang, lang, onLang, errorText } from "../shared/i18n.js";
import { QueueSocket } from "../shared/socket.js";
import { initial, next, validSession } from "./flow.js";
import * as http from "./http.js";
import { askPassword, changeOwn } from "../shared/password.js";
import { handlers, loadAudit, loadDevicesMedia, loadFleet, loadHis, loadMedia } from "./tasks.js";

const SESSION_KEY = "queue.admin.session";
const FLEET_EVERY_MS = 5000;
const DASHBOARD_EVERY_MS = 30_000; // waits grow

function loadSession() {
  try {
    return validSession(JSON.parse(localStorage.getItem(SESSION_KEY) || "null"), Date.now());
  } catch { return null; }
}

/** The day in the unit's timezone, YYYY-MM-DD. @param {any} config */
function today(config) {
  const tz = config?.unit?.timezone || "Asia/Ho_Chi_Minh";
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

export class Controller {
  /**
   * @param {import("../shared/board.js").Board} board
   * @param {typeof import("./view.js")} view
   */
  constructor(board, view) {
    this.board = board;
    this.view = view;
    this.state = initial(loadSession());
    /** @type {QueueSocket|null} */
    this.socket = null;
    this.pending = 0; // a redraw asked for the next frame
    this.fleetTimer = /** @type {any} */ (0);
    this.changingPassword = false; // the change closes this session's socket: not a sign-out
    this.actions = handlers(this);
  }

  /** @param {import("./flow.js").Action} action */
  dispatch(action) {
    this.state = next(this.state, action);
  }

  get tab() { return this.state.tab; }

  /** The session's token (the tabs that call the server show only when signed in). */
  get token() { return this.state.session.token; }

  /** @param {string} method @param {string} path @param {any} [body] */
  api(method, path, body) { return http.api(this.token, method, path, body); }

  /** The socket; the tabs that use it show only once signed in, when it exists. */
  live() { return /** @type {QueueSocket} */ (this.socket); }

  render() {
    if (this.state.session) {
      this.dispatch({ type: "defaults", config: this.board.config, today: this.tab === "reports" ? today(this.board.config) : "" });
    }
    this.view.render(this.state, this.board, this.actions, this.socket ? this.socket.now() : Date.now() / 1000);
  }

  /** Events come in bursts: one redraw of the dashboard per frame at most. */
  schedule() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => { this.pending = 0; if (this.tab === "dashboard") this.render(); });
  }

  start() {
    this.view.bindLang(() => setLang(lang() === "vi" ? "en" : "vi"));
    this.view.bindLogout(() => this.logout());
    this.view.bindPassword(() => this.changePassword(false));
    this.view.bindTabs((tab) => this.openTab(tab));
    onLang(() => this.render());
    setInterval(() => { if (this.state.session && this.tab === "dashboard") this.render(); }, DASHBOARD_EVERY_MS);
    this.render();
    if (this.state.session?.must_change_password) this.changePassword(true);
    else if (this.state.session) this.connect();
  }

  /** Opening a tab, or the open one again, starts it afresh. @param {import("./flow.js").Tab} name */
  openTab(name) {
    this.dispatch({ type: "tab_opened", tab: name, config: this.board.config });
    if (name === "audit") loadAudit(this);
    clearInterval(this.fleetTimer);
    if (name === "devices") {
      loadFleet(this); // not forced: a form typed into meanwhile keeps what it holds
      loadDevicesMedia(this);
      this.fleetTimer = setInterval(() => loadFleet(this), FLEET_EVERY_MS);
    }
    if (name === "his") {
      loadHis(this);
      this.fleetTimer = setInterval(() => loadHis(this), FLEET_EVERY_MS);
    }
    if (name === "settings") loadMedia(this);
    this.render();
  }

  /** @param {string} username @param {string} password @returns {Promise<string>} the refusal, or "" */
  async login(username, password) {
    const { ok, body } = await http.login(username, password);
    if (!ok) return errorText(body.error) || errorText({ code: "offline" });
    if (body.role !== "admin") return t("a.login.not_admin");
    this.dispatch({ type: "signed_in", session: body });
    localStorage.setItem(SESSION_KEY, JSON.stringify(body));
    this.render();
    if (body.must_change_password) this.changePassword(true); // the generated one: before anything else
    else this.connect();
    return "";
  }

  /** One's own password; ``forced``: the first run's generated one, no way but changing it. The
   * server ends every session of the account and answers a fresh one, which the page goes on with.
   * @param {boolean} forced */
  async changePassword(forced) {
    const session = /** @type {import("./flow.js").Session} */ (this.state.session);
    this.changingPassword = true;
    const fresh = await askPassword(this.view.dialog(), {
      title: t("pw.change.title"), intro: forced ? t("pw.first.intro") : "", current: true, forced,
      send: (current, next) => changeOwn(session.token, current, next),
    });
    this.changingPassword = false;
    if (!fresh) {
      if (forced) this.logout(); // the way out of the forced change (a session ended meanwhile, too)
      return;
    }
    this.dispatch({ type: "signed_in", session: fresh });
    localStorage.setItem(SESSION_KEY, JSON.stringify(fresh));
    this.connect();
    this.render();
  }

  logout() {
    const session = this.state.session;
    if (session) http.logout(session.token);
    this.dispatch({ type: "signed_out" });
    localStorage.removeItem(SESSION_KEY);
    this.socket?.stop();
    this.socket = null;
    this.render();
  }

  connect() {
    this.socket?.stop();
    const socket = new QueueSocket({ hello: () => ({ role: "admin", token: this.token }), name: "admin" });
    this.socket = socket;
    this.view.showConnection(socket);
    socket.on("snapshot", (msg) => {
      this.board.snapshot(msg);
      this.dispatch({ type: "snapshot", view: msg.view });
      this.render();
    });
    socket.on("event", (msg) => {
      this.board.apply(msg);
      this.dispatch({ type: "event", event: msg.event });
      if (msg.event.type.startsWith("staff_") && this.tab === "devices") this.render();
      this.schedule();
    });
    socket.on("waiting", (msg) => { this.board.setWaiting(msg); this.schedule(); });
    socket.on("alert", (msg) => { this.dispatch({ type: "alert", alert: msg }); this.schedule(); });
    socket.on("status", (s) => { if (s === "refused" && !this.changingPassword) this.logout(); });
    socket.start();
  }
}

// The province view's effects: the session kept in localStorage, the HTTP calls, the dashboard
// read every few seconds, the downloads, and the drawing of views.js into the page. Each answer
// becomes an action for flow.js.
import { fill, $ } from "../shared/dom.js";
import { t, setLang, lang, onLang, errorText } from "../shared/i18n.js";
import { initial, next, reportQuery } from "./flow.js";

const STORE = "province.session";
const EVERY_MS = 3000;

/** A JSON call with the session's token; rejects with the server's error. @param {string} token @param {string} method @param {string} path @param {any} [body] */
async function api(token, method, path, body) {
  const r = await fetch(path, {
    method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  }).catch(() => null);
  const answer = r ? await r.json().catch(() => ({})) : {};
  if (!r || !r.ok) throw answer.error || { code: "offline" };
  return answer;
}

export class Controller {
  /** @param {typeof import("./views.js")} views */
  constructor(views) {
    this.views = views;
    this.state = initial(new Date());
    /** @type {any[]} */
    this.sites = [];
    this.timer = 0;
  }

  /** @param {import("./flow.js").Action} action */
  dispatch(action) {
    this.state = next(this.state, action);
    this.render();
  }

  start() {
    document.addEventListener("submit", (e) => this.submitted(e));
    document.addEventListener("change", (e) => this.changed(e));
    document.addEventListener("click", (e) => this.clicked(e));
    onLang(() => this.render());
    setLang(lang());
    try {
      const kept = JSON.parse(localStorage.getItem(STORE) || "null");
      if (kept && kept.token) this.signedIn(kept);
    } catch { /* nothing kept */ }
    this.render();
  }

  /** @param {import("./flow.js").Session} session */
  signedIn(session) {
    try { localStorage.setItem(STORE, JSON.stringify(session)); } catch { /* private mode */ }
    this.dispatch({ type: "signed_in", session });
    this.state.ask.site = session.site;
    this.refresh();
    clearInterval(this.timer);
    this.timer = window.setInterval(() => this.refresh(), EVERY_MS);
  }

  signOut() {
    const s = this.state.session;
    if (s) fetch("/api/province/logout", { method: "POST", headers: { authorization: `Bearer ${s.token}` } }).catch(() => {});
    try { localStorage.removeItem(STORE); } catch { /* private mode */ }
    clearInterval(this.timer);
    this.dispatch({ type: "signed_out" });
  }

  /** A refused session (expired, the account disabled at its facility) signs out. @param {any} err */
  failed(err, /** @type {"board_failed"|"report_failed"} */ type) {
    if (err && err.code === "unauthenticated") return this.signOut();
    this.dispatch({ type, error: errorText(err) });
  }

  async refresh() {
    const s = this.state.session;
    if (!s || this.state.tab !== "dashboard") return;
    try {
      const board = await api(s.token, "GET", "/api/province/dashboard");
      this.sites = board.sites;
      this.dispatch({ type: "board_loaded", board });
    } catch (err) { this.failed(err, "board_failed"); }
  }

  /** @param {Event} e */
  async submitted(e) {
    const form = /** @type {HTMLFormElement} */ (e.target);
    e.preventDefault();
    if (form.id === "login") {
      const data = Object.fromEntries(new FormData(form));
      const r = await fetch("/api/province/login", {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(data),
      }).catch(() => null);
      const body = r ? await r.json().catch(() => ({})) : {};
      if (r && r.ok) this.signedIn(body);
      else this.dispatch({ type: "login_failed", error: errorText(body.error || { code: "offline" }) });
    } else if (form.id === "ask") this.showReport();
  }

  async showReport() {
    const s = this.state.session;
    if (!s) return;
    this.dispatch({ type: "report_requested" });
    try {
      this.dispatch({ type: "report_loaded", report: await api(s.token, "GET", `/api/province/reports?${reportQuery(this.state.ask)}`) });
    } catch (err) { this.failed(err, "report_failed"); }
  }

  /** @param {string} format */
  async download(format) {
    const s = this.state.session;
    if (!s) return;
    const r = await fetch(`/api/province/reports?${reportQuery(this.state.ask)}&format=${format}`, {
      headers: { authorization: `Bearer ${s.token}` },
    }).catch(() => null);
    if (!r || !r.ok) {
      const body = r ? await r.json().catch(() => ({})) : {};
      return this.failed(body.error || { code: "offline" }, "report_failed");
    }
    const name = (r.headers.get("content-disposition") || "").match(/filename="([^"]+)"/);
    const a = document.createElement("a");
    a.href = URL.createObjectURL(await r.blob());
    a.download = name ? name[1] : `bao-cao.${format}`;
    a.click();
    URL.revokeObjectURL(a.href);
  }

  /** @param {Event} e */
  changed(e) {
    const el = /** @type {HTMLInputElement} */ (e.target);
    if (el.form && el.form.id === "ask" && el.name) {
      this.dispatch({ type: "asked", field: /** @type {any} */ (el.name), value: el.value });
    }
  }

  /** @param {Event} e */
  clicked(e) {
    const el = /** @type {HTMLElement} */ (e.target);
    const row = el.closest("#sites-table tr[data-site]");
    if (row instanceof HTMLElement) return this.dispatch({ type: "site_opened", site: row.dataset.site || "" });
    const tab = el.closest("[data-tab]");
    if (tab instanceof HTMLElement) {
      this.dispatch({ type: "tab_opened", tab: tab.dataset.tab === "reports" ? "reports" : "dashboard" });
      this.refresh();
    } else if (el.id === "logout") this.signOut();
    else if (el.id === "lang") setLang(lang() === "vi" ? "en" : "vi");
    else if (el.dataset.format) this.download(el.dataset.format);
  }

  render() {
    const s = this.state.session;
    fill($("#lang"), t("lang.switch"));
    fill($("#title"), s && this.state.board ? this.state.board.province : t("p.title"));
    const tabs = $("#tabs");
    tabs.hidden = !s;
    fill(tabs, ...["dashboard", "reports"].map((name) => {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.tab = name;
      b.setAttribute("aria-selected", String(name === this.state.tab));
      b.textContent = t(`p.tab.${name}`);
      return b;
    }));
    const out = $("#logout");
    out.hidden = !s;
    fill(out, t("p.logout"));
    fill($("#who"), s ? `${s.full_name}${s.site ? ` · ${s.site}` : ""}` : "");
    const view = $("#view");
    if (!s) return fill(view, this.views.viewLogin(this.state));
    const error = this.state.error ? this.views.viewError(this.state.error) : null;
    if (this.state.tab === "reports") return fill(view, error, this.views.viewReports(this.state, this.sites));
    fill(view, error, this.views.viewDashboard(this.state.board, this.state.opened));
  }
}

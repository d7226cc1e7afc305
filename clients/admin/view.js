// The administrator's page frame: the bar (title, tabs, who, language, sign-out) and the tab or
// the sign-in shown below it, drawn from the state. The bind* verbs attach the bar's listeners
// once; the tabs' is delegated, so redrawing the bar never rebinds.
import { h, fill, $, redrawKeepingFocus } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { connectionBadge } from "../shared/badge.js";
import { TABS, screen } from "./flow.js";
import { viewDashboard } from "./dashboard.js";
import { viewReports } from "./reports.js";
import { viewAudit } from "./audit.js";
import { viewSettings } from "./settings.js";
import { viewDevices } from "./devices.js";
import { viewHis } from "./his.js";

/**
 * What the views call back; the controller does it.
 * @typedef {{
 *   login: (username: string, password: string) => Promise<string>,
 *   setRange: (field: "from"|"to", value: string) => void,
 *   showReport: () => void,
 *   downloadRange: (range: string, format: "csv"|"xlsx") => void,
 *   download: (query: string, format: string, name: string) => void,
 *   olderAudit: () => void,
 *   settings: {save: () => void, reset: () => void, upload: (file: File) => void, rerender: () => void, applyJson: (text: string) => void},
 *   devices: {reload: (d: string) => void, play: (d: string, media: string) => void, revoke: (d: string) => void, setPrinter: (d: string, printer: string) => void,
 *     register: (data: any) => void, createStaff: (data: any) => void, setActive: (u: string, on: boolean) => void,
 *     resetPassword: (u: string) => void},
 *   his: {retry: (link: string, id: string) => void, discard: (link: string, id: string) => void, refresh: () => void},
 * }} Handlers
 * login resolves with the error to show, or "" once signed in.
 */

/** @param {() => void} handler */
export const bindLang = (handler) => $("#lang").addEventListener("click", handler);

/** @param {() => void} handler */
export const bindLogout = (handler) => $("#logout").addEventListener("click", handler);

/** "Change my password" in the bar. @param {() => void} handler */
export const bindPassword = (handler) => $("#change-password").addEventListener("click", handler);

/** The page's dialog (the password's). */
export const dialog = () => /** @type {HTMLDialogElement} */ ($("#dialog"));

/** @param {(tab: import("./flow.js").Tab) => void} handler */
export function bindTabs(handler) {
  $("#tabs").addEventListener("click", (e) => {
    const button = /** @type {HTMLElement|null} */ (/** @type {Element} */ (e.target).closest("[data-tab]"));
    if (button) handler(/** @type {import("./flow.js").Tab} */ (button.dataset.tab));
  });
}

/** The connection badge of this socket, in place of the last one. @param {import("../shared/socket.js").QueueSocket} socket */
export function showConnection(socket) {
  document.querySelector(".conn-badge")?.remove();
  document.body.append(connectionBadge(socket));
}

/** Whether the administrator is typing in a form (a periodic refresh then waits). */
export function isTyping() {
  const el = document.activeElement;
  return Boolean((el instanceof HTMLInputElement || el instanceof HTMLSelectElement) && el.closest("form"));
}

/**
 * @param {import("./flow.js").AdminState} state
 * @param {import("../shared/board.js").Board} board
 * @param {Handlers} act
 * @param {number} now  the server's clock, epoch seconds
 */
export function render(state, board, act, now) {
  const session = state.session;
  $("#lang").textContent = t("lang.switch");
  $("#title").textContent = board.config ? `${t("a.title")} — ${board.config.unit.name}` : t("a.title");
  const tabs = $("#tabs");
  tabs.hidden = !session;
  fill(tabs, TABS.map((name) => h("button", {
    type: "button", role: "tab", "aria-selected": String(state.tab === name), dataset: { tab: name },
  }, t(`a.tab.${name}`))));
  $("#logout").hidden = !session;
  $("#logout").textContent = t("a.logout");
  $("#change-password").hidden = !session;
  $("#change-password").textContent = t("pw.change");
  $("#who").textContent = session ? session.full_name || session.username : "";
  const view = $("#view");
  redrawKeepingFocus(view, () => { // a field being typed into keeps the caret through a redraw
    switch (screen(state)) {
      case "login": fill(view, viewLogin(act)); break;
      case "settings": fill(view, viewSettings(state.settings, act.settings)); break;
      case "devices": fill(view, viewDevices(state.devices, board.config, session?.username || "", act.devices)); break;
      case "audit": fill(view, viewAudit(state.audit, board.config, act)); break;
      case "his": fill(view, viewHis(state.his, act.his)); break;
      case "reports": fill(view, viewReports(state, board, act)); break;
      default: fill(view, viewDashboard(board, state.faults, now));
    }
  });
}

/** The sign-in form; its error shows in place, the typed name stays. @param {Handlers} act */
function viewLogin(act) {
  const user = /** @type {HTMLInputElement} */ (h("input#username", { type: "text", autocomplete: "username", required: true }));
  const pass = /** @type {HTMLInputElement} */ (h("input#password", { type: "password", autocomplete: "current-password", required: true }));
  const error = h("p.field-error#login-error", { role: "alert" });
  return h("form.login", {
    on: { submit: async (e) => {
      e.preventDefault();
      error.textContent = "";
      const refused = await act.login(user.value.trim(), pass.value);
      if (refused) error.textContent = refused;
    } },
  },
  h("h1", t("a.login.title")),
  h("label", { for: "username" }, t("a.login.user")), user,
  h("label", { for: "password" }, t("a.login.password")), pass,
  error,
  h("button.primary", { type: "submit" }, t("a.login.submit")));
}

// The administrator's pages as one pure fold: next(state, action) returns the next state. What
// the pages decide lives here: who is signed in, which tab shows and what opening it resets,
// what each tab holds, the report's range, the faults and lists kept live from the socket. No
// DOM, timers, fetch or socket: controller.js does those and dispatches what they gave as
// actions (texts already in the current language); the views draw the state.

/** The tabs, in the order of the bar. */
export const TABS = /** @type {const} */ (["dashboard", "reports", "settings", "devices", "his", "audit"]);

/**
 * @typedef {"dashboard"|"reports"|"settings"|"devices"|"his"|"audit"} Tab
 * @typedef {{token: string, role: string, username: string, full_name?: string, expires: number,
 *   must_change_password?: boolean}} Session  what /api/login (or /api/password) answered, kept
 *   in localStorage; must_change_password: the first run's generated password, changed first
 * @typedef {{device: string, part: string, code: string, ok?: boolean}} Fault  a device's alert
 * @typedef {{draft: any, media: any[], message: string, error: string, tvs: any[]}} SettingsState
 *   draft: the configuration being edited (the settings form edits it in place); tvs: the active TVs
 * @typedef {{fleet: any[], staff: any[], at: number, message: string, error: string, token: string,
 *   media: any[]}} DevicesState  token: the address of a device just registered (shown once)
 * @typedef {{rows: any[], error: string}} AuditState  rows: the audit log, newest first, in pages
 * @typedef {{links: any[], dead: any[], at: number, message: string, error: string}} HisState
 *   links: /api/his/links (each link's health); dead: /api/his/dead (the dead letters); at: the server's clock
 * @typedef {{
 *   session: Session|null,
 *   tab: Tab,
 *   faults: Record<string, Fault>,
 *   report: any,
 *   reportError: string,
 *   from: string,
 *   to: string,
 *   settings: SettingsState,
 *   devices: DevicesState,
 *   audit: AuditState,
 *   his: HisState,
 * }} AdminState  faults by "device|part"; report: null, "loading" or /api/reports' answer;
 *   from, to: the report's range (YYYY-MM-DD, "" until the reports tab first shows)
 */

/**
 * @typedef {{type: "signed_in", session: Session}
 *   | {type: "signed_out"}
 *   | {type: "tab_opened", tab: Tab, config: any}
 *   | {type: "defaults", config: any, today: string}
 *   | {type: "snapshot", view: {staff?: any[], devices?: any[]}}
 *   | {type: "event", event: {type: string, [field: string]: any}}
 *   | {type: "alert", alert: Fault}
 *   | {type: "range_changed", field: "from"|"to", value: string}
 *   | {type: "report_requested"}
 *   | {type: "report_loaded", report: any}
 *   | {type: "report_failed", error: string}
 *   | {type: "download_failed", error: string}
 *   | {type: "audit_loaded", events: any[]}
 *   | {type: "audit_failed", error: string}
 *   | {type: "fleet_loaded", devices: any[], at: number}
 *   | {type: "devices_media", media: any[]}
 *   | {type: "device_registering"}
 *   | {type: "device_token", token: string}
 *   | {type: "staff_creating"}
 *   | {type: "printer_setting"}
 *   | {type: "devices_said", message: string}
 *   | {type: "devices_failed", error: string}
 *   | {type: "settings_media", media: any[]}
 *   | {type: "settings_started"}
 *   | {type: "settings_saved", config: any, message: string}
 *   | {type: "settings_said", message: string}
 *   | {type: "settings_failed", error: string}
 *   | {type: "draft_replaced", draft: any}
 *   | {type: "his_loaded", links: any[], dead: any[], at: number}
 *   | {type: "his_said", message: string}
 *   | {type: "his_failed", error: string}
 * } Action
 * "defaults" comes before each drawing of a signed-in page: the settings draft from the
 * configuration if it came after the tab opened, the report's range from today if empty.
 */

/** @param {Session|null} session @returns {AdminState} */
export function initial(session) {
  return {
    session,
    tab: "dashboard",
    faults: {},
    report: null,
    reportError: "",
    from: "",
    to: "",
    settings: { draft: null, media: [], message: "", error: "", tvs: [] },
    devices: { fleet: [], staff: [], at: 0, message: "", error: "", token: "", media: [] },
    audit: { rows: [], error: "" },
    his: { links: [], dead: [], at: 0, message: "", error: "" },
  };
}

/** A stored session if it is an administrator's and not expired. @param {any} s @param {number} nowMs */
export function validSession(s, nowMs) {
  return s && s.role === "admin" && s.expires * 1000 > nowMs ? s : null;
}

/** What the page shows: the sign-in, or the open tab. @param {AdminState} state */
export const screen = (state) => (state.session ? state.tab : "login");

const copy = (config) => (config ? structuredClone(config) : null);

/** @param {AdminState} state @param {Partial<SettingsState>} change @returns {AdminState} */
const settings = (state, change) => ({ ...state, settings: { ...state.settings, ...change } });
/** @param {AdminState} state @param {Partial<DevicesState>} change @returns {AdminState} */
const devices = (state, change) => ({ ...state, devices: { ...state.devices, ...change } });
/** @param {AdminState} state @param {Partial<HisState>} change @returns {AdminState} */
const his = (state, change) => ({ ...state, his: { ...state.his, ...change } });
/** @param {AdminState} state @param {Partial<AuditState>} change @returns {AdminState} */
const audit = (state, change) => ({ ...state, audit: { ...state.audit, ...change } });

/** @param {AdminState} state @param {Action} action @returns {AdminState} */
export function next(state, action) {
  switch (action.type) {
    case "signed_in": return { ...state, session: action.session };
    case "signed_out": return { ...state, session: null };
    case "tab_opened": return opened({ ...state, tab: action.tab }, action.config);
    case "defaults": return defaults(state, action.config, action.today);
    case "snapshot": return {
      ...state,
      devices: { ...state.devices, staff: action.view.staff || [] },
      settings: { ...state.settings, tvs: (action.view.devices || []).filter((d) => d.kind === "tv" && d.active) },
    };
    case "event": return applyEvent(state, action.event);
    case "alert": {
      const key = `${action.alert.device}|${action.alert.part}`;
      const { [key]: _gone, ...rest } = state.faults;
      return { ...state, faults: action.alert.ok ? rest : { ...state.faults, [key]: action.alert } };
    }
    case "range_changed": return { ...state, [action.field]: action.value };
    case "report_requested": return { ...state, reportError: "", report: "loading" };
    case "report_loaded": return { ...state, report: action.report };
    case "report_failed": return { ...state, report: null, reportError: action.error };
    case "download_failed": return { ...state, reportError: action.error };
    case "audit_loaded": return audit(state, { rows: [...state.audit.rows, ...action.events] });
    case "audit_failed": return audit(state, { error: action.error });
    case "fleet_loaded": return devices(state, { fleet: action.devices, at: action.at });
    case "devices_media": return devices(state, { media: action.media });
    case "device_registering": return devices(state, { message: "", error: "", token: "" });
    case "device_token": return devices(state, { token: action.token });
    case "staff_creating":
    case "printer_setting": return devices(state, { message: "", error: "" });
    case "devices_said": return devices(state, { message: action.message });
    case "devices_failed": return devices(state, { error: action.error });
    case "settings_media": return settings(state, { media: action.media });
    case "settings_started": return settings(state, { message: "", error: "" });
    case "settings_saved": return settings(state, { draft: copy(action.config), message: action.message });
    case "settings_said": return settings(state, { message: action.message });
    case "settings_failed": return settings(state, { error: action.error });
    case "draft_replaced": return settings(state, { draft: action.draft, error: "" });
    case "his_loaded": return his(state, { links: action.links, dead: action.dead, at: action.at, error: "" });
    case "his_said": return his(state, { message: action.message, error: "" });
    case "his_failed": return his(state, { error: action.error });
    default: throw new Error(`unknown admin action ${/** @type {any} */ (action).type}`);
  }
}

/** Opening a tab (again) starts it afresh. @param {AdminState} state @param {any} config */
function opened(state, config) {
  if (state.tab === "audit") return audit(state, { rows: [] }); // its last error stays
  if (state.tab === "devices") return devices(state, { message: "", error: "", token: "" });
  if (state.tab === "his") return his(state, { message: "", error: "" });
  if (state.tab === "settings") return settings(state, { draft: copy(config), message: "", error: "" });
  return state;
}

/** @param {AdminState} state @param {any} config @param {string} today */
function defaults(state, config, today) {
  if (state.tab === "settings" && !state.settings.draft && config) return settings(state, { draft: copy(config) });
  if (state.tab === "reports" && today && (!state.from || !state.to)) {
    const from = state.from || today;
    return { ...state, from, to: state.to || from };
  }
  return state;
}

/** The server's events that change what the admin pages keep beside the board. */
function applyEvent(state, e) {
  switch (e.type) {
    case "staff_created":
      return devices(state, { staff: [...state.devices.staff, { username: e.username, full_name: e.full_name, role: e.role, counters: e.counters, active: true }] });
    case "staff_active_set":
      return devices(state, { staff: state.devices.staff.map((x) => (x.username === e.username ? { ...x, active: e.active } : x)) });
    case "device_registered":
      if (e.kind !== "tv") return state;
      return settings(state, { tvs: [...state.settings.tvs, { device: e.device, name: e.name, kind: e.kind, zone: e.zone, active: true }] });
    case "device_revoked":
      return settings(state, { tvs: state.settings.tvs.filter((x) => x.device !== e.device) });
    default:
      return state;
  }
}

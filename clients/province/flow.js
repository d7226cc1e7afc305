// The province view as one pure fold: next(state, action) returns the next state. Who is signed
// in, which tab shows, the live dashboard last read, the report asked for and its answer. No
// DOM, timers or fetch: controller.js does those and dispatches what they gave.

/**
 * @typedef {{token: string, username: string, full_name: string, site: string}} Session
 *   site: "" for the province's administrator, else the facility of a facility's administrator
 * @typedef {{site: string, kind: "half"|"range", year: number, half: number, from: string, to: string}} Ask
 * @typedef {{
 *   session: Session|null, tab: "dashboard"|"reports", error: string,
 *   board: any, opened: string, ask: Ask, report: any, reportError: string,
 * }} ProvinceState  board: /api/province/dashboard's answer (null until read); opened: the
 *   facility whose services and counters show under the table ("" none); report: null,
 *   "loading" or /api/province/reports' answer
 * @typedef {{type: "signed_in", session: Session}
 *   | {type: "signed_out"}
 *   | {type: "login_failed", error: string}
 *   | {type: "tab_opened", tab: "dashboard"|"reports"}
 *   | {type: "board_loaded", board: any}
 *   | {type: "board_failed", error: string}
 *   | {type: "site_opened", site: string}
 *   | {type: "asked", field: keyof Ask, value: string}
 *   | {type: "report_requested"}
 *   | {type: "report_loaded", report: any}
 *   | {type: "report_failed", error: string}} Action
 */

/** The first state: nobody signed in; the report of this half year. @param {Date} today @returns {ProvinceState} */
export function initial(today) {
  const day = today.toISOString().slice(0, 10);
  return {
    session: null, tab: "dashboard", error: "", board: null, opened: "", report: null, reportError: "",
    ask: { site: "", kind: "half", year: today.getFullYear(), half: today.getMonth() < 6 ? 1 : 2, from: day, to: day },
  };
}

/** @param {ProvinceState} state @param {Action} action @returns {ProvinceState} */
export function next(state, action) {
  switch (action.type) {
    case "signed_in": return { ...state, session: action.session, error: "", tab: "dashboard" };
    case "signed_out": return { ...state, session: null, board: null, opened: "", report: null };
    case "login_failed": return { ...state, error: action.error };
    case "tab_opened": return { ...state, tab: action.tab };
    case "board_loaded": return { ...state, board: action.board, error: "" };
    case "board_failed": return { ...state, error: action.error };
    case "site_opened": return { ...state, opened: state.opened === action.site ? "" : action.site };
    case "asked": {
      const numeric = action.field === "year" || action.field === "half";
      const value = numeric ? Number(action.value) : action.value;
      return { ...state, ask: { ...state.ask, [action.field]: value } };
    }
    case "report_requested": return { ...state, report: "loading", reportError: "" };
    case "report_loaded": return { ...state, report: action.report };
    case "report_failed": return { ...state, report: null, reportError: action.error };
    default: return state;
  }
}

/** The query of /api/province/reports for an ask. @param {Ask} ask @returns {string} */
export function reportQuery(ask) {
  const range = ask.kind === "half" ? `year=${ask.year}&half=${ask.half}` : `from=${ask.from}&to=${ask.to}`;
  return ask.site ? `${range}&site=${encodeURIComponent(ask.site)}` : range;
}

// The TV board's pure flow: its state (the zone, this screen's id, the page of counters shown,
// which cells flash and the call in the large panel), next(state, action), and the small
// decisions: which display settings apply, how the counters are paged, whether a call caught up
// after a reconnect is still fresh enough to speak. No DOM, timers or socket: controller.js does
// those and dispatches what they gave as actions.
import { gridShape } from "./grid.js";

export const STALE_CALL_SECONDS = 30; // calls caught up after a reconnect are shown, not spoken

/**
 * @typedef {{label: string, counter: number, service: string, until: number}} Call
 *   until: when (ms) the large panel stops flashing
 * @typedef {{
 *   zone: string,
 *   deviceId: string,
 *   page: number,
 *   flashing: Record<number, number>,
 *   nowCalling: Call|null,
 * }} TvState  deviceId: this screen's registered id (from the welcome), for its own layout;
 *   page: the page of the grid shown; flashing: counter -> until when (ms) its cell flashes
 * @typedef {{type: "welcome", zone: string, deviceId: string}
 *   | {type: "called", call: Call, index: number, perPage: number}
 *   | {type: "pages", pages: number}
 *   | {type: "turn", count: number, perPage: number}
 * } Action
 * welcome: the server's welcome (zone "" keeps the one asked for); called: a number called,
 * recalled or unparked (index: its counter's place in the list, -1 if not there); pages: how
 * many pages the grid has now (a page past the end goes back to the first); turn: the timer
 * that turns the pages when the counters do not fit on one.
 */

/** @param {string} zone the zone of the URL ("" for the device's own) @returns {TvState} */
export function initial(zone) {
  return { zone, deviceId: "", page: 0, flashing: {}, nowCalling: null };
}

/** @param {TvState} state @param {Action} action @returns {TvState} */
export function next(state, action) {
  switch (action.type) {
    case "welcome":
      return { ...state, zone: action.zone || state.zone, deviceId: action.deviceId };
    case "called": {
      const { call, index, perPage } = action;
      const page = index >= 0 ? Math.floor(index / perPage) : state.page;
      return { ...state, page, flashing: { ...state.flashing, [call.counter]: call.until }, nowCalling: call };
    }
    case "pages":
      return state.page >= action.pages ? { ...state, page: 0 } : state;
    case "turn":
      if (action.count <= action.perPage) return state;
      return { ...state, page: (state.page + 1) % Math.ceil(action.count / action.perPage) };
    default:
      return state;
  }
}

/**
 * @typedef {{theme: string, columns: number, rows: number, mediaArea: string, media: string[],
 *   marquee: string, marqueeEn: string, marqueePosition: string, lastCalls: number,
 *   flashSeconds: number, hisRoom: boolean}} Display  hisRoom: show the room the HIS gave a
 *   called number beside its counter
 */

/**
 * The unit's [display], overridden by this screen's own entry in display.screens, then by the
 * URL (?layout=CxR, ?theme=).
 * @param {any} config the unit's configuration (null before the snapshot)
 * @param {string} deviceId
 * @param {{layout?: string|null, theme?: string|null}} url
 * @returns {Display}
 */
export function display(config, deviceId, url) {
  const base = config?.display || {};
  const own = (base.screens || []).find((/** @type {any} */ x) => x.device === deviceId) || {};
  const pickOwn = (/** @type {string} */ key) => (own[key] !== null && own[key] !== undefined ? own[key] : base[key]);
  const d = { ...base, columns: pickOwn("columns"), rows: pickOwn("rows"), theme: pickOwn("theme"), media_area: pickOwn("media_area"), media: pickOwn("media") };
  const [c, r] = (url.layout || "").split("x").map(Number);
  return {
    theme: url.theme || d.theme || "multi",
    columns: c || d.columns || 0,
    rows: r || d.rows || 0,
    mediaArea: d.media_area || "none",
    media: d.media || [],
    marquee: d.marquee || "",
    marqueeEn: d.marquee_en || "",
    marqueePosition: d.marquee_position || "bottom",
    lastCalls: d.last_calls ?? 6,
    flashSeconds: d.flash_seconds ?? 10,
    hisRoom: Boolean(d.his_room),
  };
}

/**
 * How the counters are paged: the grid's shape, how many fit on a page, how many pages.
 * @param {number} count @param {Display} d
 */
export function paging(count, d) {
  const { cols, rows } = gridShape(count, d.columns, d.rows);
  const perPage = cols * rows;
  return { cols, rows, perPage, pages: Math.max(1, Math.ceil(count / perPage)) };
}

/** The media the area on the right plays ([] when there is no such area). @param {Display} d */
export const playlist = (d) => (d.mediaArea === "right" ? d.media : []);

/** The marquee's text, both languages. @param {Display} d */
export const marqueeText = (d) => [d.marquee, d.marqueeEn].filter(Boolean).join("   •   ");

/** A call is spoken only if it is recent (not one caught up after a reconnect).
 * @param {number} now server seconds @param {number} at the event's time (seconds) */
export const fresh = (now, at) => now - at < STALE_CALL_SECONDS;

/** Whether an event is a call the board flashes and the speaker says. @param {string} type */
export const isCall = (type) => type === "ticket_called" || type === "ticket_recalled" || type === "ticket_unparked";

/**
 * Whether the "outside working hours" notice covers the board: outside the hours, unless a
 * counter of this board is still open or paused (a health centre serves the rest of its queue
 * after closing time and across lunch, and the hall must see those calls).
 * @param {boolean} open @param {Array<{status: string}>} counters
 */
export const showsClosed = (open, counters) => !open && !counters.some((c) => c.status === "open" || c.status === "paused");

// The TV board's views: functions from the state and a context (the board, the display settings,
// the time) to elements built with ../shared/dom.js. Each view's decisions (what a cell, the
// panel or the waiting line say) are in a function of plain data next to it, which needs no DOM.
// They change nothing themselves; controller.js puts what they return into the page.
import { h, inkOnWhite } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { closedDetails } from "../shared/closed.js";

/**
 * @typedef {{board: import("../shared/board.js").Board,
 *   display: import("./flow.js").Display, now: number}} Ctx  now: the time in ms
 * @typedef {import("./flow.js").TvState} TvState
 */

const DEFAULT_COLOUR = "#0b4f8a";

/** Both languages at once: TVs speak to everyone in the hall.
 * @param {string} key @param {Record<string, any>} [params] @returns {[string, string]} */
export const both = (key, params) => [t(key, params, "vi"), t(key, params, "en")];

/** A counter's name in both languages: an exam room (kind "room") unnamed is "Phòng 4" / "Room 4".
 * @param {import("../shared/board.js").Board} board @param {number} n */
export function counterName(board, n) {
  const cc = board.counterConfig(n);
  const [vi, en] = cc?.kind === "room" ? [`Phòng ${n}`, `Room ${n}`] : [`Quầy ${n}`, `Counter ${n}`];
  return { vi: cc?.name || vi, en: cc?.name_en || cc?.name || en };
}

/** Whether counter `n` is an exam room. @param {import("../shared/board.js").Board} board @param {number} n */
export const isRoom = (board, n) => board.counterConfig(n)?.kind === "room";

/** Where a room is ("Tầng 1, phòng 104"), "" for a counter or a room without one.
 * @param {import("../shared/board.js").Board} board @param {number} n @param {"vi"|"en"} lang */
function roomLocation(board, n, lang) {
  const cc = board.counterConfig(n);
  if (cc?.kind !== "room") return "";
  return (lang === "en" && cc.location_en) || cc.location || "";
}

/** The room the HIS gave a called number, shown beside its counter ("" when none or not shown).
 * @param {Ctx} ctx @param {string} label */
export const hisRoom = (ctx, label) => (ctx.display.hisRoom ? ctx.board.hisRooms.get(label) || "" : "");

/** A counter's name (a room's with where it is), and the HIS's room of the number called there
 * if the board shows it. @param {Ctx} ctx @param {number} n @param {string} label @param {"vi"|"en"} lang */
export const whereTo = (ctx, n, label, lang) =>
  [counterName(ctx.board, n)[lang], roomLocation(ctx.board, n, lang), hisRoom(ctx, label)].filter(Boolean).join(" · ");

/** The panel's line under the number: "đến Quầy 1" for a counter, "vào Phòng khám Nội · Tầng 1,
 * phòng 104" for an exam room. @param {Ctx} ctx @param {number} n @param {string} label @param {"vi"|"en"} lang */
export const goTo = (ctx, n, label, lang) =>
  t(isRoom(ctx.board, n) ? "tv.to_room" : "tv.to_counter", { counter: whereTo(ctx, n, label, lang) }, lang);

/** What a counter's cell says, plain data. @param {any} c the counter (board.counterList()) @param {TvState} state @param {Ctx} ctx */
export function cellFacts(c, state, ctx) {
  const svc = c.current_service ? ctx.board.service(c.current_service) : null;
  const status = c.status === "open"
    ? (c.current ? both(c.current_status === "serving" ? "tv.serving" : "tv.calling") : both("tv.idle"))
    : both(`tv.status.${c.status}`);
  return {
    name: counterName(ctx.board, c.number).vi,
    online: c.online ? both("tv.online").join(" / ") : "",
    number: c.status === "open" || c.current ? (c.current || t("tv.none")) : "",
    status: c.status === "paused" && c.pause_reason ? `${status[0]}: ${c.pause_reason}` : status[0],
    statusEn: status[1],
    colour: svc?.colour || DEFAULT_COLOUR,
    flash: (state.flashing[c.number] || 0) > ctx.now,
  };
}

/** The cells of the counters on the page shown. @param {TvState} state @param {Ctx} ctx @param {number} perPage */
export function viewCells(state, ctx, perPage) {
  const shown = ctx.board.counterList().slice(state.page * perPage, (state.page + 1) * perPage);
  return shown.map((c) => {
    const f = cellFacts(c, state, ctx);
    return h("div.cell", {
      dataset: { counter: c.number, status: c.status, online: c.online ? "1" : "0" },
      class: f.flash ? "flash" : "",
      style: { "--c": f.colour, "--ct": inkOnWhite(f.colour) },
    },
    h("div.cell-name", h("span", f.name), f.online ? h("span.online", f.online) : null),
    h("div.cell-number", f.number),
    h("div.cell-status", f.status, h("span.en", f.statusEn)));
  });
}

/** The call in the large panel: the one just made while it flashes, else the last one.
 * @param {TvState} state @param {Ctx} ctx @returns {import("./flow.js").Call|null} */
export function shownCall(state, ctx) {
  const last = ctx.board.lastCalls[0];
  return state.nowCalling || (last ? { ...last, until: 0 } : null);
}

/**
 * The large "now calling" panel: its children, its colour (null: unchanged) and whether it flashes.
 * @param {TvState} state @param {Ctx} ctx
 */
export function viewCalling(state, ctx) {
  const title = h("div.now-title", both("tv.calling").join(" / "));
  const call = shownCall(state, ctx);
  if (!call) return { children: [title, h("div.now-label", t("tv.none"))], colour: null, flash: false };
  const svc = ctx.board.service(call.service);
  return {
    children: [title,
      h("div.now-label", { id: "now-label" }, call.label),
      h("div.now-counter", goTo(ctx, call.counter, call.label, "vi")),
      h("div.now-counter-en", goTo(ctx, call.counter, call.label, "en")),
      svc ? h("div.now-service", svc.name) : null],
    colour: svc?.colour || DEFAULT_COLOUR,
    flash: call.until > ctx.now,
  };
}

/** The last calls under the panel (the first is in the panel). @param {Ctx} ctx */
export function viewRecent(ctx) {
  const recent = ctx.board.lastCalls.slice(1, 1 + ctx.display.lastCalls);
  return recent.map((r) => h("li", { dataset: { label: r.label } },
    h("strong", r.label), h("span", "→"), h("span", whereTo(ctx, r.counter, r.label, "vi"))));
}

/** The services of this zone's counters and how many wait for each, plain data. @param {Ctx} ctx */
export function waitingFacts(ctx) {
  const { board } = ctx;
  const mine = new Set(board.counterList().flatMap((c) => (board.counterConfig(c.number)?.services || []).map((/** @type {any} */ s) => s.code)));
  return (board.config?.services || []).filter((/** @type {any} */ s) => mine.has(s.code))
    .map((/** @type {any} */ s) => ({ code: s.code, name: s.name, colour: s.colour, waiting: board.waiting[s.code] ?? 0 }));
}

/** The waiting line at the foot. @param {Ctx} ctx */
export function viewWaiting(ctx) {
  return [h("span.waiting-title", both("tv.waiting").join(" / ")),
    waitingFacts(ctx).map((s) => h("span.wait-chip", { dataset: { service: s.code }, style: { "--c": s.colour } },
      h("b", s.code), h("span.wait-name", s.name), h("strong.wait-n", String(s.waiting))))];
}

/** The out-of-hours notice. @param {any} config @param {number} now server seconds */
export function viewClosed(config, now) {
  return h("div.closed-box",
    h("div.closed-title", t("tv.closed.title", {}, "vi")),
    h("div.closed-title-en", t("tv.closed.title", {}, "en")),
    closedDetails(config, now, ["vi", "en"]),
    h("p.closed-body", t("tv.closed.body", {}, "vi")), h("p.closed-body.en", t("tv.closed.body", {}, "en")));
}

/** A scheduled announcement, both languages. @param {{text: string, text_en?: string}} msg */
export function viewNotice(msg) {
  return [h("div.notice-vi", msg.text), msg.text_en ? h("div.notice-en", msg.text_en) : null];
}

/** The screen without a device token: how to register it. */
export function viewSetup() {
  return [h("h1", t("tv.setup.title", {}, "vi")), h("p", t("tv.setup.body", {}, "vi")),
    h("h2", t("tv.setup.title", {}, "en")), h("p", t("tv.setup.body", {}, "en"))];
}

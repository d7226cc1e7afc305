// The counter page's effects on the HIS link (docs/his.md): it asks the server where the
// current ticket's registration stands on each outbound link (GET /api/his/tickets/{label},
// with the staff session's token) when the ticket changes, after an event about it and after a
// resend, and again while a message is not delivered: soon after (delivery takes milliseconds),
// then less often, up to every few seconds (a bounded number of times; pollDelay);
// it sends the registration again (POST .../resend); and it asks, a few at a time, for the
// deliveries of the day list's tickets; once the server answers that the site has no outbound
// link, it asks nothing more. What it learns it dispatches (flow.js's his_* actions);
// controller.js wires it and paints.
import { t, errorText } from "../shared/i18n.js";
import * as flow from "./flow.js";

export const POLL_MS = 3000;
export const FIRST_POLL_MS = 300; // the first ask again after an action: most messages are delivered by then
export const POLLS = 60; // three minutes; then the next event, ticket or resend asks again
const MARKS_AT_ONCE = 8; // the day list's rows asked per refresh of the lists

/**
 * How long to wait before asking again, after `n` asks since the ticket, event or resend:
 * 300 ms, then twice as long each time, up to POLL_MS. @param {number} n
 */
export const pollDelay = (n) => Math.min(POLL_MS, FIRST_POLL_MS * 2 ** Math.max(0, Math.min(n, 16)));

/**
 * @param {{
 *   token: () => string,
 *   state: () => import("./flow.js").CounterState,
 *   dispatch: (action: import("./flow.js").Action) => void,
 *   paint: () => void,
 *   confirm: (question: string) => Promise<boolean>,
 * }} deps  token: the staff session's; paint: show state.his (the current ticket and the marks)
 */
export function createHis({ token, state, dispatch, paint, confirm }) {
  let timer = /** @type {any} */ (0);
  let polls = 0;
  let asked = 0; // the latest refresh: only its answer is shown and polls on
  let asking = false; // the day list's marks: one round at a time
  let markTimer = /** @type {any} */ (0);
  let markRounds = 0;
  let linkless = false; // the server answered no link at all: this site sends nothing to an HIS

  /** @param {string} method @param {string} label @param {string} [tail] */
  async function api(method, label, tail = "") {
    const r = await fetch(`/api/his/tickets/${encodeURIComponent(label)}${tail}`, {
      method, headers: { authorization: `Bearer ${token()}` },
    });
    const body = await r.json().catch(() => ({}));
    if (r.ok && Array.isArray(body.links) && !body.links.length) linkless = true;
    return { ok: r.ok, status: r.status, body };
  }

  /** Ask for the current ticket's delivery now, and again later while it is not delivered. */
  async function refresh() {
    clearTimeout(timer);
    const label = state().his.label;
    const mine = ++asked;
    if (!label || linkless) return;
    let links = /** @type {import("./flow.js").HisLink[]|null} */ (null);
    try {
      const r = await api("GET", label);
      links = r.ok ? r.body.links : r.status === 403 || r.status === 404 ? [] : null;
    } catch { /* offline: asked again below */ }
    if (mine !== asked || label !== state().his.label) return; // asked again, or the counter moved on
    if (links) {
      dispatch({ type: "his_status", label, links });
      paint();
    }
    if (flow.hisUnsettled(links) && polls < POLLS) {
      timer = setTimeout(refresh, pollDelay(polls));
      polls += 1;
    }
  }

  /** Follow the counter's current ticket ("" for none): a new one is asked for at once. @param {string} label */
  function follow(label) {
    if (label === state().his.label) return;
    clearTimeout(timer);
    polls = 0;
    dispatch({ type: "his_follow", label });
    paint();
    refresh();
  }

  /** An event about the current ticket brings new messages to send: ask again. @param {string} label */
  function touched(label) {
    if (!label || label !== state().his.label) return;
    polls = 0;
    refresh();
  }

  /** Send the current ticket's registration again (ask first when it was delivered). @param {boolean} ask */
  async function resend(ask) {
    const label = state().his.label;
    if (!label || (ask && !(await confirm(t("his.resend_confirm", { label }))))) return;
    let note = "", failed = true;
    try {
      const r = await api("POST", label, "/resend");
      [note, failed] = r.ok ? [t("his.resent", { label }), false] : [errorText(r.body.error) || `HTTP ${r.status}`, true];
    } catch { note = errorText({ code: "offline" }); }
    dispatch({ type: "his_note", label, note, failed });
    polls = 0;
    paint();
    refresh();
  }

  /**
   * Ask for the day list's deliveries not known yet, a few at a time; again in a few seconds
   * while one is not delivered (as many times as the current ticket's), else at the lists' next
   * refresh. @param {boolean} [again] a round of its own, not one of a refresh of the lists
   */
  async function marks(again = false) {
    const s = state();
    if (!again) markRounds = 0;
    clearTimeout(markTimer);
    if (asking || linkless || !s.session) return;
    const labels = flow.hisToAsk(s.history, s.his.marks, MARKS_AT_ONCE);
    if (!labels.length) return;
    asking = true;
    /** @type {Record<string, import("./flow.js").HisLink[]>} */
    const found = {};
    try {
      for (const label of labels) {
        const r = await api("GET", label);
        if (r.ok || r.status === 403 || r.status === 404) found[label] = r.ok ? r.body.links : [];
      }
    } catch { /* offline: the next refresh of the lists asks again */ }
    asking = false;
    if (!state().session || !Object.keys(found).length) return;
    dispatch({ type: "his_marks", marks: found });
    paint();
    if (Object.values(found).some((links) => flow.hisUnsettled(links)) && markRounds < POLLS) {
      markRounds += 1;
      markTimer = setTimeout(() => marks(true), POLL_MS);
    }
  }

  function stop() {
    clearTimeout(timer);
    clearTimeout(markTimer);
    asked += 1;
    polls = 0;
  }

  return { follow, touched, refresh, resend, marks, stop };
}

// The counter page's views: functions from the state (and a context: the board, the clock, the
// actions the buttons call) to elements built with ../shared/dom.js, the dialogs' forms
// included. They change nothing themselves; the buttons call the context's actions, which
// controller.js provides. The decisions (which button is enabled, what a list holds) are flow.js's.
import { h } from "../shared/dom.js";
import { t, lang, pick } from "../shared/i18n.js";
import { hhmm } from "../shared/hours.js";
import { SCORES, REASONS, faceElement } from "../rating/scores.js";
import { faultText } from "../shared/faults.js";
import * as flow from "./flow.js";
import * as journey from "./journey.js";
import * as jviews from "./journey-views.js";

/**
 * @typedef {{
 *   login: (username: string, password: string) => Promise<string>,
 *   choose: (counter: number) => void,
 *   run: (name: string) => void,
 *   send: (command: Record<string, any>, called?: boolean) => void,
 *   sendAbout: (command: Record<string, any>) => void,
 *   hisResend: (confirm: boolean) => void,
 *   visit: (label: string) => void,
 *   step: import("./journey-views.js").StepAct,
 * }} Actions  login resolves with the refusal ("" once signed in); run: a button of the main
 *   view (flow.buttons); send: a command about this counter (called: the toast names the
 *   number called); sendAbout: a command about a ticket, without the counter; hisResend: send
 *   the current ticket's registration to the HIS again (confirm: ask staff first); visit: show a
 *   patient's visit; step: mark a step's result in or cancel it (after a confirmation)
 * @typedef {{board: import("../shared/board.js").Board, act: Actions, now: number}} Ctx
 */

/** @param {import("./flow.js").CounterState} state @param {Ctx} ctx */
export function viewLogin(state, ctx) {
  const user = /** @type {HTMLInputElement} */ (h("input", { id: "username", name: "username", autocomplete: "username", required: true, autofocus: true }));
  const pass = /** @type {HTMLInputElement} */ (h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true }));
  const error = h("div.form-error", { role: "alert", id: "login-error" }, state.message);
  return h("form.card.login", {
    on: { submit: async (e) => {
      e.preventDefault();
      error.textContent = "";
      error.textContent = await ctx.act.login(user.value.trim(), pass.value);
    } },
  },
  h("h1", t("login.title")),
  h("label", { for: "username" }, t("login.user")), user,
  h("label", { for: "password" }, t("login.password")), pass,
  error,
  h("button.primary", { type: "submit" }, t("login.submit")));
}

/** @param {import("./flow.js").CounterState} state @param {Ctx} ctx */
export function viewChoose(state, ctx) {
  return h("section.card.choose",
    h("h1", t("choose.title")),
    state.allowed.length ? null : h("p", t("choose.none")),
    h("div.choose-grid", state.allowed.map((n) => {
      const c = ctx.board.counterConfig(n);
      return h("button.choice", { type: "button", dataset: { counter: n }, on: { click: () => ctx.act.choose(n) } },
        h("strong", c ? pick(c.name, c.name_en) : t("counter", { n })));
    })));
}

export const viewLoading = () => h("p.muted", "…");

/** The counter's name for the header. @param {import("./flow.js").CounterState} state @param {Ctx} ctx */
export function counterName(state, ctx) {
  const cc = ctx.board.counterConfig(state.counter);
  return cc ? pick(cc.name, cc.name_en) : t("counter", { n: state.counter });
}

/** A room's line in the header: where it is and the doctor signed in ("" for a counter). @param {import("./flow.js").CounterState} state @param {Ctx} ctx */
export function roomLine(state, ctx) {
  const cc = ctx.board.counterConfig(state.counter);
  if (cc?.kind !== "room") return "";
  const name = state.session?.full_name || state.session?.username;
  return [pick(cc.location || "", cc.location_en || ""), name ? t("room.doctor", { name }) : ""].filter(Boolean).join(" · ");
}

/** The counter's status for the header ("" before it is known). @param {any} c */
export const statusLine = (c) => (c ? t(`status.${c.status}`) + (c.status === "paused" && c.pause_reason ? ` — ${c.pause_reason}` : "") : "");

/** The counter's own screen: the current number, the buttons, the parked numbers; the lists are filled apart (viewLists). @param {import("./flow.js").CounterState} state @param {Ctx} ctx */
export function viewMain(state, ctx) {
  const c = ctx.board.counters.get(state.counter);
  if (!c) return h("p", t("choose.none"));
  const { act } = ctx;
  const buttons = flow.buttons(c, state.rating).map((b) => h(`button.act${b.kind ? `.${b.kind}-act` : ""}`, {
    type: "button", dataset: { action: b.name }, disabled: !b.enabled || undefined,
    on: { click: () => act.run(b.name) },
  }, t(`act.${b.name}`), b.key ? h("kbd", b.key) : null));
  const parked = c.parked || [];
  return h("div.layout",
    h("div.left",
      viewCurrent(c, state, ctx),
      h("div.actions", buttons),
      state.rating ? h("p.muted#rating-status", t("rating.waiting", { label: state.rating })) : null,
      parked.length ? h("section.parked", h("h3", t("list.parked")), parked.map((label) =>
        h("button.small-btn", { type: "button", dataset: { unpark: label }, on: { click: () => act.send({ type: "unpark_ticket", label }, true) } },
          `${label} — ${t("act.unpark")}`))) : null,
      h("p.keys", t("keys"))),
    h("div.right", { id: "lists" }, viewLists(state, ctx)));
}

/** The current number and what staff must check about it. @param {any} c @param {import("./flow.js").CounterState} state @param {Ctx} ctx */
function viewCurrent(c, state, ctx) {
  const { board, act } = ctx;
  const ticket = c.current ? board.ticketByLabel(c.current) : null;
  const svc = c.current_service ? board.service(c.current_service) : null;
  const has = Boolean(c.current);
  const small = (action, command) => h("button.small-btn", { type: "button", dataset: { action }, on: { click: () => act.sendAbout(command) } }, t(`act.${action}`));
  return h("section.current", { style: { "--c": svc?.colour || "#0b4f8a" } },
    h("div.current-label", t("current.title")),
    h("div.current-number", { id: "current-number" }, c.current || "—"),
    has ? h("div.current-service", svc ? pick(svc.name, svc.name_en) : c.current_service) : h("div.muted", t("current.none")),
    has ? h("div.current-status", t(c.current_status === "serving" ? "current.serving" : "current.called")) : null,
    ticket?.identity?.name ? h("div", t("current.identity", { name: ticket.identity.name })) : null,
    ticket?.id_warnings?.length ? h("div.face-review#id-warnings", { role: "alert" },
      t("idw.title"), " ", ticket.id_warnings.map((k) => t(`idw.${k}`)).join("; ")) : null,
    ticket ? viewInsurance(ticket) : null,
    ticket ? viewIdentityChecks(ticket, act) : null,
    ticket && hisLine(board, ticket) ? h("div.his-line#his-line", hisLine(board, ticket)) : null,
    has ? h("div.his-delivery#his-delivery", viewHis(state.his, act)) : null,
    ticket?.recalls ? h("div.muted", t("current.recalls", { n: ticket.recalls })) : null,
    ticket?.call_reason_vi ? h("div.muted", t("current.reason", { reason: pick(ticket.call_reason_vi, ticket.call_reason_en) })) : null,
    ticket?.priority?.length ? h("div.priority-line",
      t(ticket.priority_pending ? "current.priority_pending" : "current.priority", { groups: flow.groupNames(ticket.priority, lang()) })) : null,
    ticket ? jviews.viewVisit(ticket, board, act.step) : null,
    ticket?.priority_pending ? h("div.row",
      small("confirm_priority", { type: "review_priority", label: ticket.label, confirmed: true }),
      small("reject_priority", { type: "review_priority", label: ticket.label, confirmed: false })) : null,
    ticket?.face_review ? h("div.face-review#face-review", { role: "alert" },
      t("face.review", { label: ticket.face_review, d: ticket.face_distance ?? "?" })) : null,
    ticket?.face_review ? h("div.row",
      small("face_other", { type: "review_face", label: ticket.label, same: false }),
      small("face_same", { type: "review_face", label: ticket.label, same: true })) : null);
}

/**
 * The health-insurance check of the ticket (server/domain/insurance.py): "to be checked" until
 * it answers, then the staff line (the gateway's code and the card's details); a card that is
 * not valid, or an answer that says nothing of it, is shown as an alert.
 * @param {{insurance_pending?: boolean, insurance?: {code: string, outcome: string, insured: boolean|null, staff_vi: string, staff_en: string}|null}} ticket
 */
function viewInsurance(ticket) {
  const i = ticket.insurance;
  if (!i) return ticket.insurance_pending ? h("div.insurance-line#insurance-line", { dataset: { state: "pending" } }, t("bhyt.pending")) : null;
  const state = i.insured ? "insured" : i.insured === false ? "not_insured" : "unknown";
  return h("div.insurance-line#insurance-line", { dataset: { state, code: i.code }, role: i.insured ? null : "alert" },
    t("bhyt.title"), " ", pick(i.staff_vi, i.staff_en));
}

/** The documents staff may record they checked the identity on (docs/vneid.md). */
const DOCUMENTS = ["vneid_identity", "vneid_health_book", "card", "passport"];

/** One small button per document; a pressed one shows its tick. @param {any} ticket @param {any} act */
function viewIdentityChecks(ticket, act) {
  const done = ticket.identity_checks || [];
  return h("div.row.id-checks#id-checks", h("span.muted", t("idc.title")), DOCUMENTS.map((document) =>
    h("button.small-btn", {
      type: "button", dataset: { check: document }, "aria-pressed": String(done.includes(document)),
      on: { click: () => act.sendAbout({ type: "record_identity_check", label: ticket.label, document }) },
    }, `${done.includes(document) ? "✓ " : ""}${t(`idc.${document}`)}`)));
}

/** The waiting, missed and today's lists (the inside of #lists). @param {import("./flow.js").CounterState} state @param {Ctx} ctx */
export function viewLists(state, ctx) {
  const { board, act, now } = ctx;
  const missed = flow.missedHere(board.tickets.values(), board.counterConfig(state.counter));
  const away = journey.elsewhere(board.tickets.values(), board.counterConfig(state.counter), state.counter);
  const byLabel = new Map([...board.tickets.values()].map((x) => [x.label, x]));
  const back = (label) => journey.returnInList(byLabel.get(label), board.counterConfig(state.counter), state.counter);
  const empty = () => h("p.muted", t("list.empty"));
  return [
    h("section.list",
      h("h3", t("list.waiting", { n: state.queue.length })),
      state.queue.length ? h("ol.rows#waiting-list", state.queue.map((q) => [q, back(q.label)]).map(([q, ret]) => h("li.row-item", { dataset: { label: q.label, klass: q.klass } },
        h("span.pos", String(q.position)),
        h("strong.lbl", q.label),
        h("span.reason", pick(q.reason_vi, q.reason_en)),
        ret ? h("span.back-flag", { title: ret.reason || t("visit.returning") }, `↩ ${t("visit.returning")}`) : null,
        q.priority.length ? h("span.prio", { title: flow.groupNames(q.priority, lang()) }, q.priority_pending ? "★?" : "★") : null,
        hisLine(board, q) ? h("span.his", hisLine(board, q)) : null,
        q.insurance ? h("span.bhyt-flag", { dataset: { state: q.insurance }, title: t(`bhyt.${q.insurance}`), "aria-label": t(`bhyt.${q.insurance}`) },
          q.insurance === "insured" ? "BHYT ✓" : q.insurance === "pending" ? "BHYT …" : "BHYT ?") : null,
        q.face_review ? h("span.face-flag", { title: t("list.face"), "aria-label": t("list.face") }, "⚠") : null,
        h("span.waited", t("list.minutes", { n: Math.floor(q.waited_seconds / 60) })),
        h("button.small-btn", { type: "button", title: t("list.call_this"), "aria-label": `${t("list.call_this")} ${q.label}`,
          on: { click: () => act.send({ type: "call_number", label: q.label }, true) } }, "▶")))) : empty()),
    h("section.list",
      h("h3", t("list.missed", { n: missed.length })),
      missed.length ? h("ul.rows#missed-list", missed.map((m) => h("li.row-item", { dataset: { label: m.label } },
        h("strong.lbl", m.label),
        h("span.waited", t("list.minutes", { n: flow.minutesSince(now, m.issued_at) })),
        h("button.small-btn", { type: "button", dataset: { action: "reactivate" },
          on: { click: () => act.sendAbout({ type: "reactivate", label: m.label }) } }, t("act.reactivate"))))) : empty()),
    away.length ? jviews.viewElsewhere(away, board, act.visit) : null,
    h("section.list",
      h("h3", t("list.today", { n: state.history.length })),
      state.history.length ? h("ul.rows#history-list", state.history.map((x) => h("li.row-item", { dataset: { label: x.label, status: x.status } },
        h("strong.lbl", x.label),
        jviews.visitLine(byLabel.get(x.label), board, state.counter, act.visit) || h("span", x.status === "transferred"
          ? t("list.transferred_to", { to: destination(board, x.to_service, x.to_counter) })
          : t(`status.${x.status}`)),
        hisMark(state.his.marks[x.label]),
        h("span.waited", hhmm(x.called_at, board.config))))) : empty()),
  ];
}

/** A failed or refused delivery's words with the HIS's reason. @param {import("./flow.js").HisLink} l */
export const hisText = (l) => t(`his.${l.status}`) + ((l.status === "failed" || l.status === "dead") && l.last_error ? `: ${l.last_error}` : "");

/**
 * Where the current ticket's registration stands on each HIS link (its name when there are
 * several), the resend button, and what the last resend gave: the inside of #his-delivery,
 * empty when no link carries the ticket. @param {import("./flow.js").HisState} his @param {Actions} act
 */
export function viewHis(his, act) {
  const shown = flow.hisShown(his.links);
  const resend = flow.hisResend(his.links);
  return [
    shown.map((l) => h("div.his-status", { dataset: { link: l.link, status: l.status } }, shown.length > 1 ? `${l.link}: ` : "", hisText(l))),
    resend ? h("button.small-btn", { type: "button", dataset: { action: "his_resend" }, on: { click: () => act.hisResend(resend === "confirm") } }, t("his.resend")) : null,
    his.note ? h("div.his-note#his-note", { role: his.failed ? "alert" : "status", dataset: { failed: String(his.failed) } }, his.note) : null,
  ];
}

const MARKS = { delivered: "✓", pending: "…", failed: "!", dead: "✕" };

/** A day list row's small HIS mark (an empty cell when unknown or carried by no link). @param {import("./flow.js").HisStatus|undefined} status */
export function hisMark(status) {
  if (!status || status === "none") return h("span.his-mark");
  return h("span.his-mark", { dataset: { his: status }, title: t(`his.${status}`), "aria-label": t(`his.${status}`) }, `HIS ${MARKS[status]}`);
}

/**
 * What the HIS recorded of a ticket, for staff: its patient code (MA_BN) and the room it gave
 * ("" when it recorded nothing). @param {import("../shared/board.js").Board} board
 * @param {{patient_code?: string, room?: number|null, his_room?: string}} x
 */
export function hisLine(board, x) {
  const cc = x.room ? board.counterConfig(x.room) : null;
  const room = [x.his_room, cc ? pick(cc.name, cc.name_en) : x.room ? t("counter", { n: x.room }) : ""].filter(Boolean).join(" · ");
  return [x.patient_code ? t("his.patient", { code: x.patient_code }) : "", room ? t("his.room", { room }) : ""].filter(Boolean).join(" — ");
}

/**
 * Where a transferred number went: the service, and the counter if one was chosen.
 * @param {import("../shared/board.js").Board} board @param {string} service @param {number|null|undefined} counter
 */
export function destination(board, service, counter) {
  const svc = board.service(service);
  const cc = counter ? board.counterConfig(counter) : null;
  const where = counter ? (cc ? pick(cc.name, cc.name_en) : t("counter", { n: counter })) : "";
  return [svc ? pick(svc.name, svc.name_en) : service, where].filter(Boolean).join(", ");
}

/** The devices' faults told to staff (the inside of #alerts). @param {Record<string, import("./flow.js").Fault>} alerts */
export function viewAlerts(alerts) {
  return Object.values(alerts).map((a) => h("div.alert-item", { dataset: { device: a.device, code: a.code } },
    `⚠ ${faultText(a, lang())}.`,
    a.label ? ` ${t("alert.label", { label: a.label })}` : ""));
}

// ---- dialogs ---------------------------------------------------------------------------------

/**
 * A dialog's form: a title, fields, Cancel and OK.
 * @param {string} title @param {any[]} fields
 * @param {{cancel: () => void, submit: (data: FormData) => void}} on
 */
export function dialogForm(title, fields, on) {
  const form = /** @type {HTMLFormElement} */ (h("form", { method: "dialog" },
    h("h2", title), fields,
    h("div.dialog-actions",
      h("button.ghost", { type: "button", value: "cancel", on: { click: on.cancel } }, t("dlg.cancel")),
      h("button.primary", { type: "submit", value: "ok" }, t("dlg.ok")))));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    on.submit(new FormData(form));
  });
  return form;
}

/** The pause dialog's fields: a reason (shown on the TV), with the usual ones offered in Vietnamese. */
export function pauseFields() {
  const reasons = ["pause.r1", "pause.r2", "pause.r3", "pause.r4"].map((k) => t(k, {}, "vi"));
  return [
    h("label", { for: "pause-reason" }, t("pause.reason")),
    h("input", { name: "reason", id: "pause-reason", list: "pause-reasons", value: reasons[0], maxlength: 120 }),
    h("datalist", { id: "pause-reasons" }, reasons.map((r) => h("option", { value: r }))),
  ];
}

/** The transfer dialog's fields: the service (this one first chosen), a counter or any, the place in the line. @param {any} c @param {any} config */
export function transferFields(c, config) {
  return [
    h("label", { for: "t-service" }, t("transfer.service")),
    h("select", { name: "service", id: "t-service" },
      config.services.map((s) => h("option", { value: s.code, selected: s.code === c.current_service }, `${s.code} — ${pick(s.name, s.name_en)}`))),
    h("label", { for: "t-counter" }, t("transfer.counter")),
    h("select", { name: "to_counter", id: "t-counter" },
      h("option", { value: "" }, t("transfer.any")),
      config.counters.map((k) => h("option", { value: k.number }, pick(k.name, k.name_en)))),
    h("label", { for: "t-position" }, t("transfer.position")),
    h("select", { name: "position", id: "t-position" },
      ["front", "back", "arrival"].map((p) => h("option", { value: p }, t(`pos.${p}`)))),
  ];
}

/** The "call a number" dialog's field. @param {string} prefill */
export const numberFields = (prefill = "") => [
  h("label", { for: "n-label" }, t("number.label")),
  h("input", { name: "label", id: "n-label", value: prefill, autocomplete: "off", maxlength: 10 }),
];

/**
 * The counter's screen turned to the patient: the same scale as the rating screen.
 * @param {{label: string, counterName: string, score: number, reasons: Set<string>}} rating
 * @param {{score: (n: number) => void, reason: (r: string) => void, cancel: () => void, send: () => void}} on
 */
export function viewRateHere(rating, on) {
  const { score, reasons } = rating;
  return h("div.rate-here",
    h("h2", t("rate.question", { counter: rating.counterName })),
    h("div.scores", SCORES.map((s) => h("button.score", {
      type: "button", dataset: { score: String(s.score) }, "aria-pressed": String(score === s.score),
      on: { click: () => on.score(s.score) },
    }, faceElement(s.score), t(`rate.score.${s.score}`)))),
    score ? h("div.reasons", REASONS.map((r) => h("button.reason", {
      type: "button", dataset: { reason: r }, "aria-pressed": String(reasons.has(r)),
      on: { click: () => on.reason(r) },
    }, t(`rate.reason.${r}`)))) : null,
    h("div.dialog-actions",
      h("button", { type: "button", on: { click: on.cancel } }, t("dlg.cancel")),
      h("button.primary", { type: "button", dataset: { action: "send-rating" }, disabled: !score || undefined, on: { click: on.send } }, t("rate.send"))));
}

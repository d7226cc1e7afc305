// The counter page's views of a visit of several steps (issue 20): where the patient is now,
// the steps done and to come with their buttons (result in, cancel), the returning patient's
// line, the patients of this counter who are elsewhere, and the "send to…" dialog's fields.
// Pure: elements from data; the buttons call the actions given (journey-effects.js).
import { h } from "../shared/dom.js";
import { t, pick } from "../shared/i18n.js";
import * as journey from "./journey.js";

/**
 * @typedef {import("./journey.js").StepView} StepView
 * @typedef {(label: string, step: StepView, action: "complete"|"cancel") => void} StepAct
 */

/** A counter's name with where it is ("Phòng Xét nghiệm — Tầng 2, phòng 201"). @param {any} board @param {number|null|undefined} n */
export function placeName(board, n) {
  if (n == null) return "";
  const cc = board.counterConfig(n);
  if (!cc) return t("counter", { n });
  const where = pick(cc.location || "", cc.location_en || "");
  return where ? `${pick(cc.name, cc.name_en)} — ${where}` : pick(cc.name, cc.name_en);
}

/** A service's name (its code when unknown). @param {any} board @param {string} code */
const serviceName = (board, code) => {
  const s = board.service(code);
  return s ? pick(s.name, s.name_en) : code;
};

/** A step's place: the service, and the room when one was given. @param {any} board @param {StepView} s */
export const stepPlace = (board, s) => (s.counter != null ? `${serviceName(board, s.service)} (${placeName(board, s.counter)})` : serviceName(board, s.service));

/** Where the patient is now, in words. @param {import("./journey.js").Where} where @param {any} board */
export function whereText(where, board) {
  switch (where.kind) {
    case "here": return t("where.here");
    case "at": return t("where.at", { place: placeName(board, where.counter) });
    case "parked": return t("where.parked", { place: placeName(board, where.counter) });
    case "missed": return t("where.missed");
    case "results": return t("where.results");
    case "queue": return t("where.queue", { place: where.step ? stepPlace(board, where.step) : serviceName(board, where.service || "") });
    default: return t("where.over");
  }
}

/**
 * A visit's steps in order, each with its status and, when staff may, its buttons; the
 * returns with their reason. @param {any} ticket @param {any} board @param {StepAct} act
 */
export function viewSteps(ticket, board, act) {
  return h("ol.steps", { dataset: { label: ticket.label } }, journey.visitSteps(ticket).map((s) => h("li.step", {
    dataset: { step: String(s.id), status: s.status, service: s.service, returning: String(s.returning) },
  },
  h("span.step-place", s.returning ? `↩ ${t("step.back", { place: stepPlace(board, s) })}` : stepPlace(board, s)),
  h("span.step-status", stepStatus(ticket, s, board)),
  s.reason ? h("span.step-reason", s.reason) : null,
  journey.stepActions(s).map((a) => h("button.small-btn", {
    type: "button", dataset: { stepAction: a }, on: { click: () => act(ticket.label, s, a) },
  }, t(`step.act.${a}`))))));
}

/**
 * A step's status in words; a step sent on in order that waits for the ones before it: after
 * which ("Sau khi Thu ngân xong"), not "waiting for results". @param {any} ticket @param {StepView} s @param {any} board
 */
export function stepStatus(ticket, s, board) {
  if (!journey.waitsInOrder(s)) return t(`step.${s.status}`);
  return t("step.after", { steps: journey.waitsFor(ticket, s).map((x) => stepPlace(board, x)).join(", ") });
}

/**
 * The current ticket's visit: the returning patient's line (the doctor's reason) and its steps.
 * @param {any} ticket @param {any} board @param {StepAct} act
 */
export function viewVisit(ticket, board, act) {
  if (!journey.visitSteps(ticket).length) return null;
  const back = journey.returning(ticket);
  return h("section.visit#visit",
    back ? h("div.returning-line#returning-line", { role: "status" },
      t("visit.returning"), back.reason ? `: ${back.reason}` : "") : null,
    h("div.visit-title", t("visit.title")),
    viewSteps(ticket, board, act));
}

/**
 * Where a day list's patient is now and what comes next, a button that opens the visit (a
 * visit of one queue: nothing). @param {any} ticket @param {any} board @param {number} counter
 * @param {(label: string) => void} open
 */
export function visitLine(ticket, board, counter, open) {
  if (!ticket || !journey.visitSteps(ticket).length) return null;
  const coming = journey.visitSteps(ticket).filter((s) => !journey.ended(s) && s.status !== "active" && s.id !== ticket.step);
  return h("button.visit-line", { type: "button", dataset: { action: "visit", where: journey.whereNow(ticket, counter).kind }, on: { click: () => open(ticket.label) } },
    whereText(journey.whereNow(ticket, counter), board),
    coming.length ? ` · ${t("visit.then", { steps: coming.map((s) => (s.returning ? `↩ ${stepPlace(board, s)}` : stepPlace(board, s))).join(", ") })}` : "");
}

/**
 * The patients of this counter who are somewhere else now (the inside of a list section).
 * @param {import("./journey.js").Elsewhere[]} rows @param {any} board @param {(label: string) => void} open the visit's dialog
 */
export function viewElsewhere(rows, board, open) {
  return h("section.list",
    h("h3", t("list.elsewhere", { n: rows.length })),
    h("ul.rows#elsewhere-list", rows.map((r) => h("li.row-item", { dataset: { label: r.label, kind: r.kind } },
      h("strong.lbl", r.label),
      h("span", t(`elsewhere.${r.kind}`), " · ", whereText(r.where, board), r.reason ? ` · ${r.reason}` : "",
        r.waits?.length ? ` · ${t("step.after", { steps: r.waits.map((x) => stepPlace(board, x)).join(", ") })}` : ""),
      h("button.small-btn", { type: "button", dataset: { action: "visit" }, on: { click: () => open(r.label) } }, t("act.visit"))))));
}

/**
 * The "send to…" dialog's fields: a box per service (a room to choose when several serve it),
 * with its rank once ticked; at the same time (the default) or one after another in the order
 * ticked, that order shown; then "come back here" with a reason (the usual ones offered; kept
 * in Vietnamese, as typed, with their English beside them for English-speaking staff).
 * @param {any} config @param {string|null} current the service the patient is served for here
 * @param {(input: HTMLInputElement) => void} changed a box ticked or the way chosen (journey-effects.js)
 */
export function sendOnFields(config, current, changed) {
  const targets = journey.sendTargets(config, current);
  const on = { change: (/** @type {Event} */ e) => changed(/** @type {HTMLInputElement} */ (e.target)) };
  return [
    h("fieldset.send-way", { on }, h("legend", t("send.way")),
      h("label", h("input", { type: "radio", name: "in_order", value: "no", id: "send-together", checked: true }), ` ${t("send.together")}`),
      h("label", h("input", { type: "radio", name: "in_order", value: "yes", id: "send-in-order" }), ` ${t("send.in_order")}`)),
    h("input", { type: "hidden", name: "order", id: "send-order-codes", value: "" }),
    h("fieldset.send-steps", { on }, h("legend", t("send.steps", { n: journey.MAX_SEND })), targets.map((s) => h("div.send-step",
      h("label", h("input", { type: "checkbox", name: "step", value: s.code, id: `send-${s.code}` }), ` ${s.code} — ${pick(s.name, s.name_en)}`,
        h("span.send-rank", { dataset: { rankOf: s.code } })),
      s.rooms.length ? h("select", { name: `room-${s.code}`, "aria-label": t("send.room"), id: `send-room-${s.code}` },
        h("option", { value: "" }, t("send.any_room")),
        s.rooms.map((c) => h("option", { value: String(c.number) }, pick(c.name, c.name_en)))) : null))),
    h("p.send-order#send-order", { role: "status" }),
    h("label.send-back", h("input", { type: "checkbox", name: "come_back", id: "send-back" }), ` ${t("send.come_back")}`),
    h("label", { for: "send-reason" }, t("send.reason")),
    h("input", { name: "reason", id: "send-reason", list: "send-reasons", maxlength: journey.MAX_REASON, autocomplete: "off" }),
    h("datalist", { id: "send-reasons" }, journey.BACK_REASONS.map(([vi, en]) => h("option", { value: vi }, pick(vi, en)))),
  ];
}

/**
 * The order the steps go in, in words ("Thứ tự: 1. Thu ngân → 2. Nhà thuốc"); empty when they
 * go at the same time or fewer than two are ticked. @param {any} config @param {string[]} order @param {boolean} inOrder
 */
export function sendOrderText(config, order, inOrder) {
  if (!inOrder || order.length < 2) return "";
  const name = (code) => { const s = (config?.services || []).find((x) => x.code === code); return s ? pick(s.name, s.name_en) : code; };
  return t("send.order", { steps: order.map((c, i) => `${i + 1}. ${name(c)}`).join(" → ") });
}

/** The cancel-a-step dialog's field: why (optional). */
export const cancelFields = () => [
  h("label", { for: "step-reason" }, t("step.cancel_reason")),
  h("input", { name: "reason", id: "step-reason", maxlength: journey.MAX_REASON, autocomplete: "off" }),
];

// The counter page's effects for a visit of several steps (issue 20): the "send to…" dialog and
// its send_on command, a step's result marked in or a step cancelled after a confirmation, and a
// visit shown in the dialog (from the lists). The decisions are journey.js's, the drawing
// journey-views.js's; controller.js wires this with its dialog, its senders and its toast.
import { fill, h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import * as journey from "./journey.js";
import * as jviews from "./journey-views.js";

/**
 * @param {{
 *   board: import("../shared/board.js").Board,
 *   dialog: () => HTMLDialogElement,
 *   ask: (title: string, fields: any[]) => Promise<FormData|null>,
 *   send: (command: Record<string, any>, okText: ((result: any) => string)|null) => Promise<any>,
 *   sendAbout: (command: Record<string, any>, okText: ((result: any) => string)|null) => Promise<any>,
 *   counter: () => number,
 *   toast: (text: string, bad: boolean) => void,
 * }} deps  send: a command about this counter; sendAbout: about a ticket only
 */
export function createJourney({ board, dialog, ask, send, sendAbout, counter, toast }) {
  /** "Send to…" the counter's current patient: the steps chosen, and back here when asked. */
  async function sendOn() {
    const c = board.counters.get(counter());
    if (!c?.current) return;
    const label = c.current; // the board's counter changes before the answer comes
    /** @type {string[]} */
    let order = []; // the services in the order they were ticked
    /** A box ticked or the way chosen: the ranks and the order shown, the order kept in the form. @param {HTMLInputElement} input */
    const changed = (input) => {
      if (input.name === "step") order = journey.tickOrder(order, input.value, input.checked);
      const dlg = dialog();
      const inOrder = Boolean(dlg.querySelector("#send-in-order:checked"));
      const codes = dlg.querySelector("#send-order-codes");
      if (codes instanceof HTMLInputElement) codes.value = order.join(",");
      for (const el of dlg.querySelectorAll("[data-rank-of]")) {
        const i = order.indexOf(/** @type {HTMLElement} */ (el).dataset.rankOf || "");
        el.textContent = inOrder && i >= 0 ? ` (${i + 1})` : "";
      }
      const shown = dlg.querySelector("#send-order");
      if (shown) shown.textContent = jviews.sendOrderText(board.config, order, inOrder);
    };
    const data = await ask(t("send.title", { label }), jviews.sendOnFields(board.config, c.current_service, changed));
    if (!data) return;
    const choice = journey.readSendForm(data);
    const made = journey.sendOnCommand(choice);
    if ("error" in made) { toast(t(made.error, { n: journey.MAX_SEND }), true); return; }
    const places = choice.steps.map((s) => jviews.stepPlace(board, { service: s.service, counter: s.counter || null, ...NO_STEP }));
    const to = places.join(made.command.in_order ? " → " : ", ");
    await send({ ...made.command, label }, () => t(choice.come_back ? "done.sent_back" : "done.sent", { label, to }));
  }

  /** Mark a step's result in, or cancel it (with why), once staff confirm. @type {import("./journey-views.js").StepAct} */
  async function stepAct(label, step, action) {
    const dlg = dialog();
    if (dlg.open) dlg.close();
    const place = jviews.stepPlace(board, step);
    if (action === "complete") {
      if (!(await ask(t("step.confirm_complete", { label, place }), []))) return;
      await sendAbout(journey.stepCommand(label, step, "complete"), () => t("done.step_complete", { label, place }));
      return;
    }
    const data = await ask(t("step.confirm_cancel", { label, place }), jviews.cancelFields());
    if (!data) return;
    await sendAbout(journey.stepCommand(label, step, "cancel", String(data.get("reason") || "")), () => t("done.step_cancel", { label, place }));
  }

  /** A patient's whole visit in the dialog: where they are now and each step, with its buttons. @param {string} label */
  function showVisit(label) {
    const ticket = board.ticketByLabel(label);
    if (!ticket) return;
    const dlg = dialog();
    fill(dlg, h("div.visit-dialog#visit-dialog",
      h("h2", t("visit.of", { label })),
      h("p.visit-where", jviews.whereText(journey.whereNow(ticket, counter()), board)),
      jviews.viewSteps(ticket, board, stepAct),
      h("div.dialog-actions", h("button.primary", { type: "button", on: { click: () => dlg.close() } }, t("dlg.close")))));
    if (!dlg.open) dlg.showModal();
  }

  return { sendOn, stepAct, showVisit };
}

/** The fields of a step a place's words do not use. */
const NO_STEP = { id: 0, status: "", after: [], returning: false, reason: "", order: "", ready_at: null, served_by: null };

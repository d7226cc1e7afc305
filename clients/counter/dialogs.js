// The counter page's modal dialogs (effects on the one <dialog> element): a form that resolves
// with its data, the rating screen turned to the patient, and the questions of the pause, the
// transfer and "call a number" with the commands they send. views.js draws them.
import { fill } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import * as flow from "./flow.js";
import * as views from "./views.js";

/** @param {() => HTMLDialogElement} dialog */
export function createDialogs(dialog) {
  /** Show a form in the dialog; resolves with its FormData, or null if cancelled.
   * @param {string} title @param {any[]} fields @returns {Promise<FormData|null>} */
  function ask(title, fields) {
    const dlg = dialog();
    return new Promise((resolve) => {
      fill(dlg, views.dialogForm(title, fields, {
        cancel: () => { dlg.close(); resolve(null); },
        submit: (data) => { dlg.close(); resolve(data); },
      }));
      dlg.showModal();
      const first = dlg.querySelector("input, select");
      if (first instanceof HTMLElement) first.focus();
    });
  }

  /** The rating of ``label`` taken on this screen; ``send`` answers whether it was accepted.
   * @param {string} label @param {string} counterName
   * @param {(score: number, reasons: string[]) => Promise<unknown>} send */
  function rate(label, counterName, send) {
    const dlg = dialog();
    const rating = { label, score: 0, reasons: new Set(), counterName };
    const draw = () => fill(dlg, views.viewRateHere(rating, {
      score: (n) => { rating.score = n; draw(); },
      reason: (r) => { if (rating.reasons.has(r)) rating.reasons.delete(r); else rating.reasons.add(r); draw(); },
      cancel: () => dlg.close(),
      send: async () => {
        if (await send(rating.score, [...rating.reasons])) dlg.close();
      },
    }));
    draw();
    dlg.showModal();
  }

  return { ask, rate };
}

/**
 * The main view's buttons that ask first: pause (why), transfer (where), call a number (which).
 * @param {{
 *   ask: (title: string, fields: any[]) => Promise<FormData|null>,
 *   board: import("../shared/board.js").Board,
 *   counter: () => any,
 *   send: (command: Record<string, any>, okText?: ((result: any) => string)|null) => Promise<any>,
 *   called: (result: any) => string,
 * }} deps  counter: this counter as the board knows it; send: a command about this counter
 */
export function createAsks({ ask, board, counter, send, called }) {
  async function pause() {
    const data = await ask(t("pause.title"), views.pauseFields());
    if (data) send({ type: "pause_counter", reason: String(data.get("reason") || "").trim() });
  }

  async function transfer() {
    const c = counter();
    if (!c?.current) return;
    const label = c.current; // the board's counter changes before the answer comes
    const data = await ask(t("transfer.title", { label }), views.transferFields(c, board.config));
    if (!data) return;
    const command = flow.transferCommand({ service: String(data.get("service")), to_counter: String(data.get("to_counter") || ""), position: String(data.get("position")) });
    const to = views.destination(board, command.to_service, command.to_counter);
    send(command, () => t("done.transferred", { label, to }));
  }

  async function number(prefill = "") {
    const data = await ask(t("number.title"), views.numberFields(prefill));
    const label = flow.typedLabel(data?.get("label"));
    if (label) send({ type: "call_number", label }, called);
  }

  return { pause, transfer, number };
}

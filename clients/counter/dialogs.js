// The counter page's modal dialogs (effects on the one <dialog> element): a form that resolves
// with its data, and the rating screen turned to the patient. The controller decides what to ask
// and what to send; views.js draws them.
import { fill } from "../shared/dom.js";
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

// The phone's view of a visit of several steps (issue 20): where to go now (the room or counter,
// where it is, people ahead and the wait in each queue the patient waits in), and the whole
// visit as a list: done steps ticked, the step the patient is at, a test whose results are
// awaited ("Chờ kết quả…"), what comes after (a return to the room, the pharmacy after the
// cashier: "Sau khi xong …"). Model in, elements out.
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { waitLine } from "./flow.js";
import { counterName, serviceName, locationOf } from "./names.js";
import { stepState, stepsOf, goNow, awaitingResults, stepCounters, waitsFor } from "./visit.js";

/** @typedef {import("./visit.js").Step} Step */

/** A step's place: its room or counter when there is one, else its service. @param {any} config @param {Step} step */
export function placeName(config, step) {
  const counters = stepCounters(step);
  return counters.length === 1 ? counterName(config, counters[0]) : serviceName(config, step.service);
}

/** @typedef {(ms: number) => string} Clock the local "HH:MM" of an epoch in ms */

/** The line under a step in a queue: people ahead and the expected call (flow.waitLine, none
 * before `now`, epoch ms). @param {Step} step @param {Clock} clock @param {number} [now] */
function queueLine(step, clock, now) {
  const [key, params] = waitLine(step, clock, now);
  const ahead = step.ahead === 0 ? t("step.queue.none") : t("step.queue", { n: step.ahead ?? "" });
  return `${ahead} · ${t(key, params)}`;
}

/** Where to go now while the visit waits (one card per queue it waits in), or the wait for
 * results; null when the ticket is not waiting. @param {any} ticket @param {any} config @param {Clock} clock @param {number} [now] */
export function whereNow(ticket, config, clock, now) {
  if (ticket.status !== "waiting") return null;
  if (awaitingResults(ticket)) {
    return h("div.status.where", { dataset: { status: "results" } }, h("div.big", t("step.results")), h("div", t("results.wait")));
  }
  const places = goNow(ticket);
  return h("div.status.where", { dataset: { status: "waiting" } },
    h("div", t(places.length > 1 ? "go.several" : "go.wait", { n: places.length })),
    ...places.map((step) => h("div.place", { dataset: { step: String(step.id) } },
      h("div.place-name", placeName(config, step)),
      step.returning ? h("div.returning", t("returning")) : null,
      h("div.location", locationOf(config, stepCounters(step))),
      h("div.ahead", queueLine(step, clock, now)))));
}

/** The line that says where a step stands. @param {any} ticket @param {Step} step @param {any} config @param {Clock} clock @param {number} [now] */
function stateLine(ticket, step, config, clock, now) {
  const state = stepState(ticket, step);
  if (state === "queue" && ticket.status === "waiting") return queueLine(step, clock, now);
  if (state === "later" && (step.returning || step.after.length)) { // a return, or a step sent on in order
    const tests = waitsFor(stepsOf(ticket), step).map((s) => placeName(config, s)).join(", ");
    return tests ? t("step.return.after", { tests }) : t("step.return");
  }
  return t(`step.${state}`);
}

const MARKS = { done: "✓", cancelled: "✕", here: "➜", queue: "●", held: "●", results: "⏳", later: "○" };

/** The whole visit, in the order its steps were added. @param {any} ticket @param {any} config @param {Clock} clock @param {number} [now] */
export function visitList(ticket, config, clock, now) {
  const steps = stepsOf(ticket);
  if (!steps.length) return null;
  return h("section.visit",
    h("h2", t("visit")),
    h("ol.steps", ...steps.map((step) => {
      const state = stepState(ticket, step);
      return h("li.step", { dataset: { step: String(step.id), state } },
        h("span.mark", { "aria-hidden": "true" }, MARKS[state]),
        h("div.body",
          h("div.place-name", placeName(config, step), step.returning ? h("span.returning", ` · ${t("returning")}`) : null),
          state === "done" || state === "cancelled" ? null : h("div.location", locationOf(config, stepCounters(step))),
          h("div.state", stateLine(ticket, step, config, clock, now))));
    })));
}

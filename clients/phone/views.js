// The phone page's views: the model in, elements out (no socket, no timers, no sound). The
// controller puts them in the page and binds the sound button. A visit of several steps adds
// where to go now and the whole visit (visit-view.js).
import { h } from "../shared/dom.js";
import { t, lang, errorText } from "../shared/i18n.js";
import { hhmm } from "../shared/hours.js";
import { screen, notice, waitLine, linkLine, offersSound } from "./flow.js";
import { counterName, calledTo, serviceName, locationOf } from "./names.js";
import { stepsOf } from "./visit.js";
import { whereNow, visitList } from "./visit-view.js";

/** @typedef {import("./flow.js").Model} Model @typedef {import("./flow.js").Ticket} Ticket */

/** The "HH:MM" of an epoch in ms on the unit's clock (its time zone, as its kiosks, TVs and
 * printed tickets say it, whatever the phone's own zone), or the phone's until the configuration
 * is known. @param {any} config @returns {(at: number) => string} */
export function clockOf(config) {
  if (config?.unit?.timezone) return (at) => hhmm(at / 1000, config);
  return (at) => new Date(at).toLocaleTimeString(lang() === "vi" ? "vi-VN" : "en-GB", { hour: "2-digit", minute: "2-digit" });
}

/** The status block of a ticket. @param {Ticket} tk @param {any} config @param {(at: number) => string} clock @param {number} now epoch ms */
function status(tk, config, clock, now) {
  const s = tk.status;
  if (s === "waiting" && stepsOf(tk).length) return whereNow(tk, config, clock, now);
  if (s === "waiting") {
    const [key, params] = waitLine(tk, clock, now);
    return h("div.status", { dataset: { status: s } },
      h("div", t("ahead")), h("div.big", String(tk.ahead ?? "")),
      h("div.wait", t(key, params)),
      h("div.muted", t("counters", { names: tk.counters.map((n) => counterName(config, n)).join(", ") })));
  }
  if (s === "called" && tk.counter !== null) {
    const name = counterName(config, tk.counter);
    const number = calledTo(config, tk.counter);
    return h("div.status", { dataset: { status: s } },
      h("div.lead", t("called.lead")),
      h("div.counter", number),
      name !== number ? h("div.counter-name", name) : null,
      h("div.location", locationOf(config, [tk.counter])),
      stepsOf(tk).find((x) => x.id === tk.step)?.returning ? h("div.returning", t("returning")) : null,
      tk.recalls ? h("div.again", t("called.again", { n: tk.recalls })) : null);
  }
  if (s === "serving" && tk.counter !== null) {
    return h("div.status", { dataset: { status: s } }, t("serving", { name: counterName(config, tk.counter) }),
      h("div.location", locationOf(config, [tk.counter])));
  }
  return h("div.status", { dataset: { status: s } }, t(s));
}

/** What goes in the page's main element, at `now` (epoch ms: no expected call is shown before
 * it). @param {Model} model @param {any} config @param {number} [now] */
export function page(model, config, now = Date.now()) {
  const which = screen(model);
  if (which === "loading") return [h("p", t("connecting"))];
  if (which === "unknown") return [h("div.label", model.label), h("p.status", t("unknown"))];
  if (which === "refused") return [h("div.label", model.label), h("p.status", errorText(model.refusal))];
  const tk = /** @type {Ticket} */ (model.ticket);
  const note = notice(model);
  const line = linkLine(model);
  const clock = clockOf(config);
  return [
    h("div", t("title")),
    h("div.label", tk.label),
    h("div.service", serviceName(config, tk.service)),
    note ? h("p.notice", t(note, { service: serviceName(config, tk.service) })) : null,
    status(tk, config, clock, now),
    visitList(tk, config, clock, now),
    h("p.muted#link", { dataset: { link: model.link } }, t(line, { time: clock(model.updated) })),
  ];
}

/** The button that unlocks the chime (a browser plays sound only after a tap), in both
 * languages at once: the patient may not have found the language switch; nothing once the
 * ticket can no longer be called (flow.offersSound). @param {Model} model */
export function sound(model) {
  if (!offersSound(model)) return null;
  if (model.audio === "on") return h("p.sound.on", t("sound.on"));
  if (model.audio === "chime") return h("p.sound.on", t("sound.chime"));
  if (model.audio === "none") return h("p.sound", t("sound.none"));
  const other = lang() === "vi" ? "en" : "vi";
  return h("button.sound#unlock", { type: "button" },
    h("strong", `🔔 ${t("sound.button")} / ${t("sound.button", undefined, other)}`),
    h("span", t("sound.unlock")), h("span.other", t("sound.unlock", undefined, other)));
}

/**
 * What a screen reader says when it changes (the page's live region): the call, a recall, how
 * the visit stands or ended; "" while the ticket waits. The page itself is drawn again at every
 * place that moves, so it is no live region: it would be read out whole each time.
 * @param {Model} model @param {any} [config]
 */
export function spoken(model, config = null) {
  const tk = model.ticket;
  if (!tk || tk.status === "waiting") return "";
  if (tk.status === "called" && tk.counter !== null) {
    const where = [calledTo(config, tk.counter), locationOf(config, [tk.counter])].filter(Boolean).join(", ");
    return [`${t("called.lead")} ${where}.`, tk.recalls ? `${t("called.again", { n: tk.recalls })}.` : ""].join(" ").trim();
  }
  if (tk.status === "serving" && tk.counter !== null) return t("serving", { name: counterName(config, tk.counter) });
  return t(tk.status);
}

/** The tab's title: the call when called, so that it shows in the tab list. @param {Model} model @param {any} [config] */
export function title(model, config = null) {
  const tk = model.ticket;
  if (tk && tk.status === "called" && tk.counter !== null) return `🔔 ${t("page.called", { counter: calledTo(config, tk.counter) })}`;
  return `${tk ? tk.label : model.label} · ${t("title")}`;
}

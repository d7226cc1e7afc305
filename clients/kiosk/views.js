// The kiosk's screens: functions from the state (and a context: the board, what the bridge
// sees, the camera's video, the actions the buttons call) to elements built with ../shared/dom.js.
// They change nothing themselves; the buttons call the context's actions (controller.js).
import { h, textOn } from "../shared/dom.js";
import { t, lang, pick, errorText } from "../shared/i18n.js";
import { hhmm } from "../shared/hours.js";
import { closedDetails } from "../shared/closed.js";
import { PRIORITY_GROUPS, methodsOffered } from "./identity.js";
import { PASSPORT_FIELDS } from "./passport.js";
import { qrEncode, qrPath } from "../shared/qr.js";
import * as flow from "./flow.js";

/**
 * @typedef {{send: (action: flow.Action) => flow.KioskState, saveToken: (token: string) => void}} Actions
 *   send: give the flow an action (controller.js); it answers with the next state
 *   faceOffered (below): whether "take" goes to the face check, asked when the patient taps
 * @typedef {{board: any, act: Actions, hasCard: boolean, hasReader: boolean, faceOffered: () => boolean, faceVideo: HTMLVideoElement|null, origin: string, now: number}} Ctx
 *   origin: the server's address, for the phone link of a ticket
 */

/** A message in the current language: a kiosk text, or the server's or bridge's words. @param {flow.Said|null} said */
export function say(said) {
  if (!said) return "";
  return "key" in said ? t(said.key, said.params) : errorText(said);
}

/** What the camera screen says. @param {flow.KioskState} state */
export const faceHintText = (state) => (state.faceFailed ? t("face.failed") : say(state.faceHint) || t("face.look"));

/** The screens without their own function. */
export const viewLoading = () => h("p.center.muted", t("loading"));
export const viewBusy = () => h("div.center", h("div.spinner", { "aria-hidden": "true" }), h("p.big", t("busy")));
export const viewReading = (/** @type {any} */ state) => h("div.center", h("div.spinner", { "aria-hidden": "true" }), h("p.big", t(state.method === "passport" ? "pp.reading" : "chip.reading")));
export const viewChecking = () => h("div.center", h("div.spinner", { "aria-hidden": "true" }), h("p.big", t("id.checking")));

/** @param {any} state @param {Ctx} ctx */
export function viewSetup(state, ctx) {
  const input = h("input.token-input", { type: "text", autocomplete: "off", "aria-label": "token" });
  return h("section.setup",
    h("h1", t("setup.title")),
    h("p", t("setup.body")),
    input,
    h("button.primary", { type: "button", on: { click: () => {
      const v = /** @type {HTMLInputElement} */ (input).value.trim();
      if (!v) return;
      ctx.act.saveToken(v);
    } } }, t("setup.save")));
}

/** @param {any} state @param {Ctx} ctx */
export function viewHome(state, ctx) {
  const { board, act } = ctx;
  const groups = flow.servicesByDepartment(board.config);
  const count = groups.reduce((n, g) => n + g.services.length, 0);
  const density = flow.density(count);
  return h("section.home", { dataset: { density } },
    h("h1.home-title", t("home.title")),
    h("p.home-hint", t("home.hint")),
    h("div.departments", groups.map(({ dept, services }) =>
      h("section.department",
        h("h2", pick(dept.name, dept.name_en)),
        h("div.services", services.map((s) =>
          h(`button.service.size-${s.size}`, {
            type: "button",
            style: { "--c": s.colour, "--fg": textOn(s.colour) },
            dataset: { service: s.code },
            on: { click: () => act.send({ type: "service_chosen", service: s.code }) },
          },
          h("span.service-code", s.code),
          h("span.service-name", pick(s.name, s.name_en)),
          lang() === "vi" && s.name_en ? h("span.service-name-en", s.name_en) : null,
          density === "dense"
            ? h("span.service-waiting", { title: t("home.waiting", { n: board.waiting[s.code] ?? 0 }) }, String(board.waiting[s.code] ?? 0))
            : h("span.service-waiting", t("home.waiting", { n: board.waiting[s.code] ?? 0 })))))))));
}

/** The chosen service, as a coloured title. @param {any} state @param {any} board */
export function serviceTitle(state, board) {
  const s = board.service(state.service);
  return s ? h("div.chosen", { style: { "--c": s.colour, "--fg": textOn(s.colour) } }, h("span.service-code", s.code), pick(s.name, s.name_en)) : null;
}

/** @param {any} state @param {Ctx} ctx */
export function viewIdentify(state, ctx) {
  const { board, act } = ctx;
  const input = /** @type {HTMLInputElement} */ (h("input.id-input", {
    id: "id-input", type: "text", inputmode: "none", autocomplete: "off", spellcheck: "false",
    maxlength: 200, value: state.value, autofocus: true,
    placeholder: t(`id.placeholder.${state.method}`), "aria-describedby": "id-error",
    "aria-invalid": state.error ? "true" : "false",
    on: {
      input: (e) => updateCount(act.send({ type: "typed", value: /** @type {HTMLInputElement} */ (e.target).value })),
      keydown: (e) => { if (e.key === "Enter") { e.preventDefault(); submit(); } },
    },
  }));
  const submit = () => act.send({ type: "identity_submitted", hasCard: ctx.hasCard });
  const count = h("div.id-count", { id: "id-count" });
  const error = h("div.field-error", { id: "id-error", role: "alert" }, say(state.error));
  /** The count and the error, drawn again as the patient types. @param {flow.KioskState} now */
  function updateCount(now) {
    count.textContent = now.method === "vneid" ? "" : t("id.count", { n: flow.typedLength(now.value), max: flow.MAX[now.method] });
    error.textContent = say(now.error);
  }
  updateCount(state);
  const passport = state.method === "passport" ? passportInputs(state, act, submit, error) : null;
  const press = (k) => {
    const now = act.send({ type: "key", key: k });
    if (passport) return passport.show(now);
    input.value = now.value;
    updateCount(now);
    input.focus();
  };
  const keys = flow.keypadKeys(state.method);
  const methods = methodsOffered(ctx.hasReader).map((m) => h("button.tab", {
    type: "button", role: "tab", "aria-selected": String(state.method === m), dataset: { method: m },
    on: { click: () => act.send({ type: "method_chosen", method: /** @type {flow.Method} */ (m) }) },
  }, t(`id.method.${m}`)));
  return h("section.identify",
    serviceTitle(state, board),
    h("h1", t("id.title")),
    h("div.tabs", { role: "tablist" }, methods),
    ...(passport ? [passport.element, error] : [h("label.sr-only", { for: "id-input" }, t(`id.method.${state.method}`)), input, count, error]),
    keys.length ? h(`div.keypad.keypad-${state.method}`, keys.map((k) => h("button.key", {
      type: "button", dataset: { key: k }, class: k.length > 1 ? "key-wide" : "",
      on: { click: () => press(k) },
    }, k === "back" ? t("key.back") : k === "clear" ? t("key.clear") : k))) : null,
    state.method === "vneid"
      ? h("p.card-hint#vneid-hint", { role: "status" }, t("idv.vneid_empty"))
      : state.method === "passport"
      ? h("p.card-hint#card-hint", { role: "status" }, t("pp.hint"))
      : ctx.hasCard && state.method === "id"
      ? h("p.card-hint#card-hint", { role: "status" }, t("chip.seen"))
      : h("p.muted.small", t("id.qr_hint")),
    h("p.muted.small", t("id.privacy")),
    h("div.actions",
      h("button.secondary", { type: "button", on: { click: () => act.send({ type: "done" }) } }, t("btn.back")),
      h("button.link", { type: "button", dataset: { action: "no-id" }, on: { click: () => act.send({ type: "no_document" }) } }, t("id.none")),
      h("button.primary", { type: "button", dataset: { action: "next" }, on: { click: submit } }, t("btn.next"))));
}

/**
 * The passport's three fields (number, date of birth, expiry date); the keypad types into the
 * one in focus. show() puts a new state's values and error on the page without drawing again.
 * @param {any} state @param {Actions} act @param {() => void} submit @param {HTMLElement} error
 */
function passportInputs(state, act, submit, error) {
  const inputs = PASSPORT_FIELDS.map((f) => /** @type {HTMLInputElement} */ (h("input.id-input.pp-input", {
    id: `pp-${f}`, type: "text", inputmode: "none", autocomplete: "off", spellcheck: "false", maxlength: 40,
    value: state.passport[f], autofocus: state.passport.field === f, placeholder: t(`pp.placeholder.${f}`),
    "aria-describedby": "id-error", dataset: { field: f },
    on: {
      focus: () => act.send({ type: "passport_field", field: f }),
      input: (e) => show(act.send({ type: "passport_typed", field: f, value: /** @type {HTMLInputElement} */ (e.target).value })),
      keydown: (e) => { if (e.key === "Enter") { e.preventDefault(); submit(); } },
    },
  })));
  /** @param {flow.KioskState} now */
  function show(now) {
    inputs.forEach((input, i) => { input.value = now.passport[PASSPORT_FIELDS[i]]; });
    error.textContent = say(now.error);
    inputs[PASSPORT_FIELDS.indexOf(now.passport.field)].focus();
  }
  const element = h("div.pp-fields", PASSPORT_FIELDS.map((f, i) => h("label.pp-field", { for: `pp-${f}` }, h("span", t(`pp.${f}`)), inputs[i])));
  return { element, show };
}

/** @param {any} state @param {Ctx} ctx */
export function viewPriority(state, ctx) {
  const { board, act } = ctx;
  return h("section.priority",
    state.error ? h("div.banner-error", { role: "alert" }, say(state.error)) : null,
    serviceTitle(state, board),
    state.chip ? h("p.who", { id: "who" }, t("prio.who", { name: state.chip.name }), h("span.chip-ok", { id: "chip-ok" }, ` ✓ ${t(state.chip.source === "passport" ? "pp.ok" : "chip.ok")}`)) : null,
    !state.chip && state.qr ? h("p.who", { id: "who" }, t("prio.who", { name: state.qr.name })) : null,
    h("h1", t("prio.title")),
    h("p.muted", t("prio.hint")),
    h("div.groups", PRIORITY_GROUPS.map((g) => h("button.group", {
      type: "button", "aria-pressed": String(state.declared.has(g.code)), dataset: { group: g.code },
      on: { click: () => act.send({ type: "group_toggled", group: g.code }) },
    }, h("span.group-check", { "aria-hidden": "true" }), pick(g.vi, g.en)))),
    h("div.actions",
      h("button.secondary", { type: "button", on: { click: () => act.send({ type: "back" }) } }, t("btn.back")),
      h("button.primary", { type: "button", dataset: { action: "take" }, on: { click: () => act.send({ type: "take", faceOffered: ctx.faceOffered() }) } },
        t(state.declared.size ? "prio.take" : "prio.none"))));
}

/** @param {any} state @param {Ctx} ctx */
export function viewConsent(state, ctx) {
  const { board, act } = ctx;
  return h("section.consent",
    serviceTitle(state, board),
    h("h1", t("face.title")),
    h("p.big", t("face.why")),
    h("p", t("face.what")),
    h("p.muted", t("face.choice")),
    h("div.actions",
      h("button.secondary", { type: "button", dataset: { action: "face-no" }, on: { click: () => act.send({ type: "face_declined" }) } }, t("face.no")),
      h("button.primary", { type: "button", dataset: { action: "face-yes" }, on: { click: () => act.send({ type: "consent_given" }) } }, t("face.yes"))));
}

/** @param {any} state @param {Ctx} ctx */
export function viewCamera(state, ctx) {
  const { board, act } = ctx;
  return h("section.camera",
    h("h1", t("face.title")),
    ctx.faceVideo ? h("div.camera-frame", ctx.faceVideo) : h("div.center", h("div.spinner", { "aria-hidden": "true" })),
    h("p.big#face-hint", { role: "status" }, faceHintText(state)),
    h("div.actions",
      h("button.secondary", { type: "button", dataset: { action: "face-skip" }, on: { click: () => act.send({ type: "face_declined" }) } }, t("face.skip"))));
}

/** The visit's step to come in the chosen service, when the person's number already has one
 * (issue 20: no second number in the same queue).
 * @param {Pick<flow.KioskState, "service"|"duplicate"|"held">} state */
export const visitStep = (state) => state.held?.find((x) => x.service === state.service && x.step && x.label === state.duplicate) || null;

/** Where a counter is, in one language: its name, and its location when it has one.
 * @param {any} board @param {number} n @param {"vi"|"en"} which */
function placeOf(board, n, which) {
  const c = board.counterConfig(n);
  if (!c) return t("counter", { n }, which);
  const name = which === "en" ? c.name_en || c.name : c.name;
  const where = which === "en" ? c.location_en || c.location : c.location;
  return [name, where].filter(Boolean).join(" · ");
}

/**
 * What the duplicate screen says, in one language: the number held for this service; for a
 * visit's step to come, that no new number is needed and where to wait (or that the number is
 * called back once the results are in); for a face, that it holds a number already.
 * @param {Pick<flow.KioskState, "service"|"duplicate"|"duplicateFace"|"held">} state @param {any} board
 * @param {"vi"|"en"} which
 */
export function duplicateText(state, board, which) {
  const s = board.service(state.service);
  const service = s ? (which === "en" ? s.name_en || s.name : s.name) : state.service;
  const label = state.duplicate || "—";
  const step = visitStep(state);
  if (step && !state.duplicateFace) {
    const place = (step.counters || []).map((n) => placeOf(board, n, which)).join(", ");
    return t(step.step === "pending" ? "dup.visit_back" : "dup.visit", { label, service, place }, which);
  }
  return t(state.duplicateFace ? "dup.face" : "dup.held", { label, service }, which);
}

/** The counters' names for a ticket. @param {any} board @param {number[]} numbers */
export function counterNames(board, numbers) {
  return numbers.map((n) => {
    const c = board.counterConfig(n);
    return c ? pick(c.name, c.name_en) : t("counter", { n });
  }).join(", ");
}

/** The phone link of a ticket as a QR code (made here: no network; inline SVG, which the
 * pages' content policy allows), with its line in both languages; nothing if the link is too
 * long for a QR code. @param {string} url */
export function phoneQr(url) {
  let picture;
  try { picture = qrPath(qrEncode(url)); } catch { return null; }
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  const attrs = { id: "ticket-qr", viewBox: `0 0 ${picture.size} ${picture.size}`, "shape-rendering": "crispEdges", role: "img", "aria-label": t("ticket.qr"), "data-url": url };
  for (const [k, v] of Object.entries(attrs)) svg.setAttribute(k, v);
  const back = document.createElementNS(ns, "rect");
  back.setAttribute("width", String(picture.size));
  back.setAttribute("height", String(picture.size));
  back.setAttribute("fill", "#fff");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", picture.d);
  path.setAttribute("fill", "#000");
  svg.append(back, path);
  return h("figure.ticket-qr", svg,
    h("figcaption", h("span", t("ticket.qr", {}, "vi")), h("span.qr-en", { lang: "en" }, t("ticket.qr", {}, "en"))));
}

/** The health-insurance check's line for the patient, in both languages as the server wrote it
 * (server/domain/insurance.py); `pending`: the check did not answer within the kiosk's budget.
 * @param {{outcome: string, vi: string, en: string, pending: boolean}} line */
function insuranceLine(line) {
  return h("div.ticket-insurance", { id: "ticket-insurance", "data-outcome": line.outcome, "data-pending": String(line.pending) },
    h("span", line.vi), " / ", h("span", { lang: "en" }, line.en));
}

/** A booked slot as the ticket shows it: "09:00-09:30" -> "09:00–09:30"; "" for a walk-in.
 * @param {string|undefined} slot */
export const slotText = (slot) => (slot ? slot.replace("-", "–") : "");

/** The booking a ticket honours, in both languages (the patient may read either). @param {string} slot */
function booked(slot) {
  const params = { slot: slotText(slot) };
  return h("div.ticket-booked", { id: "ticket-booked" },
    h("span", t("ticket.booked", params, "vi")), " / ", h("span", { lang: "en" }, t("ticket.booked", params, "en")));
}

/** Called by the booked time, not by the queue now, in both languages. @param {string} slot */
function bySlot(slot) {
  const params = { slot: slotText(slot) };
  return h("div.ticket-by-slot", { id: "ticket-by-slot" },
    h("span", t("ticket.by_slot", params, "vi")), " / ", h("span", { lang: "en" }, t("ticket.by_slot", params, "en")));
}

/** @param {any} state @param {Ctx} ctx */
export function viewTicket(state, ctx) {
  const { board, act } = ctx;
  const r = state.result;
  const s = board.service(r.service);
  const early = flow.beforeSlot(r, hhmm(r.issued_at, board.config));
  const showWait = board.config.kiosk?.show_wait !== false && !early;
  return h("section.ticket", { style: { "--c": s?.colour || "#1565c0" } },
    h("h1", t("ticket.title")),
    h("div.ticket-number", { id: "ticket-number" }, r.ticket),
    h("div.ticket-service", s ? pick(s.name, s.name_en) : r.service),
    h("div.ticket-counters", t("ticket.counters", { names: counterNames(board, r.counters) })),
    r.slot ? booked(r.slot) : null,
    early ? bySlot(r.slot) : null,
    showWait ? h("div.ticket-ahead", t("ticket.ahead", { n: r.ahead })) : null,
    showWait ? h("div.ticket-wait", t(...flow.waitLine(r, (at) => hhmm(at, board.config), r.issued_at))) : null,
    r.priority_pending ? h("div.ticket-note", t("ticket.pending")) : null,
    r.insurance ? insuranceLine(r.insurance) : null,
    h("div.ticket-at", t("ticket.at", { time: hhmm(r.issued_at, board.config) })),
    // the link printed: with the ticket's day, but the server's printed ticket has no day yet
    phoneQr(flow.phoneUrl(ctx.origin, r.ticket, board.day)),
    state.printed === "printed" ? h("p.ticket-printed", { id: "printed" }, t("ticket.printed"))
      : state.printed === "server" ? h("p.ticket-printed", { id: "printed-by-server" }, t("ticket.server_printed"))
      : state.printed === "printing" ? h("p.muted", t("ticket.printing"))
      : state.printed === "failed" ? h("p.banner-error", { id: "print-error", role: "alert" }, say(state.printError)) : null,
    state.printed === "printed" ? null : h("p.ticket-remember", t("ticket.remember")),
    h("div.actions", h("button.primary", { type: "button", dataset: { action: "done" }, on: { click: () => act.send({ type: "done" }) } }, t("btn.done"))),
    h("p.muted.small", { id: "back-in" }));
}

/**
 * The person holds a ticket for this service already: its number, said in Vietnamese and in
 * English at once, and (when the server told what they hold) the services still allowed.
 * @param {flow.KioskState} state @param {Ctx} ctx
 */
export function viewDuplicate(state, ctx) {
  const { board, act } = ctx;
  const label = state.duplicate || "—";
  /** @param {"vi"|"en"} which */
  const body = (which) => duplicateText(state, board, which);
  const step = visitStep(state);
  const others = state.held ? flow.servicesAllowed(board.config, state.held).flatMap((g) => g.services) : [];
  if (!state.duplicate && !state.duplicateFace) { // a typed number: that it is held, nothing more (issue 17)
    return h("section.duplicate.unproven",
      h("h1", t("dup.unproven_title")),
      h("p#dup-body", t("dup.unproven", {}, lang())),
      lang() === "vi" ? h("p.dup-en", { lang: "en" }, t("dup.unproven", {}, "en")) : null,
      h("div.actions", h("button.primary", { type: "button", dataset: { action: "done" }, on: { click: () => act.send({ type: "done" }) } }, t("btn.home"))));
  }
  return h("section.duplicate",
    h("h1", t(step ? "dup.visit_title" : "dup.title")),
    h("div.ticket-number", label),
    h("p#dup-body", body(lang())),
    lang() === "vi" ? h("p.dup-en", { lang: "en" }, body("en")) : null,
    others.length ? h("p.dup-others", t("dup.others")) : null,
    others.length ? h("div.services.dup-services", others.map((o) => h(`button.service.size-${o.size}`, {
      type: "button",
      style: { "--c": o.colour, "--fg": textOn(o.colour) },
      dataset: { service: o.code },
      on: { click: () => act.send({ type: "service_chosen", service: o.code }) },
    }, h("span.service-code", o.code), h("span.service-name", pick(o.name, o.name_en))))) : null,
    h("div.actions", h("button.primary", { type: "button", dataset: { action: "done" }, on: { click: () => act.send({ type: "done" }) } }, t("btn.home"))));
}

/** @param {any} state @param {Ctx} ctx */
export function viewClosed(state, ctx) {
  return h("section.closed",
    h("h1", t("closed.title")),
    h("p", t("closed.body")),
    closedDetails(ctx.board.config, ctx.now, [lang()]),
    h("p.emergency", t("closed.emergency")));
}

// The province view's screens, drawn from the state (pure: nodes in, nothing else): the
// sign-in, the live dashboard (a line per facility and the province's sum) and the reports.
import { h } from "../shared/dom.js";
import { t, pick } from "../shared/i18n.js";

/** @param {import("./flow.js").ProvinceState} state */
export function viewLogin(state) {
  return h("form.panel.login#login",
    h("h2", t("p.sign_in")),
    h("label", t("p.site_code"), h("input#site", { name: "site", maxlength: "32", autocomplete: "off", placeholder: t("p.scope.province") })),
    h("label", t("p.username"), h("input#username", { name: "username", maxlength: "64", required: true, autocomplete: "username" })),
    h("label", t("p.password"), h("input#password", { name: "password", type: "password", maxlength: "1024", required: true, autocomplete: "current-password" })),
    state.error ? h("p.error#login-error", { role: "alert" }, state.error) : null,
    h("button#sign-in", { type: "submit" }, t("p.sign_in")));
}

const minutes = (/** @type {number} */ s) => t("p.minutes", { n: Math.floor(s / 60) });

/** A figure card. @param {string} id @param {string|number} n @param {string} what */
const figure = (id, n, what) => h("div.card-figure", { id }, h("div.n", String(n)), h("div.what", what));

/** @param {any} board /api/province/dashboard's answer @param {string} [opened] the facility shown in detail */
export function viewDashboard(board, opened = "") {
  if (!board) return h("p.muted", t("p.loading"));
  const sum = board.total;
  const at = new Date(board.now * 1000).toLocaleTimeString("vi-VN");
  return [
    h("div.cards#total",
      figure("fig-waiting", sum.waiting, t("p.waiting")),
      figure("fig-longest", minutes(sum.longest), t("p.longest")),
      figure("fig-open", sum.open, t("p.open")),
      figure("fig-paused", sum.paused, t("p.paused")),
      figure("fig-issued", sum.issued, t("p.issued")),
      figure("fig-served", sum.served, t("p.served"))),
    h("section.panel",
      h("table.figures#sites-table",
        h("thead", h("tr", ...["p.facility", "p.waiting", "p.longest", "p.open", "p.paused", "p.issued", "p.served"].map((k) => h("th", t(k))))),
        h("tbody",
          board.sites.map((/** @type {any} */ s) => s.available
            ? h(s.code === opened ? "tr.opened" : "tr", { dataset: { site: s.code }, tabindex: "0" },
              h("td", s.name, h("small.muted", ` (${s.code})`)), h("td", String(s.waiting)), h("td", minutes(s.longest)),
              h("td", String(s.open)), h("td", String(s.paused)), h("td", String(s.issued)), h("td", String(s.served)))
            : h("tr.unavailable", { dataset: { site: s.code } }, h("td", s.name), h("td", { colspan: "6" }, t("p.unavailable")))),
          h("tr.sum#sum-row", h("th", t("p.total")), ...[sum.waiting, minutes(sum.longest), sum.open, sum.paused, sum.issued, sum.served].map((v) => h("th", String(v))))))),
    h("p.muted#updated", t("p.updated", { time: at }), " · ", t("p.read_only"), " ", t("p.open_site")),
    viewSite(board.sites.find((/** @type {any} */ s) => s.code === opened && s.available)),
  ];
}

/** One facility as its admin dashboard shows it: each service's waiting, each counter. @param {any} site */
function viewSite(site) {
  if (!site) return null;
  const name = (/** @type {{vi: string, en: string}} */ n) => pick(n.vi, n.en);
  return h("section.panel#site-detail", { dataset: { site: site.code } },
    h("h2", site.name),
    h("table.figures#site-services",
      h("thead", h("tr", h("th", t("p.services")), h("th", t("p.waiting")), h("th", t("p.longest")))),
      h("tbody", site.services.map((/** @type {any} */ s) => h("tr", { dataset: { service: s.code } },
        h("td", name(s.name)), h("td", String(s.waiting)), h("td", minutes(s.longest)))))),
    h("table.figures#site-counters",
      h("thead", h("tr", ...["p.counter", "p.status", "p.current", "p.staff", "p.r.served"].map((k) => h("th", t(k))))),
      h("tbody", site.desks.map((/** @type {any} */ d) => h("tr", { dataset: { counter: String(d.number) } },
        h("td", name(d.name)),
        h(`td.status-${d.status}`, t(`p.status.${d.status}`) + (d.pause_reason ? ` (${d.pause_reason})` : "")),
        h("td", d.current || "—"), h("td", d.staff || "—"), h("td", String(d.served)))))));
}

/** @param {import("./flow.js").ProvinceState} state @param {any[]} sites the facilities the viewer sees */
export function viewReports(state, sites) {
  const ask = state.ask;
  const field = (/** @type {string} */ name, /** @type {any} */ el) => h("label", t(`p.${name}`), el);
  return [
    h("form.panel.ask#ask",
      field("facility", h("select#ask-site", { name: "site" },
        state.session && state.session.site ? null : h("option", { value: "", selected: ask.site === "" }, t("p.all_sites")),
        sites.map((s) => h("option", { value: s.code, selected: ask.site === s.code }, s.name)))),
      h("select#ask-kind", { name: "kind" },
        h("option", { value: "half", selected: ask.kind === "half" }, t("p.kind.half")),
        h("option", { value: "range", selected: ask.kind === "range" }, t("p.kind.range"))),
      ask.kind === "half"
        ? [field("year", h("input#ask-year", { name: "year", type: "number", min: "2020", max: "2100", value: String(ask.year) })),
          field("half", h("select#ask-half", { name: "half" }, [1, 2].map((n) => h("option", { value: String(n), selected: ask.half === n }, t(`p.half.${n}`)))))]
        : [field("from", h("input#ask-from", { name: "from", type: "date", value: ask.from })),
          field("to", h("input#ask-to", { name: "to", type: "date", value: ask.to }))],
      h("button#show", { type: "submit" }, t("p.show")),
      h("button.ghost#csv", { type: "button", dataset: { format: "csv" } }, t("p.csv")),
      h("button.ghost#xlsx", { type: "button", dataset: { format: "xlsx" } }, t("p.xlsx"))),
    state.reportError ? h("p.error#report-error", { role: "alert" }, state.reportError) : null,
    state.report === "loading" ? h("p.muted", t("p.loading")) : state.report ? viewReport(state.report) : null,
  ];
}

/** @param {any} report */
function viewReport(report) {
  const row = (/** @type {any} */ r, /** @type {string} */ label, id = "") => h(id ? `tr.sum#${id}` : "tr", { dataset: { key: r.key || "" } },
    h("td", label), h("td", String(r.issued)), h("td", String(r.served)),
    h("td", r.wait.mean ?? "—"), h("td", r.wait.median ?? "—"));
  const head = h("thead", h("tr", ...["p.facility", "p.r.issued", "p.r.served", "p.wait_mean", "p.wait_median"].map((k) => h("th", t(k)))));
  return [
    h("section.panel#report-sites", h("h2", `${report.unit} — ${report.from} → ${report.to}`),
      h("table.figures", head, h("tbody",
        (report.by_site || []).map((/** @type {any} */ r) => row(r, pick(r.name.vi, r.name.en))),
        row(report.total, t("p.total"), "report-total")))),
    report.half ? h("section.panel#report-six", h("h2", t("p.six")),
      h("table.figures", h("thead", h("tr", ...["unit", "kind", "bhyt_issued", "bhyt_served", "other_issued", "other_served"].map((k) => h("th", t(`p.col.${k}`))))),
        h("tbody", report.half.table.map((/** @type {any[]} */ line) => h("tr", line.map((v) => h("td", String(v)))))))) : null,
  ];
}

/** @param {string} text */
export const viewError = (text) => h("p.error#error", { role: "alert" }, text);

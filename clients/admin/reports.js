// The reports tab (M4, V6): a range of days, its figures, charts and tables; CSV and Excel
// downloads of the range, and the six-monthly workbook.
import { h } from "../shared/dom.js";
import { t, pick } from "../shared/i18n.js";
import { barChart } from "./charts.js";
import { figure } from "./dashboard.js";
import { viewVisits } from "./visits.js";

const fmt = (v) => (v === null || v === undefined ? "—" : String(v));

/** A report row's name in the page's language ("" where the key is its own name). @param {any} r */
export const rowName = (r) => (r.name ? pick(r.name.vi, r.name.en) : "");

/** The first cell of a row: the name, and the code beside it (a staff key without "staff:"). @param {any} r */
function keyCell(r) {
  const code = String(r.key).replace(/^staff:/, "");
  const name = rowName(r);
  return h("td", name || code, name && name !== code ? h("small.code", ` ${code}`) : null);
}

function figuresTable(id, rows, keyName) {
  return h(`table.figures#${id}`,
    h("thead", h("tr", h("th", keyName), h("th", t("a.issued")), h("th", t("a.served")), h("th", t("a.missed")),
      h("th", t("a.wait_median")), h("th", t("a.wait_p90")), h("th", t("a.estimate_mae")), h("th", t("a.estimate_p90")), h("th", t("a.service_mean")), h("th", t("a.idle")), h("th", t("a.rating")))),
    h("tbody", rows.map((r) => h("tr", { dataset: { key: String(r.key) } },
      keyCell(r), h("td", String(r.issued)), h("td", String(r.served)), h("td", String(r.missed)),
      h("td", fmt(r.wait.median)), h("td", fmt(r.wait.p90)),
      h("td", fmt(r.estimate_error?.mae)), h("td", fmt(r.estimate_error?.p90)), h("td", fmt(r.service.mean)), h("td", fmt(r.idle_minutes)),
      h("td", r.rating.n ? `${r.rating.mean} (${r.rating.n})` : "—")))));
}

/**
 * @param {import("./flow.js").AdminState} state
 * @param {import("../shared/board.js").Board} board
 * @param {import("./view.js").Handlers} act
 */
export function viewReports(state, board, act) {
  const from = h("input#from", { type: "date", value: state.from, on: { change: (e) => act.setRange("from", e.target.value) } });
  const to = h("input#to", { type: "date", value: state.to, on: { change: (e) => act.setRange("to", e.target.value) } });
  const year = h("input#year", { type: "number", min: "2020", max: "2100", value: state.from.slice(0, 4) });
  const half = h("select#half", h("option", { value: "1" }, t("a.half_1")), h("option", { value: "2" }, t("a.half_2")));
  /** @type {HTMLSelectElement} */ (half).value = Number(state.from.slice(5, 7)) <= 6 ? "1" : "2";
  const range = `from=${state.from}&to=${state.to}`; // as drawn ("Show" takes the dates as changed since)
  const r = state.report;
  const label = (/** @type {any} */ x) => `${String(x.key).replace(/^staff:/, "")} ${rowName(x)}`.trim();
  return [
    h("div.range",
      h("label", t("a.from"), from), h("label", t("a.to"), to),
      h("button.primary#show", { type: "button", on: { click: act.showReport } }, t("a.show")),
      h("button#csv", { type: "button", on: { click: () => act.downloadRange(range, "csv") } }, t("a.csv")),
      h("button#xlsx", { type: "button", on: { click: () => act.downloadRange(range, "xlsx") } }, t("a.xlsx")),
      h("label", t("a.year"), year), h("label", t("a.half_n"), half),
      h("button#half-xlsx", { type: "button", on: { click: () => {
        const q = `year=${/** @type {HTMLInputElement} */ (year).value}&half=${/** @type {HTMLSelectElement} */ (half).value}`;
        act.download(q, "xlsx", `bao-cao-6-thang-${/** @type {HTMLInputElement} */ (year).value}-${/** @type {HTMLSelectElement} */ (half).value}.xlsx`);
      } } }, t("a.half"))),
    state.reportError ? h("p.banner-error#report-error", { role: "alert" }, state.reportError) : null,
    r === "loading" ? h("p.muted", t("a.loading")) : null,
    r && r !== "loading" ? [
      h("div.cards#report-totals",
        figure("r-issued", r.total.issued, t("a.issued")),
        figure("r-served", r.total.served, t("a.served")),
        figure("r-missed", r.total.missed, t("a.missed")),
        figure("r-wait", r.total.wait.median === null ? "—" : t("a.minutes", { n: r.total.wait.median }), t("a.wait_median")),
        figure("r-priority", r.total.priority_share === null ? "—" : `${Math.round(r.total.priority_share * 100)}%`, t("a.priority")),
        figure("r-rating", r.total.rating.n ? `${r.total.rating.mean}/5` : "—", t("a.rating"))),
      h("div.panels",
        h("section.panel#chart-hour", barChart(r.by_hour.map((x) => ({ label: `${x.key}:00`, value: x.issued })), { title: t("a.chart.by_hour") })),
        h("section.panel#chart-wait", barChart(r.by_service.map((x) => ({ label: label(x), value: x.wait.median, colour: board.service(x.key)?.colour })), { title: t("a.chart.wait_by_service") })),
        r.by_counter.some((x) => x.rating.n) ? h("section.panel#chart-rating", barChart(r.by_counter.filter((x) => x.rating.n).map((x) => ({ label: rowName(x) || String(x.key), value: x.rating.mean })), { title: t("a.chart.rating_by_counter"), unit: "/5" })) : null,
        h("section.panel.wide", h("h2", t("a.t.service")), figuresTable("t-service", r.by_service, t("a.key"))),
        h("section.panel.wide", h("h2", t("a.t.counter")), figuresTable("t-counter", r.by_counter, t("a.key"))),
        h("section.panel.wide", h("h2", t("a.t.staff")), figuresTable("t-staff", r.by_staff, t("a.key"))),
        h("section.panel.wide", h("h2", t("a.t.source")), figuresTable("t-source", r.by_source, t("a.key"))),
        viewVisits(r.visits)),
    ] : null,
  ];
}

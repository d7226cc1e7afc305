// The dashboard tab (M4): the live figures, the waits by service, the counters and the devices
// in fault, drawn from the board and the faults; nothing else.
import { h } from "../shared/dom.js";
import { t, pick, lang } from "../shared/i18n.js";
import { faultText } from "../shared/faults.js";
import { barChart } from "./charts.js";

/** A figure card. @param {string} id @param {string|number} n @param {string} what */
export function figure(id, n, what) {
  return h("div.card-figure", { id }, h("div.n", String(n)), h("div.what", what));
}

/**
 * @param {import("../shared/board.js").Board} board
 * @param {Record<string, import("./flow.js").Fault>} faults
 * @param {number} now  the server's clock, epoch seconds
 */
export function viewDashboard(board, faults, now) {
  if (!board.config) return h("p.muted", t("loading"));
  const waitingTickets = [...board.tickets.values()].filter((x) => x.status === "waiting");
  const longest = waitingTickets.length ? Math.max(...waitingTickets.map((x) => now - x.issued_at)) : 0;
  const counters = [...board.counters.values()];
  const waitingTotal = Object.values(board.waiting).reduce((a, b) => a + b, 0);
  const services = [...board.config.services].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  const longestBy = (code) => {
    const mine = waitingTickets.filter((x) => x.service === code);
    return mine.length ? Math.floor(Math.max(...mine.map((x) => now - x.issued_at)) / 60) : null;
  };
  const faulty = Object.values(faults);
  return [
    faulty.length ? h("section.panel#faults",
      h("h2", t("a.faults")),
      faulty.map((f) => h("div.fault", { dataset: { part: f.part, code: f.code } }, faultText(f, lang())))) : null,
    h("div.cards",
      figure("fig-waiting", waitingTotal, t("a.waiting_now")),
      figure("fig-longest", t("a.minutes", { n: Math.floor(longest / 60) }), t("a.longest")),
      figure("fig-open", counters.filter((c) => c.status === "open").length, t("a.open")),
      figure("fig-paused", counters.filter((c) => c.status === "paused").length, t("a.paused")),
      figure("fig-served", counters.reduce((a, c) => a + (c.served || 0), 0), t("a.served_today"))),
    h("div.panels",
      h("section.panel#waiting-chart", barChart(services.map((s) => ({
        label: `${s.code} ${pick(s.name, s.name_en)}`, value: board.waiting[s.code] || 0, colour: s.colour,
      })), { title: t("a.by_service_now") }),
      h("table.figures#longest-table", h("tbody", services.filter((s) => longestBy(s.code) !== null).map((s) =>
        h("tr", h("td", pick(s.name, s.name_en)), h("td", t("a.minutes", { n: longestBy(s.code) }))))))),
      h("section.panel",
        h("h2", t("a.counters")),
        h("table.figures#counters-table",
          h("thead", h("tr", h("th", t("a.counter")), h("th", t("a.status")), h("th", t("a.current")), h("th", t("a.staff")), h("th", t("a.served")))),
          h("tbody", counters.sort((a, b) => a.number - b.number).map((c) => {
            const cc = board.counterConfig(c.number);
            return h("tr", { dataset: { counter: String(c.number) } },
              h("td", cc ? pick(cc.name, cc.name_en) : String(c.number)),
              h(`td.status-${c.status}`, t(`a.status.${c.status}`) + (c.status === "paused" && c.pause_reason ? ` (${c.pause_reason})` : "")),
              h("td", c.current || "—"),
              h("td", (c.staff || "").replace(/^staff:/, "")),
              h("td", String(c.served || 0)));
          }))))),
  ];
}

// The reports tab's visits (issue 20, server/domain/visits.py): door-to-door time, the steps'
// waits and service times by service and room, the waits between steps, and where patients wait
// longest. Pure: the report's "visits" in, elements out.
import { h } from "../shared/dom.js";
import { t, pick } from "../shared/i18n.js";
import { figure } from "./dashboard.js";

const fmt = (v) => (v === null || v === undefined ? "—" : String(v));
const nameOf = (r) => (r.name ? pick(r.name.vi, r.name.en) : String(r.key));

/** "12.5 phút" / "—". @param {{median: number|null}} s */
const minutes = (s) => (s.median === null ? "—" : t("a.minutes", { n: s.median }));

function stepsTable(id, rows) {
  return h(`table.figures#${id}`,
    h("thead", h("tr", h("th", t("a.key")), h("th", t("a.v.steps")), h("th", t("a.wait_median")), h("th", t("a.wait_p90")),
      h("th", t("a.service_mean")))),
    h("tbody", rows.map((r) => h("tr", { dataset: { key: String(r.key) } },
      h("td", nameOf(r)), h("td", String(r.wait.n)), h("td", fmt(r.wait.median)), h("td", fmt(r.wait.p90)),
      h("td", fmt(r.service.mean))))));
}

/** Where patients wait longest: the places by their 90th-percentile wait, the longest first. */
export function longestRows(visits) {
  const places = [
    ...visits.longest_waits.services.map((r) => ({ ...r, kind: "service" })),
    ...visits.longest_waits.rooms.map((r) => ({ ...r, kind: "room" })),
  ];
  return places.sort((a, b) => b.wait.p90 - a.wait.p90).slice(0, 5);
}

/** @param {any} visits the report's "visits" */
export function viewVisits(visits) {
  if (!visits || !visits.visits) return null;
  return h("section.panel.wide#visits",
    h("h2", t("a.v.title")),
    h("div.cards",
      figure("v-visits", visits.visits, t("a.v.visits")),
      figure("v-journeys", visits.journeys, t("a.v.journeys")),
      figure("v-door", minutes(visits.door_to_door), t("a.v.door_median")),
      figure("v-door-p90", visits.door_to_door.p90 === null ? "—" : t("a.minutes", { n: visits.door_to_door.p90 }), t("a.v.door_p90")),
      figure("v-between", minutes(visits.between), t("a.v.between"))),
    h("h3", t("a.v.longest")),
    h("ol#v-longest", longestRows(visits).map((r) => h("li", { dataset: { key: String(r.key), kind: r.kind } },
      `${nameOf(r)}: ${t("a.minutes", { n: r.wait.p90 })} (${t("a.wait_p90")})`))),
    h("h3", t("a.v.by_service")), stepsTable("v-service", visits.by_service),
    h("h3", t("a.v.by_room")), stepsTable("v-room", visits.by_room),
    h("h3", t("a.v.by_hour")),
    h("table.figures#v-hour",
      h("thead", h("tr", h("th", t("a.v.hour")), h("th", t("a.v.visits")), h("th", t("a.v.door_median")), h("th", t("a.v.door_p90")))),
      h("tbody", visits.door_by_hour.map((r) => h("tr", h("td", `${r.key}:00`), h("td", String(r.door_to_door.n)),
        h("td", fmt(r.door_to_door.median)), h("td", fmt(r.door_to_door.p90)))))));
}

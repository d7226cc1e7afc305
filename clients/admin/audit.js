// The audit log tab: every event with when, who and what, newest first, in pages of 200. A
// settings change lists the fields it changed, before and after.
import { h } from "../shared/dom.js";
import { t, lang } from "../shared/i18n.js";
import { eventName, changeLines, detailLine } from "./events.js";

const SHOWN = 12; // changed fields listed before "and N more"

/** @param {any} e */
function details(e) {
  if (e.type !== "config_replaced") return detailLine(e);
  const lines = changeLines(e.changes, lang());
  if (!lines.length) return e.from_file ? t("a.audit.from_file") : t("a.audit.no_change");
  return [
    e.from_file ? h("div.muted", t("a.audit.from_file")) : null,
    h("ul.changes", lines.slice(0, SHOWN).map((l) => h("li", l))),
    lines.length > SHOWN ? h("details", h("summary", t("a.audit.more", { n: lines.length - SHOWN })),
      h("ul.changes", lines.slice(SHOWN).map((l) => h("li", l)))) : null,
  ];
}

/**
 * @param {import("./flow.js").AuditState} audit
 * @param {any} config  the unit's configuration (its timezone), or null
 * @param {import("./view.js").Handlers} act
 */
export function viewAudit(audit, config, act) {
  const tz = config?.unit?.timezone || "Asia/Ho_Chi_Minh";
  const when = new Intl.DateTimeFormat("vi-VN", { timeZone: tz, dateStyle: "short", timeStyle: "medium" });
  return h("section.panel",
    audit.error ? h("p.banner-error", { role: "alert" }, audit.error) : null,
    h("table.figures#audit", h("thead", h("tr", [t("a.audit.when"), t("a.audit.who"), t("a.audit.what"), t("a.audit.detail")].map((x) => h("th", x)))),
      h("tbody", audit.rows.map((r) => h("tr", { dataset: { seq: String(r.seq), type: r.event.type } },
        h("td", when.format(new Date(r.at * 1000))), h("td", r.actor.replace(/^(staff|device):/, "")),
        h("td.what", eventName(r.event.type, lang())), h("td.state", details(r.event)))))),
    audit.rows.length && audit.rows.at(-1).seq > 1 ? h("button#older", { type: "button", on: { click: act.olderAudit } }, t("a.audit.older")) : null);
}

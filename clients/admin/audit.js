// The audit log tab: every event with when, who and what, newest first, in pages of 200.
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

/** An event's fields but its type, in one short line. */
const detail = (e) => Object.entries(e).filter(([k, v]) => k !== "type" && k !== "v" && v !== "" && v !== null && !(Array.isArray(v) && !v.length))
  .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join(" · ").slice(0, 200);

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
        h("td", r.event.type), h("td.state", detail(r.event)))))),
    audit.rows.length && audit.rows.at(-1).seq > 1 ? h("button#older", { type: "button", on: { click: act.olderAudit } }, t("a.audit.older")) : null);
}

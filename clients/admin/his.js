// The HIS link tab: each outbound link's health (messages waiting, the oldest one's age, the
// last success and the last error, the circuit breaker, dead letters) and the dead letters
// themselves (a message the HIS refused for good, holding its ticket's later ones), each with
// retry and discard. Pure: drawn from the state; the calls are in tasks.js.
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

/** "3 phút trước" from seconds. @param {number|null|undefined} seconds */
export function ago(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return t("h.ago.s", { n: s });
  if (s < 5400) return t("h.ago.m", { n: Math.round(s / 60) });
  return t("h.ago.h", { n: Math.round(s / 3600) });
}

/** A link's state in a word: ok, waiting, down (breaker open), inbound only. @param {any} link */
export function health(link) {
  if (link.form === "none") return "inbound";
  if (link.breaker === "open" || link.alert) return "down";
  if (link.dead > 0 || link.depth > 0) return "waiting";
  return "ok";
}

/**
 * A FHIR link's polling of the HIS in one line ("" when it does not poll): how often, the
 * changes taken and refused, the last poll, and its error or the last refusal.
 * @param {any} poll  /api/his/links' `poll` @param {(at: number) => string} since
 */
export function pollLine(poll, since) {
  if (!poll) return "";
  const parts = [
    t("h.poll", { every: poll.every, changes: poll.changes, refused: poll.refused }),
    t("h.poll.last", { when: poll.last_success ? since(poll.last_success) : "—" }),
  ];
  if (poll.last_error) parts.push(t("h.poll.error", { error: poll.last_error }));
  else if (poll.last_refusal) parts.push(t("h.poll.refusal", { reason: poll.last_refusal }));
  return parts.join(" · ");
}

const CLASS = { ok: "status-open", waiting: "status-paused", down: "status-closed", inbound: "" };

/**
 * @param {import("./flow.js").HisState} st
 * @param {{retry: (link: string, id: string) => void, discard: (link: string, id: string) => void, refresh: () => void}} act
 */
export function viewHis(st, act) {
  const since = (at) => (at ? ago(st.at - at) : "—");
  return h("div.settings#his",
    st.error ? h("p.banner-error#his-error", { role: "alert" }, st.error) : null,
    st.message ? h("p.banner-ok#his-message", { role: "status" }, st.message) : null,
    h("section.panel", h("h2", t("h.links")),
      st.links.length === 0 ? h("p#his-none", t("h.none")) :
      h("table.figures#his-links", h("thead", h("tr", ["h.name", "h.form", "h.state", "h.depth", "h.oldest", "h.success", "h.error", "h.breaker", "h.dead"].map((k) => h("th", t(k))))),
        h("tbody", st.links.map((l) => h("tr", { dataset: { link: l.name, health: health(l) } },
          h("td", h("strong", l.name), h("br"), h("small", l.site),
            l.poll ? [h("br"), h(`small.poll${l.poll.last_error ? ".error" : ""}`, pollLine(l.poll, since))] : null),
          h("td", t(`h.form.${l.form}`)),
          h(`td.${CLASS[health(l)] || "plain"}`, t(`h.health.${health(l)}`)),
          h("td.depth", l.form === "none" ? "—" : String(l.depth)),
          h("td", l.form === "none" ? "—" : ago(l.oldest_pending_seconds)),
          h("td", since(l.last_success)),
          h("td.error", l.last_error ? [l.last_error, h("br"), h("small", since(l.last_error_at))] : "—"),
          h("td", l.form === "none" ? "—" : t(`h.breaker.${l.breaker}`)),
          h("td.dead", l.form === "none" ? "—" : String(l.dead)))))),
      h("button.small-btn#his-refresh", { type: "button", on: { click: act.refresh } }, t("h.refresh"))),
    h("section.panel", h("h2", t("h.dead.title")),
      h("p.hint", t("h.dead.hint")),
      st.dead.length === 0 ? h("p#his-no-dead", t("h.dead.none")) :
      h("table.figures#his-dead", h("thead", h("tr", ["h.name", "h.ticket", "h.kind", "h.reason", "h.when", ""].map((k) => h("th", k ? t(k) : "")))),
        h("tbody", st.dead.map((d) => h("tr", { dataset: { id: d.id, link: d.link } },
          h("td", d.link),
          h("td", h("strong", d.label), h("br"), h("small", d.ticket)),
          h("td", t(`h.kind.${d.kind}`)),
          h("td.reason", d.reason),
          h("td", since(d.at)),
          h("td",
            h("button.small-btn", { type: "button", dataset: { action: "retry" }, on: { click: () => act.retry(d.link, d.id) } }, t("h.retry")),
            h("button.small-btn", { type: "button", dataset: { action: "discard" }, on: { click: () => {
              if (confirm(t("h.discard.confirm", { label: d.label }))) act.discard(d.link, d.id);
            } } }, t("h.discard")))))))));
}

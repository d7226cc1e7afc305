// The devices and staff tab: the fleet (connected or not, last heartbeat, version, what each
// device says of its hardware, open faults) with a remote reload and each kiosk's printer (its
// bridge, none, or one the server prints to: ESC/POS on the network or a CUPS queue);
// registering a device (its token shown once) and revoking one; staff accounts created,
// switched on or off, and their passwords reset.
import { h } from "../shared/dom.js";
import { t, pick, lang } from "../shared/i18n.js";
import { partText } from "../shared/faults.js";

const short = (state) => Object.entries(state || {}).map(([k, v]) => `${k}: ${v}`).join(" · ");

export const PRINTER_KINDS = /** @type {const} */ (["bridge", "none", "escpos", "cups"]);

/** A kiosk's printer setting as the form shows it: "escpos:10.0.0.5:9100" -> kind and target.
 * @param {string} printer @returns {{kind: string, target: string}} */
export function printerParts(printer) {
  const [kind, ...rest] = (printer || "bridge").split(":");
  return { kind, target: rest.join(":") };
}

/** The setting the form sends: the kind, and for the server's printers its target.
 * @param {string} kind @param {string} target */
export const printerSetting = (kind, target) => (kind === "escpos" || kind === "cups" ? `${kind}:${target.trim()}` : kind);

/** @param {any} d a kiosk of the fleet @param {(device: string, printer: string) => void} setPrinter */
function printerForm(d, setPrinter) {
  const { kind, target } = printerParts(d.printer);
  return h("form.printer-form", { dataset: { printer: d.device }, on: { submit: (e) => {
    e.preventDefault();
    const f = /** @type {HTMLFormElement} */ (e.target);
    const chosen = /** @type {HTMLSelectElement} */ (f.querySelector("[name=printer-kind]")).value;
    setPrinter(d.device, printerSetting(chosen, /** @type {HTMLInputElement} */ (f.querySelector("[name=printer-target]")).value));
  } } },
    h("select", { name: "printer-kind", "aria-label": t("d.printer") },
      PRINTER_KINDS.map((k) => h("option", { value: k, selected: k === kind }, t(`d.printer.${k}`)))),
    h("input", { name: "printer-target", value: target, maxlength: 190, placeholder: t("d.printer.target"), "aria-label": t("d.printer.target"), spellcheck: "false" }),
    h("button.small-btn", { type: "submit" }, t("d.printer.save")));
}

/**
 * @param {{fleet: any[], staff: any[], at: number, message: string, error: string, token: string, media?: any[]}} st
 * @param {any} config
 * @param {string} me  the administrator signed in (their own password: "change my password" in the bar)
 * @param {{reload: (d: string) => void, play: (d: string, media: string) => void, revoke: (d: string) => void, register: (data: any) => void,
 *          setPrinter: (d: string, printer: string) => void, resetPassword: (u: string) => void,
 *          createStaff: (data: any) => void, setActive: (u: string, on: boolean) => void}} act
 */
export function viewDevices(st, config, me, act) {
  const value = (form, name) => /** @type {HTMLInputElement} */ (form.querySelector(`[name=${name}]`)).value.trim();
  const where = (d) => d.counter ? `${t("d.counter").split(" ")[0]} ${d.counter}` : (config?.zones.find((z) => z.code === d.zone)?.name || d.zone || "—");
  return h("div.settings",
    st.error ? h("p.banner-error#devices-error", { role: "alert" }, st.error) : null,
    st.message ? h("p.banner-ok#devices-message", { role: "status" }, st.message) : null,
    st.token ? h("p.banner-ok#device-token", t("d.token"), " ", h("code", st.token)) : null,
    h("section.panel", h("h2", t("d.fleet")),
      h("table.figures#fleet", h("thead", h("tr", [t("d.device"), t("d.kind"), t("d.where"), t("d.online"), t("d.last"), t("d.version"), t("d.state"), t("d.faults"), t("d.printer"), ""].map((x) => h("th", x)))),
        h("tbody", st.fleet.map((d) => h("tr", { dataset: { device: d.device, online: d.online ? "1" : "0" } },
          h("td", h("strong", d.name), h("br"), h("small", d.device)),
          h("td", t(`d.kind.${d.kind}`)),
          h("td", where(d)),
          h(`td.${d.online ? (d.stale ? "status-paused" : "status-open") : "status-closed"}`, !d.active ? t("d.revoked") : d.online ? (d.stale ? t("d.stale") : t("d.yes")) : t("d.no")),
          h("td", d.last_seen ? t("d.ago", { n: Math.max(0, Math.round(st.at - d.last_seen)) }) : "—"),
          h("td", d.version || "—"),
          h("td.state", short(d.state) || "—"),
          h("td.faults", d.faults.map((f) => partText(f, lang())).join("; ") || "—"),
          h("td.printer", d.kind === "kiosk" && d.active ? printerForm(d, act.setPrinter) : "—"),
          h("td",
            d.online ? h("button.small-btn", { type: "button", dataset: { action: "reload" }, on: { click: () => act.reload(d.device) } }, t("d.reload")) : null,
            d.online && d.kind === "tv" && (st.media || []).length ? h("span.play",
              h("select", { dataset: { play: d.device } }, (st.media || []).map((m) => h("option", { value: m.name }, m.name))),
              h("button.small-btn", { type: "button", dataset: { action: "play" }, on: { click: (e) => {
                const sel = /** @type {HTMLSelectElement} */ (e.target.parentElement.querySelector("select"));
                act.play(d.device, sel.value);
              } } }, t("d.play"))) : null,
            d.active ? h("button.small-btn", { type: "button", dataset: { action: "revoke" }, on: { click: () => act.revoke(d.device) } }, t("d.revoke")) : null)))))),
    h("section.panel", h("h2", t("d.register")),
      h("form#register-device", { on: { submit: (e) => {
        e.preventDefault();
        const f = e.target;
        const kind = value(f, "kind");
        const counter = value(f, "counter");
        act.register({ device: value(f, "device"), kind, name: value(f, "name"), zone: kind === "tv" ? value(f, "zone") : "", counter: (kind === "rating" || kind === "door") && counter ? Number(counter) : null });
      } } },
      h("label.field", h("span", t("d.id")), h("input", { name: "device", required: true, pattern: "[a-z0-9\\-]{2,40}" })),
      h("label.field", h("span", t("d.kind")), h("select", { name: "kind" }, ["kiosk", "tv", "rating", "door", "counter"].map((k) => h("option", { value: k }, t(`d.kind.${k}`))))),
      h("label.field", h("span", t("d.name")), h("input", { name: "name", required: true })),
      h("label.field", h("span", t("d.zone")), h("select", { name: "zone" }, h("option", { value: "" }, "—"), (config?.zones || []).map((z) => h("option", { value: z.code }, pick(z.name, z.name_en))))),
      h("label.field", h("span", t("d.counter")), h("select", { name: "counter" }, h("option", { value: "" }, "—"), (config?.counters || []).map((c) => h("option", { value: String(c.number) }, pick(c.name, c.name_en))))),
      h("button.primary", { type: "submit" }, t("d.add")))),
    h("section.panel", h("h2", t("d.staff")),
      h("table.figures#staff", h("thead", h("tr", [t("d.username"), t("d.full_name"), t("d.role"), t("d.counters"), t("d.active"), ""].map((x) => h("th", x)))),
        h("tbody", st.staff.map((s) => h("tr", { dataset: { username: s.username } },
          h("td", s.username), h("td", s.full_name), h("td", t(`d.role.${s.role}`)), h("td", (s.counters || []).join(", ") || "—"),
          h("td", s.active ? "✓" : "—"),
          h("td", s.username === me ? null : h("button.small-btn", { type: "button", dataset: { action: s.active ? "disable" : "enable" }, on: {
            click: () => { if (s.active ? confirm(t("d.disable_confirm", { user: s.username })) : true) act.setActive(s.username, !s.active); },
          } }, t(s.active ? "d.disable" : "d.enable")),
            s.username === me ? null : h("button.small-btn", { type: "button", dataset: { action: "reset-password" }, on: { click: () => act.resetPassword(s.username) } }, t("pw.reset"))))))),
      h("form#create-staff", { on: { submit: (e) => {
        e.preventDefault();
        const f = e.target;
        const counters = value(f, "counters").split(/[\s,;]+/).filter(Boolean).map(Number);
        act.createStaff({ username: value(f, "username"), full_name: value(f, "full_name"), role: value(f, "role"), counters, password: /** @type {HTMLInputElement} */ (f.querySelector("[name=password]")).value });
      } } },
      h("label.field", h("span", t("d.username")), h("input", { name: "username", required: true, maxlength: 32, autocomplete: "off", spellcheck: "false" })),
      h("label.field", h("span", t("d.full_name")), h("input", { name: "full_name", required: true })),
      h("label.field", h("span", t("d.role")), h("select", { name: "role" }, ["counter", "admin"].map((r) => h("option", { value: r }, t(`d.role.${r}`))))),
      h("label.field", h("span", t("d.counters")), h("input", { name: "counters" })),
      h("label.field", h("span", t("d.password")), h("input", { name: "password", type: "password", required: true, minlength: "8", autocomplete: "new-password" })),
      h("button.primary", { type: "submit" }, t("d.create")))));
}

// The settings tab: the unit, services, counters and exam rooms, the journeys' return rule and
// TV screens edited as forms on a draft of
// the configuration, uploads to the media library, and the whole configuration as JSON for
// what the forms do not cover. "Save" sends replace_config: the server validates it (an error
// names the field), logs it with the administrator's name, and every screen applies it live.
import { h } from "../shared/dom.js";
import { t, pick, lang } from "../shared/i18n.js";
import { CARE_KINDS } from "../shared/protocol.js";

/** One TV's own layout (display.screens), edited in place; an entry with nothing set is dropped. */
function screenRow(d, tv, media, input) {
  d.display.screens ||= [];
  let own = d.display.screens.find((x) => x.device === tv.device);
  const entry = () => {
    if (!own) { own = { device: tv.device }; d.display.screens.push(own); }
    return own;
  };
  const set = (key, value) => {
    const e = entry();
    e[key] = value === "" || value === undefined ? null : value;
    if (["columns", "rows", "theme", "media_area", "media"].every((k) => e[k] === null || e[k] === undefined)) {
      d.display.screens = d.display.screens.filter((x) => x !== e);
      own = undefined;
    }
  };
  const choice = (key, options) => h("select", { dataset: { screen: tv.device, field: key }, on: { change: (e) => set(key, e.target.value) } },
    h("option", { value: "" }, t("s.inherit")),
    options.map(([v, label]) => h("option", { value: v, selected: own && own[key] === v || undefined }, label)));
  const count = (key, max) => h("select", { dataset: { screen: tv.device, field: key }, on: { change: (e) => set(key, e.target.value === "" ? "" : Number(e.target.value)) } },
    h("option", { value: "" }, t("s.inherit")),
    Array.from({ length: max + 1 }, (_, i) => h("option", { value: String(i), selected: own && own[key] === i || undefined }, String(i))));
  return h("tr", { dataset: { screen: tv.device } },
    h("td", tv.name, h("br"), h("small", tv.device)),
    h("td", count("columns", 4)), h("td", count("rows", 8)),
    h("td", choice("theme", [["multi", t("s.theme.multi")], ["mono", t("s.theme.mono")]])),
    h("td", choice("media_area", [["none", t("s.media_none")], ["right", t("s.media_right")]])),
    h("td.serves", media.map((m) => h("label.inline", h("input", {
      type: "checkbox", checked: (own?.media || []).includes(m.name) || undefined, dataset: { screen: tv.device, media: m.name },
      on: { change: (e) => {
        const list = (own?.media || []).filter((x) => x !== m.name);
        set("media", e.target.checked ? [...list, m.name] : (list.length ? list : null));
      } },
    }), m.name.slice(0, 8)))));
}

/**
 * How a room orders the patients coming back with their results against new ones ([journeys],
 * decision 0017): by a ratio (so many returns, then so many new patients) or by when the
 * results came. @param {any} d the draft @param {Function} field @param {Function} num
 */
function journeysPanel(d, field, num) {
  d.journeys ||= { return_mode: "ratio", returning: 1, new: 2 };
  const j = d.journeys;
  return h("section.panel#s-journeys", h("h2", t("s.journeys")),
    h("p.muted", t("s.journeys_hint")),
    field(t("s.return_mode"), h("select#return-mode", { on: { change: (e) => { j.return_mode = e.target.value; } } },
      ["ratio", "arrival"].map((m) => h("option", { value: m, selected: j.return_mode === m || undefined }, t(`s.return_mode.${m}`))))),
    field(t("s.returning"), num(j.returning, (v) => { j.returning = v; }, { id: "journeys-returning", min: "1", max: "20" })),
    field(t("s.new"), num(j.new, (v) => { j.new = v; }, { id: "journeys-new", min: "1", max: "20" })));
}

/**
 * @param {{draft: any, media: any[], message: string, error: string, tvs?: any[]}} st the tab's state
 * @param {{save: () => void, reset: () => void, upload: (file: File) => void, rerender: () => void,
 *   applyJson: (text: string) => void}} act  rerender after an edit of the draft that adds or removes rows
 */
export function viewSettings(st, act) {
  const d = st.draft;
  if (!d) return h("p.muted", t("loading"));
  const input = (value, set, attrs = {}) => h("input", { value: value ?? "", ...attrs, on: { input: (e) => set(e.target.value) } });
  const num = (value, set, attrs = {}) => h("input", { type: "number", value: String(value ?? 0), ...attrs, on: { input: (e) => set(Number(e.target.value)) } });
  const check = (value, set, attrs = {}) => h("input", { type: "checkbox", checked: value || undefined, ...attrs, on: { change: (e) => set(e.target.checked) } });
  const field = (label, control) => h("label.field", h("span", label), control);
  const codes = d.services.map((s) => s.code);
  const nextNumber = Math.max(0, ...d.counters.map((c) => c.number)) + 1;
  return h("div.settings",
    st.error ? h("p.banner-error#settings-error", { role: "alert" }, st.error) : null,
    st.message ? h("p.banner-ok#settings-message", { role: "status" }, st.message) : null,
    h("div.save-bar",
      h("button.primary#save", { type: "button", on: { click: act.save } }, t("s.save")),
      h("button#reset", { type: "button", on: { click: act.reset } }, t("s.reset"))),
    h("section.panel#s-unit", h("h2", t("s.unit")),
      field(t("s.name"), input(d.unit.name, (v) => { d.unit.name = v; }, { id: "unit-name" })),
      field(t("s.name_en"), input(d.unit.name_en, (v) => { d.unit.name_en = v; })),
      field(t("s.address"), input(d.unit.address, (v) => { d.unit.address = v; })),
      field(t("s.commune"), input(d.unit.commune, (v) => { d.unit.commune = v; })),
      field(t("s.district"), input(d.unit.district, (v) => { d.unit.district = v; })),
      field(t("s.province"), input(d.unit.province, (v) => { d.unit.province = v; })),
      field(t("s.logo"), h("select#unit-logo", { on: { change: (e) => { d.unit.logo = e.target.value; } } },
        h("option", { value: "" }, "—"),
        st.media.filter((m) => m.type.startsWith("image/")).map((m) => h("option", { value: m.url, selected: d.unit.logo === m.url || undefined }, m.name))))),
    h("section.panel#s-services", h("h2", t("s.services")),
      h("table.figures", h("thead", h("tr", [t("s.code"), t("s.name"), t("s.name_en"), t("s.department"), t("s.colour"), t("s.size"), t("s.care_kind"), t("s.order"), t("s.on_kiosk")].map((x) => h("th", x)))),
        h("tbody", d.services.map((s) => h("tr", { dataset: { service: s.code } },
          h("td", s.code),
          h("td", input(s.name, (v) => { s.name = v; }, { "data-field": "name" })),
          h("td", input(s.name_en, (v) => { s.name_en = v; }, { "data-field": "name_en" })),
          h("td", h("select", { on: { change: (e) => { s.department = e.target.value; } } },
            d.departments.map((dep) => h("option", { value: dep.code, selected: s.department === dep.code || undefined }, pick(dep.name, dep.name_en))))),
          h("td", input(s.colour, (v) => { s.colour = v; }, { type: "color", "data-field": "colour" })),
          h("td", h("select", { "data-field": "size", on: { change: (e) => { s.size = e.target.value; } } },
            ["normal", "large", "wide"].map((z) => h("option", { value: z, selected: (s.size || "normal") === z || undefined }, t(`s.size.${z}`))))),
          h("td", h("select", { "data-field": "care_kind", title: t("s.care_kind_hint"), on: { change: (e) => { s.care_kind = e.target.value; } } },
            Object.entries(CARE_KINDS).map(([code, names]) => h("option", { value: code, selected: (s.care_kind || "01") === code || undefined },
              `${code} — ${names[lang() === "en" ? 1 : 0]}`)))),
          h("td", num(s.order, (v) => { s.order = v; }, { style: { width: "4rem" } })),
          h("td", check(s.on_kiosk !== false, (v) => { s.on_kiosk = v; }))))))),
    h("section.panel#s-counters", h("h2", t("s.counters_rooms")),
      h("table.figures", h("thead", h("tr", [t("s.number"), t("s.kind"), t("s.name"), t("s.name_en"), t("s.location"), t("s.location_en"), t("s.zone"), t("s.serves")].map((x) => h("th", x)))),
        h("tbody", d.counters.map((c) => h("tr", { dataset: { counter: String(c.number), kind: c.kind || "counter" } },
          h("td", String(c.number)),
          h("td", h("select", { "data-field": "kind", title: t("s.kind_hint"), on: { change: (e) => { c.kind = e.target.value; act.rerender(); } } },
            ["counter", "room"].map((k) => h("option", { value: k, selected: (c.kind || "counter") === k || undefined }, t(`s.kind.${k}`))))),
          h("td", input(c.name, (v) => { c.name = v; }, { "data-field": "name" })),
          h("td", input(c.name_en, (v) => { c.name_en = v; }, { "data-field": "name_en" })),
          h("td", input(c.location, (v) => { c.location = v; }, { "data-field": "location", maxlength: "100", placeholder: t("s.location_hint") })),
          h("td", input(c.location_en, (v) => { c.location_en = v; }, { "data-field": "location_en", maxlength: "100" })),
          h("td", h("select", { "data-field": "zone", on: { change: (e) => { c.zone = e.target.value; } } },
            d.zones.map((z) => h("option", { value: z.code, selected: c.zone === z.code || undefined }, pick(z.name, z.name_en))))),
          h("td.serves", codes.map((code) => h("label.inline", check(c.services.some((x) => x.code === code), (on) => {
            c.services = on ? [...c.services, { code }] : c.services.filter((x) => x.code !== code);
          }, { "data-code": code }), code))))))),
      h("button#add-counter", { type: "button", on: { click: () => {
        d.counters.push({ number: nextNumber, name: `Quầy ${nextNumber}`, zone: d.zones[0]?.code || "", services: [] });
        act.rerender();
      } } }, t("s.add_counter")),
      h("button#add-room", { type: "button", on: { click: () => {
        d.counters.push({ number: nextNumber, name: `Phòng khám ${nextNumber}`, kind: "room", location: "", zone: d.zones[0]?.code || "", services: [] });
        act.rerender();
      } } }, t("s.add_room"))),
    journeysPanel(d, field, num),
    h("section.panel#s-display", h("h2", t("s.display")),
      field(t("s.marquee"), input(d.display.marquee, (v) => { d.display.marquee = v; }, { id: "marquee" })),
      field(t("s.marquee_en"), input(d.display.marquee_en, (v) => { d.display.marquee_en = v; })),
      field(t("s.marquee_position"), h("select", { on: { change: (e) => { d.display.marquee_position = e.target.value; } } },
        ["bottom", "top"].map((p) => h("option", { value: p, selected: d.display.marquee_position === p || undefined }, t(`s.position.${p}`))))),
      field(t("s.columns"), num(d.display.columns, (v) => { d.display.columns = v; }, { min: "0", max: "4" })),
      field(t("s.rows"), num(d.display.rows, (v) => { d.display.rows = v; }, { min: "0", max: "8" })),
      field(t("s.theme"), h("select", { on: { change: (e) => { d.display.theme = e.target.value; } } },
        ["multi", "mono"].map((p) => h("option", { value: p, selected: d.display.theme === p || undefined }, t(`s.theme.${p}`))))),
      field(t("s.media_area"), h("select#media-area", { on: { change: (e) => { d.display.media_area = e.target.value; } } },
        [["none", t("s.media_none")], ["right", t("s.media_right")]].map(([v, label]) => h("option", { value: v, selected: (d.display.media_area || "none") === v || undefined }, label)))),
      field(t("s.his_room"), check(d.display.his_room, (v) => { d.display.his_room = v; }, { id: "his-room" })),
      h("fieldset#playlist", h("legend", t("s.playlist")),
        st.media.map((m) => h("label.inline", check((d.display.media || []).includes(m.name), (on) => {
          const list = d.display.media || [];
          d.display.media = on ? [...list, m.name] : list.filter((x) => x !== m.name);
        }, { "data-media": m.name }), `${m.name} (${Math.round(m.bytes / 1024)} KB)`))),
      (st.tvs || []).length ? h("div#screens", h("h3", t("s.screens")),
        h("table.figures", h("thead", h("tr", ["TV", t("s.columns"), t("s.rows"), t("s.theme"), t("s.media_area"), t("s.own_playlist")].map((x) => h("th", x)))),
          h("tbody", (st.tvs || []).map((tv) => screenRow(d, tv, st.media, input))))) : null,
      field(t("s.upload"), h("input#upload", { type: "file", accept: "image/png,image/jpeg,image/webp,video/mp4", on: { change: (e) => {
        const file = e.target.files?.[0];
        if (file) act.upload(file);
      } } }))),
    h("section.panel#s-hours", h("h2", t("s.hours")),
      h("table.figures", h("thead", h("tr", ["", t("s.open"), t("s.close"), t("s.break")].map((x) => h("th", x)))),
        h("tbody", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((wd) => {
          const day = d.hours[wd];
          const setTime = (key, v) => {
            if (!v && key === "open") { d.hours[wd] = null; return; }
            d.hours[wd] = { open: "07:00", close: "17:00", breaks: [], ...(d.hours[wd] || {}), [key]: v };
          };
          return h("tr", { dataset: { day: wd } },
            h("td", t(`weekday.${(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].indexOf(wd) + 1) % 7}`)),
            h("td", input(day?.open, (v) => setTime("open", v), { type: "time", "data-field": "open", title: t("s.closed_day") })),
            h("td", input(day?.close, (v) => setTime("close", v), { type: "time", "data-field": "close" })),
            h("td", input((day?.breaks || []).map((b) => `${b.start}-${b.end}`).join(", "), (v) => {
              if (!d.hours[wd]) return;
              d.hours[wd].breaks = v.split(/[,;]+/).map((x) => x.trim()).filter(Boolean).map((x) => {
                const [start, end] = x.split("-").map((y) => y.trim());
                return { start, end };
              });
            }, { "data-field": "breaks", placeholder: "11:30-13:00" })));
        }))),
      h("h3", t("s.holidays")),
      h("table.figures#holidays", h("tbody", (d.hours.holidays || []).map((hd, i) => h("tr",
        h("td", input(hd.date, (v) => { hd.date = v; }, { type: "date" })),
        h("td", input(hd.name, (v) => { hd.name = v; }, { placeholder: t("s.holiday_name") })),
        h("td", input(hd.name_en || "", (v) => { hd.name_en = v; }, { placeholder: t("s.holiday_name_en") })),
        h("td", h("button.small-btn", { type: "button", on: { click: () => { d.hours.holidays.splice(i, 1); act.rerender(); } } }, t("s.remove"))))))),
      h("button#add-holiday", { type: "button", on: { click: () => { (d.hours.holidays ||= []).push({ date: "", name: "" }); act.rerender(); } } }, t("s.add_holiday"))),
    h("section.panel#s-priority", h("h2", t("s.priority")),
      field(t("s.mode"), h("select#priority-mode", { on: { change: (e) => { d.priority.mode = e.target.value; } } },
        ["ratio", "strict", "fifo"].map((m) => h("option", { value: m, selected: d.priority.mode === m || undefined }, t(`s.mode.${m}`))))),
      field(t("s.ratio_priority"), num(d.priority.ratio_priority, (v) => { d.priority.ratio_priority = v; }, { min: "1" })),
      field(t("s.ratio_normal"), num(d.priority.ratio_normal, (v) => { d.priority.ratio_normal = v; }, { min: "1" })),
      field(t("s.max_wait"), num(d.priority.max_wait_minutes, (v) => { d.priority.max_wait_minutes = v; }, { min: "0" })),
      field(t("s.elderly_age"), num(d.priority.elderly_age, (v) => { d.priority.elderly_age = v; })),
      field(t("s.child_age"), num(d.priority.child_age, (v) => { d.priority.child_age = v; }))),
    h("section.panel#s-zones", h("h2", `${t("s.zones")} · ${t("s.departments")}`),
      h("table.figures", h("tbody", d.zones.map((z) => h("tr", { dataset: { zone: z.code } },
        h("td", z.code), h("td", input(z.name, (v) => { z.name = v; })), h("td", input(z.name_en, (v) => { z.name_en = v; }))))),
        h("tbody", d.departments.map((dep) => h("tr", { dataset: { department: dep.code } },
          h("td", dep.code), h("td", input(dep.name, (v) => { dep.name = v; })), h("td", input(dep.name_en, (v) => { dep.name_en = v; })))))),
      h("button#add-zone", { type: "button", on: { click: () => { d.zones.push({ code: `khu-${d.zones.length + 1}`, name: `Khu ${d.zones.length + 1}` }); act.rerender(); } } }, t("s.add_zone")),
      h("button#add-department", { type: "button", on: { click: () => { d.departments.push({ code: `khoa-${d.departments.length + 1}`, name: `Khoa ${d.departments.length + 1}` }); act.rerender(); } } }, t("s.add_department"))),
    h("section.panel#s-json", h("h2", t("s.json")),
      h("textarea#config-json", { rows: "12", spellcheck: "false" }, JSON.stringify(d, null, 2).normalize("NFC")),
      h("button#apply-json", { type: "button", on: { click: (e) => {
        act.applyJson(/** @type {HTMLTextAreaElement} */ (e.target.parentElement.querySelector("textarea")).value);
      } } }, t("s.apply_json"))));
}

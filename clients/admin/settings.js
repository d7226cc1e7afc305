// The settings tab: the unit, services, counters and TV screens edited as forms on a draft of
// the configuration, uploads to the media library, and the whole configuration as JSON for
// what the forms do not cover. "Save" sends replace_config: the server validates it (an error
// names the field), logs it with the administrator's name, and every screen applies it live.
import { h } from "../shared/dom.js";
import { t, addTexts, pick, errorText } from "../shared/i18n.js";

addTexts({
  vi: {
    "s.unit": "Đơn vị", "s.name": "Tên", "s.name_en": "Tên tiếng Anh", "s.address": "Địa chỉ", "s.commune": "Xã / phường", "s.district": "Huyện / quận", "s.province": "Tỉnh / thành phố", "s.size": "Cỡ nút", "s.logo": "Logo",
    "s.services": "Dịch vụ", "s.code": "Mã", "s.colour": "Màu", "s.order": "Thứ tự", "s.on_kiosk": "Trên kiosk",
    "s.department": "Khoa", "s.add_service": "Thêm dịch vụ",
    "s.counters": "Quầy", "s.number": "Số", "s.zone": "Khu", "s.serves": "Phục vụ", "s.add_counter": "Thêm quầy",
    "s.display": "Màn hình TV", "s.marquee": "Chữ chạy", "s.marquee_en": "Chữ chạy (tiếng Anh)",
    "s.marquee_position": "Vị trí chữ chạy", "s.columns": "Số cột (0 = tự động)", "s.rows": "Số hàng (0 = tự động)",
    "s.theme": "Giao diện", "s.media_area": "Vùng phát media", "s.media_none": "Không", "s.media_right": "Bên phải",
    "s.playlist": "Danh sách phát", "s.upload": "Tải ảnh/video lên", "s.uploaded": "Đã tải lên {name}.",
    "s.json": "Toàn bộ cấu hình (JSON, cho người quản trị thành thạo)", "s.apply_json": "Dùng JSON này",
    "s.bad_json": "JSON không hợp lệ: {msg}",
    "s.screens": "Từng màn hình TV (để trống: theo cài đặt chung)", "s.inherit": "theo chung", "s.own_playlist": "Danh sách phát riêng",
    "s.hours": "Giờ làm việc", "s.open": "Mở", "s.close": "Đóng", "s.break": "Nghỉ trưa (vd 11:30-13:00)", "s.closed_day": "để trống: nghỉ",
    "s.holidays": "Ngày nghỉ lễ", "s.holiday_name": "Tên ngày lễ", "s.add_holiday": "Thêm ngày nghỉ", "s.remove": "Xóa",
    "s.priority": "Chính sách ưu tiên", "s.mode": "Cách gọi", "s.mode.ratio": "Xen kẽ theo tỷ lệ", "s.mode.strict": "Ưu tiên trước hết", "s.mode.fifo": "Theo thứ tự đến",
    "s.ratio_priority": "Số lượt ưu tiên mỗi vòng", "s.ratio_normal": "Số lượt thường mỗi vòng", "s.max_wait": "Chờ tối đa trước khi được gọi trước (phút)",
    "s.elderly_age": "Tuổi cao tuổi ưu tiên", "s.child_age": "Trẻ em dưới (tuổi)",
    "s.zones": "Khu vực", "s.departments": "Khoa / bộ phận", "s.add_zone": "Thêm khu", "s.add_department": "Thêm khoa",
    "s.save": "Lưu và áp dụng", "s.saved": "Đã lưu. Các màn hình đã cập nhật.", "s.reset": "Bỏ thay đổi",
  },
  en: {
    "s.unit": "Unit", "s.name": "Name", "s.name_en": "English name", "s.address": "Address", "s.commune": "Commune / ward", "s.district": "District", "s.province": "Province", "s.size": "Button size", "s.logo": "Logo",
    "s.services": "Services", "s.code": "Code", "s.colour": "Colour", "s.order": "Order", "s.on_kiosk": "On the kiosk",
    "s.department": "Department", "s.add_service": "Add a service",
    "s.counters": "Counters", "s.number": "Number", "s.zone": "Zone", "s.serves": "Serves", "s.add_counter": "Add a counter",
    "s.display": "TV screens", "s.marquee": "Scrolling text", "s.marquee_en": "Scrolling text (English)",
    "s.marquee_position": "Scrolling text position", "s.columns": "Columns (0 = automatic)", "s.rows": "Rows (0 = automatic)",
    "s.theme": "Theme", "s.media_area": "Media area", "s.media_none": "None", "s.media_right": "On the right",
    "s.playlist": "Playlist", "s.upload": "Upload an image or video", "s.uploaded": "Uploaded {name}.",
    "s.json": "The whole configuration (JSON, for experienced administrators)", "s.apply_json": "Use this JSON",
    "s.bad_json": "Invalid JSON: {msg}",
    "s.screens": "Each TV screen (empty: as above)", "s.inherit": "as above", "s.own_playlist": "Its own playlist",
    "s.hours": "Working hours", "s.open": "Opens", "s.close": "Closes", "s.break": "Lunch break (e.g. 11:30-13:00)", "s.closed_day": "empty: closed",
    "s.holidays": "Holidays", "s.holiday_name": "Holiday name", "s.add_holiday": "Add a holiday", "s.remove": "Remove",
    "s.priority": "Priority policy", "s.mode": "Calling order", "s.mode.ratio": "Interleaved by ratio", "s.mode.strict": "Priority first", "s.mode.fifo": "Arrival order",
    "s.ratio_priority": "Priority calls per round", "s.ratio_normal": "Normal calls per round", "s.max_wait": "Longest wait before being called first (minutes)",
    "s.elderly_age": "Elderly from age", "s.child_age": "Children under (years)",
    "s.zones": "Zones", "s.departments": "Departments", "s.add_zone": "Add a zone", "s.add_department": "Add a department",
    "s.save": "Save and apply", "s.saved": "Saved. The screens have updated.", "s.reset": "Discard changes",
  },
});

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
    h("td", choice("theme", [["multi", "multi"], ["mono", "mono"]])),
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
 * @param {{draft: any, media: any[], message: string, error: string, tvs?: any[]}} st the tab's state
 * @param {{save: () => void, reset: () => void, upload: (file: File) => void, rerender: () => void}} act
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
      h("table.figures", h("thead", h("tr", [t("s.code"), t("s.name"), t("s.name_en"), t("s.department"), t("s.colour"), t("s.size"), t("s.order"), t("s.on_kiosk")].map((x) => h("th", x)))),
        h("tbody", d.services.map((s) => h("tr", { dataset: { service: s.code } },
          h("td", s.code),
          h("td", input(s.name, (v) => { s.name = v; }, { "data-field": "name" })),
          h("td", input(s.name_en, (v) => { s.name_en = v; }, { "data-field": "name_en" })),
          h("td", h("select", { on: { change: (e) => { s.department = e.target.value; } } },
            d.departments.map((dep) => h("option", { value: dep.code, selected: s.department === dep.code || undefined }, pick(dep.name, dep.name_en))))),
          h("td", input(s.colour, (v) => { s.colour = v; }, { type: "color", "data-field": "colour" })),
          h("td", h("select", { "data-field": "size", on: { change: (e) => { s.size = e.target.value; } } },
            ["normal", "large", "wide"].map((z) => h("option", { value: z, selected: (s.size || "normal") === z || undefined }, z)))),
          h("td", num(s.order, (v) => { s.order = v; }, { style: { width: "4rem" } })),
          h("td", check(s.on_kiosk !== false, (v) => { s.on_kiosk = v; }))))))),
    h("section.panel#s-counters", h("h2", t("s.counters")),
      h("table.figures", h("thead", h("tr", [t("s.number"), t("s.name"), t("s.zone"), t("s.serves")].map((x) => h("th", x)))),
        h("tbody", d.counters.map((c) => h("tr", { dataset: { counter: String(c.number) } },
          h("td", String(c.number)),
          h("td", input(c.name, (v) => { c.name = v; }, { "data-field": "name" })),
          h("td", h("select", { "data-field": "zone", on: { change: (e) => { c.zone = e.target.value; } } },
            d.zones.map((z) => h("option", { value: z.code, selected: c.zone === z.code || undefined }, pick(z.name, z.name_en))))),
          h("td.serves", codes.map((code) => h("label.inline", check(c.services.some((x) => x.code === code), (on) => {
            c.services = on ? [...c.services, { code }] : c.services.filter((x) => x.code !== code);
          }, { "data-code": code }), code))))))),
      h("button#add-counter", { type: "button", on: { click: () => {
        d.counters.push({ number: nextNumber, name: `Quầy ${nextNumber}`, zone: d.zones[0]?.code || "", services: [] });
        act.rerender();
      } } }, t("s.add_counter"))),
    h("section.panel#s-display", h("h2", t("s.display")),
      field(t("s.marquee"), input(d.display.marquee, (v) => { d.display.marquee = v; }, { id: "marquee" })),
      field(t("s.marquee_en"), input(d.display.marquee_en, (v) => { d.display.marquee_en = v; })),
      field(t("s.marquee_position"), h("select", { on: { change: (e) => { d.display.marquee_position = e.target.value; } } },
        ["bottom", "top"].map((p) => h("option", { value: p, selected: d.display.marquee_position === p || undefined }, p)))),
      field(t("s.columns"), num(d.display.columns, (v) => { d.display.columns = v; }, { min: "0", max: "4" })),
      field(t("s.rows"), num(d.display.rows, (v) => { d.display.rows = v; }, { min: "0", max: "8" })),
      field(t("s.theme"), h("select", { on: { change: (e) => { d.display.theme = e.target.value; } } },
        ["multi", "mono"].map((p) => h("option", { value: p, selected: d.display.theme === p || undefined }, p)))),
      field(t("s.media_area"), h("select#media-area", { on: { change: (e) => { d.display.media_area = e.target.value; } } },
        [["none", t("s.media_none")], ["right", t("s.media_right")]].map(([v, label]) => h("option", { value: v, selected: (d.display.media_area || "none") === v || undefined }, label)))),
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
      h("textarea#config-json", { rows: "12", spellcheck: "false" }, JSON.stringify(d, null, 2)),
      h("button#apply-json", { type: "button", on: { click: (e) => {
        const text = /** @type {HTMLTextAreaElement} */ (e.target.parentElement.querySelector("textarea")).value;
        try { st.draft = JSON.parse(text); st.error = ""; } catch (err) { st.error = t("s.bad_json", { msg: String(err.message || err) }); }
        act.rerender();
      } } }, t("s.apply_json"))));
}

export { errorText };

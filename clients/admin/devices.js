// The devices and staff tab: the fleet (connected or not, last heartbeat, version, what each
// device says of its hardware, open faults) with a remote reload; registering a device (its
// token shown once) and revoking one; staff accounts created and switched on or off.
import { h } from "../shared/dom.js";
import { t, addTexts, pick } from "../shared/i18n.js";

addTexts({
  vi: {
    "d.fleet": "Thiết bị", "d.device": "Thiết bị", "d.kind": "Loại", "d.where": "Vị trí", "d.online": "Kết nối",
    "d.yes": "Trực tuyến", "d.no": "Mất kết nối", "d.stale": "Không báo tin", "d.last": "Báo tin lần cuối",
    "d.ago": "{n} giây trước", "d.version": "Phiên bản", "d.state": "Tình trạng", "d.faults": "Lỗi",
    "d.reload": "Tải lại", "d.play": "Phát ngay", "d.played": "Đã gửi lệnh phát tới {n} màn hình.", "d.revoke": "Thu hồi", "d.revoked": "Đã thu hồi", "d.reloaded": "Đã yêu cầu {n} màn hình tải lại.",
    "d.register": "Đăng ký thiết bị", "d.id": "Mã thiết bị (chữ thường, số, -)", "d.name": "Tên", "d.zone": "Khu",
    "d.counter": "Quầy (màn hình đánh giá)", "d.add": "Đăng ký", "d.token": "Mở địa chỉ này trên thiết bị (chỉ hiện một lần):",
    "d.staff": "Nhân viên", "d.username": "Tên đăng nhập", "d.full_name": "Họ tên", "d.role": "Vai trò",
    "d.counters": "Quầy (vd: 1, 2)", "d.password": "Mật khẩu (8 ký tự trở lên)", "d.create": "Tạo tài khoản",
    "d.active": "Đang dùng", "d.disable": "Khóa", "d.enable": "Mở khóa",
    "d.kind.kiosk": "Kiosk", "d.kind.tv": "TV", "d.kind.counter": "Máy quầy", "d.kind.rating": "Màn hình đánh giá",
    "d.role.counter": "Nhân viên quầy", "d.role.admin": "Quản trị viên", "d.created": "Đã tạo tài khoản {name}.",
  },
  en: {
    "d.fleet": "Devices", "d.device": "Device", "d.kind": "Kind", "d.where": "Where", "d.online": "Connection",
    "d.yes": "Online", "d.no": "Offline", "d.stale": "Silent", "d.last": "Last heartbeat",
    "d.ago": "{n} s ago", "d.version": "Version", "d.state": "State", "d.faults": "Faults",
    "d.reload": "Reload", "d.play": "Play now", "d.played": "Sent to {n} screens.", "d.revoke": "Revoke", "d.revoked": "Revoked", "d.reloaded": "Asked {n} screens to reload.",
    "d.register": "Register a device", "d.id": "Device id (lower case, digits, -)", "d.name": "Name", "d.zone": "Zone",
    "d.counter": "Counter (rating screens)", "d.add": "Register", "d.token": "Open this address on the device (shown once):",
    "d.staff": "Staff", "d.username": "Username", "d.full_name": "Full name", "d.role": "Role",
    "d.counters": "Counters (e.g. 1, 2)", "d.password": "Password (8+ characters)", "d.create": "Create account",
    "d.active": "Active", "d.disable": "Disable", "d.enable": "Enable",
    "d.kind.kiosk": "Kiosk", "d.kind.tv": "TV", "d.kind.counter": "Counter tablet", "d.kind.rating": "Rating screen",
    "d.role.counter": "Counter staff", "d.role.admin": "Administrator", "d.created": "Account {name} created.",
  },
});

const short = (state) => Object.entries(state || {}).map(([k, v]) => `${k}: ${v}`).join(" · ");

/**
 * @param {{fleet: any[], staff: any[], at: number, message: string, error: string, token: string, media?: any[]}} st
 * @param {any} config
 * @param {{reload: (d: string) => void, play: (d: string, media: string) => void, revoke: (d: string) => void, register: (data: any) => void,
 *          createStaff: (data: any) => void, setActive: (u: string, on: boolean) => void}} act
 */
export function viewDevices(st, config, act) {
  const value = (form, name) => /** @type {HTMLInputElement} */ (form.querySelector(`[name=${name}]`)).value.trim();
  const where = (d) => d.counter ? `${t("d.counter").split(" ")[0]} ${d.counter}` : (config?.zones.find((z) => z.code === d.zone)?.name || d.zone || "—");
  return h("div.settings",
    st.error ? h("p.banner-error#devices-error", { role: "alert" }, st.error) : null,
    st.message ? h("p.banner-ok#devices-message", { role: "status" }, st.message) : null,
    st.token ? h("p.banner-ok#device-token", t("d.token"), " ", h("code", st.token)) : null,
    h("section.panel", h("h2", t("d.fleet")),
      h("table.figures#fleet", h("thead", h("tr", [t("d.device"), t("d.kind"), t("d.where"), t("d.online"), t("d.last"), t("d.version"), t("d.state"), t("d.faults"), ""].map((x) => h("th", x)))),
        h("tbody", st.fleet.map((d) => h("tr", { dataset: { device: d.device, online: d.online ? "1" : "0" } },
          h("td", h("strong", d.name), h("br"), h("small", d.device)),
          h("td", t(`d.kind.${d.kind}`)),
          h("td", where(d)),
          h(`td.${d.online ? (d.stale ? "status-paused" : "status-open") : "status-closed"}`, !d.active ? t("d.revoked") : d.online ? (d.stale ? t("d.stale") : t("d.yes")) : t("d.no")),
          h("td", d.last_seen ? t("d.ago", { n: Math.max(0, Math.round(st.at - d.last_seen)) }) : "—"),
          h("td", d.version || "—"),
          h("td.state", short(d.state) || "—"),
          h("td.faults", d.faults.map((f) => `${f.part}: ${f.code}`).join(", ") || "—"),
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
        act.register({ device: value(f, "device"), kind, name: value(f, "name"), zone: kind === "tv" ? value(f, "zone") : "", counter: kind === "rating" && counter ? Number(counter) : null });
      } } },
      h("label.field", h("span", t("d.id")), h("input", { name: "device", required: true, pattern: "[a-z0-9\\-]{2,40}" })),
      h("label.field", h("span", t("d.kind")), h("select", { name: "kind" }, ["kiosk", "tv", "rating", "counter"].map((k) => h("option", { value: k }, t(`d.kind.${k}`))))),
      h("label.field", h("span", t("d.name")), h("input", { name: "name", required: true })),
      h("label.field", h("span", t("d.zone")), h("select", { name: "zone" }, h("option", { value: "" }, "—"), (config?.zones || []).map((z) => h("option", { value: z.code }, pick(z.name, z.name_en))))),
      h("label.field", h("span", t("d.counter")), h("select", { name: "counter" }, h("option", { value: "" }, "—"), (config?.counters || []).map((c) => h("option", { value: String(c.number) }, pick(c.name, c.name_en))))),
      h("button.primary", { type: "submit" }, t("d.add")))),
    h("section.panel", h("h2", t("d.staff")),
      h("table.figures#staff", h("thead", h("tr", [t("d.username"), t("d.full_name"), t("d.role"), t("d.counters"), t("d.active"), ""].map((x) => h("th", x)))),
        h("tbody", st.staff.map((s) => h("tr", { dataset: { username: s.username } },
          h("td", s.username), h("td", s.full_name), h("td", t(`d.role.${s.role}`)), h("td", (s.counters || []).join(", ") || "—"),
          h("td", s.active ? "✓" : "—"),
          h("td", h("button.small-btn", { type: "button", dataset: { action: s.active ? "disable" : "enable" }, on: { click: () => act.setActive(s.username, !s.active) } }, t(s.active ? "d.disable" : "d.enable"))))))),
      h("form#create-staff", { on: { submit: (e) => {
        e.preventDefault();
        const f = e.target;
        const counters = value(f, "counters").split(/[\s,;]+/).filter(Boolean).map(Number);
        act.createStaff({ username: value(f, "username"), full_name: value(f, "full_name"), role: value(f, "role"), counters, password: /** @type {HTMLInputElement} */ (f.querySelector("[name=password]")).value });
      } } },
      h("label.field", h("span", t("d.username")), h("input", { name: "username", required: true })),
      h("label.field", h("span", t("d.full_name")), h("input", { name: "full_name", required: true })),
      h("label.field", h("span", t("d.role")), h("select", { name: "role" }, ["counter", "admin"].map((r) => h("option", { value: r }, t(`d.role.${r}`))))),
      h("label.field", h("span", t("d.counters")), h("input", { name: "counters" })),
      h("label.field", h("span", t("d.password")), h("input", { name: "password", type: "password", required: true, minlength: "8", autocomplete: "new-password" })),
      h("button.primary", { type: "submit" }, t("d.create")))));
}

// The administrator's pages: a live dashboard (M4) and the reports with charts and exports
// (M4, V6). Signs in with a staff account of the admin role; the websocket gives the live view.
import { h, fill, $ } from "../shared/dom.js";
import { t, addTexts, setLang, lang, onLang, pick, errorText } from "../shared/i18n.js";
import { QueueSocket } from "../shared/socket.js";
import { Board } from "../shared/board.js";
import { connectionBadge } from "../shared/badge.js";
import { barChart } from "./charts.js";
import { viewSettings } from "./settings.js";
import { viewDevices } from "./devices.js";

addTexts({
  vi: {
    "a.title": "Quản trị",
    "a.tab.dashboard": "Tổng quan",
    "a.tab.reports": "Báo cáo",
    "a.tab.settings": "Cấu hình",
    "a.tab.devices": "Thiết bị và nhân viên",
    "a.tab.audit": "Nhật ký",
    "a.audit.when": "Lúc", "a.audit.who": "Ai", "a.audit.what": "Việc", "a.audit.detail": "Chi tiết", "a.audit.older": "Cũ hơn",
    "a.login.title": "Đăng nhập quản trị",
    "a.login.user": "Tên đăng nhập",
    "a.login.password": "Mật khẩu",
    "a.login.submit": "Đăng nhập",
    "a.login.not_admin": "Tài khoản này không phải quản trị viên.",
    "a.logout": "Đăng xuất",
    "a.waiting_now": "Đang chờ",
    "a.longest": "Chờ lâu nhất",
    "a.open": "Quầy đang mở",
    "a.paused": "Quầy tạm dừng",
    "a.served_today": "Đã phục vụ hôm nay",
    "a.minutes": "{n} phút",
    "a.by_service_now": "Đang chờ theo dịch vụ",
    "a.counters": "Các quầy",
    "a.counter": "Quầy",
    "a.status": "Trạng thái",
    "a.current": "Đang phục vụ",
    "a.staff": "Nhân viên",
    "a.served": "Đã phục vụ",
    "a.status.open": "Mở",
    "a.status.paused": "Tạm dừng",
    "a.status.closed": "Đóng",
    "a.faults": "Thiết bị lỗi",
    "a.fault": "{device}: {part} — {code}",
    "a.from": "Từ ngày",
    "a.to": "Đến ngày",
    "a.show": "Xem",
    "a.csv": "Tải CSV",
    "a.xlsx": "Tải Excel",
    "a.half": "Báo cáo 6 tháng",
    "a.year": "Năm",
    "a.half_n": "6 tháng đầu / cuối",
    "a.half_1": "6 tháng đầu",
    "a.half_2": "6 tháng cuối",
    "a.loading": "Đang tính…",
    "a.issued": "Số đã phát",
    "a.missed": "Vắng mặt",
    "a.wait_median": "Chờ trung vị",
    "a.wait_p90": "Chờ P90",
    "a.service_mean": "Phục vụ TB",
    "a.priority": "Ưu tiên",
    "a.idle": "Quầy rảnh khi có người chờ",
    "a.rating": "Hài lòng",
    "a.chart.by_hour": "Số phát theo giờ",
    "a.chart.wait_by_service": "Thời gian chờ trung vị theo dịch vụ (phút)",
    "a.chart.rating_by_counter": "Điểm hài lòng theo quầy",
    "a.t.service": "Theo dịch vụ",
    "a.t.counter": "Theo quầy",
    "a.t.staff": "Theo nhân viên",
    "a.t.source": "Theo cách nhận diện",
    "a.key": "Nhóm",
    "loading": "Đang tải…",
  },
  en: {
    "a.title": "Administration",
    "a.tab.dashboard": "Dashboard",
    "a.tab.reports": "Reports",
    "a.tab.settings": "Settings",
    "a.tab.devices": "Devices and staff",
    "a.tab.audit": "Audit log",
    "a.audit.when": "When", "a.audit.who": "Who", "a.audit.what": "What", "a.audit.detail": "Details", "a.audit.older": "Older",
    "a.login.title": "Administrator sign-in",
    "a.login.user": "Username",
    "a.login.password": "Password",
    "a.login.submit": "Sign in",
    "a.login.not_admin": "This account is not an administrator.",
    "a.logout": "Sign out",
    "a.waiting_now": "Waiting now",
    "a.longest": "Longest wait",
    "a.open": "Counters open",
    "a.paused": "Counters paused",
    "a.served_today": "Served today",
    "a.minutes": "{n} min",
    "a.by_service_now": "Waiting by service",
    "a.counters": "Counters",
    "a.counter": "Counter",
    "a.status": "Status",
    "a.current": "Serving",
    "a.staff": "Staff",
    "a.served": "Served",
    "a.status.open": "Open",
    "a.status.paused": "Paused",
    "a.status.closed": "Closed",
    "a.faults": "Devices in fault",
    "a.fault": "{device}: {part} — {code}",
    "a.from": "From",
    "a.to": "To",
    "a.show": "Show",
    "a.csv": "Download CSV",
    "a.xlsx": "Download Excel",
    "a.half": "Six-monthly report",
    "a.year": "Year",
    "a.half_n": "First / second half",
    "a.half_1": "January-June",
    "a.half_2": "July-December",
    "a.loading": "Computing…",
    "a.issued": "Issued",
    "a.missed": "Missed",
    "a.wait_median": "Median wait",
    "a.wait_p90": "Wait p90",
    "a.service_mean": "Mean service",
    "a.priority": "Priority",
    "a.idle": "Idle while people wait",
    "a.rating": "Satisfaction",
    "a.chart.by_hour": "Tickets issued by hour",
    "a.chart.wait_by_service": "Median wait by service (minutes)",
    "a.chart.rating_by_counter": "Satisfaction by counter",
    "a.t.service": "By service",
    "a.t.counter": "By counter",
    "a.t.staff": "By staff",
    "a.t.source": "By identity source",
    "a.key": "Group",
    "loading": "Loading…",
  },
});

const SESSION_KEY = "queue.admin.session";
const board = new Board();
const ui = {
  tab: "dashboard",
  faults: /** @type {Map<string, any>} */ (new Map()),
  report: /** @type {any} */ (null),
  reportError: "",
  from: "",
  to: "",
  settings: { draft: /** @type {any} */ (null), media: /** @type {any[]} */ ([]), message: "", error: "", tvs: /** @type {any[]} */ ([]) },
  devices: { fleet: /** @type {any[]} */ ([]), staff: /** @type {any[]} */ ([]), at: 0, message: "", error: "", token: "", media: /** @type {any[]} */ ([]) },
};
let fleetTimer = /** @type {any} */ (0);
const auditLog = { rows: /** @type {any[]} */ ([]), error: "" };
let session = loadSession();
let socket = /** @type {QueueSocket|null} */ (null);
let pending = 0;

function loadSession() {
  try {
    const s = JSON.parse(localStorage.getItem(SESSION_KEY) || "null");
    return s && s.role === "admin" && s.expires * 1000 > Date.now() ? s : null;
  } catch { return null; }
}

function today() {
  const tz = board.config?.unit?.timezone || "Asia/Ho_Chi_Minh";
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

// ---- rendering -----------------------------------------------------------------------------

function render() {
  $("#lang").textContent = t("lang.switch");
  $("#title").textContent = board.config ? `${t("a.title")} — ${board.config.unit.name}` : t("a.title");
  const tabs = $("#tabs");
  tabs.hidden = !session;
  fill(tabs, ["dashboard", "reports", "settings", "devices", "audit"].map((name) => h("button", {
    type: "button", role: "tab", "aria-selected": String(ui.tab === name), dataset: { tab: name },
    on: { click: () => openTab(name) },
  }, t(`a.tab.${name}`))));
  $("#logout").hidden = !session;
  $("#logout").textContent = t("a.logout");
  $("#who").textContent = session ? session.full_name || session.username : "";
  const view = $("#view");
  if (!session) { fill(view, viewLogin()); return; }
  if (ui.tab === "settings" && !ui.settings.draft && board.config) ui.settings.draft = structuredClone(board.config); // the tab opened before the snapshot came
  if (ui.tab === "settings") fill(view, viewSettings(ui.settings, settingsActions));
  else if (ui.tab === "devices") fill(view, viewDevices(ui.devices, board.config, deviceActions));
  else if (ui.tab === "audit") fill(view, viewAudit());
  else fill(view, ui.tab === "reports" ? viewReports() : viewDashboard());
}

function openTab(name) {
  ui.tab = name;
  if (name === "audit") { auditLog.rows = []; loadAudit(); }
  clearInterval(fleetTimer);
  if (name === "devices") {
    ui.devices.message = ui.devices.error = ui.devices.token = "";
    loadFleet(true);
    api("GET", "/api/media").then((r) => { ui.devices.media = r.media; if (ui.tab === "devices") render(); }).catch(() => {});
    fleetTimer = setInterval(() => loadFleet(), 5000);
  }
  if (name === "settings") {
    ui.settings.draft = board.config ? structuredClone(board.config) : null;
    ui.settings.message = ui.settings.error = "";
    loadMedia();
  }
  render();
}

async function loadMedia() {
  const r = await fetch("/api/media", { headers: { authorization: `Bearer ${session.token}` } }).catch(() => null);
  if (r && r.ok) ui.settings.media = (await r.json()).media;
  if (ui.tab === "settings") render();
}

async function api(method, path, body) {
  const r = await fetch(path, {
    method, headers: { authorization: `Bearer ${session.token}`, "content-type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  }).catch(() => null);
  const answer = r ? await r.json().catch(() => ({})) : {};
  if (!r || !r.ok) throw answer.error || { code: "offline" };
  return answer;
}

/** The fleet, polled while the tab is open; the periodic refresh skips a render while the
 * admin is typing in a form (``force`` after an action of theirs). */
async function loadAudit() {
  const last = auditLog.rows.at(-1);
  try {
    const answer = await api("GET", `/api/audit?limit=200${last ? `&before=${last.seq}` : ""}`);
    auditLog.rows.push(...answer.events);
  } catch (err) { auditLog.error = errorText(err); }
  if (ui.tab === "audit") render();
}

function viewAudit() {
  const tz = board.config?.unit?.timezone || "Asia/Ho_Chi_Minh";
  const when = new Intl.DateTimeFormat("vi-VN", { timeZone: tz, dateStyle: "short", timeStyle: "medium" });
  const detail = (e) => Object.entries(e).filter(([k, v]) => k !== "type" && k !== "v" && v !== "" && v !== null && !(Array.isArray(v) && !v.length))
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join(" · ").slice(0, 200);
  return h("section.panel",
    auditLog.error ? h("p.banner-error", { role: "alert" }, auditLog.error) : null,
    h("table.figures#audit", h("thead", h("tr", [t("a.audit.when"), t("a.audit.who"), t("a.audit.what"), t("a.audit.detail")].map((x) => h("th", x)))),
      h("tbody", auditLog.rows.map((r) => h("tr", { dataset: { seq: String(r.seq), type: r.event.type } },
        h("td", when.format(new Date(r.at * 1000))), h("td", r.actor.replace(/^(staff|device):/, "")),
        h("td", r.event.type), h("td.state", detail(r.event)))))),
    auditLog.rows.length && auditLog.rows.at(-1).seq > 1 ? h("button#older", { type: "button", on: { click: loadAudit } }, t("a.audit.older")) : null);
}

async function loadFleet(force = false) {
  try {
    const answer = await api("GET", "/api/fleet");
    ui.devices.fleet = answer.devices;
    ui.devices.at = answer.at;
  } catch (err) { ui.devices.error = errorText(err); }
  const typing = document.activeElement instanceof HTMLInputElement && document.activeElement.closest("form");
  if (ui.tab === "devices" && (force || !typing)) render();
}

const deviceActions = {
  play: async (device, mediaName) => {
    try {
      const r = await /** @type {QueueSocket} */ (socket).request({ type: "control", id: `p${Date.now()}`, device, action: "play", media: mediaName });
      ui.devices.message = t("d.played", { n: r.sent });
    } catch (err) { ui.devices.error = errorText(err); }
    render();
  },
  reload: async (device) => {
    try {
      const r = await /** @type {QueueSocket} */ (socket).request({ type: "control", id: `c${Date.now()}`, device, action: "reload" });
      ui.devices.message = t("d.reloaded", { n: r.sent });
    } catch (err) { ui.devices.error = errorText(err); }
    render();
  },
  revoke: async (device) => {
    try { await /** @type {QueueSocket} */ (socket).command({ type: "revoke_device", device }); } catch (err) { ui.devices.error = errorText(err); }
    loadFleet(true);
  },
  register: async (data) => {
    ui.devices.message = ui.devices.error = ui.devices.token = "";
    try {
      const r = await api("POST", "/api/devices", data);
      ui.devices.token = `${location.origin}/${data.kind}/#token=${r.token}`;
    } catch (err) { ui.devices.error = errorText(err); }
    loadFleet(true);
  },
  createStaff: async (data) => {
    ui.devices.message = ui.devices.error = "";
    try {
      await api("POST", "/api/staff", data);
      ui.devices.message = t("d.created", { name: data.username });
    } catch (err) { ui.devices.error = errorText(err); }
    render();
  },
  setActive: async (username, active) => {
    try { await /** @type {QueueSocket} */ (socket).command({ type: "set_staff_active", username, active }); } catch (err) { ui.devices.error = errorText(err); }
    render();
  },
};

const settingsActions = {
  rerender: () => render(),
  reset: () => openTab("settings"),
  save: async () => {
    const st = ui.settings;
    st.message = st.error = "";
    try {
      await /** @type {QueueSocket} */ (socket).command({ type: "replace_config", config: st.draft }, { timeout: 10000 });
      st.draft = structuredClone(board.config);
      st.message = t("s.saved");
    } catch (err) {
      st.error = errorText(err);
    }
    render();
  },
  upload: async (file) => {
    const st = ui.settings;
    st.message = st.error = "";
    const r = await fetch("/api/media", {
      method: "POST", body: file,
      headers: { authorization: `Bearer ${session.token}`, "content-type": file.type || "application/octet-stream" },
    }).catch(() => null);
    const body = r ? await r.json().catch(() => ({})) : {};
    if (!r || !r.ok) st.error = errorText(body.error || { code: "offline" });
    else st.message = t("s.uploaded", { name: body.name });
    await loadMedia();
  },
};

function schedule() { // events come in bursts: one render per frame at most
  if (pending) return;
  pending = requestAnimationFrame(() => { pending = 0; if (ui.tab === "dashboard") render(); });
}

function viewLogin() {
  const user = h("input#username", { type: "text", autocomplete: "username", required: true });
  const pass = h("input#password", { type: "password", autocomplete: "current-password", required: true });
  const error = h("p.field-error#login-error", { role: "alert" });
  return h("form.login", {
    on: { submit: async (e) => {
      e.preventDefault();
      error.textContent = "";
      const r = await fetch("/api/login", {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: /** @type {HTMLInputElement} */ (user).value.trim(), password: /** @type {HTMLInputElement} */ (pass).value }),
      }).catch(() => null);
      const body = r ? await r.json().catch(() => ({})) : {};
      if (!r || !r.ok) { error.textContent = errorText(body.error) || errorText({ code: "offline" }); return; }
      if (body.role !== "admin") { error.textContent = t("a.login.not_admin"); return; }
      session = body;
      localStorage.setItem(SESSION_KEY, JSON.stringify(body));
      connect();
      render();
    } },
  },
  h("h1", t("a.login.title")),
  h("label", { for: "username" }, t("a.login.user")), user,
  h("label", { for: "password" }, t("a.login.password")), pass,
  error,
  h("button.primary", { type: "submit" }, t("a.login.submit")));
}

function figure(id, n, what) {
  return h("div.card-figure", { id }, h("div.n", String(n)), h("div.what", what));
}

function viewDashboard() {
  if (!board.config) return h("p.muted", t("loading"));
  const now = socket ? socket.now() : Date.now() / 1000;
  const waitingTickets = [...board.tickets.values()].filter((x) => x.status === "waiting");
  const longest = waitingTickets.length ? Math.max(...waitingTickets.map((x) => now - x.issued_at)) : 0;
  const counters = [...board.counters.values()];
  const waitingTotal = Object.values(board.waiting).reduce((a, b) => a + b, 0);
  const services = [...board.config.services].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  const longestBy = (code) => {
    const mine = waitingTickets.filter((x) => x.service === code);
    return mine.length ? Math.floor(Math.max(...mine.map((x) => now - x.issued_at)) / 60) : null;
  };
  return [
    ui.faults.size ? h("section.panel#faults",
      h("h2", t("a.faults")),
      [...ui.faults.values()].map((f) => h("div.fault", t("a.fault", { device: f.device.replace(/^device:/, ""), part: f.part, code: f.code })))) : null,
    h("div.cards",
      figure("fig-waiting", waitingTotal, t("a.waiting_now")),
      figure("fig-longest", t("a.minutes", { n: Math.floor(longest / 60) }), t("a.longest")),
      figure("fig-open", counters.filter((c) => c.status === "open").length, t("a.open")),
      figure("fig-paused", counters.filter((c) => c.status === "paused").length, t("a.paused")),
      figure("fig-served", counters.reduce((a, c) => a + (c.served || 0), 0), t("a.served_today"))),
    h("div.panels",
      h("section.panel#waiting-chart", barChart(services.map((s) => ({
        label: `${s.code} ${pick(s.name, s.name_en)}`.slice(0, 22), value: board.waiting[s.code] || 0, colour: s.colour,
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

// ---- reports -------------------------------------------------------------------------------

async function fetchReport(query, format) {
  const r = await fetch(`/api/reports?${query}${format ? `&format=${format}` : ""}`, { headers: { authorization: `Bearer ${session.token}` } });
  if (!r.ok) {
    const body = await r.json().catch(() => ({}));
    throw body.error || { code: "offline" };
  }
  return format ? r.blob() : r.json();
}

async function showReport() {
  ui.reportError = "";
  ui.report = "loading";
  render();
  try {
    ui.report = await fetchReport(`from=${ui.from}&to=${ui.to}`);
  } catch (err) {
    ui.report = null;
    ui.reportError = errorText(err);
  }
  render();
}

async function download(query, format, name) {
  try {
    const blob = await fetchReport(query, format);
    const a = h("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(a);
    a.click();
    a.remove();
  } catch (err) {
    ui.reportError = errorText(err);
    render();
  }
}

const fmt = (v) => (v === null || v === undefined ? "—" : String(v));

function figuresTable(id, rows, keyName) {
  return h(`table.figures#${id}`,
    h("thead", h("tr", h("th", keyName), h("th", t("a.issued")), h("th", t("a.served")), h("th", t("a.missed")),
      h("th", t("a.wait_median")), h("th", t("a.wait_p90")), h("th", t("a.service_mean")), h("th", t("a.idle")), h("th", t("a.rating")))),
    h("tbody", rows.map((r) => h("tr", { dataset: { key: String(r.key) } },
      h("td", String(r.label ?? r.key)), h("td", String(r.issued)), h("td", String(r.served)), h("td", String(r.missed)),
      h("td", fmt(r.wait.median)), h("td", fmt(r.wait.p90)), h("td", fmt(r.service.mean)), h("td", fmt(r.idle_minutes)),
      h("td", r.rating.n ? `${r.rating.mean} (${r.rating.n})` : "—")))));
}

function viewReports() {
  ui.from ||= today();
  ui.to ||= ui.from;
  const from = h("input#from", { type: "date", value: ui.from, on: { change: (e) => { ui.from = e.target.value; } } });
  const to = h("input#to", { type: "date", value: ui.to, on: { change: (e) => { ui.to = e.target.value; } } });
  const year = h("input#year", { type: "number", min: "2020", max: "2100", value: ui.from.slice(0, 4) });
  const half = h("select#half", h("option", { value: "1" }, t("a.half_1")), h("option", { value: "2" }, t("a.half_2")));
  /** @type {HTMLSelectElement} */ (half).value = Number(ui.from.slice(5, 7)) <= 6 ? "1" : "2";
  const range = `from=${ui.from}&to=${ui.to}`;
  const r = ui.report;
  const serviceName = (code) => { const s = board.service(code); return s ? pick(s.name, s.name_en) : code; };
  const counterName = (n) => { const c = board.counterConfig(Number(n)); return c ? pick(c.name, c.name_en) : n; };
  return [
    h("div.range",
      h("label", t("a.from"), from), h("label", t("a.to"), to),
      h("button.primary#show", { type: "button", on: { click: showReport } }, t("a.show")),
      h("button#csv", { type: "button", on: { click: () => download(range, "csv", `bao-cao-${ui.from}-${ui.to}.csv`) } }, t("a.csv")),
      h("button#xlsx", { type: "button", on: { click: () => download(range, "xlsx", `bao-cao-${ui.from}-${ui.to}.xlsx`) } }, t("a.xlsx")),
      h("label", t("a.year"), year), h("label", t("a.half_n"), half),
      h("button#half-xlsx", { type: "button", on: { click: () => {
        const q = `year=${/** @type {HTMLInputElement} */ (year).value}&half=${/** @type {HTMLSelectElement} */ (half).value}`;
        download(q, "xlsx", `bao-cao-6-thang-${q.replace(/[^0-9]+/g, "-")}.xlsx`);
      } } }, t("a.half"))),
    ui.reportError ? h("p.banner-error#report-error", { role: "alert" }, ui.reportError) : null,
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
        h("section.panel#chart-wait", barChart(r.by_service.map((x) => ({ label: serviceName(x.key).slice(0, 22), value: x.wait.median, colour: board.service(x.key)?.colour })), { title: t("a.chart.wait_by_service") })),
        r.by_counter.some((x) => x.rating.n) ? h("section.panel#chart-rating", barChart(r.by_counter.filter((x) => x.rating.n).map((x) => ({ label: String(counterName(x.key)).slice(0, 22), value: x.rating.mean })), { title: t("a.chart.rating_by_counter"), unit: "/5" })) : null,
        h("section.panel", h("h2", t("a.t.service")), figuresTable("t-service", r.by_service.map((x) => ({ ...x, label: serviceName(x.key) })), t("a.key"))),
        h("section.panel", h("h2", t("a.t.counter")), figuresTable("t-counter", r.by_counter.map((x) => ({ ...x, label: counterName(x.key) })), t("a.key"))),
        h("section.panel", h("h2", t("a.t.staff")), figuresTable("t-staff", r.by_staff.map((x) => ({ ...x, label: x.key.replace(/^staff:/, "") })), t("a.key"))),
        h("section.panel", h("h2", t("a.t.source")), figuresTable("t-source", r.by_source, t("a.key")))),
    ] : null,
  ];
}

// ---- connection ----------------------------------------------------------------------------

function connect() {
  socket?.stop();
  socket = new QueueSocket({ hello: () => ({ role: "admin", token: session.token }), name: "admin" });
  document.querySelector(".conn-badge")?.remove();
  document.body.append(connectionBadge(socket));
  socket.on("snapshot", (msg) => {
    board.snapshot(msg);
    ui.devices.staff = msg.view.staff || [];
    ui.settings.tvs = (msg.view.devices || []).filter((d) => d.kind === "tv" && d.active);
    render();
  });
  socket.on("event", (msg) => {
    board.apply(msg);
    const e = msg.event;
    if (e.type === "staff_created") ui.devices.staff.push({ username: e.username, full_name: e.full_name, role: e.role, counters: e.counters, active: true });
    if (e.type === "staff_active_set") for (const x of ui.devices.staff) if (x.username === e.username) x.active = e.active;
    if (e.type.startsWith("staff_") && ui.tab === "devices") render();
    if (e.type === "device_registered" && e.kind === "tv") ui.settings.tvs.push({ device: e.device, name: e.name, kind: e.kind, zone: e.zone, active: true });
    if (e.type === "device_revoked") ui.settings.tvs = ui.settings.tvs.filter((x) => x.device !== e.device);
    schedule();
  });
  socket.on("waiting", (msg) => { board.setWaiting(msg); schedule(); });
  socket.on("alert", (msg) => {
    const key = `${msg.device}|${msg.part}`;
    if (msg.ok) ui.faults.delete(key); else ui.faults.set(key, msg);
    schedule();
  });
  socket.on("status", (s) => {
    if (s === "refused") { logout(); }
  });
  socket.start();
}

function logout() {
  if (session) fetch("/api/logout", { method: "POST", headers: { authorization: `Bearer ${session.token}` } }).catch(() => {});
  session = null;
  localStorage.removeItem(SESSION_KEY);
  socket?.stop();
  socket = null;
  render();
}

$("#lang").addEventListener("click", () => setLang(lang() === "vi" ? "en" : "vi"));
$("#logout").addEventListener("click", logout);
onLang(render);
setInterval(() => { if (session && ui.tab === "dashboard") render(); }, 30_000); // waits grow
render();
if (session) connect();
Object.assign(window, { admin: { board, ui } });

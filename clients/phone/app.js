// The patient's phone, from the QR on the printed ticket (/t/<number>): where the number is now
// (people ahead, estimated wait, or "go to counter N" when called), refreshed every 10 s. No
// login and no personal data: the public status of one number of today.
// Relative imports resolve against this module's URL (/phone/app.js, as index.html loads it),
// not the page's (/t/<number>).
import { h, fill, $ } from "../shared/dom.js";
import { t, addTexts, setLang, lang, onLang, pick } from "../shared/i18n.js";

addTexts({
  vi: {
    "title": "Số thứ tự của bạn", "ahead": "Số người chờ trước bạn", "wait": "Thời gian chờ dự kiến: khoảng {n} phút",
    "no_wait": "Chưa có quầy mở", "counters": "Quầy phục vụ: {names}", "called": "Mời bạn đến {name}",
    "serving": "Đang được phục vụ tại {name}", "done": "Đã phục vụ xong. Cảm ơn bạn!", "missed": "Bạn đã lỡ lượt gọi. Vui lòng đến quầy hướng dẫn.",
    "parked": "Số của bạn đang được giữ tại quầy.", "cancelled": "Số này đã bị hủy.", "expired": "Số này đã hết hạn.",
    "unknown": "Không tìm thấy số này hôm nay.", "updated": "Cập nhật lúc {time}", "offline": "Mất kết nối, đang thử lại…",
    "counter": "Quầy {n}",
  },
  en: {
    "title": "Your number", "ahead": "People ahead of you", "wait": "Estimated wait: about {n} min",
    "no_wait": "No counter is open yet", "counters": "Served at: {names}", "called": "Please go to {name}",
    "serving": "Being served at {name}", "done": "Finished. Thank you!", "missed": "Your number was called and missed. Please go to the help desk.",
    "parked": "Your number is on hold at the counter.", "cancelled": "This number was cancelled.", "expired": "This number has expired.",
    "unknown": "No such number today.", "updated": "Updated at {time}", "offline": "Connection lost, retrying…",
    "counter": "Counter {n}",
  },
});

const label = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "").toUpperCase();
let config = null;
let last = null;
let error = "";
let previous = "";

function counterName(n) {
  const c = config?.counters.find((x) => x.number === n);
  return c ? pick(c.name, c.name_en) : t("counter", { n });
}

function render() {
  $("#lang").textContent = t("lang.switch");
  if (config) $("#unit").textContent = pick(config.unit.name, config.unit.name_en);
  const view = $("#view");
  if (error === "unknown") { fill(view, h("div.label", label), h("p.status", t("unknown"))); return; }
  if (!last) { fill(view, h("p", error ? t("offline") : "…")); return; }
  const s = last.status;
  const svc = config?.services.find((x) => x.code === last.service);
  let status;
  if (s === "waiting") {
    status = h("div.status", { dataset: { status: s } },
      h("div", t("ahead")), h("div.big", String(last.ahead)),
      h("div", last.wait_minutes === null ? t("no_wait") : t("wait", { n: Math.max(1, Math.round(last.wait_minutes)) })),
      h("div.muted", t("counters", { names: last.counters.map(counterName).join(", ") })));
  } else if (s === "called" || s === "serving") {
    status = h("div.status", { dataset: { status: s } }, t(s, { name: counterName(last.counter) }));
  } else {
    status = h("div.status", { dataset: { status: s } }, t(s));
  }
  fill(view,
    h("div", t("title")),
    h("div.label", last.label),
    svc ? h("div.service", pick(svc.name, svc.name_en)) : null,
    status,
    h("p.muted", error ? t("offline") : t("updated", { time: new Date().toLocaleTimeString(lang() === "vi" ? "vi-VN" : "en-GB", { hour: "2-digit", minute: "2-digit" }) })));
}

async function refresh() {
  try {
    if (!config) config = (await (await fetch("/api/state")).json()).view.config;
    const r = await fetch(`/api/tickets/${encodeURIComponent(label)}`);
    if (r.status === 404) { error = "unknown"; last = null; render(); return; }
    last = await r.json();
    error = "";
    if (last.status === "called" && previous !== "called" && navigator.vibrate) navigator.vibrate([300, 150, 300]);
    previous = last.status;
  } catch {
    error = "offline";
  }
  render();
}

$("#lang").addEventListener("click", () => setLang(lang() === "vi" ? "en" : "vi"));
onLang(render);
refresh();
setInterval(refresh, 10_000);

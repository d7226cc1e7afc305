// The connection badge every page shows: online, connecting, or offline since when.
import { h, pad2 } from "./dom.js";
import { t, onLang } from "./i18n.js";

/** @param {import("./socket.js").QueueSocket} socket @returns {HTMLElement} */
export function connectionBadge(socket) {
  const label = h("span.badge-text");
  const el = h("div.conn-badge", { role: "status", "aria-live": "polite", dataset: { state: socket.status } },
    h("span.badge-dot"), label);
  let since = null;
  const render = () => {
    const s = socket.status;
    el.dataset.state = s;
    if (s === "online") since = null;
    else if (s === "offline" && !since) since = new Date();
    const key = s === "online" ? "conn.online" : s === "offline" || s === "refused" ? "conn.offline" : "conn.connecting";
    label.textContent = t(key) + (since ? ` (${pad2(since.getHours())}:${pad2(since.getMinutes())})` : "");
  };
  socket.on("status", render);
  onLang(render);
  render();
  return el;
}

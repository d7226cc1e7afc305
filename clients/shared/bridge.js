// The hardware bridge of this box (docs/bridge-protocol.md): the card reader, printer, camera
// faces and speaker, when a bridge runs here. Without one the pages work as before (typed
// numbers, the number on screen, sound in the browser); the bridge is looked for again every
// few seconds.

/** The bridge's pairing token: given once as #bridge=... beside the device token, then kept
 * (under ``key``) and taken out of the address bar. */
export function bridgeToken(key) {
  const params = new URLSearchParams(location.hash.slice(1));
  const given = params.get("bridge");
  if (given) {
    params.delete("bridge");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + location.search + (rest ? `#${rest}` : ""));
  }
  try {
    if (given) localStorage.setItem(key, given);
    return given || localStorage.getItem(key) || "";
  } catch { return given || ""; }
}

export class Bridge {
  /** @param {string} token the pairing token @param {string} url @param {string} [client] */
  constructor(token, url, client = "kiosk/1") {
    this.token = token;
    this.url = url;
    this.client = client;
    /** @type {WebSocket|null} */
    this.ws = null;
    this.available = false;
    this.devices = {};
    this.cards = new Set(); // readers with a card on them
    this.nextId = 1;
    /** @type {Map<string, {resolve: (v: any) => void, reject: (e: any) => void, timer: any}>} */
    this.pending = new Map();
    /** @type {Record<string, Array<(data: any) => void>>} */
    this.handlers = {};
  }

  on(event, fn) {
    (this.handlers[event] ||= []).push(fn);
    return this;
  }

  emit(event, data) {
    for (const fn of this.handlers[event] || []) {
      try { fn(data); } catch (e) { console.error(e); }
    }
  }

  start() {
    if (!this.token) return this;
    let ws;
    try { ws = new WebSocket(this.url); } catch { this.retry(); return this; }
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: "hello", token: this.token, client: this.client }));
    ws.onmessage = (e) => this.receive(JSON.parse(e.data));
    ws.onclose = () => {
      this.ws = null;
      const was = this.available;
      this.available = false;
      this.cards.clear();
      for (const p of this.pending.values()) p.reject({ code: "bridge_gone" });
      this.pending.clear();
      if (was) this.emit("status", false);
      this.retry();
    };
    ws.onerror = () => { /* onclose follows */ };
    return this;
  }

  retry() {
    setTimeout(() => this.start(), 5000);
  }

  receive(msg) {
    if (msg.type === "welcome") {
      this.available = true;
      this.devices = msg.devices;
      for (const r of msg.devices.card?.readers || []) if (r.card) this.cards.add(r.name);
      this.emit("status", true);
    } else if (msg.type === "event") {
      if (msg.event === "card_inserted") this.cards.add(msg.data.reader);
      if (msg.event === "card_removed") this.cards.delete(msg.data.reader);
      this.emit(msg.event, msg.data);
    } else if (msg.type === "reply" || msg.type === "error") {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.type === "reply") p.resolve(msg.result); else p.reject(msg);
    }
  }

  /** @param {string} method @param {Record<string, any>} params @param {number} [timeout] */
  request(method, params, timeout = 30000) {
    return new Promise((resolve, reject) => {
      if (!this.ws || !this.available) { reject({ code: "bridge_gone" }); return; }
      const id = `b${this.nextId++}`;
      const timer = setTimeout(() => { this.pending.delete(id); reject({ code: "timeout" }); }, timeout);
      this.pending.set(id, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ type: "request", id, method, params }));
    });
  }

  hasCard() {
    return this.available && this.cards.size > 0;
  }

  /** A card reader on the bridge (a card on it or not): a passport can be read only there. */
  hasReader() {
    return this.available && (this.cards.size > 0 || Boolean(this.devices.card?.readers?.length));
  }
}

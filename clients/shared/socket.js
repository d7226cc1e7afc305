// The websocket client of docs/protocol.md: hello with the last seq seen (resume), reconnect with
// exponential backoff and jitter, an application heartbeat, commands answered by id, and an
// outbox: a command whose answer was not received is sent again, with the same idempotency key,
// when the connection is back (the server executes it at most once). A page that sleeps (a phone
// with its screen off) calls wake() when it is visible again or the network is back, or passes
// `wake: true` to have that done on visibilitychange and online.

import { CLOSE } from "./protocol.js";

const MIN_DELAY = 500;
const RECONNECT = 4100; // our own close code: drop this connection and open a new one
const MAX_DELAY = 15000;
const PROBE = 3000; // after a wake, a link that does not answer a ping within this is reopened
const RETRY_SAME_KEY = 30000; // a command sent again this soon after its timeout keeps its key

/**
 * @typedef {{code: string, message_vi: string, message_en: string, field?: string|null}} ServerError
 * @typedef {{id: string, key?: string, body: any, resolve: (v: any) => void, reject: (e: any) => void,
 *            timer: any, queueOffline: boolean}} Pending
 */

export class QueueSocket {
  /**
   * @param {object} opts
   * @param {() => Record<string, any>} opts.hello  the hello fields (role, token, counter, zone)
   * @param {string} [opts.url]  defaults to ws(s)://<this host>/ws
   * @param {string} [opts.name]  a prefix for idempotency keys (device or user)
   * @param {boolean} [opts.wake]  call wake() when the page becomes visible or the network is back
   */
  constructor({ hello, url, name, wake }) {
    this.url = url || `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
    this.helloFields = hello;
    this.name = name || "client";
    /** @type {WebSocket|null} */
    this.ws = null;
    this.status = "connecting"; // connecting | online | offline | refused
    this.lastSeq = null;
    this.heartbeat = 20;
    this.attempt = 0;
    this.serverOffset = 0; // server clock minus ours, in seconds
    this.nextId = 1;
    /** @type {{command: string, key: string, at: number}|null} the last command left unanswered */
    this.unanswered = null;
    /** @type {Map<string, Pending>} */
    this.pending = new Map();
    /** @type {Record<string, Array<(msg: any) => void>>} */
    this.handlers = {};
    this.stopped = false;
    this.timers = { reconnect: 0, ping: 0, watchdog: 0, probe: 0 };
    this.lastHeard = 0;
    this.wakeListeners = !!wake;
    this.onWake = () => { if (typeof document === "undefined" || document.visibilityState !== "hidden") this.wake(); };
  }

  /** @param {string} type  welcome | snapshot | event | waiting | ticket | door | announce | status | refused @param {(msg: any) => void} fn */
  on(type, fn) {
    (this.handlers[type] ||= []).push(fn);
    return this;
  }

  emit(type, msg) {
    for (const fn of this.handlers[type] || []) {
      try { fn(msg); } catch (e) { console.error(e); }
    }
  }

  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.emit("status", status);
  }

  start() {
    this.stopped = false;
    if (this.wakeListeners && typeof window !== "undefined") {
      document.addEventListener("visibilitychange", this.onWake);
      window.addEventListener("online", this.onWake);
    }
    this.open();
    return this;
  }

  stop() {
    this.stopped = true;
    if (this.wakeListeners && typeof window !== "undefined") {
      document.removeEventListener("visibilitychange", this.onWake);
      window.removeEventListener("online", this.onWake);
    }
    clearTimeout(this.timers.reconnect);
    clearTimeout(this.timers.probe);
    this.stopHeartbeat();
    if (this.ws) this.ws.close(1000);
    this.ws = null;
  }

  open() {
    clearTimeout(this.timers.reconnect);
    this.setStatus(this.attempt ? "offline" : "connecting");
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      const hello = { type: "hello", ...this.helloFields(), last_seq: this.lastSeq, client: "web/1" };
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (e) => this.receive(ws, e.data);
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopHeartbeat();
      if (e.code === CLOSE.UNAUTHENTICATED || e.code === CLOSE.BAD_HELLO) {
        this.setStatus("refused");
        return; // the page decides (log in again, pair the device)
      }
      this.scheduleReconnect();
    };
    ws.onerror = () => { /* onclose follows */ };
  }

  scheduleReconnect() {
    if (this.stopped) return;
    this.setStatus("offline");
    const base = Math.min(MAX_DELAY, MIN_DELAY * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2); // jitter: 50-100% of the step
    this.attempt = Math.min(this.attempt + 1, 10);
    this.timers.reconnect = setTimeout(() => this.open(), delay);
  }

  /** Force a reconnect now (e.g. after a network change). */
  reconnect() {
    if (this.ws) this.ws.close(RECONNECT);
    else this.open();
  }

  /**
   * The page is visible again or the network is back: the link may have died while the device
   * slept (its timers stopped, so the backoff and the watchdog did not run). Waiting for a
   * reconnect: open now. Silent for longer than a heartbeat: reopen now. Otherwise ping, and
   * reopen if nothing is heard within PROBE ms. Every (re)connect brings the current state.
   */
  wake() {
    if (this.stopped || this.status === "refused") return;
    if (!this.ws) {
      this.attempt = 0;
      this.open();
      return;
    }
    if (this.status !== "online") return; // a connection is being opened
    const asked = Date.now();
    if (asked - this.lastHeard > this.heartbeat * 1000) {
      this.reopen();
      return;
    }
    this.sendRaw({ type: "ping", t: asked / 1000 });
    clearTimeout(this.timers.probe);
    const ws = this.ws;
    this.timers.probe = setTimeout(() => {
      if (this.ws === ws && this.lastHeard < asked) this.reopen();
    }, PROBE);
  }

  /** Leave the current connection without waiting for its close (a dead link may take long to
   * say so) and open a new one now. */
  reopen() {
    const old = this.ws;
    this.ws = null; // its onclose, whenever it comes, is ignored
    this.stopHeartbeat();
    if (old) old.close(RECONNECT);
    this.attempt = 0;
    this.open();
  }

  receive(ws, data) {
    if (this.ws !== ws) return;
    this.lastHeard = Date.now();
    let msg;
    try { msg = JSON.parse(data); } catch { return; }
    switch (msg.type) {
      case "welcome":
        this.attempt = 0;
        this.heartbeat = msg.heartbeat || 20;
        this.setStatus("online");
        this.startHeartbeat();
        this.emit("welcome", msg);
        this.flush();
        break;
      case "snapshot":
        this.lastSeq = msg.seq;
        this.serverOffset = (msg.view.server_time || Date.now() / 1000) - Date.now() / 1000;
        this.emit("snapshot", msg);
        break;
      case "event":
        if (this.lastSeq !== null && msg.seq <= this.lastSeq) return; // already seen
        this.lastSeq = msg.seq;
        this.emit("event", msg);
        break;
      case "waiting":
      case "ticket":
      case "announce":
      case "door":
      case "alert":
      case "control":
        this.emit(msg.type, msg);
        break;
      case "ack":
      case "reply":
      case "error": {
        const p = msg.id ? this.pending.get(msg.id) : undefined;
        if (!p) {
          if (msg.type === "error") this.emit("refused", msg);
          return;
        }
        this.pending.delete(msg.id);
        clearTimeout(p.timer);
        if (msg.type === "error") p.reject(msg);
        else p.resolve(msg.type === "ack" ? msg : msg.result);
        break;
      }
      case "pong":
        if (msg.server_time && msg.t) {
          const now = Date.now() / 1000;
          this.serverOffset = msg.server_time - (msg.t + now) / 2;
        }
        break;
    }
  }

  startHeartbeat() {
    this.stopHeartbeat();
    const every = this.heartbeat * 1000;
    this.timers.ping = setInterval(() => this.sendRaw({ type: "ping", t: Date.now() / 1000 }), every);
    // no message at all for two heartbeats: the link is dead even if the socket does not know yet
    this.timers.watchdog = setInterval(() => {
      if (Date.now() - this.lastHeard > 2 * every + 1000 && this.ws) this.ws.close(RECONNECT);
    }, every / 2);
  }

  stopHeartbeat() {
    clearInterval(this.timers.ping);
    clearInterval(this.timers.watchdog);
  }

  sendRaw(obj) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN && this.status === "online") {
      this.ws.send(JSON.stringify(obj));
      return true;
    }
    return false;
  }

  /** Send what is waiting in the outbox (on every welcome). */
  flush() {
    for (const p of this.pending.values()) this.sendRaw(p.body);
  }

  /**
   * Send a command; resolves with the ack, rejects with the server's error (or err.timeout /
   * err.offline). With queueOffline (the default) a command given while offline waits in the
   * outbox; either way an unanswered command is sent again, with the same key, on reconnect.
   * sameKeyOnRetry (the default): sent again by the user within 30 s of its timeout, it keeps its
   * key (false where two people could send the same command: an anonymous kiosk ticket).
   * @param {Record<string, any>} command
   * @param {{timeout?: number, queueOffline?: boolean, sameKeyOnRetry?: boolean}} [opts]
   */
  command(command, opts = {}) {
    const id = `c${this.nextId++}`;
    const text = JSON.stringify(command);
    const last = this.unanswered;
    this.unanswered = null;
    // The same command again right after its timeout (a user pressing again after "no answer"):
    // the same key, so that the server does it once, whether or not the first one got through.
    const key = last && last.command === text && Date.now() - last.at <= RETRY_SAME_KEY
      ? last.key
      : `${this.name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const { sameKeyOnRetry = true, ...rest } = opts;
    const answer = this.request({ type: "cmd", id, key, command }, rest);
    answer.catch((e) => {
      const unanswered = e && (e.code === "timeout" || String(e.code).startsWith("storage_error"));
      if (unanswered && sameKeyOnRetry) this.unanswered = { command: text, key, at: Date.now() };
    });
    return answer;
  }

  /** @param {string} what @param {Record<string, any>} [fields] @param {{timeout?: number}} [opts] */
  query(what, fields = {}, opts = {}) {
    const id = `q${this.nextId++}`;
    return this.request({ type: "query", id, what, ...fields }, { queueOffline: false, ...opts });
  }

  request(body, { timeout = 10000, queueOffline = true } = {}) {
    return new Promise((resolve, reject) => {
      const online = this.status === "online";
      if (!online && !queueOffline) {
        reject({ code: "offline" });
        return;
      }
      const p = { id: body.id, body, resolve, reject, timer: 0, queueOffline };
      p.timer = setTimeout(() => {
        this.pending.delete(body.id);
        reject({ code: "timeout" });
      }, timeout);
      this.pending.set(body.id, p);
      if (online) this.sendRaw(body);
    });
  }

  /** The server's clock now, in epoch seconds. */
  now() {
    return Date.now() / 1000 + this.serverOffset;
  }
}

// The websocket client (clients/shared/socket.js) against a fake WebSocket: hello with the last
// seq, resume, commands answered by id, the outbox sent again on reconnect with the same key,
// refusal on the server's close codes, and reconnection otherwise.
import test from "node:test";
import assert from "node:assert/strict";
import { QueueSocket } from "../../clients/shared/socket.js";
import { CLOSE } from "../../clients/shared/protocol.js";

class FakeWebSocket {
  static OPEN = 1;
  /** @type {FakeWebSocket[]} */
  static made = [];
  /** @param {string} url */
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    /** @type {any[]} */
    this.sent = [];
    this.closedWith = 0;
    /** @type {any} */ this.onopen = null;
    /** @type {any} */ this.onmessage = null;
    /** @type {any} */ this.onclose = null;
    /** @type {any} */ this.onerror = null;
    FakeWebSocket.made.push(this);
  }
  /** @param {string} data */
  send(data) { this.sent.push(JSON.parse(data)); }
  /** @param {number} code */
  close(code) { this.closedWith = code; this.readyState = 3; this.onclose?.({ code }); }
  // the server's side
  open() { this.readyState = 1; this.onopen?.(); }
  /** @param {any} msg */
  deliver(msg) { this.onmessage?.({ data: JSON.stringify(msg) }); }
  /** @param {number} code */
  drop(code) { this.readyState = 3; this.onclose?.({ code }); }
}

/** @param {any} t */
function setup(t) {
  FakeWebSocket.made = [];
  const g = /** @type {any} */ (globalThis);
  const saved = g.WebSocket;
  g.WebSocket = FakeWebSocket;
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"] });
  t.after(() => { g.WebSocket = saved; });
  const sock = new QueueSocket({ hello: () => ({ role: "tv", token: "tok" }), url: "ws://test/ws", name: "kiosk-1" });
  /** @type {string[]} */
  const statuses = [];
  sock.on("status", (s) => statuses.push(s));
  return { sock, statuses };
}

const snapshot = (seq) => ({ type: "snapshot", seq, view: { server_time: Date.now() / 1000 } });

test("hello carries the role fields and the last seq; welcome makes it online", (t) => {
  const { sock, statuses } = setup(t);
  sock.start();
  const ws = FakeWebSocket.made[0];
  assert.equal(ws.url, "ws://test/ws");
  ws.open();
  assert.deepEqual(ws.sent[0], { type: "hello", role: "tv", token: "tok", last_seq: null, client: "web/1" });
  ws.deliver({ type: "welcome", heartbeat: 10 });
  assert.equal(sock.status, "online");
  assert.equal(statuses.at(-1), "online"); // it starts as "connecting"
  sock.stop();
});

test("events already seen are dropped; the seq is resumed after a reconnect", (t) => {
  const { sock } = setup(t);
  /** @type {number[]} */
  const seen = [];
  sock.on("event", (m) => seen.push(m.seq));
  sock.start();
  const ws = FakeWebSocket.made[0];
  ws.open();
  ws.deliver({ type: "welcome" });
  ws.deliver(snapshot(5));
  ws.deliver({ type: "event", seq: 5 });
  ws.deliver({ type: "event", seq: 6 });
  ws.deliver({ type: "event", seq: 6 });
  assert.deepEqual(seen, [6]);
  ws.drop(1006);
  assert.equal(sock.status, "offline");
  t.mock.timers.tick(1000); // the first backoff step is at most 500 ms
  const again = FakeWebSocket.made[1];
  assert.ok(again, "reconnected");
  again.open();
  assert.equal(again.sent[0].last_seq, 6);
  sock.stop();
});

test("a command resolves with its ack and rejects with the server's error", async (t) => {
  const { sock } = setup(t);
  sock.start();
  const ws = FakeWebSocket.made[0];
  ws.open();
  ws.deliver({ type: "welcome" });
  const ok = sock.command({ type: "issue_ticket", service: "A" });
  const bad = sock.command({ type: "call_next", counter: 9 });
  const [c1, c2] = ws.sent.slice(1);
  assert.equal(c1.type, "cmd");
  assert.match(c1.key, /^kiosk-1-/);
  assert.notEqual(c1.key, c2.key);
  ws.deliver({ type: "ack", id: c1.id, seq: 7 });
  ws.deliver({ type: "error", id: c2.id, code: "unknown_counter", message_vi: "x", message_en: "y" });
  assert.equal((await ok).seq, 7);
  await assert.rejects(bad, (e) => e.code === "unknown_counter");
  sock.stop();
});

test("an unanswered command is sent again, with the same key, when the connection is back", (t) => {
  const { sock } = setup(t);
  sock.start();
  const ws = FakeWebSocket.made[0];
  ws.open();
  ws.deliver({ type: "welcome" });
  sock.command({ type: "issue_ticket", service: "A" }, { timeout: 60000 });
  const first = ws.sent[1];
  ws.drop(1006);
  const queued = sock.command({ type: "issue_ticket", service: "B" }, { timeout: 60000 });
  assert.ok(queued instanceof Promise);
  t.mock.timers.tick(1000);
  const again = FakeWebSocket.made[1];
  again.open();
  again.deliver({ type: "welcome" });
  const resent = again.sent.filter((m) => m.type === "cmd");
  assert.equal(resent.length, 2);
  assert.equal(resent[0].key, first.key);
  assert.equal(resent[1].command.service, "B");
  sock.stop();
});

test("pressed again after no answer, the same command keeps its key; another command or a later one does not", async (t) => {
  const { sock } = setup(t);
  sock.start();
  const ws = FakeWebSocket.made[0];
  ws.open();
  ws.deliver({ type: "welcome" });
  const cmds = () => ws.sent.filter((m) => m.type === "cmd");
  const first = sock.command({ type: "call_next", counter: 1 });
  t.mock.timers.tick(10000); // no answer: the page says so, the user presses again
  await assert.rejects(first, (e) => e.code === "timeout");
  const again = sock.command({ type: "call_next", counter: 1 });
  assert.equal(cmds()[1].key, cmds()[0].key); // done once by the server, whichever got through
  ws.deliver({ type: "error", id: cmds()[1].id, code: "storage_error.no_writer", message_vi: "x", message_en: "y" });
  await assert.rejects(again, (e) => e.code === "storage_error.no_writer");
  const third = sock.command({ type: "call_next", counter: 1 }); // told to try again: the same key still
  assert.equal(cmds()[2].key, cmds()[0].key);
  ws.deliver({ type: "ack", id: cmds()[2].id, seq: 9 });
  await third;
  sock.command({ type: "call_next", counter: 1 }); // answered: the next press is a new command
  assert.notEqual(cmds()[3].key, cmds()[0].key);
  const lost = sock.command({ type: "recall", counter: 1 });
  t.mock.timers.tick(10000);
  await assert.rejects(lost, (e) => e.code === "timeout");
  sock.command({ type: "call_next", counter: 1 }); // a different command: a new key
  assert.notEqual(cmds()[5].key, cmds()[4].key);
  const late = sock.command({ type: "recall", counter: 1 });
  t.mock.timers.tick(10000);
  await assert.rejects(late, (e) => e.code === "timeout");
  for (const ms of [16000, 15000]) { // pressed again long after (the link kept alive): a new command
    ws.deliver({ type: "pong" });
    t.mock.timers.tick(ms);
  }
  sock.command({ type: "recall", counter: 1 });
  assert.notEqual(cmds()[7].key, cmds()[6].key);
  ws.deliver({ type: "pong" });
  const anonymous = sock.command({ type: "issue_ticket", service: "A" }, { timeout: 8000, sameKeyOnRetry: false });
  t.mock.timers.tick(8000);
  await assert.rejects(anonymous, (e) => e.code === "timeout");
  sock.command({ type: "issue_ticket", service: "A" }); // maybe the next patient: a new ticket
  assert.notEqual(cmds()[9].key, cmds()[8].key);
  sock.stop();
});

test("a query while offline is refused at once, not queued", async (t) => {
  const { sock } = setup(t);
  sock.start();
  await assert.rejects(sock.query("tickets"), (e) => e.code === "offline");
  sock.stop();
});

test("the server's refusal close codes stop reconnecting; others reconnect", (t) => {
  for (const code of [CLOSE.UNAUTHENTICATED, CLOSE.BAD_HELLO]) {
    const { sock } = setup(t);
    sock.start();
    FakeWebSocket.made[0].open();
    FakeWebSocket.made[0].drop(code);
    assert.equal(sock.status, "refused");
    t.mock.timers.tick(60000);
    assert.equal(FakeWebSocket.made.length, 1, `no reconnect after ${code}`);
    sock.stop();
    t.mock.timers.reset();
  }
  const { sock } = setup(t);
  sock.start();
  FakeWebSocket.made[0].drop(CLOSE.TOO_MANY_ERRORS);
  t.mock.timers.tick(1000);
  assert.equal(FakeWebSocket.made.length, 2);
  sock.stop();
});

test("backoff doubles up to 15 s, with jitter between half and all of the step", (t) => {
  const { sock } = setup(t);
  sock.start();
  for (let attempt = 0; attempt < 8; attempt++) {
    const n = FakeWebSocket.made.length;
    FakeWebSocket.made[n - 1].drop(1006);
    const step = Math.min(15000, 500 * 2 ** attempt);
    t.mock.timers.tick(step / 2 - 1);
    assert.equal(FakeWebSocket.made.length, n, `not before half the step (attempt ${attempt})`);
    t.mock.timers.tick(step / 2 + 1);
    assert.equal(FakeWebSocket.made.length, n + 1, `by the full step (attempt ${attempt})`);
  }
  sock.stop();
});

test("a silent link is closed after two heartbeats and reopened", (t) => {
  const { sock } = setup(t);
  sock.start();
  const ws = FakeWebSocket.made[0];
  ws.open();
  ws.deliver({ type: "welcome", heartbeat: 1 });
  t.mock.timers.tick(1000);
  assert.ok(ws.sent.some((m) => m.type === "ping"), "a ping every heartbeat");
  t.mock.timers.tick(3000);
  assert.equal(ws.closedWith, 4100);
  sock.stop();
});

/** @param {any} t @param {Record<string, any>} [opts] */
function wakeful(t, opts = {}) {
  FakeWebSocket.made = [];
  const g = /** @type {any} */ (globalThis);
  const saved = { WebSocket: g.WebSocket, window: g.window, document: g.document };
  g.WebSocket = FakeWebSocket;
  g.window = new EventTarget();
  g.document = Object.assign(new EventTarget(), { visibilityState: "visible" });
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"] });
  t.after(() => Object.assign(g, saved));
  const sock = new QueueSocket({ hello: () => ({ role: "phone", label: "A001" }), url: "ws://test/ws", wake: true, ...opts });
  sock.start();
  const ws = FakeWebSocket.made[0];
  ws.open();
  ws.deliver({ type: "welcome", heartbeat: 20 });
  return { sock, ws, g };
}

test("woken while waiting for the next try, it reconnects at once, not after the backoff", (t) => {
  const { sock, ws, g } = wakeful(t);
  ws.drop(1006);
  for (let i = 1; i < 6; i++) { t.mock.timers.tick(16000); FakeWebSocket.made[i].drop(1006); } // a long night
  const n = FakeWebSocket.made.length;
  t.mock.timers.tick(100);
  assert.equal(FakeWebSocket.made.length, n, "the backoff is seconds long by now");
  g.window.dispatchEvent(new Event("online"));
  assert.equal(FakeWebSocket.made.length, n + 1, "the network is back: a new connection now");
  sock.stop();
});

test("woken after a sleep longer than a heartbeat, it leaves the old link and opens a new one", (t) => {
  const { sock, ws, g } = wakeful(t);
  t.mock.timers.setTime(Date.now() + 10 * 60_000); // the clock moved, the timers did not run
  g.document.dispatchEvent(new Event("visibilitychange"));
  assert.equal(ws.closedWith, 4100);
  assert.equal(FakeWebSocket.made.length, 2);
  FakeWebSocket.made[1].open();
  assert.deepEqual(FakeWebSocket.made[1].sent[0], { type: "hello", role: "phone", label: "A001", last_seq: null, client: "web/1" });
  sock.stop();
});

test("woken soon after it last heard the server, it pings, and reopens only if nothing answers", (t) => {
  const { sock, ws, g } = wakeful(t);
  t.mock.timers.tick(5000);
  g.document.visibilityState = "hidden";
  g.document.dispatchEvent(new Event("visibilitychange"));
  assert.equal(ws.sent.length, 1, "hidden: nothing to do");
  g.document.visibilityState = "visible";
  g.document.dispatchEvent(new Event("visibilitychange"));
  assert.equal(ws.sent.at(-1).type, "ping");
  ws.deliver({ type: "pong", t: ws.sent.at(-1).t, server_time: Date.now() / 1000 });
  t.mock.timers.tick(3000);
  assert.equal(FakeWebSocket.made.length, 1, "it answered: the link is alive");
  g.document.dispatchEvent(new Event("visibilitychange"));
  t.mock.timers.tick(3000);
  assert.equal(ws.closedWith, 4100, "no answer: the link is dead");
  assert.equal(FakeWebSocket.made.length, 2);
  sock.stop();
});

test("a ticket message reaches the page; a refused socket is not woken", (t) => {
  const { sock, ws, g } = wakeful(t);
  /** @type {any[]} */
  const got = [];
  sock.on("ticket", (m) => got.push(m));
  ws.deliver({ type: "ticket", seq: 3, cause: "", ticket: { label: "A001" } });
  assert.equal(got.length, 1);
  ws.drop(CLOSE.UNAUTHENTICATED);
  g.window.dispatchEvent(new Event("online"));
  assert.equal(FakeWebSocket.made.length, 1);
  sock.stop();
});

// The board (clients/shared/board.js): a snapshot, then events folded in order; what a TV, a
// counter and the kiosk know of the queue.
import test from "node:test";
import assert from "node:assert/strict";
import { Board } from "../../clients/shared/board.js";

const config = {
  counters: [{ number: 1, zone: "z1", online: false }, { number: 2, zone: "z1", online: false }, { number: 3, zone: "z2", online: false }],
  services: [{ code: "A" }, { code: "B" }],
};
const counter = (number, zone, extra = {}) => ({
  number, status: "closed", zone, online: false, pause_reason: "", current: null, current_service: null,
  current_status: null, served: 0, staff: "", parked: [], ...extra,
});

/** @param {{staff?: boolean, zone?: string}} [opts] */
function board({ staff = false, zone = "" } = {}) {
  const b = new Board();
  const counters = [counter(1, "z1"), counter(2, "z1"), counter(3, "z2")].filter((c) => !zone || c.zone === zone);
  b.snapshot({
    seq: 10,
    view: {
      config, day: "2026-12-04", open_now: true, counters, waiting: { A: 0, B: 0 },
      last_calls: [{ ticket: 2, label: "A002", counter: 2, service: "A", at: 2 }, { ticket: 1, label: "A001", counter: 1, service: "A", at: 1 }],
      ...(staff ? { tickets: [] } : {}),
    },
  }, zone);
  return b;
}
let seq = 10;
/** @param {any} event @param {Record<string, number>} [waiting] */
const ev = (event, waiting) => ({ type: "event", seq: ++seq, at: 100 + seq, event, ...(waiting ? { waiting } : {}) });

test("the snapshot: counters in number order, last calls newest first as the server sends them, no tickets for a TV", () => {
  const b = board();
  assert.deepEqual(b.counterList().map((c) => c.number), [1, 2, 3]);
  assert.deepEqual(b.lastCalls.map((c) => c.label), ["A002", "A001"]);
  assert.equal(b.staff, false);
  assert.equal(b.serviceOfLabel("B017"), "B");
  assert.equal(b.serviceOfLabel("Z017"), null);
});

test("a ticket's journey: issued, called, serving, finished", () => {
  const b = board({ staff: true });
  b.apply(ev({ type: "counter_opened", counter: 1, staff: "nurse" }));
  assert.equal(b.counters.get(1)?.status, "open");
  assert.equal(b.counters.get(1)?.staff, "nurse");
  b.apply(ev({ type: "ticket_issued", ticket: 7, label: "A007", service: "A", priority: [], identity: null }, { A: 1 }));
  assert.equal(b.waiting.A, 1);
  assert.equal(b.ticketByLabel("A007")?.status, "waiting");
  const change = b.apply(ev({ type: "ticket_called", ticket: 7, label: "A007", counter: 1 }, { A: 0 }));
  assert.equal(change?.kind, "ticket_called");
  assert.equal(change?.service, "A"); // from the ticket, the event did not say
  assert.equal(b.counters.get(1)?.current, "A007");
  assert.equal(b.lastCalls[0].label, "A007");
  b.apply(ev({ type: "service_started", ticket: 7, label: "A007", counter: 1 }));
  assert.equal(b.counters.get(1)?.current_status, "serving");
  b.apply(ev({ type: "service_finished", ticket: 7, label: "A007", counter: 1 }));
  assert.equal(b.counters.get(1)?.current, null);
  assert.equal(b.counters.get(1)?.served, 1);
  assert.equal(b.tickets.has(7), false);
});

test("a call or a recall moves the ticket to the front, once", () => {
  const b = board();
  b.apply(ev({ type: "ticket_called", ticket: 1, label: "A001", counter: 1, service: "A" }));
  assert.deepEqual(b.lastCalls.map((c) => c.label), ["A001", "A002"]);
  b.apply(ev({ type: "ticket_called", ticket: 3, label: "B001", counter: 1, service: "B" }));
  const change = b.apply(ev({ type: "ticket_recalled", ticket: 2, label: "A002", counter: 2, count: 1 }));
  assert.equal(change?.service, "A");
  assert.deepEqual(b.lastCalls.map((c) => c.label), ["A002", "B001", "A001"]);
});

test("missed, parked and transferred tickets leave their counter", () => {
  const b = board({ staff: true });
  for (const [n, id, label] of [[1, 11, "A011"], [2, 12, "A012"], [3, 13, "B013"]]) {
    b.apply(ev({ type: "ticket_issued", ticket: id, label, service: label[0] }));
    b.apply(ev({ type: "ticket_called", ticket: id, label, counter: n }));
  }
  b.apply(ev({ type: "ticket_missed", ticket: 11, label: "A011", counter: 1 }));
  b.apply(ev({ type: "ticket_parked", ticket: 12, label: "A012", counter: 2 }));
  b.apply(ev({ type: "ticket_transferred", ticket: 13, label: "B013", from_counter: 3, to_service: "A", to_counter: 1 }));
  assert.deepEqual([1, 2, 3].map((n) => b.counters.get(n)?.current), [null, null, null]);
  assert.deepEqual(b.counters.get(2)?.parked, ["A012"]);
  assert.equal(b.tickets.get(11).status, "missed");
  assert.deepEqual([b.tickets.get(13).service, b.tickets.get(13).target_counter], ["A", 1]);
  b.apply(ev({ type: "ticket_unparked", ticket: 12, label: "A012", counter: 2 }));
  assert.equal(b.counters.get(2)?.current, "A012");
  assert.deepEqual(b.counters.get(2)?.parked, []);
});

test("a new day clears the calls, the tickets and the counts", () => {
  const b = board({ staff: true });
  b.apply(ev({ type: "ticket_issued", ticket: 5, label: "A005", service: "A" }));
  b.apply(ev({ type: "ticket_called", ticket: 5, label: "A005", counter: 1 }));
  b.apply(ev({ type: "day_started", day: "2026-12-05" }));
  assert.equal(b.day, "2026-12-05");
  assert.equal(b.counters.get(1)?.current, null);
  assert.deepEqual([b.lastCalls.length, b.tickets.size], [0, 0]);
});

test("a zoned screen keeps only its zone when the configuration changes", () => {
  const b = board({ zone: "z1" });
  assert.deepEqual(b.counterList().map((c) => c.number), [1, 2]);
  b.apply(ev({ type: "config_replaced", config: {
    counters: [...config.counters, { number: 4, zone: "z1", online: true }], services: [...config.services, { code: "C" }],
  } }));
  assert.deepEqual(b.counterList().map((c) => c.number), [1, 2, 4]);
  assert.equal(b.counters.get(4)?.status, "closed");
  assert.equal(b.waiting.C, 0);
});

test("an event the board does not know changes nothing", () => {
  const b = board();
  assert.equal(b.apply(ev({ type: "something_new" })), null);
});

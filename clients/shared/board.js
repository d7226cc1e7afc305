// The board: what a screen knows of the queue, folded from a snapshot and the events after it
// (docs/protocol.md). Used by the TV, the counter and the kiosk; the staff-only parts (tickets
// with identity) are filled only for staff; a visit's steps are folded by steps.js.
import * as steps from "./steps.js";

/**
 * @typedef {{number: number, status: string, zone: string, online: boolean, pause_reason: string,
 *   current: string|null, current_service: string|null, current_status: string|null, served: number,
 *   staff?: string, parked?: string[]}} CounterView
 * @typedef {{kind: string, label?: string, counter?: number, service?: string, at: number, seq: number}} Change
 */

export class Board {
  constructor() {
    this.config = null;
    this.day = "";
    this.openNow = true;
    /** @type {Map<number, CounterView>} */
    this.counters = new Map();
    /** @type {Record<string, number>} */
    this.waiting = {};
    /** @type {Array<{ticket: number, label: string, counter: number, service: string, at: number}>} */
    this.lastCalls = [];
    /** @type {Map<number, any>} staff only: today's open tickets by id */
    this.tickets = new Map();
    this.staff = false;
    this.zone = "";
    /** @type {Map<string, string>} the room the HIS gave a ticket, by label (when the boards show it) */
    this.hisRooms = new Map();
  }

  /** @param {{seq: number, view: any}} msg @param {string} [zone] */
  snapshot(msg, zone = "") {
    const v = msg.view;
    this.zone = zone;
    this.config = v.config;
    this.day = v.day;
    this.openNow = v.open_now;
    this.counters = new Map(v.counters.map((c) => [c.number, { ...c }]));
    this.waiting = { ...v.waiting };
    this.lastCalls = [...v.last_calls]; // newest first, as the server keeps them
    this.staff = Array.isArray(v.tickets);
    this.tickets = new Map((v.tickets || []).map((t) => [t.id, { ...t }]));
    this.hisRooms = new Map(Object.entries(v.his_rooms || {}));
  }

  /** The configured counter. @param {number} n */
  counterConfig(n) {
    return this.config?.counters.find((c) => c.number === n) || null;
  }

  /** @param {string} code */
  service(code) {
    return this.config?.services.find((s) => s.code === code) || null;
  }

  /** The service of a label ("A012" -> "A"), from the configured codes. @param {string} label */
  serviceOfLabel(label) {
    const code = label.replace(/\d+$/, "");
    return this.service(code) ? code : null;
  }

  /** Counters to show, in number order (a zoned screen sees only its zone). */
  counterList() {
    return [...this.counters.values()].sort((a, b) => a.number - b.number);
  }

  ticketByLabel(label) {
    for (const t of this.tickets.values()) if (t.label === label) return t;
    return null;
  }

  /** @param {{waiting: Record<string, number>}} msg */
  setWaiting(msg) {
    Object.assign(this.waiting, msg.waiting);
  }

  /**
   * A ticket's identity, told to a counter it was just transferred to (the issue event gave it
   * in full only to the counters the ticket was for then). @param {{ticket: number, identity: any, id_warnings?: string[]}} msg
   */
  setIdentity(msg) {
    const t = this.tickets.get(msg.ticket);
    if (t) {
      t.identity = msg.identity;
      t.id_warnings = msg.id_warnings || [];
    }
  }

  /**
   * Apply one event message; returns what changed for the page to animate (or null).
   * @returns {Change|null}
   */
  apply(msg) {
    const e = msg.event;
    if (msg.waiting) Object.assign(this.waiting, msg.waiting);
    const c = typeof e.counter === "number" ? this.counters.get(e.counter) : undefined;
    const change = { kind: e.type, label: e.label, counter: e.counter, service: e.service, at: msg.at, seq: msg.seq };
    const leave = (counter, label) => {
      if (counter && counter.current === label) {
        counter.current = null;
        counter.current_service = null;
        counter.current_status = null;
      }
    };
    switch (e.type) {
      case "day_started":
        this.day = e.day;
        for (const k of this.counters.values()) {
          leave(k, k.current);
          k.served = 0;
          if (k.parked) k.parked = [];
        }
        this.lastCalls = [];
        this.tickets.clear();
        this.hisRooms.clear();
        break;
      case "config_replaced":
        this.replaceConfig(e.config);
        break;
      case "counter_opened":
        if (c) { c.status = "open"; c.pause_reason = ""; if (this.staff) c.staff = e.staff; }
        break;
      case "counter_taken_over":
        if (c && this.staff) c.staff = e.staff;
        break;
      case "counter_closed":
        if (c) { c.status = "closed"; c.pause_reason = ""; }
        break;
      case "counter_paused":
        if (c) { c.status = "paused"; c.pause_reason = e.reason; }
        break;
      case "counter_resumed":
        if (c) { c.status = "open"; c.pause_reason = ""; }
        break;
      case "ticket_issued":
        if (this.staff) this.tickets.set(e.ticket, {
          id: e.ticket, label: e.label, service: e.service, status: "waiting", issued_at: msg.at,
          priority: e.priority, priority_pending: e.priority_pending, counter: null, target_counter: null,
          recalls: 0, identity: e.identity, channel: e.channel, call_reason_vi: "", call_reason_en: "", call_rule: "",
          face: e.face, face_review: e.face_review || "", face_distance: e.face_distance ?? null, slot: e.slot || "",
          id_warnings: e.id_warnings || [], identity_checks: [],
          insurance_pending: Boolean(e.insurance_pending), insurance: null, steps: [], step: 0,
        });
        break;
      case "ticket_called":
      case "ticket_unparked": {
        const service = e.service || this.tickets.get(e.ticket)?.service || this.serviceOfLabel(e.label);
        change.service = service;
        if (c) {
          c.current = e.label;
          c.current_service = service;
          c.current_status = "called";
          if (c.parked) c.parked = c.parked.filter((l) => l !== e.label);
        }
        this.recordCall(e, service, msg.at);
        this.foldTicket(e.ticket, (t) => steps.stepCalled(t, e.step));
        this.updateTicket(e.ticket, {
          status: "called", counter: e.counter, target_counter: null,
          ...(e.rule ? { call_rule: e.rule, call_reason_vi: e.reason_vi, call_reason_en: e.reason_en } : {}),
        });
        break;
      }
      case "ticket_recalled": {
        const service = c?.current_service || this.serviceOfLabel(e.label);
        change.service = service;
        if (c) c.current_status = "called";
        this.recordCall(e, service, msg.at);
        this.updateTicket(e.ticket, { recalls: e.count });
        break;
      }
      case "service_started":
        if (c && c.current === e.label) c.current_status = "serving";
        this.updateTicket(e.ticket, { status: "serving" });
        break;
      case "service_finished":
        leave(c, e.label);
        if (c) c.served += 1;
        if (e.visit_open) this.foldTicket(e.ticket, (t) => steps.stepServed(t, e.counter, msg.at));
        else this.tickets.delete(e.ticket);
        break;
      case "steps_added":
        this.foldTicket(e.ticket, (t) => steps.stepsAdded(t, e, msg.at));
        break;
      case "step_completed":
      case "step_cancelled":
        this.foldTicket(e.ticket, (t) => steps.stepEnded(t, e.step, e.type === "step_completed", msg.at));
        if (["done", "cancelled"].includes(this.tickets.get(e.ticket)?.status)) this.tickets.delete(e.ticket); // the visit is over
        break;
      case "ticket_missed":
        leave(c, e.label);
        this.updateTicket(e.ticket, { status: "missed", counter: null });
        break;
      case "ticket_parked":
        leave(c, e.label);
        if (c && c.parked) c.parked.push(e.label);
        this.updateTicket(e.ticket, { status: "parked" });
        break;
      case "ticket_transferred":
        if (typeof e.from_counter === "number") leave(this.counters.get(e.from_counter), e.label);
        this.updateTicket(e.ticket, { status: "waiting", service: e.to_service, counter: null, target_counter: e.to_counter });
        this.foldTicket(e.ticket, steps.stepSynced);
        break;
      case "ticket_reactivated":
        this.updateTicket(e.ticket, { status: "waiting", counter: null });
        this.foldTicket(e.ticket, steps.stepReactivated);
        break;
      case "ticket_cancelled":
        for (const k of this.counters.values()) leave(k, e.label);
        this.tickets.delete(e.ticket);
        break;
      case "priority_reviewed":
        this.updateTicket(e.ticket, { priority: e.confirmed ? e.groups : [], priority_pending: false });
        break;
      case "his_registration_recorded":
        if (e.his_room) this.hisRooms.set(e.label, e.his_room);
        else this.hisRooms.delete(e.label);
        this.updateTicket(e.ticket, { patient_code: e.patient_code, episode: e.episode, room: e.room, his_room: e.his_room });
        break;
      case "face_reviewed":
        this.updateTicket(e.ticket, { face_review: "", face_distance: null });
        break;
      case "insurance_checked":
        this.updateTicket(e.ticket, { insurance_pending: false, insurance: e });
        break;
      case "identity_checked": {
        const checks = this.tickets.get(e.ticket)?.identity_checks || [];
        if (!checks.includes(e.document)) this.updateTicket(e.ticket, { identity_checks: [...checks, e.document] });
        break;
      }
      default:
        return null;
    }
    return change;
  }

  /** The newest call first, each ticket once (as the server's last_calls). */
  recordCall(e, service, at) {
    this.lastCalls = [{ ticket: e.ticket, label: e.label, counter: e.counter, service, at },
      ...this.lastCalls.filter((x) => x.ticket !== e.ticket)].slice(0, 20);
  }

  /** Replace a known ticket by what a pure fold (steps.js) makes of it. @param {number} id @param {(t: any) => any} fold */
  foldTicket(id, fold) {
    const t = this.tickets.get(id);
    if (t) this.tickets.set(id, fold(t));
  }

  updateTicket(id, fields) {
    const t = this.tickets.get(id);
    if (t) Object.assign(t, fields);
  }

  replaceConfig(config) {
    this.config = config;
    const keep = new Map();
    for (const cc of config.counters) {
      if (this.zone && cc.zone !== this.zone) continue;
      const old = this.counters.get(cc.number);
      keep.set(cc.number, old ? { ...old, zone: cc.zone, online: cc.online } : {
        number: cc.number, status: "closed", zone: cc.zone, online: cc.online, pause_reason: "",
        current: null, current_service: null, current_status: null, served: 0, staff: "", parked: [],
      });
    }
    this.counters = keep;
    for (const s of config.services) if (!(s.code in this.waiting)) this.waiting[s.code] = 0;
  }
}

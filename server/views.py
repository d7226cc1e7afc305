"""What each audience may see: snapshots of the state (the redacted form of each event is in
``server/redaction.py``).

Audiences:

- ``public`` (kiosks, TV boards): no patient identity (a masked name only if the configuration
  says so), no staff or device events, of what the HIS recorded only the room it gave (and only
  if the boards show it, ``display.his_room``);
- ``staff`` (counter staff): in a snapshot, only the open tickets its counter may serve or holds
  (``for_counter``), with their identities; in events, a ticket's identity only to the counters
  it is for (``identity_counters``: the issue event in full, and an ``identity`` message when a
  transfer sends it to another counter), the masked form to the others; what the HIS recorded
  (patient code, episode, room) in full; no account or device events;
- ``admin``: everything but password and token hashes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from .domain import events as ev
from .domain.access import Actor
from .domain.config import Config
from .domain.estimate import Estimate, Places, estimate
from .domain.hours import is_open
from .domain.identity import Identity
from .domain.journey import may_end_step
from .domain.lifecycle import ACTIVE, Status
from .domain.ordering import queue_order
from .domain.state import QueueState, Ticket
from .domain.steps import LIVE, Step
from .protocol import Audience
from .redaction import public_identity
from .visit_view import current_open, public_steps


def event_zone(state: QueueState, event: ev.AnyEvent) -> str | None:
    """The zone an event concerns (TV boards of other zones skip it), or None for everyone."""
    counter = getattr(event, "counter", None)
    return (_zone_of(state.config, counter) or None) if isinstance(counter, int) else None


class CounterView(msgspec.Struct):
    number: int
    status: str
    zone: str
    online: bool
    pause_reason: str
    current: str | None
    current_service: str | None
    current_status: str | None
    served: int
    staff: str = ""
    parked: list[str] = []


class TicketView(msgspec.Struct):
    id: int
    label: str
    service: str
    status: Status
    issued_at: float
    priority: list[str]
    priority_pending: bool
    counter: int | None
    target_counter: int | None
    recalls: int
    call_rule: str
    call_reason_vi: str
    call_reason_en: str
    identity: Identity | None
    channel: str
    face: bool = False
    face_review: str = ""
    face_distance: float | None = None
    slot: str = ""  # the booked slot it honours ("09:00-09:30"), domain/bookings.py
    patient_code: str = ""  # what the HIS recorded (staff and admin only)
    episode: str = ""
    room: int | None = None
    his_room: str = ""
    id_warnings: list[str] = []  # staff and admin only
    identity_checks: list[str] = []
    insurance_pending: bool = False  # its health-insurance check has not answered yet
    insurance: ev.InsuranceChecked | None = None  # the check's answer (staff and admin only)
    steps: list[StepView] = []  # the visit's steps (domain/steps.py); none: a visit of one queue
    step: int = 0  # the step it is at now


class StepView(msgspec.Struct, frozen=True):
    id: int
    service: str
    counter: int | None
    status: str
    after: list[int]
    returning: bool
    reason: str  # staff and admin only (a doctor's words)
    order: str  # the HIS's order (staff and admin only)
    ready_at: float | None
    served_by: int | None
    may_end: bool = False  # who reads this view may mark its result in or cancel it


def viewer_of(audience: Audience, counter: int | None) -> Actor:
    """Who reads a view the caller does not name: an admin on the admin page, else the staff of
    ``counter`` (a connection names its own: ``Conn.viewer``, an admin at a counter page)."""
    if audience == "admin":
        return Actor(name="view", role="admin")
    return Actor(name="view", role="counter", counters=[counter] if counter is not None else [])


def step_views(t: Ticket, config: Config, audience: Audience, viewer: Actor) -> list[StepView]:
    """A visit's steps as ``audience`` sees them; ``may_end`` by the domain's own rule
    (``journey.may_end_step``) for ``viewer`` (an admin: every step, on any page; the public:
    none). Buttons only: the command is judged again when it comes."""
    private = audience != "public"
    return [
        StepView(
            id=s.id,
            service=s.service,
            counter=s.counter,
            status=s.status,
            after=s.after,
            returning=s.returning,
            reason=s.reason if private else "",
            order=s.order if private else "",
            ready_at=s.ready_at,
            served_by=s.served_by,
            may_end=private and may_end_step(config, viewer, s),
        )
        for s in t.steps
    ]


def ticket_view(
    t: Ticket, config: Config, audience: Audience, counter: int | None = None, viewer: Actor | None = None
) -> TicketView:
    identity = t.identity if audience != "public" else public_identity(t.identity, config)
    return TicketView(
        id=t.id,
        label=t.label,
        service=t.service,
        status=t.status,
        issued_at=t.issued_at,
        priority=[g.value for g in t.priority] if not t.priority_rejected else [],
        priority_pending=t.priority_pending,
        counter=t.counter,
        target_counter=t.target_counter,
        recalls=t.recalls,
        call_rule=t.call_rule,
        call_reason_vi=t.call_reason_vi,
        call_reason_en=t.call_reason_en,
        identity=identity,
        channel=t.channel,
        face=t.face,
        face_review=t.face_review if audience != "public" else "",
        face_distance=t.face_distance if audience != "public" else None,
        slot=t.slot,
        patient_code=t.patient_code if audience != "public" else "",
        episode=t.episode if audience != "public" else "",
        room=t.room,
        his_room=t.his_room,
        id_warnings=t.id_warnings if audience != "public" else [],
        identity_checks=t.identity_checks if audience != "public" else [],
        insurance_pending=t.insurance_pending,
        insurance=t.insurance if audience != "public" else None,
        steps=step_views(t, config, audience, viewer or viewer_of(audience, counter)) if t.steps else [],
        step=t.step,
    )


def for_counter(state: QueueState, t: Ticket, counter: int | None) -> bool:
    """Whether staff at ``counter`` need ``t``: a ticket of a service the counter serves, sent to
    it, called or parked there. Another counter's patients are not theirs to see."""
    if counter is None:
        return False
    here = state.counters.get(counter)
    if t.counter == counter or (here is not None and t.id in here.parked):
        return True
    if t.steps:  # a visit: the counters of every step still to come, and of the ones it was served at
        return any(_step_for(state, s, counter) for s in t.steps)
    if t.target_counter is not None:
        return t.target_counter == counter
    return counter in state.config.counters_for(t.service)


def _step_for(state: QueueState, s: Step, counter: int) -> bool:
    if s.served_by == counter:
        return True
    if s.status not in LIVE:
        return False
    return s.counter == counter if s.counter is not None else counter in state.config.counters_for(s.service)


def identity_counters(state: QueueState, ticket: int) -> set[int]:
    """The counters whose staff get this ticket's identity in full (``for_counter``)."""
    t = state.tickets.get(ticket)
    if t is None or t.identity is None:
        return set()
    return {c.number for c in state.config.counters if for_counter(state, t, c.number)}


def snapshot(
    state: QueueState,
    audience: Audience,
    now: float,
    zone: str = "",
    counter: int | None = None,
    viewer: Actor | None = None,
) -> dict[str, Any]:
    """What ``audience`` sees of the state (of ``zone``; for staff, of the tickets of ``counter``),
    read by ``viewer`` (default: ``viewer_of``): what they may do with a visit's steps."""
    cfg = state.config
    counters = []
    for c in sorted(state.counters.values(), key=lambda c: c.number):
        cc = cfg.counter(c.number)
        if cc is None or (zone and cc.zone != zone):
            continue
        cur = state.tickets.get(c.current) if c.current is not None else None
        counters.append(
            CounterView(
                number=c.number,
                status=c.status,
                zone=cc.zone,
                online=cc.online,
                pause_reason=c.pause_reason,
                current=cur.label if cur else None,
                current_service=cur.service if cur else None,
                current_status=cur.status.value if cur else None,
                served=c.served,
                staff=c.staff if audience != "public" else "",
                parked=[state.tickets[p].label for p in c.parked] if audience != "public" else [],
            )
        )
    waiting = {s.code: len(state.waiting.get(s.code, ())) for s in cfg.services}
    view: dict[str, Any] = {
        "day": state.day,
        "open_now": is_open(cfg, dt.datetime.fromtimestamp(now, dt.UTC)),
        "server_time": now,
        "config": cfg,
        "counters": counters,
        "waiting": waiting,
        "last_calls": [lc for lc in state.last_calls if not zone or _zone_of(cfg, lc.counter) == zone],
    }
    if cfg.display.his_room:  # the rooms the HIS gave, for the boards to show beside the counter
        view["his_rooms"] = {t.label: t.his_room for t in state.tickets.values() if t.his_room and t.status in ACTIVE}
    if audience != "public":
        view["tickets"] = [
            ticket_view(t, cfg, audience, counter, viewer)
            for t in state.tickets.values()
            if t.status in ACTIVE and (audience == "admin" or for_counter(state, t, counter))
        ]
    if audience == "admin":
        view["staff"] = [
            {
                "username": s.username,
                "full_name": s.full_name,
                "role": s.role,
                "counters": s.counters,
                "active": s.active,
            }
            for s in state.staff.values()
        ]
        view["devices"] = [
            {"device": d.device, "kind": d.kind, "name": d.name, "zone": d.zone, "active": d.active}
            for d in state.devices.values()
        ]
    return view


def _zone_of(cfg: Config, counter: int) -> str:
    cc = cfg.counter(counter)
    return cc.zone if cc else ""


def queue_view(state: QueueState, counter: int, now: float) -> list[dict[str, Any]]:
    """A counter's waiting list in calling order, with the rule that puts each ticket there."""
    out = []
    for i, choice in enumerate(queue_order(state, counter, now)):
        t = state.tickets[choice.ticket]
        out.append(
            {
                "position": i + 1,
                "label": t.label,
                "service": t.service,
                "rule": choice.rule,
                "reason_vi": choice.reason_vi,
                "reason_en": choice.reason_en,
                "klass": choice.klass,
                "waited_seconds": round(now - t.issued_at),
                "priority": [g.value for g in t.priority] if not t.priority_rejected else [],
                "priority_pending": t.priority_pending,
                "face_review": t.face_review,
                "patient_code": t.patient_code,
                "room": t.room,
                "his_room": t.his_room,
                "insurance": insurance_state(t),
            }
        )
    return out


def insurance_state(t: Ticket) -> str:
    """Where a ticket's insurance check stands, for the counter's list: ``pending``, ``insured``,
    ``not_insured``, ``unknown`` (the answer said nothing of the card), or "" (not checked)."""
    if t.insurance_pending:
        return "pending"
    if t.insurance is None:
        return ""
    return {True: "insured", False: "not_insured", None: "unknown"}[t.insurance.insured]


def ticket_status(state: QueueState, label: str, now: float) -> dict[str, Any] | None:
    """Public status of one ticket of today (no identity), or None if there is no such label."""
    t = state.by_label(label.strip().upper())
    return None if t is None else public_status(state, t, now)


def public_status(
    state: QueueState, t: Ticket, now: float, est: Estimate | None = None, places: Places | None = None
) -> dict[str, Any]:
    """What anyone holding the number may know of a ticket: its status, the counter it is called
    to, the counters that serve it, how often it was called again, and while it waits, people
    ahead and the estimate (``est``, when already computed); a visit's steps (``places``: see
    ``visits.public_steps``). Never an identity, never who works at a counter, never a step's
    reason."""
    out: dict[str, Any] = {
        "label": t.label,
        "day": t.day,
        "service": t.service,
        "status": t.status.value,
        "counter": t.counter,
        "counters": (
            [t.target_counter] if t.target_counter is not None else state.config.counters_offered(t.service, t.channel)
        ),
        "called_at": t.called_at,
        "recalls": t.recalls,
    }
    if t.status is Status.WAITING and (not t.steps or current_open(t)):
        est = est or estimate(state, t.id, now)
        out.update(
            ahead=est.ahead,
            wait_minutes=est.wait_minutes,
            open_counters=est.open_counters,
            call_at=est.call_at,
            call_from=est.call_from,
            call_to=est.call_to,
            late=est.late,
        )
    if t.steps:  # a visit of several steps: all of them (server/visit_view.py)
        out.update(step=t.step, steps=public_steps(state, t, now, est, places))
    return out

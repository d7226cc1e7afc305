"""The application step: one command in, the records it makes and the sender's answer out.

``handle(state, command, now, actor, face_match)`` starts the new local day if midnight has
passed, judges the command (``decide``), folds its events into the state (``apply``), and
builds the result the sender is acknowledged with. It is the only place where decide and apply
meet: the hub (``server/hub.py``) runs it for each command of a batch and then makes the
records durable before telling anyone; the domain tests (``tests/domain/sim.py``) run it
directly. A refused command changes nothing but the day's start, and comes back as
``Step.error``.
"""

from __future__ import annotations

from typing import Any

import msgspec

from . import commands as cmd
from . import events as ev
from .access import SYSTEM, Actor
from .decide import decide, rollover
from .errors import DomainError
from .estimate import estimate
from .faces import FaceMatch
from .fold import apply
from .his_inbound import answer
from .state import QueueState


class Step(msgspec.Struct):
    """What one step did: the records applied (a day's start first, if any), the result for the
    sender (or the refusal), and for each record the waiting counts it changed."""

    records: list[ev.Record] = []
    result: Any = None
    error: DomainError | None = None
    waiting: dict[int, dict[str, int]] = {}  # seq -> {service: waiting count}, where it changed


def start_day(state: QueueState, now: float) -> Step:
    """Start the new local day if midnight has passed (``handle`` does it first)."""
    step = Step()
    _apply(state, step, rollover(state, now), now, SYSTEM.name)
    return step


def handle(
    state: QueueState, command: cmd.AnyCommand, now: float, actor: Actor, face_match: FaceMatch | None = None
) -> Step:
    """Decide and apply ``command``; ``face_match`` is the nearest active ticket of the same
    service to the command's face, found by the shell (``server/faces.py``)."""
    step = start_day(state, now)
    try:
        events = decide(state, command, now, actor, face_match)
    except DomainError as exc:
        step.error = exc
        return step
    first = len(step.records)
    _apply(state, step, events, now, actor.name)
    his = answer(state, command)
    step.result = his if his is not None else result_of(state, step.records[first:])
    if his is None:
        _keep_shown_wait(step, first)
    return step


def _keep_shown_wait(step: Step, first: int) -> None:
    """Write the wait a new ticket is shown (its result's) into its ``TicketIssued`` before the
    record is made durable: the state does not read it, the reports do."""
    for i in range(first, len(step.records)):
        r = step.records[i]
        if isinstance(r.event, ev.TicketIssued):
            shown = msgspec.structs.replace(r.event, wait_minutes=step.result["wait_minutes"])
            step.records[i] = msgspec.structs.replace(r, event=shown)
            return


def _apply(state: QueueState, step: Step, events: list[ev.Event], now: float, actor: str) -> None:
    for event in events:
        record = ev.Record(seq=state.seq + 1, at=now, actor=actor, event=event)  # type: ignore[arg-type]
        waiting = state.waiting
        before = {s: len(waiting.get(s, ())) for s in services_touched(state, record.event)}
        apply(state, record)
        waiting = state.waiting
        changed = {s: n for s, b in before.items() if (n := len(waiting.get(s, ()))) != b}
        if changed:
            step.waiting[record.seq] = changed
        step.records.append(record)


def services_touched(state: QueueState, event: ev.AnyEvent) -> set[str]:
    """The services whose waiting count ``event`` may change."""
    if isinstance(event, ev.DayStarted | ev.ConfigReplaced):
        return {*(s.code for s in state.config.services), *state.waiting}
    out: set[str] = set()
    ticket = getattr(event, "ticket", None)
    if isinstance(ticket, int) and ticket in state.tickets:
        t = state.tickets[ticket]
        out.add(t.service)
        out.update(s.service for s in t.steps)  # a visit waits in each queue of an open step
    if isinstance(event, ev.StepsAdded):
        out.update(n.service for n in event.steps)
    for name in ("service", "to_service"):
        code = getattr(event, name, None)
        if isinstance(code, str) and code:
            out.add(code)
    return out


def result_of(state: QueueState, records: list[ev.Record]) -> Any:
    """What the ack carries back to the sender, right after the command's records are applied:
    a new ticket with its wait, a called ticket with why it was chosen, or the events' names."""
    for r in records:
        e = r.event
        if isinstance(e, ev.TicketIssued):
            est = estimate(state, e.ticket, r.at)
            return {
                "ticket": e.label,
                "service": e.service,
                "number": e.number,
                "day": e.day,
                "counters": state.config.counters_offered(e.service, e.channel),
                "ahead": est.ahead,
                "wait_minutes": est.wait_minutes,
                "call_at": est.call_at,  # when it is expected to be called (epoch seconds), or None
                "late": est.late,  # counters are open but none is expected to call it before closing
                "priority": [g.value for g in e.priority],
                "priority_pending": e.priority_pending,
                "issued_at": r.at,
                "booking": e.booking,  # the HIS's booking id it honours, or ""
                "slot": e.slot,  # its slot, "09:00-09:30", or ""
                "booking_late": e.booking_late,
            }
    for r in records:
        e = r.event
        if isinstance(e, ev.TicketCalled | ev.TicketUnparked | ev.TicketRecalled):
            t = state.tickets[e.ticket]
            return {
                "ticket": t.label,
                "service": t.service,
                "counter": e.counter,
                "rule": t.call_rule,
                "reason_vi": t.call_reason_vi,
                "reason_en": t.call_reason_en,
                "recalls": t.recalls,
            }
    return {"events": [ev.snake(type(r.event).__name__) for r in records]}

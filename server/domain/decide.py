"""``decide(state, command, now, actor) -> events``: the only place where commands are judged.

It reads the state and never changes it; a refusal is a :class:`DomainError` with a stable code.
Call :func:`rollover` first when the local day may have changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from . import admin, bookings, his_inbound, insurance_check, journey, rating
from . import commands as cmd
from . import events as ev
from .access import Actor, authorize
from .errors import (
    CounterError,
    TicketError,
    TransitionError,
    UnknownService,
)
from .faces import FaceMatch, validate_descriptor, verdict
from .find import counter_of, current_of, open_counter, service_names, ticket_of
from .held import holds_place, no_second_place
from .identity import derived_groups, id_warnings, validate_identity
from .insurance import card_number
from .lifecycle import ACTIVE, Action, CounterAction, Status, counter_transition, transition
from .ordering import Choice, choose_next
from .state import CounterState, QueueState, Ticket, person_service_key
from .steps import LIVE, find, open_here
from .transfer import transferred


def rollover(state: QueueState, now: float) -> list[ev.Event]:
    """A ``DayStarted`` event if the local day at ``now`` is not the state's day."""
    day = state.local_day(now)
    if day == state.day:
        return []
    expired = [t.id for t in state.tickets.values() if t.status in ACTIVE]
    return [ev.DayStarted(day=day, expired=expired)]


def _free(c: CounterState) -> None:
    if c.current is not None:
        raise CounterError("counter_busy", "counter", counter=c.number)


def _call(state: QueueState, choice: Choice, counter: int) -> ev.TicketCalled:
    t = state.tickets[choice.ticket]
    step = find(t.steps, choice.step) if choice.step is not None else None
    return ev.TicketCalled(
        ticket=t.id,
        label=t.label,
        service=t.service if step is None else step.service,
        counter=counter,
        rule=choice.rule,
        reason_vi=choice.reason_vi,
        reason_en=choice.reason_en,
        klass=choice.klass,
        step=choice.step,
        returning=choice.returning,
    )


def _call_next(state: QueueState, c: CounterState, now: float) -> ev.TicketCalled:
    choice = choose_next(state, c.number, now)
    if choice is None:
        raise TicketError("queue_empty")
    return _call(state, choice, c.number)


def _face_check(state: QueueState, c: cmd.IssueTicket, service: str, match: FaceMatch | None) -> dict[str, Any]:
    """The face fields of a new ticket; ``duplicate_face`` when the nearest active ticket of the
    same service is the same person. Without the face check enabled the face is not kept."""
    policy = state.config.face
    consent = c.face_consent.strip()[:20]
    if not policy.enabled:
        return {}
    if c.face is None:
        return {"face_consent": consent}
    validate_descriptor(c.face)
    out: dict[str, Any] = {"face": True, "face_consent": consent or policy.notice}
    held = state.tickets.get(match.ticket) if match is not None else None
    if match is None or held is None or held.status not in ACTIVE or not holds_place(held, service):
        return out
    found = verdict(match.distance, policy)
    if found == "same":
        raise TicketError("duplicate_face", held.label, label=held.label)
    if found == "review":
        out["face_review"] = held.label
        out["face_distance"] = round(match.distance, 3)
    return out


def _issue(state: QueueState, c: cmd.IssueTicket, now: float, match: FaceMatch | None) -> list[ev.Event]:
    svc = state.config.service(c.service)
    if svc is None:
        raise UnknownService("service")
    if not state.config.counters_for(svc.code):
        raise TicketError("service_unavailable", "service")
    today = dt.date.fromisoformat(state.day)
    identity = validate_identity(c.identity, today) if c.identity is not None else None
    key = person_service_key(identity, svc.code)
    if identity is not None and state.config.queue.one_ticket_per_person:
        no_second_place(state, identity, svc.code)  # a visit's step to come there: its number, where to wait
    if key and state.config.queue.one_ticket_per_person and key in state.active_by_person:
        if identity is None or identity.source != "chip":  # a number anyone can type: tell no more
            raise TicketError("duplicate_ticket.unproven")
        held = state.tickets[state.active_by_person[key]]
        raise TicketError("duplicate_ticket", held.label, label=held.label, status=held.status.value)
    face = _face_check(state, c, svc.code, match)
    last = state.numbers.get(svc.code)
    number = svc.number_start if last is None or last >= svc.number_end else last + 1
    label = f"{svc.code}{number:0{svc.digits}d}"
    if state.by_label(label) is not None:
        raise TicketError("number_range_exhausted", "service", name=svc.name, name_en=svc.name_en or svc.name)
    policy = state.config.priority
    derived = derived_groups(identity.dob if identity else None, today, policy.elderly_age, policy.child_age)
    declared = [g for g in dict.fromkeys(c.declared) if g not in derived]
    return [
        ev.TicketIssued(
            ticket=state.next_ticket,
            service=svc.code,
            number=number,
            label=label,
            day=state.day,
            identity=identity,
            priority=[*derived, *declared],
            priority_pending=bool(declared),
            channel=c.channel,
            **face,
            **bookings.honour(state, identity, svc, now),
            id_warnings=id_warnings(identity, today) if identity is not None else [],
            insurance_pending=state.config.insurance.check != "none" and bool(card_number(identity)),
        )
    ]


# (state, command, now, actor, face match) -> events
Decider = Callable[..., list[ev.Event]]


def decide(
    state: QueueState, command: cmd.AnyCommand, now: float, actor: Actor, match: FaceMatch | None = None
) -> list[ev.Event]:
    """The events that ``command`` causes, or a :class:`DomainError`. ``match`` is, for an
    issue with a face, the nearest active ticket's face (found by the shell). Each command type
    has its decider in ``DECIDERS``, as each event type has its fold in ``state._APPLY``."""
    authorize(actor, command)
    events = DECIDERS[type(command)](state, command, now, actor, match)
    return _taken_over(state, command, actor) + events if events else events


def _taken_over(state: QueueState, command: cmd.AnyCommand, actor: Actor) -> list[ev.Event]:
    """A staff member signed in at a counter someone else opened works there now: the
    dashboard and the reports name who is at the counter, not who opened it."""
    if actor.role != "counter" or not isinstance(command, cmd.COUNTER_COMMANDS):
        return []
    c = state.counters.get(command.counter)
    if c is None or c.status == "closed" or c.staff == actor.name:
        return []
    return [ev.CounterTakenOver(counter=c.number, staff=actor.name)]


def _on_issue_ticket(
    state: QueueState, command: cmd.IssueTicket, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    return _issue(state, command, now, match)


def _on_open_counter(
    state: QueueState, command: cmd.OpenCounter, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    counter_transition(c.status, CounterAction.OPEN, c.number)
    return [ev.CounterOpened(counter=c.number, staff=actor.name)]


def _on_close_counter(
    state: QueueState, command: cmd.CloseCounter, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    counter_transition(c.status, CounterAction.CLOSE, c.number)
    _free(c)
    return [ev.CounterClosed(counter=c.number)]


def _on_pause_counter(
    state: QueueState, command: cmd.PauseCounter, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    counter_transition(c.status, CounterAction.PAUSE, c.number)
    return [ev.CounterPaused(counter=c.number, reason=command.reason.strip()[:200])]


def _on_resume_counter(
    state: QueueState, command: cmd.ResumeCounter, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    counter_transition(c.status, CounterAction.RESUME, c.number)
    return [ev.CounterResumed(counter=c.number)]


def _on_call_next(
    state: QueueState, command: cmd.CallNext, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = open_counter(state, command.counter)
    _free(c)
    return [_call_next(state, c, now)]


def _on_call_number(
    state: QueueState, command: cmd.CallNumber, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = open_counter(state, command.counter)
    _free(c)
    t = ticket_of(state, command.label)
    transition(t.status, Action.CALL)
    served = state.config.counter(c.number)
    assert served is not None
    codes = [s.code for s in served.services]
    klass = t.klass(state.config.priority.honour_unconfirmed)
    if t.steps:  # a visit of several steps: the step it waits for here
        step = open_here(t.steps, codes, c.number)
        if step is None:
            _not_yet(t, codes, c.number)
            raise TicketError("wrong_counter", "label", counter=c.number, label=t.label)
        choice = Choice(ticket=t.id, rule="specific_number", klass=klass, step=step.id, returning=step.returning)
        return [_call(state, choice, c.number)]
    if t.service not in codes:
        raise TicketError("wrong_counter", "label", counter=c.number, label=t.label)
    return [_call(state, Choice(ticket=t.id, rule="specific_number", klass=klass), c.number)]


def _not_yet(t: Ticket, codes: list[str], counter: int) -> None:
    """Refuse the call of a return to this counter that still waits for results, saying for what."""
    back = next(
        (s for s in t.steps if s.status == "pending" and s.service in codes and s.counter in (None, counter)), None
    )
    if back is not None:
        waiting = ", ".join(s.service for s in t.steps if s.id in back.after and s.status in LIVE)
        raise TicketError("step_pending", "label", label=t.label, waiting=waiting)


def _on_recall(
    state: QueueState, command: cmd.Recall, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = open_counter(state, command.counter)
    t = current_of(state, c)
    transition(t.status, Action.RECALL)
    if t.recalls >= state.config.queue.max_recalls:
        return [ev.TicketMissed(ticket=t.id, label=t.label, counter=c.number, reason="recall_limit")]
    return [ev.TicketRecalled(ticket=t.id, label=t.label, counter=c.number, count=t.recalls + 1)]


def _on_start_service(
    state: QueueState, command: cmd.StartService, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    t = current_of(state, c)
    transition(t.status, Action.START)
    return [ev.ServiceStarted(ticket=t.id, label=t.label, counter=c.number)]


def _on_finish_service(
    state: QueueState, command: cmd.FinishService, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    t = current_of(state, c)
    transition(t.status, Action.FINISH)
    return [ev.ServiceFinished(ticket=t.id, label=t.label, counter=c.number, visit_open=journey.visit_open(t))]


def _on_finish_and_call_next(
    state: QueueState, command: cmd.FinishAndCallNext, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = open_counter(state, command.counter)
    t = current_of(state, c)
    transition(t.status, Action.FINISH)
    finished = ev.ServiceFinished(ticket=t.id, label=t.label, counter=c.number, visit_open=journey.visit_open(t))
    choice = choose_next(state, c.number, now)
    return [finished] if choice is None else [finished, _call(state, choice, c.number)]


def _on_mark_missed(
    state: QueueState, command: cmd.MarkMissed, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    t = current_of(state, c)
    transition(t.status, Action.MISS)
    return [ev.TicketMissed(ticket=t.id, label=t.label, counter=c.number)]


def _on_reactivate(
    state: QueueState, command: cmd.Reactivate, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    t = ticket_of(state, command.label)
    transition(t.status, Action.REACTIVATE)
    position = command.position or state.config.queue.reactivate_position
    return [ev.TicketReactivated(ticket=t.id, label=t.label, position=position)]


def _on_transfer(
    state: QueueState, command: cmd.Transfer, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    t = ticket_of(state, command.label) if command.label else current_of(state, c)
    if t.steps and t.status is Status.WAITING:  # a visit waiting in several queues: its current step moves
        services = [s.code for s in state.config.counter(c.number).services]  # type: ignore[union-attr]
        here = open_here(t.steps, services, c.number)
        if here is not None and here.id != t.step:  # not the place in this counter's queue
            name, name_en = service_names(state, t.service)
            raise TicketError(
                "step_elsewhere", "label", label=t.label, counter=c.number, service=name, service_en=name_en
            )
    to_service = command.to_service or t.service
    return [transferred(state, t, to_service, command.to_counter or None, command.position)]


def _on_park_ticket(
    state: QueueState, command: cmd.ParkTicket, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    t = current_of(state, c)
    transition(t.status, Action.PARK)
    return [ev.TicketParked(ticket=t.id, label=t.label, counter=c.number)]


def _on_unpark_ticket(
    state: QueueState, command: cmd.UnparkTicket, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = open_counter(state, command.counter)
    _free(c)
    t = ticket_of(state, command.label)
    if t.id not in c.parked:
        raise TicketError("not_parked_here", "label", label=t.label, counter=c.number)
    return [ev.TicketUnparked(ticket=t.id, label=t.label, counter=c.number)]


def _on_cancel_ticket(
    state: QueueState, command: cmd.CancelTicket, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    t = ticket_of(state, command.label)
    transition(t.status, Action.CANCEL)
    return [ev.TicketCancelled(ticket=t.id, label=t.label, reason=command.reason.strip()[:200])]


def _on_review_priority(
    state: QueueState, command: cmd.ReviewPriority, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    t = ticket_of(state, command.label)
    if t.status not in ACTIVE:
        raise TransitionError("illegal_transition.review_over", label=t.label)
    groups = list(command.groups) if command.groups is not None else list(t.priority)
    if command.confirmed and not groups:
        raise TicketError("priority_group_missing", "groups")
    return [ev.PriorityReviewed(ticket=t.id, label=t.label, confirmed=command.confirmed, groups=groups)]


def _on_review_face(
    state: QueueState, command: cmd.ReviewFace, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    t = ticket_of(state, command.label)
    if not t.face_review:
        raise TicketError("no_face_review", "label", label=t.label)
    reviewed = ev.FaceReviewed(ticket=t.id, label=t.label, same=command.same)
    if not command.same:
        return [reviewed]
    transition(t.status, Action.CANCEL)
    return [reviewed, ev.TicketCancelled(ticket=t.id, label=t.label, reason=f"same person as {t.face_review}")]


def _on_record_identity_check(
    state: QueueState, command: cmd.RecordIdentityCheck, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    t = ticket_of(state, command.label)
    return [ev.IdentityChecked(ticket=t.id, label=t.label, document=command.document)]


DECIDERS: dict[type, Decider] = {
    **rating.DECIDERS,
    **admin.DECIDERS,
    **bookings.DECIDERS,
    **his_inbound.DECIDERS,
    **insurance_check.DECIDERS,
    **journey.DECIDERS,
    cmd.IssueTicket: _on_issue_ticket,
    cmd.OpenCounter: _on_open_counter,
    cmd.CloseCounter: _on_close_counter,
    cmd.PauseCounter: _on_pause_counter,
    cmd.ResumeCounter: _on_resume_counter,
    cmd.CallNext: _on_call_next,
    cmd.CallNumber: _on_call_number,
    cmd.Recall: _on_recall,
    cmd.StartService: _on_start_service,
    cmd.FinishService: _on_finish_service,
    cmd.FinishAndCallNext: _on_finish_and_call_next,
    cmd.MarkMissed: _on_mark_missed,
    cmd.Reactivate: _on_reactivate,
    cmd.Transfer: _on_transfer,
    cmd.ParkTicket: _on_park_ticket,
    cmd.UnparkTicket: _on_unpark_ticket,
    cmd.CancelTicket: _on_cancel_ticket,
    cmd.ReviewPriority: _on_review_priority,
    cmd.ReviewFace: _on_review_face,
    cmd.RecordIdentityCheck: _on_record_identity_check,
}

"""``decide(state, command, now, actor) -> events``: the only place where commands are judged.

It reads the state and never changes it; a refusal is a :class:`DomainError` with a stable code.
Call :func:`rollover` first when the local day may have changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import commands as cmd
from . import events as ev
from .access import Actor, authorize
from .config import Config, validate_config
from .errors import (
    CounterError,
    DomainError,
    TicketError,
    TransitionError,
    UnknownCounter,
    UnknownService,
    UnknownTicket,
)
from .faces import FaceMatch, validate_descriptor, verdict
from .identity import derived_groups, validate_identity
from .lifecycle import ACTIVE, Action, Status, transition
from .ordering import Choice, choose_next
from .state import CounterState, QueueState, Ticket, person_service_key


def rollover(state: QueueState, now: float) -> list[ev.Event]:
    """A ``DayStarted`` event if the local day at ``now`` is not the state's day."""
    day = state.local_day(now)
    if day == state.day:
        return []
    expired = [t.id for t in state.tickets.values() if t.status in ACTIVE]
    return [ev.DayStarted(day=day, expired=expired)]


def _counter(state: QueueState, number: int) -> CounterState:
    c = state.counters.get(number)
    if c is None or state.config.counter(number) is None:
        raise UnknownCounter(number)
    return c


def _open_counter(state: QueueState, number: int) -> CounterState:
    c = _counter(state, number)
    if c.status == "closed":
        raise CounterError("counter_closed", "counter", counter=number)
    if c.status == "paused":
        raise CounterError("counter_paused", "counter", counter=number)
    return c


def _current(state: QueueState, c: CounterState) -> Ticket:
    if c.current is None:
        raise CounterError("counter_idle", "counter", counter=c.number)
    return state.tickets[c.current]


def _free(c: CounterState) -> None:
    if c.current is not None:
        raise CounterError("counter_busy", "counter", counter=c.number)


def _ticket(state: QueueState, label: str) -> Ticket:
    t = state.by_label(label.strip().upper())
    if t is None:
        raise UnknownTicket(label)
    return t


def _call(state: QueueState, choice: Choice, counter: int) -> ev.TicketCalled:
    t = state.tickets[choice.ticket]
    return ev.TicketCalled(
        ticket=t.id,
        label=t.label,
        service=t.service,
        counter=counter,
        rule=choice.rule,
        reason_vi=choice.reason_vi,
        reason_en=choice.reason_en,
        klass=choice.klass,
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
    if match is None or held is None or held.status not in ACTIVE or held.service != service:
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
    if key and state.config.queue.one_ticket_per_person and key in state.active_by_person:
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
        )
    ]


def decide(
    state: QueueState, command: cmd.AnyCommand, now: float, actor: Actor, match: FaceMatch | None = None
) -> list[ev.Event]:
    """The events that ``command`` causes, or a :class:`DomainError`. ``match`` is, for an
    issue with a face, the nearest active ticket's face (found by the shell)."""
    authorize(actor, command)
    if isinstance(command, cmd.IssueTicket):
        return _issue(state, command, now, match)
    if isinstance(command, cmd.OpenCounter):
        c = _counter(state, command.counter)
        if c.status != "closed":
            raise CounterError("counter_already_open", "counter", counter=c.number)
        return [ev.CounterOpened(counter=c.number, staff=actor.name)]
    if isinstance(command, cmd.CloseCounter):
        c = _counter(state, command.counter)
        if c.status == "closed":
            raise CounterError("counter_closed", "counter", counter=c.number)
        _free(c)
        return [ev.CounterClosed(counter=c.number)]
    if isinstance(command, cmd.PauseCounter):
        c = _open_counter(state, command.counter)
        return [ev.CounterPaused(counter=c.number, reason=command.reason.strip()[:200])]
    if isinstance(command, cmd.ResumeCounter):
        c = _counter(state, command.counter)
        if c.status != "paused":
            raise CounterError("counter_not_paused", "counter", counter=c.number)
        return [ev.CounterResumed(counter=c.number)]
    if isinstance(command, cmd.CallNext):
        c = _open_counter(state, command.counter)
        _free(c)
        return [_call_next(state, c, now)]
    if isinstance(command, cmd.CallNumber):
        c = _open_counter(state, command.counter)
        _free(c)
        t = _ticket(state, command.label)
        transition(t.status, Action.CALL)
        served = state.config.counter(c.number)
        assert served is not None
        if t.service not in {s.code for s in served.services}:
            raise TicketError("wrong_counter", "label", counter=c.number, label=t.label)
        klass = t.klass(state.config.priority.honour_unconfirmed)
        return [_call(state, Choice(ticket=t.id, rule="specific_number", klass=klass), c.number)]
    if isinstance(command, cmd.Recall):
        c = _open_counter(state, command.counter)
        t = _current(state, c)
        transition(t.status, Action.RECALL)
        if t.recalls >= state.config.queue.max_recalls:
            return [ev.TicketMissed(ticket=t.id, label=t.label, counter=c.number, reason="recall_limit")]
        return [ev.TicketRecalled(ticket=t.id, label=t.label, counter=c.number, count=t.recalls + 1)]
    if isinstance(command, cmd.StartService):
        c = _counter(state, command.counter)
        t = _current(state, c)
        transition(t.status, Action.START)
        return [ev.ServiceStarted(ticket=t.id, label=t.label, counter=c.number)]
    if isinstance(command, cmd.FinishService):
        c = _counter(state, command.counter)
        t = _current(state, c)
        transition(t.status, Action.FINISH)
        return [ev.ServiceFinished(ticket=t.id, label=t.label, counter=c.number)]
    if isinstance(command, cmd.FinishAndCallNext):
        c = _open_counter(state, command.counter)
        t = _current(state, c)
        transition(t.status, Action.FINISH)
        finished = ev.ServiceFinished(ticket=t.id, label=t.label, counter=c.number)
        choice = choose_next(state, c.number, now)
        return [finished] if choice is None else [finished, _call(state, choice, c.number)]
    if isinstance(command, cmd.MarkMissed):
        c = _counter(state, command.counter)
        t = _current(state, c)
        transition(t.status, Action.MISS)
        return [ev.TicketMissed(ticket=t.id, label=t.label, counter=c.number)]
    if isinstance(command, cmd.Reactivate):
        t = _ticket(state, command.label)
        transition(t.status, Action.REACTIVATE)
        position = command.position or state.config.queue.reactivate_position
        return [ev.TicketReactivated(ticket=t.id, label=t.label, position=position)]
    if isinstance(command, cmd.Transfer):
        c = _counter(state, command.counter)
        t = _ticket(state, command.label) if command.label else _current(state, c)
        transition(t.status, Action.TRANSFER)
        to_service = command.to_service or t.service
        if state.config.service(to_service) is None:
            raise UnknownService("to_service")
        to_counter = command.to_counter or None
        if to_counter is not None:
            target = state.config.counter(to_counter)
            if target is None:
                raise UnknownCounter(to_counter, "to_counter")
            if to_service not in {s.code for s in target.services}:
                raise TicketError("wrong_counter.service", "to_counter", counter=to_counter, service=to_service)
        elif not state.config.counters_for(to_service):
            raise TicketError("service_unavailable", "to_service")
        if to_service == t.service and to_counter is None:
            raise TicketError("transfer_to_same", "to_service")
        return [
            ev.TicketTransferred(
                ticket=t.id,
                label=t.label,
                from_counter=t.counter,
                to_service=to_service,
                to_counter=to_counter,
                position=command.position,
            )
        ]
    if isinstance(command, cmd.ParkTicket):
        c = _counter(state, command.counter)
        t = _current(state, c)
        transition(t.status, Action.PARK)
        return [ev.TicketParked(ticket=t.id, label=t.label, counter=c.number)]
    if isinstance(command, cmd.UnparkTicket):
        c = _open_counter(state, command.counter)
        _free(c)
        t = _ticket(state, command.label)
        if t.id not in c.parked:
            raise TicketError("not_parked_here", "label", label=t.label, counter=c.number)
        return [ev.TicketUnparked(ticket=t.id, label=t.label, counter=c.number)]
    if isinstance(command, cmd.CancelTicket):
        t = _ticket(state, command.label)
        transition(t.status, Action.CANCEL)
        return [ev.TicketCancelled(ticket=t.id, label=t.label, reason=command.reason.strip()[:200])]
    if isinstance(command, cmd.ReviewPriority):
        t = _ticket(state, command.label)
        if t.status not in ACTIVE:
            raise TransitionError("illegal_transition.review_over", label=t.label)
        groups = list(command.groups) if command.groups is not None else list(t.priority)
        if command.confirmed and not groups:
            raise TicketError("priority_group_missing", "groups")
        return [ev.PriorityReviewed(ticket=t.id, label=t.label, confirmed=command.confirmed, groups=groups)]
    if isinstance(command, cmd.ReviewFace):
        t = _ticket(state, command.label)
        if not t.face_review:
            raise TicketError("no_face_review", "label", label=t.label)
        reviewed = ev.FaceReviewed(ticket=t.id, label=t.label, same=command.same)
        if not command.same:
            return [reviewed]
        transition(t.status, Action.CANCEL)
        return [reviewed, ev.TicketCancelled(ticket=t.id, label=t.label, reason=f"same person as {t.face_review}")]
    if isinstance(command, cmd.RequestRating):
        return [_rating_request(state, command)]
    if isinstance(command, cmd.RateTicket):
        return [_rate(state, command, actor)]
    if isinstance(command, cmd.ReplaceConfig):
        config = _check_replacement(state, validate_config(command.config))
        return [ev.ConfigReplaced(config=config, from_file=command.from_file and actor.role == "system")]
    return _decide_accounts(state, command)


def _not_rateable(t: Ticket) -> TicketError:
    return TicketError("not_rateable", "label", label=t.label)


def _rating_request(state: QueueState, c: cmd.RequestRating) -> ev.RatingRequested:
    """The ticket to rate: ``label``, or the one this counter finished last."""
    counter = _counter(state, c.counter)
    if c.label:
        t = _ticket(state, c.label)
    else:
        done = [
            t
            for t in state.tickets.values()
            if t.status is Status.DONE and t.last_counter == counter.number and t.finished_at is not None
        ]
        if not done:
            raise TicketError("nothing_to_rate")
        t = max(done, key=lambda x: x.finished_at or 0.0)
    if t.status is not Status.DONE or t.rating is not None or t.last_counter != counter.number:
        raise _not_rateable(t)
    return ev.RatingRequested(counter=counter.number, ticket=t.id, label=t.label)


def _rate(state: QueueState, c: cmd.RateTicket, actor: Actor) -> ev.TicketRated:
    t = _ticket(state, c.label)
    if t.status is not Status.DONE or t.rating is not None or t.last_counter is None:
        raise _not_rateable(t)
    if actor.role in ("rating", "counter") and t.last_counter not in actor.counters:
        raise TicketError("wrong_counter.not_served_here", "label", label=t.label)
    if not 1 <= c.score <= 5 or len(set(c.reasons)) != len(c.reasons):
        raise TicketError("invalid_rating", "score")
    return ev.TicketRated(
        ticket=t.id,
        label=t.label,
        service=t.service,
        counter=t.last_counter,
        staff=state.counters[t.last_counter].staff,
        score=c.score,
        reasons=list(c.reasons),
    )


def _check_replacement(state: QueueState, new: Config) -> Config:
    """A new configuration may not remove a counter or service that today's tickets still use."""
    counters = {c.number for c in new.counters}
    services = {s.code for s in new.services}
    for t in state.tickets.values():
        if t.status not in ACTIVE:
            continue
        if t.service not in services:
            raise DomainError("service_in_use", "services", service=t.service, label=t.label)
        for n in (t.counter, t.target_counter):
            if n is not None and n not in counters:
                raise DomainError("counter_in_use", "counters", counter=n, label=t.label)
    return new


def _decide_accounts(state: QueueState, command: cmd.AnyCommand) -> list[ev.Event]:
    if isinstance(command, cmd.CreateStaff):
        if command.username in state.staff:
            raise DomainError("staff_exists", "username")
        if not command.username.isidentifier() or not command.username.isascii():
            raise DomainError("invalid_username", "username")
        for n in command.counters:
            _counter(state, n)
        return [
            ev.StaffCreated(
                username=command.username,
                full_name=command.full_name.strip(),
                role=command.role,
                counters=list(command.counters),
                password_hash=command.password_hash,
            )
        ]
    if isinstance(command, cmd.SetStaffPassword | cmd.SetStaffActive):
        if command.username not in state.staff:
            raise DomainError("unknown_staff", "username")
        if isinstance(command, cmd.SetStaffPassword):
            return [ev.StaffPasswordSet(username=command.username, password_hash=command.password_hash)]
        return [ev.StaffActiveSet(username=command.username, active=command.active)]
    if isinstance(command, cmd.RegisterDevice):
        if command.device in state.devices:
            raise DomainError("device_exists", "device")
        if command.zone and command.zone not in {z.code for z in state.config.zones}:
            raise DomainError("unknown_zone", "zone")
        if (command.kind == "rating") != (command.counter is not None) or (
            command.counter is not None and state.config.counter(command.counter) is None
        ):
            raise DomainError("unknown_counter.rating", "counter")
        return [
            ev.DeviceRegistered(
                device=command.device,
                kind=command.kind,
                name=command.name,
                zone=command.zone,
                token_hash=command.token_hash,
                counter=command.counter,
            )
        ]
    assert isinstance(command, cmd.RevokeDevice)
    if command.device not in state.devices:
        raise DomainError("unknown_device", "device")
    return [ev.DeviceRevoked(device=command.device)]

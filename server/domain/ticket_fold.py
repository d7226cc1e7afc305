"""The folds of a ticket's events: issued, called, served, missed, moved, parked, cancelled,
reviewed, rated; each moves the ticket by the transition table (lifecycle.py) and keeps the
state's indexes and its counter in step. A visit's steps are folded in ``visit_fold.py``.
"""

from __future__ import annotations

from . import events as ev
from .lifecycle import Action, Status, transition
from .state import (
    LAST_CALLS,
    RECENT_SERVICE_TIMES,
    Handoff,
    LastCall,
    QueueState,
    Ticket,
    booking_key,
    person_service_key,
)
from .steps import find
from .timing import local_hour, observe_arrival, observe_service
from .visit_fold import point_at, step_served, sync_step
from .waiting import change, enter_waiting, leave_waiting, next_cycle, next_return, position_key, release

# Members as plain module names: an enum member read through its class costs a metaclass lookup
# (about 80 ns), and apply reads a few per event (a million events at start).
WAITING = Status.WAITING
_CALL, _RECALL, _START, _FINISH, _MISS = Action.CALL, Action.RECALL, Action.START, Action.FINISH, Action.MISS
_REACTIVATE, _TRANSFER, _PARK, _UNPARK = Action.REACTIVATE, Action.TRANSFER, Action.PARK, Action.UNPARK
_CANCEL, _CONTINUE = Action.CANCEL, Action.CONTINUE


def _record_call(state: QueueState, t: Ticket, counter: int, at: float) -> None:
    """The newest call first, each ticket once (a recall moves it to the front)."""
    calls = [lc for lc in state.last_calls if lc.ticket != t.id]
    calls.insert(0, LastCall(ticket=t.id, label=t.label, counter=counter, service=t.service, at=at))
    state.last_calls = calls[:LAST_CALLS]


def _leave_counter(state: QueueState, t: Ticket) -> None:
    if t.counter is not None:
        c = state.counters[t.counter]
        if c.current == t.id:
            c.current = None
        if t.id in c.parked:
            c.parked.remove(t.id)
    t.counter = None


def on_ticket_issued(state: QueueState, e: ev.TicketIssued, at: float) -> None:
    t = Ticket(
        id=e.ticket,
        label=e.label,
        service=e.service,
        number=e.number,
        day=e.day,
        status=WAITING,
        issued_at=at,
        queue_key=at if e.queue_at is None else e.queue_at,
        identity=e.identity,
        priority=list(e.priority),
        priority_pending=e.priority_pending,
        channel=e.channel,
        face=e.face,
        face_review=e.face_review,
        id_warnings=list(e.id_warnings),
        face_distance=e.face_distance,
        booking=e.booking,
        slot=e.slot,
        booking_late=e.booking_late,
        insurance_pending=e.insurance_pending,
    )
    if e.booking:
        state.bookings_used[booking_key(e.booking_source, e.booking)] = t.id
    state.tickets[t.id] = t
    state.labels[t.label] = t.id
    enter_waiting(state, t)
    state.next_ticket = max(state.next_ticket, e.ticket + 1)
    state.numbers[e.service] = e.number
    key = person_service_key(e.identity, e.service)
    if key:
        state.active_by_person[key] = t.id
    klass = t.klass(state.config.priority.honour_unconfirmed)
    if klass != "normal":
        observe_arrival(state.timing, e.service, klass, at)


def on_ticket_called(state: QueueState, e: ev.TicketCalled, at: float) -> None:
    t = state.tickets[e.ticket]
    change(state, t, _CALL)
    if t.steps:
        s = find(t.steps, t.step if e.step is None else e.step)
        assert s is not None
        point_at(t, s)
        s.status = "active"
        if s.called_at is None:
            s.called_at = at
    c = state.counters[e.counter]
    c.current = t.id
    t.counter = t.last_counter = e.counter
    t.target_counter = None
    t.called_at = at
    t.recalls = 0
    t.call_rule, t.call_reason_vi, t.call_reason_en = e.rule, e.reason_vi, e.reason_en
    ratio = (state.config.priority.ratio_priority, state.config.priority.ratio_normal)
    c.cycle_priority, c.cycle_normal = next_cycle((c.cycle_priority, c.cycle_normal), e.klass, ratio)
    j = state.config.journeys
    back = (c.cycle_return, c.cycle_new, c.run_return)
    c.cycle_return, c.cycle_new, c.run_return = next_return(back, e.returning, (j.returning, j.new))
    _record_call(state, t, e.counter, at)


def on_ticket_recalled(state: QueueState, e: ev.TicketRecalled, at: float) -> None:
    t = state.tickets[e.ticket]
    change(state, t, _RECALL)
    t.recalls = e.count
    _record_call(state, t, e.counter, at)


def on_service_started(state: QueueState, e: ev.ServiceStarted, at: float) -> None:
    t = state.tickets[e.ticket]
    change(state, t, _START)
    t.started_at = at


def on_service_finished(state: QueueState, e: ev.ServiceFinished, at: float) -> None:
    t = state.tickets[e.ticket]
    begin = t.started_at if t.started_at is not None else t.called_at
    assert begin is not None  # only called or serving tickets finish
    times = state.service_times.setdefault(t.service, [])
    times.append(at - begin)
    del times[:-RECENT_SERVICE_TIMES]
    called = t.called_at or begin
    hour = local_hour(state.config.tzinfo(), called)
    observe_service(state.timing, t.service, e.counter, hour, at - called)
    state.counters[e.counter].served += 1
    _leave_counter(state, t)
    if e.visit_open:
        step_served(t, e.counter, at)
        t.status = transition(t.status, _CONTINUE)
        t.called_at = t.started_at = None
        t.recalls = 0
        enter_waiting(state, t)
        return
    change(state, t, _FINISH)
    t.finished_at = at
    for s in t.steps:  # the visit ends here: what was still to come is cancelled
        if s.id == t.step:
            s.status, s.served_at, s.served_by, s.ended_at = "done", at, e.counter, at
        elif s.status != "done":
            s.status, s.ended_at = "cancelled", at
    release(state, t)


def on_ticket_missed(state: QueueState, e: ev.TicketMissed, at: float) -> None:
    t = state.tickets[e.ticket]
    change(state, t, _MISS)
    t.missed_reason = e.reason
    _leave_counter(state, t)


def on_ticket_reactivated(state: QueueState, e: ev.TicketReactivated, at: float) -> None:
    t = state.tickets[e.ticket]
    t.queue_key = position_key(state, t, e.position, at, t.service)
    if t.steps:
        t.status = transition(t.status, _REACTIVATE)
        here = find(t.steps, t.step)
        assert here is not None
        t.target_counter = here.counter  # the call cleared it; the step keeps its room (a return)
        sync_step(t)
        enter_waiting(state, t)
        return
    change(state, t, _REACTIVATE)


def on_ticket_transferred(state: QueueState, e: ev.TicketTransferred, at: float) -> None:
    t = state.tickets[e.ticket]
    old_key = person_service_key(t.identity, t.service)
    if old_key and state.active_by_person.get(old_key) == t.id:
        del state.active_by_person[old_key]
    t.queue_key = position_key(state, t, e.position, at, e.to_service)
    new_status = transition(t.status, _TRANSFER)
    if t.status is WAITING:
        leave_waiting(state, t)
    else:  # called or serving: taken from the counter it was at
        assert e.from_counter is not None and t.called_at is not None
        begun = t.started_at if t.status is Status.SERVING else None
        here = Handoff(e.from_counter, t.service, t.called_at, begun, t.recalls, e.to_service, e.to_counter, at)
        t.handoffs.append(here)
    _leave_counter(state, t)
    t.service, t.status, t.target_counter = e.to_service, new_status, e.to_counter
    if t.steps:
        sync_step(t)
    enter_waiting(state, t)
    t.transfers += 1
    new_key = person_service_key(t.identity, t.service)
    if new_key:
        state.active_by_person.setdefault(new_key, t.id)


def on_ticket_parked(state: QueueState, e: ev.TicketParked, at: float) -> None:
    t = state.tickets[e.ticket]
    change(state, t, _PARK)
    c = state.counters[e.counter]
    c.current = None
    c.parked.append(t.id)


def on_ticket_unparked(state: QueueState, e: ev.TicketUnparked, at: float) -> None:
    t = state.tickets[e.ticket]
    change(state, t, _UNPARK)
    c = state.counters[e.counter]
    c.parked.remove(t.id)
    c.current = t.id
    t.called_at = at
    _record_call(state, t, e.counter, at)


def on_ticket_cancelled(state: QueueState, e: ev.TicketCancelled, at: float) -> None:
    t = state.tickets[e.ticket]
    change(state, t, _CANCEL)
    _leave_counter(state, t)
    for s in t.steps:
        if s.status != "done":
            s.status, s.ended_at = "cancelled", at
    release(state, t)


def on_priority_reviewed(state: QueueState, e: ev.PriorityReviewed, at: float) -> None:
    t = state.tickets[e.ticket]
    waiting = t.status is WAITING
    if waiting:
        leave_waiting(state, t)
    t.priority_pending = False
    t.priority_rejected = not e.confirmed
    t.priority = list(e.groups)
    if waiting:
        enter_waiting(state, t)


def on_face_reviewed(state: QueueState, e: ev.FaceReviewed, at: float) -> None:
    t = state.tickets[e.ticket]
    t.face_review = ""
    t.face_distance = None


def on_identity_checked(state: QueueState, e: ev.IdentityChecked, at: float) -> None:
    t = state.tickets[e.ticket]
    if e.document not in t.identity_checks:
        t.identity_checks.append(e.document)


def on_insurance_checked(state: QueueState, e: ev.InsuranceChecked, at: float) -> None:
    t = state.tickets[e.ticket]
    t.insurance_pending, t.insurance = False, e


def on_ticket_rated(state: QueueState, e: ev.TicketRated, at: float) -> None:
    state.tickets[e.ticket].rating = e.score


def on_his_registration_recorded(state: QueueState, e: ev.HisRegistrationRecorded, at: float) -> None:
    t = state.tickets[e.ticket]
    t.patient_code, t.episode, t.room, t.his_room = e.patient_code, e.episode, e.room, e.his_room

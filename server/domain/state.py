"""Queue state, the fold of the event log: :func:`apply` folds one record into it.

``apply`` updates the state in place (one writer owns it; replaying a million events must be
fast) and returns it. It never refuses: every check happened in ``decide`` before the event was
written. State keeps the current day's tickets only; earlier days live in the log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Literal

import msgspec

from . import events as ev
from .config import Config
from .identity import Identity, PriorityGroup
from .lifecycle import Action, Status, transition
from .steps import Step, end, find, next_current, open_ready
from .timing import Timing, local_hour, observe_arrival, observe_service

# Members as plain module names: an enum member read through its class costs a metaclass lookup
# (about 80 ns), and apply reads a few per event (a million events at start).
WAITING = Status.WAITING
EMERGENCY = PriorityGroup.EMERGENCY
_CALL, _RECALL, _START, _FINISH, _MISS = Action.CALL, Action.RECALL, Action.START, Action.FINISH, Action.MISS
_REACTIVATE, _TRANSFER, _PARK, _UNPARK = Action.REACTIVATE, Action.TRANSFER, Action.PARK, Action.UNPARK
_CANCEL, _EXPIRE = Action.CANCEL, Action.EXPIRE
_CONTINUE, _END = Action.CONTINUE, Action.END

RECENT_SERVICE_TIMES = 20
LAST_CALLS = 10


class Handoff(msgspec.Struct):
    """A ticket transferred away from the counter it was at: the day's list of that counter
    shows it as transferred, and where to, even once another counter has called it."""

    counter: int
    service: str  # the service it had there
    called_at: float  # when it was called there
    started_at: float | None  # when its service began there, if it did
    recalls: int
    to_service: str
    to_counter: int | None
    at: float


class Ticket(msgspec.Struct):
    id: int
    label: str
    service: str
    number: int
    day: str
    status: Status
    issued_at: float
    queue_key: float
    identity: Identity | None = None
    priority: list[PriorityGroup] = []
    priority_pending: bool = False
    priority_rejected: bool = False
    channel: str = "kiosk"
    counter: int | None = None
    last_counter: int | None = None  # the counter it was last called to (kept after it leaves)
    target_counter: int | None = None
    recalls: int = 0
    transfers: int = 0
    called_at: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    call_rule: str = ""
    call_reason_vi: str = ""
    call_reason_en: str = ""
    missed_reason: str = ""
    face: bool = False  # a face descriptor is held for it (in the shell's face index)
    face_review: str = ""  # the ticket whose face may be this one's, until staff check
    face_distance: float | None = None
    rating: int | None = None
    handoffs: list[Handoff] = []  # its transfers away from a counter, the oldest first
    booking: str = ""  # the HIS's booking id it honours (domain/bookings.py)
    slot: str = ""  # that booking's slot, "09:00-09:30"
    booking_late: bool = False  # it came after the slot's end (queued by arrival)
    # what the HIS recorded of it (HisRegistrationRecorded)
    patient_code: str = ""  # MA_BN
    episode: str = ""  # MA_LK
    room: int | None = None  # our counter the HIS named
    his_room: str = ""  # the HIS's own room
    id_warnings: list[str] = []  # what staff should look at in its identity (identity.id_warnings)
    identity_checks: list[str] = []  # the documents staff checked it on (IdentityChecked), in order
    insurance_pending: bool = False  # its health-insurance check has not answered yet
    insurance: ev.InsuranceChecked | None = None  # the check's answer, when it came
    steps: list[Step] = []  # the visit's steps (domain/steps.py); none: a visit of one queue
    step: int = 0  # the step it is at now (its service, target_counter and queue_key are that step's)

    def klass(self, honour_unconfirmed: bool) -> ev.Klass:
        if self.priority_rejected or not self.priority:
            return "normal"
        if self.priority_pending and not honour_unconfirmed:
            return "normal"
        if EMERGENCY in self.priority:
            return "emergency"
        return "priority"


class CounterState(msgspec.Struct):
    number: int
    status: Literal["closed", "open", "paused"] = "closed"
    staff: str = ""
    pause_reason: str = ""
    current: int | None = None
    parked: list[int] = []
    cycle_priority: int = 0
    cycle_normal: int = 0
    cycle_return: int = 0  # returning patients called in the current return cycle (config.journeys)
    cycle_new: int = 0
    run_return: int = 0  # returning patients called in a row (at most config.journeys.returning)
    served: int = 0


class StaffAccount(msgspec.Struct):
    username: str
    full_name: str
    role: ev.Role
    counters: list[int]
    password_hash: str
    active: bool = True
    must_change_password: bool = False  # until the generated password is changed


class Device(msgspec.Struct):
    device: str
    kind: ev.DeviceKind
    name: str
    zone: str
    token_hash: str
    active: bool = True
    counter: int | None = None
    printer: str = "bridge"  # a kiosk's printer (domain/printers.py)


class HisMap(msgspec.Struct):
    """One HIS link's codes mapped to ours (HisMappingLoaded): kept across days."""

    departments: dict[str, str] = {}  # its department code -> ours
    rooms: dict[str, int] = {}  # its room -> our counter
    services: dict[str, str] = {}  # its service code -> ours


class LastCall(msgspec.Struct):
    ticket: int
    label: str
    counter: int
    service: str
    at: float


class QueueState(msgspec.Struct):
    config: Config
    file_config: Config | None = None  # the configuration file as last read at start
    seq: int = 0
    day: str = ""
    next_ticket: int = 1
    tickets: dict[int, Ticket] = {}
    numbers: dict[str, int] = {}
    counters: dict[int, CounterState] = {}
    active_by_person: dict[str, int] = {}
    service_times: dict[str, list[float]] = {}
    last_calls: list[LastCall] = []
    staff: dict[str, StaffAccount] = {}
    devices: dict[str, Device] = {}
    his_maps: dict[str, HisMap] = {}  # by the link's actor ("his:<name>")
    # Indexes kept by apply, so that the hot paths do not scan the whole day's tickets:
    labels: dict[str, int] = {}  # today's label -> ticket id
    waiting: dict[str, dict[int, None]] = {}  # service -> ids of its waiting tickets, an ordered set
    kinds: dict[str, list[int]] = {}  # service -> counts of its waiting tickets for any counter, by raw_kind
    targeted: dict[int, None] = {}  # waiting tickets meant for one counter only
    # today's bookings (domain/bookings.py), by booking_key(source, id); the ones honoured (by
    # which ticket) stay so when their source loads its bookings again; booked: person key ->
    # booking keys (the index a check-in looks up)
    bookings: dict[str, ev.Booking] = {}
    bookings_used: dict[str, int] = {}
    booked: dict[str, list[str]] = {}
    timing: Timing = msgspec.field(default_factory=Timing)  # what the wait predictor learns (timing.py)

    def __post_init__(self) -> None:
        self._sync_counters()

    def _sync_counters(self) -> None:
        numbers = {c.number for c in self.config.counters}
        for n in numbers - self.counters.keys():
            self.counters[n] = CounterState(number=n)
        for n in list(self.counters.keys() - numbers):
            del self.counters[n]

    def by_label(self, label: str) -> Ticket | None:
        tid = self.labels.get(label)
        return None if tid is None else self.tickets[tid]

    def waiting_in(self, service: str) -> list[Ticket]:
        return [self.tickets[i] for i in self.waiting.get(service, ())]

    def local_day(self, at: float) -> str:
        return dt.datetime.fromtimestamp(at, self.config.tzinfo()).date().isoformat()


def person_service_key(identity: Identity | None, service: str) -> str:
    if identity is None:
        return ""
    person = identity.person_key()
    return f"{person}|{service}" if person else ""


def raw_kind(t: Ticket) -> int:
    """The ticket's kind for the counts kept per service: 0 normal, 1 emergency, 2 emergency
    awaiting review, 3 priority, 4 priority awaiting review (the policy maps them to classes)."""
    if t.priority_rejected or not t.priority:
        return 0
    return (1 if EMERGENCY in t.priority else 3) + t.priority_pending


def _enter_waiting(state: QueueState, t: Ticket) -> None:
    if t.steps:  # a visit of several steps waits in each open step's queue
        for s in t.steps:
            if s.status == "open":
                _enter_queue(state, t, s.service, s.counter)
        return
    _enter_queue(state, t, t.service, t.target_counter)


def _enter_queue(state: QueueState, t: Ticket, service: str, target: int | None) -> None:
    state.waiting.setdefault(service, {})[t.id] = None
    if target is not None:
        state.targeted[t.id] = None
    else:
        state.kinds.setdefault(service, [0, 0, 0, 0, 0])[raw_kind(t)] += 1


def _leave_waiting(state: QueueState, t: Ticket) -> None:
    if t.steps:
        for s in t.steps:
            if s.status == "open":
                _leave_queue(state, t, s.service, s.counter)
        return
    _leave_queue(state, t, t.service, t.target_counter)


def _leave_queue(state: QueueState, t: Ticket, service: str, target: int | None) -> None:
    del state.waiting[service][t.id]
    if target is not None:
        state.targeted.pop(t.id, None)  # (several targeted steps share one entry)
    else:
        state.kinds[service][raw_kind(t)] -= 1


def _change(state: QueueState, t: Ticket, action: Action) -> None:
    """Change a ticket's status by the transition table, keeping the waiting index in step."""
    new = transition(t.status, action)
    if t.status is WAITING:
        _leave_waiting(state, t)
    t.status = new
    if new is WAITING:
        _enter_waiting(state, t)


def _release(state: QueueState, t: Ticket) -> None:
    """Drop a ticket from the per-person index (it has ended: finished, cancelled, its visit over)."""
    for service in {t.service, *(s.service for s in t.steps)}:
        key = person_service_key(t.identity, service)
        if key and state.active_by_person.get(key) == t.id:
            del state.active_by_person[key]


def _sync_step(t: Ticket) -> None:
    """Write the ticket's current place back into its current step (after a transfer, a
    reactivation). A pending step (a return awaiting results, moved to another room) stays
    pending: it opens when what it waits for has ended, not when it is moved."""
    s = find(t.steps, t.step)
    assert s is not None
    s.service, s.counter, s.queue_key = t.service, t.target_counter, t.queue_key
    if s.status != "pending":
        s.status = "open" if t.status is WAITING else "active"


def _point_at(t: Ticket, s: Step) -> None:
    """Make ``s`` the ticket's current step."""
    t.step, t.service, t.target_counter, t.queue_key = s.id, s.service, s.counter, s.queue_key


def _leave_counter(state: QueueState, t: Ticket) -> None:
    if t.counter is not None:
        c = state.counters[t.counter]
        if c.current == t.id:
            c.current = None
        if t.id in c.parked:
            c.parked.remove(t.id)
    t.counter = None


def front_key(state: QueueState, service: str, at: float) -> float:
    """Just ahead of the oldest waiting ticket; ``at`` (now) when nobody waits, so that the
    ticket has not "waited" since the epoch (which the maximum-wait rule would see)."""
    keys = [t.queue_key for t in state.waiting_in(service)]
    return min(min(keys) - 1.0, at) if keys else at


def position_key(state: QueueState, t: Ticket, position: ev.Position, at: float, service: str) -> float:
    if position == "front":
        return front_key(state, service, at)
    if position == "back":
        return at
    return t.issued_at


def next_cycle(cycle: tuple[int, int], klass: ev.Klass, ratio: tuple[int, int]) -> tuple[int, int]:
    """A counter's (priority, normal) ratio cycle after a call of ``klass``; full cycles restart."""
    cp, cn = cycle
    if klass == "priority":
        cp += 1
    elif klass == "normal":
        cn += 1
    cp, cn = min(cp, ratio[0]), min(cn, ratio[1])
    return (0, 0) if cp >= ratio[0] and cn >= ratio[1] else (cp, cn)


def next_return(back: tuple[int, int, int], returning: bool, ratio: tuple[int, int]) -> tuple[int, int, int]:
    """A room's return cycle (returning, new) and its run of returning calls in a row after a call."""
    cr, cn = next_cycle((back[0], back[1]), "priority" if returning else "normal", ratio)
    return cr, cn, min(back[2] + 1, ratio[0]) if returning else 0


def _record_call(state: QueueState, t: Ticket, counter: int, at: float) -> None:
    """The newest call first, each ticket once (a recall moves it to the front)."""
    calls = [lc for lc in state.last_calls if lc.ticket != t.id]
    calls.insert(0, LastCall(ticket=t.id, label=t.label, counter=counter, service=t.service, at=at))
    state.last_calls = calls[:LAST_CALLS]


def _on_ticket_issued(state: QueueState, e: ev.TicketIssued, at: float) -> None:
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
    _enter_waiting(state, t)
    state.next_ticket = max(state.next_ticket, e.ticket + 1)
    state.numbers[e.service] = e.number
    key = person_service_key(e.identity, e.service)
    if key:
        state.active_by_person[key] = t.id
    klass = t.klass(state.config.priority.honour_unconfirmed)
    if klass != "normal":
        observe_arrival(state.timing, e.service, klass, at)


def booking_key(source: str, booking: str) -> str:
    return f"{source}|{booking}"


def _on_bookings_loaded(state: QueueState, e: ev.BookingsLoaded, at: float) -> None:
    prefix = booking_key(e.source, "")
    bookings = {k: b for k, b in state.bookings.items() if not k.startswith(prefix)}
    for b in e.bookings:
        bookings[booking_key(e.source, b.id)] = b
    state.bookings = bookings
    booked: dict[str, list[str]] = {}
    for k, b in bookings.items():
        for person in (f"id:{b.id_number}" if b.id_number else "", f"bhyt:{b.bhyt_number}" if b.bhyt_number else ""):
            if person:
                booked.setdefault(person, []).append(k)
    state.booked = booked


def _on_ticket_called(state: QueueState, e: ev.TicketCalled, at: float) -> None:
    t = state.tickets[e.ticket]
    _change(state, t, _CALL)
    if t.steps:
        s = find(t.steps, t.step if e.step is None else e.step)
        assert s is not None
        _point_at(t, s)
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


def _on_ticket_recalled(state: QueueState, e: ev.TicketRecalled, at: float) -> None:
    t = state.tickets[e.ticket]
    _change(state, t, _RECALL)
    t.recalls = e.count
    _record_call(state, t, e.counter, at)


def _on_service_started(state: QueueState, e: ev.ServiceStarted, at: float) -> None:
    t = state.tickets[e.ticket]
    _change(state, t, _START)
    t.started_at = at


def _on_service_finished(state: QueueState, e: ev.ServiceFinished, at: float) -> None:
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
        _step_served(t, e.counter, at)
        t.status = transition(t.status, _CONTINUE)
        t.called_at = t.started_at = None
        t.recalls = 0
        _enter_waiting(state, t)
        return
    _change(state, t, _FINISH)
    t.finished_at = at
    for s in t.steps:  # the visit ends here: what was still to come is cancelled
        if s.id == t.step:
            s.status, s.served_at, s.served_by, s.ended_at = "done", at, e.counter, at
        elif s.status != "done":
            s.status, s.ended_at = "cancelled", at
    _release(state, t)


def _step_served(t: Ticket, counter: int, at: float) -> None:
    """End the current step at ``counter``; the ticket then points at its next step (the
    decider said the visit goes on: ``journey.visit_open``). Called with the ticket out of every
    queue."""
    s = find(t.steps, t.step)
    assert s is not None
    s.served_at, s.served_by = at, counter
    if s.needs_result and any(s.id in x.after for x in t.steps if x.status in ("pending",)):
        s.status = "served"
    else:
        end(t.steps, s, "done", at)
    open_ready(t.steps, at)
    nxt = next_current(t.steps)
    assert nxt is not None
    _point_at(t, nxt)


def _on_ticket_missed(state: QueueState, e: ev.TicketMissed, at: float) -> None:
    t = state.tickets[e.ticket]
    _change(state, t, _MISS)
    t.missed_reason = e.reason
    _leave_counter(state, t)


def _on_ticket_reactivated(state: QueueState, e: ev.TicketReactivated, at: float) -> None:
    t = state.tickets[e.ticket]
    t.queue_key = position_key(state, t, e.position, at, t.service)
    if t.steps:
        t.status = transition(t.status, _REACTIVATE)
        here = find(t.steps, t.step)
        assert here is not None
        t.target_counter = here.counter  # the call cleared it; the step keeps its room (a return)
        _sync_step(t)
        _enter_waiting(state, t)
        return
    _change(state, t, _REACTIVATE)


def _on_ticket_transferred(state: QueueState, e: ev.TicketTransferred, at: float) -> None:
    t = state.tickets[e.ticket]
    old_key = person_service_key(t.identity, t.service)
    if old_key and state.active_by_person.get(old_key) == t.id:
        del state.active_by_person[old_key]
    t.queue_key = position_key(state, t, e.position, at, e.to_service)
    new_status = transition(t.status, _TRANSFER)
    if t.status is WAITING:
        _leave_waiting(state, t)
    else:  # called or serving: taken from the counter it was at
        assert e.from_counter is not None and t.called_at is not None
        begun = t.started_at if t.status is Status.SERVING else None
        here = Handoff(e.from_counter, t.service, t.called_at, begun, t.recalls, e.to_service, e.to_counter, at)
        t.handoffs.append(here)
    _leave_counter(state, t)
    t.service, t.status, t.target_counter = e.to_service, new_status, e.to_counter
    if t.steps:
        _sync_step(t)
    _enter_waiting(state, t)
    t.transfers += 1
    new_key = person_service_key(t.identity, t.service)
    if new_key:
        state.active_by_person.setdefault(new_key, t.id)


def _on_ticket_parked(state: QueueState, e: ev.TicketParked, at: float) -> None:
    t = state.tickets[e.ticket]
    _change(state, t, _PARK)
    c = state.counters[e.counter]
    c.current = None
    c.parked.append(t.id)


def _on_ticket_unparked(state: QueueState, e: ev.TicketUnparked, at: float) -> None:
    t = state.tickets[e.ticket]
    _change(state, t, _UNPARK)
    c = state.counters[e.counter]
    c.parked.remove(t.id)
    c.current = t.id
    t.called_at = at
    _record_call(state, t, e.counter, at)


def _on_ticket_cancelled(state: QueueState, e: ev.TicketCancelled, at: float) -> None:
    t = state.tickets[e.ticket]
    _change(state, t, _CANCEL)
    _leave_counter(state, t)
    for s in t.steps:
        if s.status != "done":
            s.status, s.ended_at = "cancelled", at
    _release(state, t)


def _on_priority_reviewed(state: QueueState, e: ev.PriorityReviewed, at: float) -> None:
    t = state.tickets[e.ticket]
    waiting = t.status is WAITING
    if waiting:
        _leave_waiting(state, t)
    t.priority_pending = False
    t.priority_rejected = not e.confirmed
    t.priority = list(e.groups)
    if waiting:
        _enter_waiting(state, t)


def _on_face_reviewed(state: QueueState, e: ev.FaceReviewed, at: float) -> None:
    t = state.tickets[e.ticket]
    t.face_review = ""
    t.face_distance = None


def _on_identity_checked(state: QueueState, e: ev.IdentityChecked, at: float) -> None:
    t = state.tickets[e.ticket]
    if e.document not in t.identity_checks:
        t.identity_checks.append(e.document)


def _on_insurance_checked(state: QueueState, e: ev.InsuranceChecked, at: float) -> None:
    t = state.tickets[e.ticket]
    t.insurance_pending, t.insurance = False, e


def _on_ticket_rated(state: QueueState, e: ev.TicketRated, at: float) -> None:
    state.tickets[e.ticket].rating = e.score


def _on_day_started(state: QueueState, e: ev.DayStarted, at: float) -> None:
    _start_day(state, e)


def _on_counter_opened(state: QueueState, e: ev.CounterOpened, at: float) -> None:
    c = state.counters[e.counter]
    c.status, c.staff, c.pause_reason = "open", e.staff, ""


def _on_counter_taken_over(state: QueueState, e: ev.CounterTakenOver, at: float) -> None:
    state.counters[e.counter].staff = e.staff


def _on_counter_closed(state: QueueState, e: ev.CounterClosed, at: float) -> None:
    c = state.counters[e.counter]
    c.status, c.staff, c.pause_reason = "closed", "", ""


def _on_counter_paused(state: QueueState, e: ev.CounterPaused, at: float) -> None:
    c = state.counters[e.counter]
    c.status, c.pause_reason = "paused", e.reason


def _on_counter_resumed(state: QueueState, e: ev.CounterResumed, at: float) -> None:
    c = state.counters[e.counter]
    c.status, c.pause_reason = "open", ""


def _on_config_replaced(state: QueueState, e: ev.ConfigReplaced, at: float) -> None:
    state.config = e.config
    if e.from_file:
        state.file_config = e.config
    state._sync_counters()


def _on_staff_created(state: QueueState, e: ev.StaffCreated, at: float) -> None:
    state.staff[e.username] = StaffAccount(
        username=e.username,
        full_name=e.full_name,
        role=e.role,
        counters=list(e.counters),
        password_hash=e.password_hash,
        must_change_password=e.must_change_password,
    )


def _on_staff_password_set(state: QueueState, e: ev.StaffPasswordSet, at: float) -> None:
    account = state.staff[e.username]
    account.password_hash = e.password_hash
    account.must_change_password = False


def _on_staff_active_set(state: QueueState, e: ev.StaffActiveSet, at: float) -> None:
    state.staff[e.username].active = e.active


def _on_device_registered(state: QueueState, e: ev.DeviceRegistered, at: float) -> None:
    state.devices[e.device] = Device(
        device=e.device, kind=e.kind, name=e.name, zone=e.zone, token_hash=e.token_hash, counter=e.counter
    )


def _on_device_revoked(state: QueueState, e: ev.DeviceRevoked, at: float) -> None:
    state.devices[e.device].active = False


def _on_device_printer_set(state: QueueState, e: ev.DevicePrinterSet, at: float) -> None:
    state.devices[e.device].printer = e.printer


def _on_his_registration_recorded(state: QueueState, e: ev.HisRegistrationRecorded, at: float) -> None:
    t = state.tickets[e.ticket]
    t.patient_code, t.episode, t.room, t.his_room = e.patient_code, e.episode, e.room, e.his_room


def _on_his_mapping_loaded(state: QueueState, e: ev.HisMappingLoaded, at: float) -> None:
    state.his_maps[e.link] = HisMap(
        departments={d.his_code: d.department for d in e.departments},
        rooms={r.his_room: r.counter for r in e.rooms},
        services={s.his_code: s.service for s in e.services},
    )


def _on_steps_added(state: QueueState, e: ev.StepsAdded, at: float) -> None:
    t = state.tickets[e.ticket]
    waiting = t.status is WAITING
    if waiting:
        _leave_waiting(state, t)
    if not t.steps:  # its own queue becomes step 0
        t.steps = [
            Step(
                id=0,
                service=t.service,
                counter=t.target_counter,
                status="open" if waiting else "active",
                queue_key=t.queue_key,
                added_at=t.issued_at,
                ready_at=t.issued_at,
                called_at=t.called_at,
            )
        ]
    for n in e.steps:
        t.steps.append(
            Step(
                id=n.id,
                service=n.service,
                counter=n.counter,
                after=list(n.after),
                returning=n.returning,
                reason=n.reason,
                order=n.order,
                needs_result=n.needs_result,
                from_counter=e.from_counter,
                added_at=at,
            )
        )
    for held in e.hold:  # a return that now waits for these new steps too
        h = find(t.steps, held)
        assert h is not None and h.status == "pending"
        h.after = [*h.after, *(n.id for n in e.steps)]
    open_ready(t.steps, at)
    if waiting:
        current = find(t.steps, t.step)
        assert current is not None
        if current.status != "open":  # it waited for results only: a new step is where to go now
            nxt = next_current(t.steps)
            assert nxt is not None
            _point_at(t, nxt)
        _enter_waiting(state, t)


def _on_step_ended(state: QueueState, e: ev.StepCompleted | ev.StepCancelled, at: float) -> None:
    """A step's result came, or the step was cancelled (never the step the patient is at)."""
    t = state.tickets[e.ticket]
    s = find(t.steps, e.step)
    assert s is not None and s.status != "active"
    waiting = t.status is WAITING
    if waiting:
        _leave_waiting(state, t)
    end(t.steps, s, "done" if isinstance(e, ev.StepCompleted) else "cancelled", at)
    open_ready(t.steps, at)
    if not waiting:
        return
    current = find(t.steps, t.step)
    assert current is not None
    if current.status != "open":
        nxt = next_current(t.steps)
        if nxt is None:  # nothing left: the visit is over (cancelled if no step of it was done)
            if any(x.status == "done" for x in t.steps):
                t.status = transition(t.status, _END)
                t.finished_at = at
            else:
                t.status = transition(t.status, _CANCEL)
            _release(state, t)
            return
        _point_at(t, nxt)
    _enter_waiting(state, t)


_APPLY: dict[type, Callable[[QueueState, Any, float], None]] = {
    ev.TicketIssued: _on_ticket_issued,
    ev.TicketCalled: _on_ticket_called,
    ev.TicketRecalled: _on_ticket_recalled,
    ev.ServiceStarted: _on_service_started,
    ev.ServiceFinished: _on_service_finished,
    ev.TicketMissed: _on_ticket_missed,
    ev.TicketReactivated: _on_ticket_reactivated,
    ev.TicketTransferred: _on_ticket_transferred,
    ev.TicketParked: _on_ticket_parked,
    ev.TicketUnparked: _on_ticket_unparked,
    ev.TicketCancelled: _on_ticket_cancelled,
    ev.PriorityReviewed: _on_priority_reviewed,
    ev.FaceReviewed: _on_face_reviewed,
    ev.IdentityChecked: _on_identity_checked,
    ev.InsuranceChecked: _on_insurance_checked,
    ev.RatingRequested: lambda state, e, at: None,  # for the rating screen; no state
    ev.TicketRated: _on_ticket_rated,
    ev.DayStarted: _on_day_started,
    ev.CounterOpened: _on_counter_opened,
    ev.CounterTakenOver: _on_counter_taken_over,
    ev.CounterClosed: _on_counter_closed,
    ev.CounterPaused: _on_counter_paused,
    ev.CounterResumed: _on_counter_resumed,
    ev.ConfigReplaced: _on_config_replaced,
    ev.StaffCreated: _on_staff_created,
    ev.StaffPasswordSet: _on_staff_password_set,
    ev.StaffActiveSet: _on_staff_active_set,
    ev.DeviceRegistered: _on_device_registered,
    ev.DeviceRevoked: _on_device_revoked,
    ev.DevicePrinterSet: _on_device_printer_set,
    ev.BookingsLoaded: _on_bookings_loaded,
    ev.HisRegistrationRecorded: _on_his_registration_recorded,
    ev.HisMappingLoaded: _on_his_mapping_loaded,
    ev.StepsAdded: _on_steps_added,
    ev.StepCompleted: _on_step_ended,
    ev.StepCancelled: _on_step_ended,
}


def apply(state: QueueState, record: ev.Record) -> QueueState:
    """Fold one record into the state (in place) and return it."""
    state.seq = record.seq
    _APPLY[type(record.event)](state, record.event, record.at)
    return state


def apply_all(state: QueueState, records: Sequence[ev.Record]) -> QueueState:
    """Fold records in order: the same as :func:`apply` on each, in one loop (the replay at start).
    No handler reads ``state.seq``, so it is set once, to the last record's."""
    table = _APPLY
    for r in records:
        e = r.event
        table[type(e)](state, e, r.at)
    if records:
        state.seq = records[-1].seq
    return state


def _start_day(state: QueueState, e: ev.DayStarted) -> None:
    """A new local day: expire what is still open, forget the old day's tickets, reset numbers."""
    for tid in e.expired:
        t = state.tickets[tid]
        _change(state, t, _EXPIRE)
    daily = {s.code for s in state.config.services if s.daily_reset}
    state.numbers = {k: v for k, v in state.numbers.items() if k not in daily}
    state.tickets = {}
    state.labels = {}
    state.waiting = {}
    state.kinds = {}
    state.targeted = {}
    state.active_by_person = {}
    state.bookings, state.bookings_used, state.booked = {}, {}, {}
    state.last_calls = []
    for c in state.counters.values():
        c.current = None
        c.parked = []
        c.served = 0
        c.cycle_priority = c.cycle_normal = 0
        c.cycle_return = c.cycle_new = c.run_return = 0
    state.day = e.day


def fold(config: Config, records: list[ev.Record]) -> QueueState:
    return apply_all(QueueState(config=config), records)

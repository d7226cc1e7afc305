"""The queue state: the records it keeps of today's tickets, the counters, staff, devices and the
HIS's codes (:class:`QueueState` and its structs), and the small keys read from them.

The state is the fold of the event log (``fold.py``); a snapshot of it is these structs encoded
with msgspec (server/replay.py), so a field's name, type or order here is the snapshot's shape.
State keeps the current day's tickets only; earlier days live in the log.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

from . import events as ev
from .config import Config
from .identity import Identity, PriorityGroup
from .lifecycle import Status
from .steps import Step
from .timing import Timing

EMERGENCY = PriorityGroup.EMERGENCY

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


def booking_key(source: str, booking: str) -> str:
    return f"{source}|{booking}"

"""Events: what happened, in the past tense. The log stores them; state is their fold.

Each event is a frozen msgspec Struct tagged by its snake_case name (``type`` on the wire) and
carries a schema version ``v``. Time (``at``, epoch seconds) and the actor live in the
:class:`Record` envelope, with the global sequence number ``seq``.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

import msgspec

from .config import Config
from .config_diff import ConfigChange
from .identity import Identity, PriorityGroup


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Event(msgspec.Struct, frozen=True, kw_only=True, gc=False, tag_field="type", tag=snake):
    """An event: a frozen value of scalars, lists of them, identities and configurations. It can
    never be part of a reference cycle, so the collector does not track events (``gc=False``,
    decision 0008): a new field must not refer back to anything that can reach the event."""

    v: int = 1


Klass = Literal["emergency", "priority", "normal"]
Position = Literal["front", "back", "arrival"]


class DayStarted(Event, frozen=True, kw_only=True):
    day: str
    expired: list[int]


class TicketIssued(Event, frozen=True, kw_only=True):
    ticket: int
    service: str
    number: int
    label: str
    day: str
    identity: Identity | None = None
    priority: list[PriorityGroup] = []
    priority_pending: bool = False
    channel: str = "kiosk"
    face: bool = False  # a face descriptor is held for this ticket (never in the log itself)
    face_consent: str = ""  # the consent notice's version, or "declined"
    face_review: str = ""  # a ticket of the same service whose face may be this one's (staff check)
    face_distance: float | None = None
    # a booking of today honoured by this ticket (domain/bookings.py); "" for a walk-in
    booking: str = ""  # the HIS's booking id
    booking_source: str = ""  # who loaded it (the actor of its BookingsLoaded: his:<name>, staff:admin)
    slot: str = ""  # the booked slot, "09:00-09:30"
    booking_late: bool = False  # came after the slot's end: queued by arrival, as a walk-in
    queue_at: float | None = None  # its place in the queue when not its arrival (the slot's start)
    # what staff should look at in an identity read from a card (catalogue keys, identity.id_warnings)
    id_warnings: list[str] = []
    insurance_pending: bool = False  # its health-insurance card is being checked (InsuranceChecked follows)
    # the wait the ticket was shown at issue, minutes (domain/estimate.py; None: no estimate,
    # or an event written before issue 22); the reports compare it with the wait it had
    wait_minutes: int | None = None


class TicketCalled(Event, frozen=True, kw_only=True):
    ticket: int
    label: str
    service: str
    counter: int
    rule: str
    reason_vi: str
    reason_en: str
    klass: Klass = "normal"
    step: int | None = None  # the visit's step it is called for (None: a visit of one step)
    returning: bool = False  # that step is a return to this room (with results)


class TicketRecalled(Event, frozen=True, kw_only=True):
    ticket: int
    label: str
    counter: int
    count: int


class ServiceStarted(Event, frozen=True, kw_only=True):
    ticket: int
    label: str
    counter: int


class ServiceFinished(Event, frozen=True, kw_only=True):
    ticket: int
    label: str
    counter: int
    visit_open: bool = False  # the visit goes on: other steps remain (domain/journey.py)


class TicketMissed(Event, frozen=True, kw_only=True):
    ticket: int
    label: str
    counter: int
    reason: Literal["no_show", "recall_limit"] = "no_show"


class TicketReactivated(Event, frozen=True, kw_only=True):
    ticket: int
    label: str
    position: Position


class TicketTransferred(Event, frozen=True, kw_only=True):
    ticket: int
    label: str
    from_counter: int | None
    to_service: str
    to_counter: int | None
    position: Position
    reason: str = ""  # why (the HIS's reason when it sends a patient on)


class TicketParked(Event, frozen=True, kw_only=True):
    ticket: int
    label: str
    counter: int


class TicketUnparked(Event, frozen=True, kw_only=True):
    ticket: int
    label: str
    counter: int


class TicketCancelled(Event, frozen=True, kw_only=True):
    ticket: int
    label: str
    reason: str = ""


class PriorityReviewed(Event, frozen=True, kw_only=True):
    ticket: int
    label: str
    confirmed: bool
    groups: list[PriorityGroup]


class FaceReviewed(Event, frozen=True, kw_only=True):
    ticket: int
    label: str
    same: bool


IdentityDocument = Literal["vneid_identity", "vneid_health_book", "card", "passport"]


class IdentityChecked(Event, frozen=True, kw_only=True):
    """Staff checked a ticket's identity on a document (the actor of the record says who)."""

    ticket: int
    label: str
    document: IdentityDocument


class InsuranceChecked(Event, frozen=True, kw_only=True):
    """The answer of a ticket's health-insurance check (domain/insurance.py): the gateway's code
    (``maKetQua``, "" with ``error`` when it did not answer), the card's dates and place, whether
    it says the patient is insured (None: it says nothing about the card), the patient's line
    (``outcome``, a catalogue code, rendered) and the staff's."""

    ticket: int
    label: str
    code: str = ""
    error: str = ""
    outcome: str = ""
    insured: bool | None = None
    valid_from: str = ""
    valid_to: str = ""
    place: str = ""
    new_card: str = ""
    patient_vi: str = ""
    patient_en: str = ""
    staff_vi: str = ""
    staff_en: str = ""


class RatingRequested(Event, frozen=True, kw_only=True):
    counter: int
    ticket: int
    label: str


class TicketRated(Event, frozen=True, kw_only=True):
    ticket: int
    label: str
    service: str
    counter: int
    staff: str
    score: int
    reasons: list[RatingReason] = []


class CounterOpened(Event, frozen=True, kw_only=True):
    counter: int
    staff: str


class CounterTakenOver(Event, frozen=True, kw_only=True):
    """Another staff member signed in at an open counter and works there now."""

    counter: int
    staff: str


class CounterClosed(Event, frozen=True, kw_only=True):
    counter: int


class CounterPaused(Event, frozen=True, kw_only=True):
    counter: int
    reason: str


class CounterResumed(Event, frozen=True, kw_only=True):
    counter: int


class ConfigReplaced(Event, frozen=True, kw_only=True):
    config: Config
    from_file: bool = False
    changes: list[ConfigChange] = []  # what changed against the configuration before (audit)


Role = Literal["admin", "counter"]
DeviceKind = Literal["kiosk", "tv", "counter", "rating", "door"]
RatingReason = Literal["wait", "attitude", "explanation", "speed", "cleanliness", "procedure"]


class StaffCreated(Event, frozen=True, kw_only=True):
    username: str
    full_name: str
    role: Role
    counters: list[int]
    password_hash: str
    must_change_password: bool = False  # the first run's generated password: change it at sign-in


class StaffPasswordSet(Event, frozen=True, kw_only=True):
    username: str
    password_hash: str


class StaffActiveSet(Event, frozen=True, kw_only=True):
    username: str
    active: bool


class DeviceRegistered(Event, frozen=True, kw_only=True):
    device: str
    kind: DeviceKind
    name: str
    zone: str
    token_hash: str
    counter: int | None = None  # a rating screen's counter


class DeviceRevoked(Event, frozen=True, kw_only=True):
    device: str


class DevicePrinterSet(Event, frozen=True, kw_only=True):
    device: str
    printer: str  # a kiosk's printer setting, canonical (domain/printers.py)


class Booking(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One booking of today as loaded (normalised by domain/bookings.py)."""

    id: str  # the HIS's booking id
    service: str
    slot_start: str  # "HH:MM", local time
    slot_end: str  # "HH:MM" (or "24:00")
    id_number: str = ""
    bhyt_number: str = ""
    name: str = ""


class BookingsLoaded(Event, frozen=True, kw_only=True):
    """The day's bookings of one source (``source``: the actor that loaded them), replacing the
    ones it loaded before; a booking already honoured stays honoured."""

    day: str
    source: str
    bookings: list[Booking]


class HisDepartment(msgspec.Struct, frozen=True, gc=False, forbid_unknown_fields=True):
    """One line of an HIS's mapping: its department code, and ours."""

    his_code: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    department: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]


class HisRoom(msgspec.Struct, frozen=True, gc=False, forbid_unknown_fields=True):
    """Its room number or name, and our counter."""

    his_room: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    counter: Annotated[int, msgspec.Meta(ge=1, le=100_000)]


class HisService(msgspec.Struct, frozen=True, gc=False, forbid_unknown_fields=True):
    """Its service code (MA_DICH_VU, or its own), and ours."""

    his_code: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    service: Annotated[str, msgspec.Meta(min_length=1, max_length=16)]


class HisRegistrationRecorded(Event, frozen=True, kw_only=True):
    """What the HIS made of a check-in (docs/his.md): its patient code, episode key and room."""

    ticket: int
    label: str
    patient_code: str = ""  # MA_BN
    episode: str = ""  # MA_LK
    room: int | None = None  # our counter the HIS named (its room, mapped), if any
    his_room: str = ""  # the HIS's own room number or name
    insured: bool | None = None  # its registration found the patient insured (None: not said; the figures)


class HisMappingLoaded(Event, frozen=True, kw_only=True):
    """An HIS link's codes mapped to ours, replacing what it loaded before."""

    link: str  # the link's actor, "his:<name>"
    departments: list[HisDepartment] = []
    rooms: list[HisRoom] = []
    services: list[HisService] = []


# ---- a visit of several steps (domain/journey.py) ---------------------------------------------
StepStatus = Literal["pending", "open", "active", "served", "done", "cancelled"]


class NewStep(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A step added to a visit: a service's queue (or one room), with the same number."""

    id: int  # its number in the visit (0 is the visit's first queue)
    service: str
    counter: int | None = None  # a given room; None: any counter serving the service
    after: list[int] = []  # the steps it waits for (a return waits for the tests)
    returning: bool = False  # a return to the room that sent the patient
    reason: str = ""  # why (shown to staff, the door screen and the phone)
    order: str = ""  # the HIS's order it carries out (a ServiceRequest's id)
    needs_result: bool = False  # done when its result comes (StepCompleted), not when served


class StepsAdded(Event, frozen=True, kw_only=True):
    ticket: int
    label: str
    steps: list[NewStep]
    hold: list[int] = []  # pending steps (a return) that now wait for these new steps too
    from_counter: int | None = None  # the room that sent the patient on (None: the HIS, staff)


class StepCompleted(Event, frozen=True, kw_only=True):
    """A step's result came (the HIS, or staff): the steps waiting for it may open."""

    ticket: int
    label: str
    step: int


class StepCancelled(Event, frozen=True, kw_only=True):
    ticket: int
    label: str
    step: int
    reason: str = ""


AnyEvent = (
    DayStarted
    | TicketIssued
    | TicketCalled
    | TicketRecalled
    | ServiceStarted
    | ServiceFinished
    | TicketMissed
    | TicketReactivated
    | TicketTransferred
    | TicketParked
    | TicketUnparked
    | TicketCancelled
    | PriorityReviewed
    | FaceReviewed
    | IdentityChecked
    | InsuranceChecked
    | RatingRequested
    | TicketRated
    | CounterOpened
    | CounterTakenOver
    | CounterClosed
    | CounterPaused
    | CounterResumed
    | ConfigReplaced
    | StaffCreated
    | StaffPasswordSet
    | StaffActiveSet
    | DeviceRegistered
    | DeviceRevoked
    | DevicePrinterSet
    | BookingsLoaded
    | HisRegistrationRecorded
    | HisMappingLoaded
    | StepsAdded
    | StepCompleted
    | StepCancelled
)


class Record(msgspec.Struct, frozen=True, gc=False):
    """One row of the log: the event, its global sequence number, when, and who."""

    seq: int
    at: float
    actor: str
    event: AnyEvent

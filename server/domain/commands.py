"""Commands: what someone asks for, in the imperative. ``decide`` turns each into events or a refusal.

Tickets are named by their label of the day (``A001``); counters by their number.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from .config import Config
from .events import (
    DeviceKind,
    HisDepartment,
    HisRoom,
    HisService,
    IdentityDocument,
    Position,
    RatingReason,
    Role,
    snake,
)
from .identity import Identity, PriorityGroup
from .insurance import Answer

# Every field is bounded, so that no command can make the log, the state or what is sent to the
# screens large: a longer value is refused as ``invalid_message`` before anything is decided.
Label = Annotated[str, msgspec.Meta(max_length=16)]  # a ticket of the day: "A001"
Code = Annotated[str, msgspec.Meta(max_length=16)]  # a service's code
Name = Annotated[str, msgspec.Meta(max_length=100)]  # a person's or a device's name
Handle = Annotated[str, msgspec.Meta(max_length=64)]  # a username, a device's id, a zone
Reason = Annotated[str, msgspec.Meta(max_length=200)]  # free text: why a counter pauses, a ticket is cancelled
Secret = Annotated[str, msgspec.Meta(max_length=256)]  # a password's or token's hash
Channel = Literal["kiosk", "online", "staff"]  # where a ticket was taken (docs/protocol.md)


class Command(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, tag_field="type", tag=snake):
    pass


class IssueTicket(Command, frozen=True, kw_only=True):
    service: Code
    identity: Identity | None = None
    declared: Annotated[list[PriorityGroup], msgspec.Meta(max_length=8)] = []
    channel: Channel = "kiosk"
    # the dlib descriptor (128 numbers), held only while the ticket lives
    face: Annotated[list[float], msgspec.Meta(max_length=128)] | None = None
    # the consent notice's version when a face was given; "declined" when refused
    face_consent: Annotated[str, msgspec.Meta(max_length=32)] = ""


class OpenCounter(Command, frozen=True, kw_only=True):
    counter: int


class CloseCounter(Command, frozen=True, kw_only=True):
    counter: int


class PauseCounter(Command, frozen=True, kw_only=True):
    counter: int
    reason: Reason = ""


class ResumeCounter(Command, frozen=True, kw_only=True):
    counter: int


class CallNext(Command, frozen=True, kw_only=True):
    counter: int


class CallNumber(Command, frozen=True, kw_only=True):
    counter: int
    label: Label


class Recall(Command, frozen=True, kw_only=True):
    counter: int


class StartService(Command, frozen=True, kw_only=True):
    counter: int


class FinishService(Command, frozen=True, kw_only=True):
    counter: int


class FinishAndCallNext(Command, frozen=True, kw_only=True):
    counter: int


class MarkMissed(Command, frozen=True, kw_only=True):
    counter: int


class Reactivate(Command, frozen=True, kw_only=True):
    label: Label
    position: Position | None = None


class Transfer(Command, frozen=True, kw_only=True):
    """Transfer the counter's current ticket, or with ``label`` a waiting ticket of today."""

    counter: int
    label: Label = ""
    to_service: Code = ""
    to_counter: int = 0
    position: Position = "back"


class StepIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A next step: a service's queue, or one room (``counter``) serving it."""

    service: Code
    counter: int = 0  # 0: any counter serving the service


class SendOn(Command, frozen=True, kw_only=True):
    """The room (or counter) sends the patient it is serving on to one or several next steps
    (lab and imaging together), or with ``in_order`` one after another (the cashier, then the
    pharmacy), and with ``come_back`` back to this room once they are all done; the patient's
    step here ends (domain/journey.py)."""

    counter: int
    label: Label = ""  # the counter's current ticket when empty
    steps: Annotated[list[StepIn], msgspec.Meta(min_length=1, max_length=5)]
    in_order: bool = False  # each step waits for every step before it to end
    come_back: bool = False
    reason: Reason = ""  # why they come back ("Xem kết quả xét nghiệm")


class CompleteStep(Command, frozen=True, kw_only=True):
    """A step's result is in (staff say so when the HIS does not): what waits for it may open."""

    label: Label
    step: Annotated[int, msgspec.Meta(ge=0, le=100)]


class CancelStep(Command, frozen=True, kw_only=True):
    label: Label
    step: Annotated[int, msgspec.Meta(ge=0, le=100)]
    reason: Reason = ""


class ParkTicket(Command, frozen=True, kw_only=True):
    counter: int


class UnparkTicket(Command, frozen=True, kw_only=True):
    counter: int
    label: Label


class CancelTicket(Command, frozen=True, kw_only=True):
    label: Label
    reason: Reason = ""


class ReviewPriority(Command, frozen=True, kw_only=True):
    label: Label
    confirmed: bool
    groups: Annotated[list[PriorityGroup], msgspec.Meta(max_length=8)] | None = None


class ReviewFace(Command, frozen=True, kw_only=True):
    """Staff's answer on a ticket marked as maybe the same face as another: ``same`` cancels it
    (a second ticket of one person), otherwise the mark is cleared."""

    label: Label
    same: bool


class RecordIdentityCheck(Command, frozen=True, kw_only=True):
    """Staff record that they checked the patient's identity (or VNeID health book) on a
    document: ``vneid_identity``, ``vneid_health_book``, ``card`` or ``passport``."""

    label: Label
    document: IdentityDocument


class RecordInsuranceCheck(Command, frozen=True, kw_only=True):
    """The answer of a ticket's health-insurance check, submitted by the system actor when the
    lookup (``server/insurance/``, outside the writer) ends."""

    label: Label
    answer: Answer


class RequestRating(Command, frozen=True, kw_only=True):
    """Ask the patient just served (or ``label``) to rate the counter, on its rating screen."""

    counter: int
    label: Label = ""


class RateTicket(Command, frozen=True, kw_only=True):
    """A patient's satisfaction with a finished ticket's service: 1 (bad) to 5 (very good)."""

    label: Label
    score: int
    reasons: Annotated[list[RatingReason], msgspec.Meta(max_length=6)] = []


class ReplaceConfig(Command, frozen=True, kw_only=True):
    config: Config
    from_file: bool = False  # the site's configuration file, read at start (system only)


class CreateStaff(Command, frozen=True, kw_only=True):
    username: Handle
    full_name: Name
    role: Role
    counters: Annotated[list[int], msgspec.Meta(max_length=200)] = []
    password_hash: Secret
    must_change_password: bool = False  # a generated password (the first run; system only)


class SetStaffPassword(Command, frozen=True, kw_only=True):
    """An administrator resets a staff member's password, or a staff member changes their own."""

    username: Handle
    password_hash: Secret


class SetStaffActive(Command, frozen=True, kw_only=True):
    username: Handle
    active: bool


class RegisterDevice(Command, frozen=True, kw_only=True):
    device: Handle
    kind: DeviceKind
    name: Name
    zone: Handle = ""
    token_hash: Secret
    counter: int | None = None


class RevokeDevice(Command, frozen=True, kw_only=True):
    device: Handle


class SetDevicePrinter(Command, frozen=True, kw_only=True):
    device: Handle
    printer: Reason  # none, bridge, escpos:HOST:PORT or cups:QUEUE (domain/printers.py)


MAX_BOOKINGS = 5000  # in one load: a large hospital's outpatient bookings of a day
Clock = Annotated[str, msgspec.Meta(max_length=5)]  # "HH:MM"
Number = Annotated[str, msgspec.Meta(max_length=32)]  # an ID or BHYT number before it is normalised


class BookingIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One booking as the HIS sends it: who (ID number or BHYT number, at least one), the
    service (our code), the slot (local "HH:MM"), and a name if it wishes."""

    id: Handle  # the HIS's booking id
    service: Code
    slot_start: Clock
    slot_end: Clock
    id_number: Number = ""
    bhyt_number: Number = ""
    name: Name = ""


class LoadBookings(Command, frozen=True, kw_only=True):
    """Replace the day's bookings of the sender (domain/bookings.py). The HIS's inbound route
    (PUT /api/his/v1/sites/{site}/bookings) decodes its body straight into this struct."""

    day: Annotated[str, msgspec.Meta(max_length=10)]  # "2026-12-07": today only
    bookings: Annotated[list[BookingIn], msgspec.Meta(max_length=MAX_BOOKINGS)]


# ---- from the hospital information system (server/routes/his.py; docs/his.md) ---------------
HisKey = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]  # "<site>-<YYYYMMDD>-<ticket id>"
# a code of the HIS: printable, no control characters (MA_BN, MA_LK: up to 100 in QĐ 4750)
HisText = Annotated[str, msgspec.Meta(max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")]
HisRoomName = Annotated[str, msgspec.Meta(max_length=50, pattern=r"^[^\x00-\x1f\x7f]*$")]
RoomNumber = Annotated[int, msgspec.Meta(ge=1, le=100_000)]


class RecordRegistration(Command, frozen=True, kw_only=True):
    """The HIS records what it made of a ticket's check-in (replacing what it said before)."""

    key: HisKey
    patient_code: HisText = ""
    episode: HisText = ""
    room: RoomNumber | None = None  # our counter number
    his_room: HisRoomName = ""  # its room (mapped to our counter when ``room`` is not given)
    insured: bool | None = None  # whether its registration found the patient insured (None: not said)


class SendTicket(Command, frozen=True, kw_only=True):
    """The HIS sends a patient on, keeping the number: to a service (ours or its code), a room
    (``counter``, or ``his_room`` mapped), or both."""

    key: HisKey
    service: Annotated[str, msgspec.Meta(max_length=50)] = ""
    counter: RoomNumber | None = None
    his_room: HisRoomName = ""
    reason: Reason = ""
    position: Position = "back"


class EndEpisode(Command, frozen=True, kw_only=True):
    """The HIS ends the ticket's episode (what this does in each status: his_inbound.end_events)."""

    key: HisKey
    outcome: Literal["finished", "cancelled"]
    reason: Reason = ""


class OrderStep(Command, frozen=True, kw_only=True):
    """An order of the HIS (a lab test, an imaging study) adds a step to the ticket's visit; its
    result (``OrderResult``) marks the step done. With ``come_back``, the patient returns to the
    room they are in now (or were last served in) once the visit's orders are done."""

    key: HisKey
    order: Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$")]
    service: Annotated[str, msgspec.Meta(max_length=50)] = ""
    counter: RoomNumber | None = None
    his_room: HisRoomName = ""
    come_back: bool = False
    reason: Reason = ""


class OrderResult(Command, frozen=True, kw_only=True):
    """The result of an order is in (``done``), or the order was withdrawn (``cancelled``)."""

    key: HisKey
    order: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    outcome: Literal["done", "cancelled"] = "done"
    reason: Reason = ""


class LoadHisMapping(Command, frozen=True, kw_only=True):
    """The HIS's departments, rooms and service codes mapped to ours (the whole table each time)."""

    departments: Annotated[list[HisDepartment], msgspec.Meta(max_length=500)] = []
    rooms: Annotated[list[HisRoom], msgspec.Meta(max_length=2000)] = []
    services: Annotated[list[HisService], msgspec.Meta(max_length=2000)] = []


AnyCommand = (
    IssueTicket
    | OpenCounter
    | CloseCounter
    | PauseCounter
    | ResumeCounter
    | CallNext
    | CallNumber
    | Recall
    | StartService
    | FinishService
    | FinishAndCallNext
    | MarkMissed
    | Reactivate
    | Transfer
    | ParkTicket
    | UnparkTicket
    | CancelTicket
    | ReviewPriority
    | ReviewFace
    | RecordIdentityCheck
    | RecordInsuranceCheck
    | RequestRating
    | RateTicket
    | ReplaceConfig
    | CreateStaff
    | SetStaffPassword
    | SetStaffActive
    | RegisterDevice
    | RevokeDevice
    | SetDevicePrinter
    | LoadBookings
    | RecordRegistration
    | SendTicket
    | EndEpisode
    | LoadHisMapping
    | SendOn
    | CompleteStep
    | CancelStep
    | OrderStep
    | OrderResult
)

# Commands that act on one counter (``counter`` field): counter staff may only send them for
# the counters they are assigned to and have bound their session to.
COUNTER_COMMANDS = (
    OpenCounter,
    CloseCounter,
    PauseCounter,
    ResumeCounter,
    CallNext,
    CallNumber,
    Recall,
    StartService,
    FinishService,
    FinishAndCallNext,
    MarkMissed,
    Transfer,
    SendOn,
    ParkTicket,
    UnparkTicket,
    RequestRating,
)
# Commands that carry a password hash: only the HTTP API sends them, after the password policy
# (server/routes/api.py); over the websocket they are refused (``forbidden.password_http``).
PASSWORD_COMMANDS = (CreateStaff, SetStaffPassword)
ADMIN_COMMANDS = (
    ReplaceConfig,
    CreateStaff,
    SetStaffPassword,
    SetStaffActive,
    RegisterDevice,
    RevokeDevice,
    SetDevicePrinter,
)
# What a hospital information system may send (its link's actor, role "his"): nothing else.
HIS_COMMANDS = (RecordRegistration, SendTicket, EndEpisode, LoadHisMapping, LoadBookings, OrderStep, OrderResult)

"""Commands: what someone asks for, in the imperative. ``decide`` turns each into events or a refusal.

Tickets are named by their label of the day (``A001``); counters by their number.
"""

from __future__ import annotations

import msgspec

from .config import Config
from .events import DeviceKind, Position, RatingReason, Role, snake
from .identity import Identity, PriorityGroup


class Command(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, tag_field="type", tag=snake):
    pass


class IssueTicket(Command, frozen=True, kw_only=True):
    service: str
    identity: Identity | None = None
    declared: list[PriorityGroup] = []
    channel: str = "kiosk"
    face: list[float] | None = None  # the dlib descriptor (128 numbers), held only while the ticket lives
    face_consent: str = ""  # the consent notice's version when a face was given; "declined" when refused


class OpenCounter(Command, frozen=True, kw_only=True):
    counter: int


class CloseCounter(Command, frozen=True, kw_only=True):
    counter: int


class PauseCounter(Command, frozen=True, kw_only=True):
    counter: int
    reason: str = ""


class ResumeCounter(Command, frozen=True, kw_only=True):
    counter: int


class CallNext(Command, frozen=True, kw_only=True):
    counter: int


class CallNumber(Command, frozen=True, kw_only=True):
    counter: int
    label: str


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
    label: str
    position: Position | None = None


class Transfer(Command, frozen=True, kw_only=True):
    """Transfer the counter's current ticket, or with ``label`` a waiting ticket of today."""

    counter: int
    label: str = ""
    to_service: str = ""
    to_counter: int = 0
    position: Position = "back"


class ParkTicket(Command, frozen=True, kw_only=True):
    counter: int


class UnparkTicket(Command, frozen=True, kw_only=True):
    counter: int
    label: str


class CancelTicket(Command, frozen=True, kw_only=True):
    label: str
    reason: str = ""


class ReviewPriority(Command, frozen=True, kw_only=True):
    label: str
    confirmed: bool
    groups: list[PriorityGroup] | None = None


class ReviewFace(Command, frozen=True, kw_only=True):
    """Staff's answer on a ticket marked as maybe the same face as another: ``same`` cancels it
    (a second ticket of one person), otherwise the mark is cleared."""

    label: str
    same: bool


class RequestRating(Command, frozen=True, kw_only=True):
    """Ask the patient just served (or ``label``) to rate the counter, on its rating screen."""

    counter: int
    label: str = ""


class RateTicket(Command, frozen=True, kw_only=True):
    """A patient's satisfaction with a finished ticket's service: 1 (bad) to 5 (very good)."""

    label: str
    score: int
    reasons: list[RatingReason] = []


class ReplaceConfig(Command, frozen=True, kw_only=True):
    config: Config
    from_file: bool = False  # the site's configuration file, read at start (system only)


class CreateStaff(Command, frozen=True, kw_only=True):
    username: str
    full_name: str
    role: Role
    counters: list[int] = []
    password_hash: str
    must_change_password: bool = False  # a generated password (the first run; system only)


class SetStaffPassword(Command, frozen=True, kw_only=True):
    """An administrator resets a staff member's password, or a staff member changes their own."""

    username: str
    password_hash: str


class SetStaffActive(Command, frozen=True, kw_only=True):
    username: str
    active: bool


class RegisterDevice(Command, frozen=True, kw_only=True):
    device: str
    kind: DeviceKind
    name: str
    zone: str = ""
    token_hash: str
    counter: int | None = None


class RevokeDevice(Command, frozen=True, kw_only=True):
    device: str


class SetDevicePrinter(Command, frozen=True, kw_only=True):
    device: str
    printer: str  # none, bridge, escpos:HOST:PORT or cups:QUEUE (domain/printers.py)


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
    | RequestRating
    | RateTicket
    | ReplaceConfig
    | CreateStaff
    | SetStaffPassword
    | SetStaffActive
    | RegisterDevice
    | RevokeDevice
    | SetDevicePrinter
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

"""The bodies and answers of the JSON API as msgspec Structs: what ``/api/openapi.json``
describes (``server/routes/openapi.py``), with the bounds the routes and commands apply.
``tests/test_openapi.py`` checks real answers of the server against these shapes, so a route
that changes its answer without changing its shape here fails there."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from ..domain.commands import Handle, Name
from ..domain.events import DeviceKind, Role
from ..domain.lifecycle import Status

Password = Annotated[str, msgspec.Meta(min_length=8, max_length=256, description="8 to 256 characters")]


class ErrorBody(msgspec.Struct, frozen=True):
    code: Annotated[str, msgspec.Meta(description="a code of server/domain/catalogue.py")]
    message_vi: str
    message_en: str
    field: Annotated[str | None, msgspec.Meta(description="the input at fault, when known")]


class ErrorAnswer(msgspec.Struct, frozen=True):
    """Every refusal of the HTTP API; the status is the one the code's catalogue entry names."""

    error: ErrorBody


class Ok(msgspec.Struct, frozen=True):
    ok: bool


class Login(msgspec.Struct, frozen=True):
    username: Annotated[str, msgspec.Meta(max_length=64)]
    password: Annotated[str, msgspec.Meta(max_length=1024)]


class Session(msgspec.Struct, frozen=True):
    """A staff session: send ``token`` as ``Authorization: Bearer <token>``."""

    token: str
    username: str
    full_name: str
    role: Role
    counters: list[int]
    expires: Annotated[float, msgspec.Meta(description="Unix time (seconds, UTC)")]
    must_change_password: bool


class PasswordChange(msgspec.Struct, frozen=True):
    current_password: Annotated[str, msgspec.Meta(max_length=1024)]
    new_password: Password


class NewStaff(msgspec.Struct, frozen=True, kw_only=True):
    username: Handle
    full_name: Name
    role: Role
    counters: Annotated[list[int], msgspec.Meta(max_length=200)] = []
    password: Password


class StaffName(msgspec.Struct, frozen=True):
    username: str


class PasswordReset(msgspec.Struct, frozen=True):
    password: Password


class NewDevice(msgspec.Struct, frozen=True, kw_only=True):
    device: Handle
    kind: DeviceKind
    name: Name
    zone: Handle = ""
    counter: Annotated[int | None, msgspec.Meta(description="a rating screen's counter (it only)")] = None


class DeviceToken(msgspec.Struct, frozen=True):
    """The device's token, shown this once (the server keeps only its hash)."""

    device: str
    token: str


class DeviceFault(msgspec.Struct, frozen=True):
    device: str
    part: str
    code: str


class Health(msgspec.Struct, frozen=True):
    status: Literal["ok"]
    seq: int
    connections: int
    connections_direct: int
    phones: int
    dropped: int
    commits: int
    replay_seconds: float
    calls_played: int
    calls_play_failed: int
    calls_skipped: int
    device_faults: list[DeviceFault]


class PublicState(msgspec.Struct, frozen=True):
    seq: int
    view: Annotated[dict[str, Any], msgspec.Meta(description="the public snapshot (docs/protocol.md, Snapshots)")]


class TicketStatus(msgspec.Struct, frozen=True, kw_only=True):
    """What anyone holding the number may know of a ticket of today; never an identity.
    ``ahead``, ``wait_minutes`` and ``open_counters`` only while it waits."""

    label: str
    day: str
    service: str
    status: Status
    counter: int | None
    counters: list[int]
    called_at: float | None
    recalls: int
    ahead: int | None = None
    wait_minutes: int | None = None
    open_counters: int | None = None


class Fleet(msgspec.Struct, frozen=True):
    devices: list[dict[str, Any]]
    at: float


class AuditRow(msgspec.Struct, frozen=True):
    seq: int
    at: float
    actor: str
    event: dict[str, Any]


class Audit(msgspec.Struct, frozen=True):
    events: list[AuditRow]


class BackupFile(msgspec.Struct, frozen=True):
    file: str
    at: float | None
    bytes: int


class Backups(msgspec.Struct, frozen=True):
    folder: str
    backups: list[BackupFile]


class Stored(msgspec.Struct, frozen=True):
    name: str
    url: str


class MediaItem(msgspec.Struct, frozen=True):
    name: str
    type: str
    bytes: int
    url: str


class MediaList(msgspec.Struct, frozen=True):
    media: list[MediaItem]


class VoicePack(msgspec.Struct, frozen=True):
    id: str
    source: str
    lang: str
    clips: list[str]


class VoicePacks(msgspec.Struct, frozen=True):
    packs: list[VoicePack]
    vocabulary: Annotated[dict[str, str], msgspec.Meta(description="every clip a call can need, with its text")]


class ClipSaved(msgspec.Struct, frozen=True):
    pack: str
    key: str


# ---- the hospital information system's inbound API (server/routes/his.py, docs/his.md) -----------


class HisRegistrationIn(msgspec.Struct, frozen=True, kw_only=True):
    message_id: str  # 1-100 printable ASCII characters: the same id twice changes nothing more
    patient_code: str = ""  # MA_BN
    episode: str = ""  # MA_LK
    room: int | None = None  # our counter (room) number
    his_room: str = ""  # the HIS's room number or name (mapped to a counter by PUT .../mapping)
    insured: bool | None = None  # whether the HIS found the patient insured (the figures follow it)


class HisSendIn(msgspec.Struct, frozen=True, kw_only=True):
    message_id: str
    service: str = ""  # our service code, or the HIS's (mapped)
    counter: int | None = None  # a room (counter) number
    his_room: str = ""
    reason: str = ""
    position: Literal["front", "back", "arrival"] = "back"


class HisEndIn(msgspec.Struct, frozen=True, kw_only=True):
    message_id: str
    outcome: Literal["finished", "cancelled"]
    reason: str = ""


class HisDepartmentCode(msgspec.Struct, frozen=True):
    his_code: str
    department: str  # our department code


class HisServiceCode(msgspec.Struct, frozen=True):
    his_code: str
    service: str  # our service code


class HisRoomIn(msgspec.Struct, frozen=True):
    his_room: str
    counter: int


class HisMappingIn(msgspec.Struct, frozen=True, kw_only=True):
    message_id: str
    departments: list[HisDepartmentCode] = []
    rooms: list[HisRoomIn] = []
    services: list[HisServiceCode] = []


class HisBookingIn(msgspec.Struct, frozen=True, kw_only=True):
    id: str  # the HIS's booking id (at most 64 characters)
    service: str  # our service code
    slot_start: str  # "HH:MM", local time
    slot_end: str  # "HH:MM" (or "24:00")
    id_number: str = ""  # at least one of the two numbers
    bhyt_number: str = ""
    name: str = ""


class HisBookingsIn(msgspec.Struct, frozen=True, kw_only=True):
    message_id: str
    day: str  # today, YYYY-MM-DD
    bookings: list[HisBookingIn]  # at most 5,000; they replace this link's earlier load of the day


class HisTicketAnswer(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    label: str
    status: str
    service: str
    counter: int | None
    target_counter: int | None
    patient_code: str
    episode: str
    room: int | None
    his_room: str
    seq: int


class HisMappingAnswer(msgspec.Struct, frozen=True):
    departments: int
    rooms: int
    services: int
    seq: int


class HisBookingsAnswer(msgspec.Struct, frozen=True):
    day: str
    bookings: int
    seq: int


# ---- the outbound HIS links, for the admin and the counter (server/routes/his_outbox.py) ---------


class HisPoll(msgspec.Struct, frozen=True, kw_only=True):
    """A FHIR link's polling of the HIS's changes (docs/his.md §8)."""

    every: float  # seconds between polls
    last_success: float  # epoch of the last complete poll (0: none yet)
    last_error: str  # why the last poll failed ("" when it did not)
    changes: int  # the HIS's changes handed over since the server started
    applied: int  # commands the queue took
    refused: int  # commands the queue refused (logged, not retried)
    last_refusal: str
    last_refusal_at: float


class HisLinkHealth(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    form: str  # fhir, hl7, webhook, none
    site: str
    depth: int | None = None  # messages waiting (outbound links only)
    oldest_pending_seconds: float | None = None
    last_success: float | None = None
    last_error: str | None = None
    last_error_at: float | None = None
    breaker: str | None = None  # closed, open, half-open
    dead: int | None = None
    alert: bool | None = None  # staff were told it is unreachable
    poll: HisPoll | None = None  # a FHIR link with poll_seconds


class HisLinks(msgspec.Struct, frozen=True):
    links: list[HisLinkHealth]
    at: float


class HisDeadLetter(msgspec.Struct, frozen=True):
    link: str
    id: str
    ticket: str  # its key
    label: str
    kind: str
    reason: str
    at: float | None
    created: float


class HisDeadLetters(msgspec.Struct, frozen=True):
    dead: list[HisDeadLetter]


class HisRetried(msgspec.Struct, frozen=True):
    retried: str


class HisDiscarded(msgspec.Struct, frozen=True):
    discarded: str


class HisTicketLink(msgspec.Struct, frozen=True):
    link: str
    status: str  # delivered, pending, failed, dead, none
    last_error: str | None
    messages: int


class HisTicketDelivery(msgspec.Struct, frozen=True):
    ticket: int
    label: str
    links: list[HisTicketLink]


class HisResent(msgspec.Struct, frozen=True):
    ticket: int
    label: str
    queued: list[str]

"""The bodies and answers of the JSON API as msgspec Structs: what ``/api/openapi.json``
describes (``server/routes/openapi.py``), with the bounds the routes and commands apply.
``tests/test_openapi.py`` checks real answers of the server against these shapes, so a route
that changes its answer without changing its shape here fails there."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from ..domain.commands import Handle, Name
from ..domain.events import DeviceKind, Role, StepStatus
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
    counter: Annotated[
        int | None, msgspec.Meta(description="a rating or door screen's counter or room (they only)")
    ] = None


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
    doors: int  # rooms' door screens connected (server/doors.py)
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


class PublicStep(msgspec.Struct, frozen=True, kw_only=True):
    """A step of a visit (server/visit_view.py), never its reason nor the HIS's order. ``counters``
    while it is to come; ``ahead``, ``wait_minutes`` and ``open_counters`` while the patient
    waits in its queue."""

    id: int
    service: str
    counter: int | None
    status: StepStatus
    after: list[int]
    returning: bool
    served_by: int | None
    counters: list[int] | None = None
    ahead: int | None = None
    wait_minutes: int | None = None
    open_counters: int | None = None


class TicketStatus(msgspec.Struct, frozen=True, kw_only=True):
    """What anyone holding the number may know of a ticket of today; never an identity.
    ``ahead``, ``wait_minutes``, ``open_counters``, ``call_at`` and ``late`` only while it waits (a
    visit: in the queue of its current step); ``step`` and ``steps`` for a visit of several steps."""

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
    call_at: float | None = None  # when it is expected to be called (epoch seconds; docs/protocol.md)
    late: bool | None = None  # counters are open but none is expected to call it before closing
    step: int | None = None
    steps: list[PublicStep] | None = None


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

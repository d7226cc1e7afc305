"""Websocket messages (the contract is ``docs/protocol.md``). JSON text frames, tagged by ``type``.

Client to server: ``hello``, ``cmd``, ``query``, ``ping``.
Server to client: ``welcome``, ``snapshot``, ``event``, ``ack``, ``reply``, ``error``, ``pong``;
to a phone, ``ticket``; to a room's door screen, ``door`` (and the ``event`` of its own calls);
to public screens, ``waiting``; to TVs, ``new_wait`` (the wait of a number taken now).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from .domain.catalogue import codes
from .domain.commands import AnyCommand
from .domain.config import CARE_KINDS
from .domain.errors import DomainError
from .domain.events import AnyEvent
from .domain.identity import Identity

Role = Literal["kiosk", "counter", "tv", "rating", "admin", "phone", "door"]
# Who a connection is, for what it may see (server/views.py): kiosks, TVs and rating screens
# are public; counters are staff. A phone follows one ticket (server/phones.py) and gets
# nothing of the broadcasts; a door screen shows one room (server/doors.py) and gets only its
# public view and its own calls.
Audience = Literal["public", "staff", "admin"]
AUDIENCES: tuple[Audience, ...] = ("public", "staff", "admin")

# Close codes (RFC 6455 private range 4000-4999 for ours).
CLOSE_BAD_HELLO = 4000
CLOSE_UNAUTHENTICATED = 4001
CLOSE_FORBIDDEN_ORIGIN = 4003
CLOSE_TOO_MANY_ERRORS = 4009

MAX_MESSAGE_BYTES = 256 * 1024

# Every string a client sends is bounded (a longer one is refused as ``invalid_message``): a
# request id, an idempotency key (kept two days), a token, a zone, a device's report.
RequestId = Annotated[str, msgspec.Meta(max_length=64)]
Short = Annotated[str, msgspec.Meta(max_length=64)]
# The parts of a kiosk or screen that report faults (clients/shared/faults.js names them).
Part = Literal["", "printer", "card_reader", "camera", "speaker", "device"]


class Hello(msgspec.Struct, frozen=True, tag="hello", tag_field="type", forbid_unknown_fields=True):
    role: Role
    token: Annotated[str, msgspec.Meta(max_length=128)] = ""
    last_seq: int | None = None
    counter: int | None = None
    zone: Short = ""
    client: Short = ""
    # phone: the ticket to follow, and its day once known (a label comes back every day)
    label: Annotated[str, msgspec.Meta(max_length=16)] = ""
    day: Annotated[str, msgspec.Meta(max_length=10)] = ""


class Cmd(msgspec.Struct, frozen=True, tag="cmd", tag_field="type", forbid_unknown_fields=True):
    id: RequestId
    command: AnyCommand
    key: Short = ""  # the idempotency key: the same key twice is one command


# A document number in a query: 12 digits or 15 characters, spaces allowed; longer is refused
# before anything is looked up.
Number = Annotated[str, msgspec.Meta(max_length=24)]


class Query(msgspec.Struct, frozen=True, tag="query", tag_field="type", forbid_unknown_fields=True):
    id: RequestId
    what: Literal["queue", "ticket", "snapshot", "history", "held", "card_qr"]
    counter: int | None = None
    label: Annotated[str, msgspec.Meta(max_length=16)] = ""
    id_number: Number = ""  # held: the person the kiosk asks about
    bhyt_number: Number = ""
    source: Literal["typed", "chip", "qr", "vneid"] = "typed"  # held: how the number was had
    service: Annotated[str, msgspec.Meta(max_length=16)] = ""  # held: the service chosen
    qr: Annotated[str, msgspec.Meta(max_length=2000)] = ""  # card_qr: what the kiosk's scanner read


class Ping(msgspec.Struct, frozen=True, tag="ping", tag_field="type", forbid_unknown_fields=True):
    t: float | None = None


class Report(msgspec.Struct, frozen=True, tag="report", tag_field="type", forbid_unknown_fields=True):
    """A screen reports what it did: a call's audio ``played`` (or ``play_failed``, or
    ``skipped``: not spoken, ``detail`` ``replaced`` by a newer call at its counter or ``stale``,
    older than ``[speech] max_age_seconds``); or a device
    of its box in fault (``device_fault``: ``part`` such as ``printer``, ``detail`` its code) or
    working again (``device_ok``)."""

    id: RequestId
    what: Literal["played", "play_failed", "skipped", "device_fault", "device_ok", "heartbeat"]
    seq: int = 0
    label: Annotated[str, msgspec.Meta(max_length=16)] = ""
    detail: Annotated[str, msgspec.Meta(max_length=200)] = ""
    part: Part = ""
    version: Short = ""  # heartbeat: the page's version
    state: dict[str, Any] = {}  # heartbeat: what the device says of itself (bridge, printer, audio...)


class Control(msgspec.Struct, frozen=True, tag="control", tag_field="type", forbid_unknown_fields=True):
    """From an admin: act on a device's screens: ``reload``, or ``play`` a clip or image of the
    media library now (a TV, full screen, once); sent on to them as ``control``."""

    id: RequestId
    device: Short
    action: Literal["reload", "play"]
    media: Annotated[str, msgspec.Meta(max_length=200)] = ""


ClientMsg = Hello | Cmd | Query | Ping | Report | Control


class Alert(msgspec.Struct, frozen=True, tag="alert", tag_field="type"):
    """To staff and admins: a device of a kiosk or screen is in fault (``ok`` false) or working
    again. Not part of the queue's log; the server keeps the open faults in memory."""

    device: str  # the reporting device, e.g. "device:kiosk-1"
    part: str  # "printer", "card_reader", "camera"
    code: str  # the bridge's error code, e.g. "paper_out"
    label: str  # the ticket that could not be printed, if any
    at: float
    ok: bool = False


class Welcome(msgspec.Struct, frozen=True, tag="welcome", tag_field="type"):
    role: Role
    actor: str
    seq: int
    resumed: bool
    heartbeat: int
    zone: str = ""
    counter: int | None = None
    public_url: str = ""  # to a kiosk: QUEUE_PUBLIC_URL, where its tickets' phone links start
    server_prints: bool = False  # to a kiosk: the server prints its tickets (not its bridge)


class Snapshot(msgspec.Struct, frozen=True, tag="snapshot", tag_field="type"):
    seq: int
    view: Any


class EventMsg(msgspec.Struct, frozen=True, tag="event", tag_field="type", omit_defaults=True):
    seq: int
    at: float
    actor: str
    event: AnyEvent
    waiting: dict[str, int] | None = None  # waiting counts of the services this event changed


class TicketIdentity(msgspec.Struct, frozen=True, tag="identity", tag_field="type"):
    """To the staff of a counter a ticket was just transferred to: its patient's identity, which
    the issue event gave in full only to the counters it was for then (``views.redact``)."""

    seq: int
    ticket: int
    label: str
    identity: Identity
    id_warnings: list[str] = []  # identity.id_warnings, as the issue event carried them


class Waiting(msgspec.Struct, frozen=True, tag="waiting", tag_field="type"):
    """How many wait per service, as of ``seq``: all services after a resume, else the changed ones
    (sent to screens of other zones in place of an event they do not get)."""

    seq: int
    waiting: dict[str, int]


class WaitBand(msgspec.Struct, frozen=True):
    """The wait of a number taken now, whole minutes from ``NewWaitMsg.at``: ``from`` rounded
    down, ``to`` up (the band of ``domain.new_wait``)."""

    low: int = msgspec.field(name="from")
    high: int = msgspec.field(name="to")


class NewWaitMsg(msgspec.Struct, frozen=True, tag="new_wait", tag_field="type"):
    """To the TVs: for each service, the wait of a normal ticket
    issued now, or null when no counter of the service is open or it would not be called before
    closing (``server/boards.py``), as of ``seq`` and the server's time ``at``."""

    seq: int
    at: float
    waits: dict[str, WaitBand | None]


class TicketMsg(msgspec.Struct, frozen=True, tag="ticket", tag_field="type"):
    """To a phone: the public status of the ticket it follows (``views.ticket_status``), as of
    ``seq``, and the type of the ticket's own event that changed it (``""`` when only its place
    in the queue moved, or on connecting)."""

    seq: int
    ticket: Any
    cause: str = ""


class DoorMsg(msgspec.Struct, frozen=True, tag="door", tag_field="type"):
    """To a room's door screen: what it shows (``doors.door_view``: the room, the doctor, the
    number being seen, the next numbers, a pause), as of ``seq``, and the server's clock."""

    seq: int
    view: Any
    server_time: float


class Ack(msgspec.Struct, frozen=True, tag="ack", tag_field="type"):
    id: str
    seq: int
    result: Any = None
    duplicate: bool = False


class Reply(msgspec.Struct, frozen=True, tag="reply", tag_field="type"):
    id: str
    result: Any


class Error(msgspec.Struct, frozen=True, tag="error", tag_field="type"):
    code: str
    message_vi: str
    message_en: str
    id: str | None = None
    field: str | None = None

    @classmethod
    def of(cls, exc: DomainError, id: str | None = None) -> Error:
        return cls(code=exc.code, message_vi=exc.message_vi, message_en=exc.message_en, id=id, field=exc.field)


class Pong(msgspec.Struct, frozen=True, tag="pong", tag_field="type"):
    t: float | None
    server_time: float


class _Probe(msgspec.Struct):
    type: str = ""
    id: str | None = None


_probe = msgspec.json.Decoder(_Probe)
_client = msgspec.json.Decoder(ClientMsg)
encoder = msgspec.json.Encoder()


class ProtocolError(DomainError):
    """A message that cannot be understood; answered with ``error`` and never written anywhere."""

    request_id: str | None = None


def protocol_error(code: str, detail: str = "", id: str | None = None, field: str | None = None) -> ProtocolError:
    """A :class:`ProtocolError` for ``code``; ``detail`` (what the decoder said) follows its message."""
    err = ProtocolError(code, field)
    if detail:
        err.message_vi, err.message_en = f"{err.message_vi}: {detail}", f"{err.message_en}: {detail}"
    err.request_id = id
    return err


def decode_client(data: str | bytes) -> ClientMsg:
    """Decode one client message or raise :class:`ProtocolError` with a stable code."""
    try:
        probe = _probe.decode(data)
    except msgspec.ValidationError:
        raise protocol_error("invalid_message", "expected an object with a string 'type'") from None
    except (msgspec.DecodeError, RecursionError):  # malformed, or nested past the decoder's depth
        raise protocol_error("bad_json") from None
    if probe.type not in ("hello", "cmd", "query", "ping", "report", "control"):
        raise protocol_error("unknown_message", repr(probe.type)[:40], probe.id, "type")
    try:
        msg: ClientMsg = _client.decode(data)
    except RecursionError:
        raise protocol_error("bad_json", "nested too deep", probe.id) from None
    except msgspec.ValidationError as exc:
        text = str(exc)
        field = text.rsplit("at `$.", 1)[1].rstrip("`") if "at `$." in text else None
        if "Invalid value" in text and field is not None and field.endswith("type"):
            raise protocol_error("unknown_message", text, probe.id, field) from None
        raise protocol_error("invalid_message", text, probe.id, field) from None
    return msg


CLOSE_CODES = {
    "BAD_HELLO": CLOSE_BAD_HELLO,
    "UNAUTHENTICATED": CLOSE_UNAUTHENTICATED,
    "FORBIDDEN_ORIGIN": CLOSE_FORBIDDEN_ORIGIN,
    "TOO_MANY_ERRORS": CLOSE_TOO_MANY_ERRORS,
}


def javascript() -> str:
    """``clients/shared/protocol.js``: the close codes, every error code and the kinds of care, for the pages
    (``python -m server.protocol > clients/shared/protocol.js``; a test keeps it in step)."""
    close = "".join(f"  {name}: {code},\n" for name, code in CLOSE_CODES.items())
    errors = "".join(f'  {code.upper()}: "{code}",\n' for code in codes())
    kinds = "".join(f'  "{code}": ["{vi}", "{en}"],\n' for code, (vi, en) in CARE_KINDS.items())
    return (
        "// Generated by `python -m server.protocol > clients/shared/protocol.js` from server/protocol.py\n"
        "// and server/domain/catalogue.py: do not edit. The codes pages share with the server and the\n"
        "// bridge (docs/protocol.md, docs/bridge-protocol.md).\n\n"
        "/** Websocket close codes the server uses (RFC 6455 private range). */\n"
        f"export const CLOSE = Object.freeze({{\n{close}}});\n\n"
        "/** Every error code of the server and the bridge. */\n"
        f"export const ERROR = Object.freeze({{\n{errors}}});\n\n"
        "/** The kinds of care a service may be (MA_LOAI_KCB, domain/config.py): code -> [vi, en]. */\n"
        f"export const CARE_KINDS = Object.freeze({{\n{kinds}}});\n"
    )


if __name__ == "__main__":
    print(javascript(), end="")

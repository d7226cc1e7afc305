"""The bodies and answers of the hospital information system's API as msgspec Structs: the
inbound API (``server/routes/his.py``, docs/his.md) and the outbound links' health for the admin
and the counter (``server/routes/his_outbox.py``). Described in ``/api/openapi.json`` like the
rest of ``server/routes/shapes.py``."""

from __future__ import annotations

from typing import Literal

import msgspec

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


class HisOrderIn(msgspec.Struct, frozen=True, kw_only=True):
    message_id: str
    order: str  # the HIS's order id (a lab test, an imaging study): the step's name from now on
    service: str = ""  # our service code, or the HIS's (mapped)
    counter: int | None = None  # a room (counter) number
    his_room: str = ""
    come_back: bool = False  # back to the room the patient is in (or was last served in) once done
    reason: str = ""


class HisOrderResultIn(msgspec.Struct, frozen=True, kw_only=True):
    message_id: str
    outcome: Literal["done", "cancelled"] = "done"  # the result is in, or the order was withdrawn
    reason: str = ""


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
    steps: list[HisStepAnswer] = []  # a visit of several steps (none: one queue)


class HisStepAnswer(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    service: str
    status: str  # pending, open, active, served, done, cancelled
    counter: int | None = None
    order: str = ""
    returning: bool = False


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

"""What a change polled from an FHIR-only HIS means to the queue (docs/his.md §8): pure functions
from one version of an ``Encounter``, ``ServiceRequest`` or ``Appointment`` (and the resources it
refers to, read by ``fhir_intake.py``) to the commands of the inbound API. Nothing here reads the
network or the clock.

- **Encounter** carrying our ticket identifier (``urn:hospital-queue:ticket|<key>``), a ticket of
  today that is not over:
  * an ``MA_LK`` identifier (``http://fhir.hl7.org.vn/core/sid/ma-lk``), or an ``active``
    location that is not one of our counters (a ``Location`` without a
    ``urn:hospital-queue:counter`` identifier; its ``name``, else the reference's ``display``, is
    the HIS's room) → ``RecordRegistration`` (episode, patient code, ``his_room``; a field the
    Encounter does not give keeps what the ticket has). The HIS's room is recorded, not a
    transfer: the patient is shown where the HIS says, and the room is mapped to our counter
    when the link's mapping names it (``rooms``). Nothing is sent when all three are as the
    ticket has them.
  * the patient code (MA_BN): the subject Patient's identifier of the link's
    ``patient_code_system``; with none set, the Patient's logical id at the HIS. It rides
    along with a registration, never makes one alone.
  * ``status`` ``finished`` → ``EndEpisode(finished)``; ``cancelled`` or ``entered-in-error``
    → ``EndEpisode(cancelled)``.
- **ServiceRequest** whose ``encounter`` is one of ours: an order (issue 20, domain/journey.py).
  ``active`` → ``OrderStep`` (the order: the ServiceRequest's id) to the service its
  ``code.coding[0].code`` maps to (the link's mapping ``services``; else it is taken as our
  service code), reason the code's text or display, coming back to the room with the link's
  ``orders_come_back``; nothing when the visit has that order already. ``completed`` →
  ``OrderResult(done)``, ``revoked`` or ``entered-in-error`` → ``OrderResult(cancelled)``, for an
  order the visit has; any other status → nothing.
- **Appointment** of today (``start`` in the unit's time zone), ``booked`` or ``pending``, with
  a participant Patient holding a CCCD or BHYT identifier, and a ``serviceType`` code that is
  (or maps to) one of our services → one booking (id the Appointment's id, the slot from
  ``start``/``end`` in local time). Any other version takes it out of the day's bookings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from typing import Any, Literal

import msgspec

from ..domain import commands as cmd
from . import fhir_map as fm

Json = dict[str, Any]
ENDS = {"finished": "finished", "cancelled": "cancelled", "entered-in-error": "cancelled"}
RESULTS: dict[str, Literal["done", "cancelled"]] = {
    "completed": "done",
    "revoked": "cancelled",
    "entered-in-error": "cancelled",
}
BOOKED = ("booked", "pending")
DEFAULT_MINUTES = 30  # an Appointment with neither end nor minutesDuration


class Ticket(msgspec.Struct, frozen=True):
    """What the queue holds of the ticket an Encounter is of (today's, not over)."""

    key: str
    service: str
    patient_code: str = ""
    episode: str = ""
    his_room: str = ""
    orders: frozenset[str] = frozenset()  # the HIS's orders the visit has a step for


class Context(msgspec.Struct, frozen=True):
    day: str  # today, "YYYY-MM-DD"
    timezone: str  # the unit's
    services: dict[str, str] = {}  # the link's mapping: HIS code -> our service
    known: frozenset[str] = frozenset()  # our service codes
    patient_code_system: str = ""
    come_back: bool = True  # an order's patient comes back to the room (the link's orders_come_back)


def command_key(message_id: str, index: int, count: int) -> str:
    """The idempotency key of the ``index``-th of ``count`` commands made of one version."""
    return f"fhir:{message_id}" + (f"#{index}" if count > 1 else "")


def _text(value: object, limit: int) -> str:
    text = " ".join(str(value or "").split())
    return "".join(ch for ch in text if ch.isprintable())[:limit]


def _identifier(resource: Json | None, system: str) -> str:
    values = [i.get("value") for i in (resource or {}).get("identifier") or [] if i.get("system") == system]
    return str(values[-1] or "") if values else ""


def patient_code(patient: Json | None, system: str) -> str:
    if patient is None:
        return ""
    return _identifier(patient, system) if system else str(patient.get("id") or "")


def his_room(encounter: Json, locations: dict[str, Json]) -> str:
    """The name of the last ``active`` location that is not one of our counters ("" if none)."""
    found = ""
    for place in encounter.get("location") or []:
        ref = (place.get("location") or {}).get("reference", "")
        location = locations.get(ref)
        if place.get("status") != "active" or location is None or _identifier(location, fm.COUNTER):
            continue
        found = location.get("name") or (place.get("location") or {}).get("display") or ""
    return _text(found, 50)


def encounter(
    resource: Json, ticket: Ticket | None, patient: Json | None, locations: dict[str, Json], ctx: Context
) -> list[cmd.AnyCommand]:
    if ticket is None or fm.ticket_key(resource) != ticket.key:
        return []
    out: list[cmd.AnyCommand] = []
    episode = _text(_identifier(resource, fm.MA_LK), 100)
    room = his_room(resource, locations)
    if episode or room:
        code = _text(patient_code(patient, ctx.patient_code_system), 100)
        wanted = (code or ticket.patient_code, episode or ticket.episode, room or ticket.his_room)
        if wanted != (ticket.patient_code, ticket.episode, ticket.his_room):
            out.append(
                cmd.RecordRegistration(key=ticket.key, patient_code=wanted[0], episode=wanted[1], his_room=wanted[2])
            )
    outcome = ENDS.get(str(resource.get("status")))
    if outcome == "finished":
        out.append(cmd.EndEpisode(key=ticket.key, outcome="finished", reason="HIS: Encounter finished"))
    elif outcome == "cancelled":
        out.append(cmd.EndEpisode(key=ticket.key, outcome="cancelled", reason=f"HIS: Encounter {resource['status']}"))
    return out


def service_request(resource: Json, ticket: Ticket | None, ctx: Context) -> list[cmd.AnyCommand]:
    """An order of the HIS: ``active`` adds a step to the ticket's visit (``OrderStep``, the order
    being the ServiceRequest's id); ``completed`` marks it done and ``revoked`` or
    ``entered-in-error`` cancels it (``OrderResult``), once the visit has it."""
    order = str(resource.get("id") or "")
    if ticket is None or not order or len(order) > 64:
        return []
    status = resource.get("status")
    if status in RESULTS:
        if order not in ticket.orders:
            return []
        return [cmd.OrderResult(key=ticket.key, order=order, outcome=RESULTS[str(status)])]
    if status != "active" or order in ticket.orders:
        return []
    concept = resource.get("code") or {}
    codings = concept.get("coding") or []
    code = str((codings[0] if codings else {}).get("code") or "")
    if not code or len(code) > 50:
        return []
    reason = _text(concept.get("text") or (codings[0].get("display") if codings else "") or code, 200)
    return [cmd.OrderStep(key=ticket.key, order=order, service=code, reason=reason, come_back=ctx.come_back)]


def _local(instant: object, tz: zoneinfo.ZoneInfo) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(str(instant))
    except ValueError:
        return None
    return when.astimezone(tz) if when.tzinfo else when.replace(tzinfo=tz)


def _service(resource: Json, ctx: Context) -> str:
    for concept in resource.get("serviceType") or []:
        for coding in concept.get("coding") or []:
            ours = ctx.services.get(str(coding.get("code")), str(coding.get("code")))
            if ours in ctx.known:
                return ours
    return ""


def _name(patient: Json) -> str:
    for name in patient.get("name") or []:
        text = name.get("text") or " ".join([name.get("family") or "", *(name.get("given") or [])])
        if text.strip():
            return _text(text, 100)
    return ""


def booking(resource: Json, patient: Json | None, ctx: Context) -> cmd.BookingIn | None:
    """The day's booking an Appointment makes, or None (not today, not booked, no one we know)."""
    tz = zoneinfo.ZoneInfo(ctx.timezone)
    start = _local(resource.get("start"), tz)
    rid = str(resource.get("id") or "")
    if (
        resource.get("status") not in BOOKED
        or start is None
        or start.date().isoformat() != ctx.day
        or not 0 < len(rid) <= 64
    ):
        return None
    id_number = _text(_identifier(patient, fm.CCCD), 32)
    bhyt = _text(_identifier(patient, fm.BHYT), 32)
    service = _service(resource, ctx)
    if patient is None or not (id_number or bhyt) or not service:
        return None
    end = _local(resource.get("end"), tz)
    if end is None:
        minutes = resource.get("minutesDuration")
        end = start + dt.timedelta(minutes=minutes if isinstance(minutes, int) and minutes > 0 else DEFAULT_MINUTES)
    slot_end = end.strftime("%H:%M") if end.date() == start.date() and end > start else "24:00"
    return cmd.BookingIn(
        id=rid,
        service=service,
        slot_start=start.strftime("%H:%M"),
        slot_end=slot_end,
        id_number=id_number,
        bhyt_number=bhyt,
        name=_name(patient),
    )


def participant_patient(appointment: Json) -> str:
    """The reference of the Appointment's first Patient participant ("Patient/<id>"; "" if none)."""
    for p in appointment.get("participant") or []:
        ref = str((p.get("actor") or {}).get("reference") or "")
        if ref.startswith("Patient/"):
            return ref
    return ""


def bookings_command(day: str, bookings: dict[str, cmd.BookingIn], message_id: str) -> tuple[cmd.LoadBookings, str]:
    """The day's load of the link's bookings after the Appointment version ``message_id``, and its
    idempotency key: that version and a hash of the set (the same set loaded again after another
    change, A → A+B → A, is a new load, not a replay of the first)."""
    ordered = [bookings[k] for k in sorted(bookings)]
    digest = hashlib.sha256(msgspec.json.encode(ordered)).hexdigest()[:16]
    return cmd.LoadBookings(day=day, bookings=ordered), f"fhir:{message_id}:bookings:{digest}"

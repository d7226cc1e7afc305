"""Today's bookings from the HIS, and the place a booked patient gets in the queue (pure).

An HIS (or the administrator) loads the day's bookings with ``load_bookings``: each names a
person by ID or BHYT number, a service (our code) and a slot ("09:00"-"09:30", local time). A
load replaces what the same sender loaded before (``BookingsLoaded.source`` is its actor:
``his:<name>``, ``staff:admin``); other senders' bookings stay.

A booking is honoured once, by the first ticket of *its* service taken with an identity whose ID
or BHYT number matches it (a ticket for another service is an ordinary walk-in). The ticket
records the booking (``TicketIssued.booking``, ``slot``) and is placed by the service's rule:

- ``slot``: its queue key is the slot's start, so it waits behind those who came before the
  slot began and ahead of those who came after. Coming earlier gains nothing: the place is the
  slot's start however early the patient is (``booking_early_minutes`` plays no part).
- ``arrival``: by arrival, but no earlier than ``booking_early_minutes`` before the slot's
  start (coming earlier than that counts as coming then).

Either way a patient who comes after the slot's end is late: the booking is recorded
(``booking_late``) and the ticket is queued by arrival, as a walk-in's. The priority groups and
the maximum wait apply to a booked ticket as to any other, from its queue key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from . import commands as cmd
from . import events as ev
from .access import Actor
from .config import Service
from .config_check import CLOSE, HHMM
from .errors import DomainError, IdentityError, TicketError, UnknownService
from .faces import FaceMatch
from .identity import Identity, validate_bhyt, validate_id_number
from .state import QueueState


def _minutes(text: str) -> int:
    return int(text[:2]) * 60 + int(text[3:])


def _booking(state: QueueState, i: int, b: cmd.BookingIn) -> ev.Booking:
    """One booking checked and normalised; a refusal names the field (``bookings[3].slot_end``)."""
    f = f"bookings[{i}]"
    booking_id = b.id.strip()
    if not booking_id:
        raise TicketError("bookings_missing_id", f"{f}.id")
    if state.config.service(b.service) is None:
        raise UnknownService(f"{f}.service")
    if not b.id_number.strip() and not b.bhyt_number.strip():
        raise IdentityError("identity_missing", f"{f}.id_number")
    try:
        id_number = validate_id_number(b.id_number) if b.id_number.strip() else ""
        bhyt = validate_bhyt(b.bhyt_number) if b.bhyt_number.strip() else ""
    except DomainError as exc:
        raise IdentityError(exc.key, f"{f}.{exc.field}") from None
    if not HHMM.match(b.slot_start) or not CLOSE.match(b.slot_end) or _minutes(b.slot_end) <= _minutes(b.slot_start):
        raise TicketError("bookings_invalid_slot", f"{f}.slot_end")
    return ev.Booking(
        id=booking_id,
        service=b.service,
        slot_start=b.slot_start,
        slot_end=b.slot_end,
        id_number=id_number,
        bhyt_number=bhyt,
        name=" ".join(b.name.split()),
    )


def _on_load_bookings(
    state: QueueState, command: cmd.LoadBookings, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    if command.day != state.day:
        raise TicketError("bookings_wrong_day", "day", day=state.day)
    seen: set[str] = set()
    out: list[ev.Booking] = []
    for i, b in enumerate(command.bookings):
        booking = _booking(state, i, b)
        if booking.id in seen:
            raise TicketError("bookings_duplicate_id", f"bookings[{i}].id", id=booking.id)
        seen.add(booking.id)
        out.append(booking)
    return [ev.BookingsLoaded(day=state.day, source=actor.name, bookings=out)]


DECIDERS: dict[type, Callable[..., list[ev.Event]]] = {cmd.LoadBookings: _on_load_bookings}


def _at(state: QueueState, hhmm: str) -> float:
    """The epoch time of ``hhmm`` today (local time; "24:00" is the next midnight)."""
    midnight = dt.datetime.combine(dt.date.fromisoformat(state.day), dt.time(), state.config.tzinfo())
    return (midnight + dt.timedelta(minutes=_minutes(hhmm))).timestamp()


def find(state: QueueState, identity: Identity, service: str, now: float) -> tuple[str, ev.Booking] | None:
    """The booking of ``service`` not yet honoured that ``identity`` holds: of several, the
    earliest whose slot has not ended, else the earliest."""
    keys = [
        *state.booked.get(f"id:{identity.id_number}" if identity.id_number else "", ()),
        *state.booked.get(f"bhyt:{identity.bhyt_number}" if identity.bhyt_number else "", ()),
    ]
    open_ = [
        (_at(state, b.slot_end) < now, b.slot_start, k)
        for k in dict.fromkeys(keys)
        if (b := state.bookings[k]).service == service and k not in state.bookings_used
    ]
    if not open_:
        return None
    key = min(open_)[2]
    return key, state.bookings[key]


def no_shows(state: QueueState) -> dict[str, int]:
    """Today's bookings that no ticket honoured, by service."""
    out: dict[str, int] = {}
    for key, b in state.bookings.items():
        if key not in state.bookings_used:
            out[b.service] = out.get(b.service, 0) + 1
    return out


def honour(state: QueueState, identity: Identity | None, svc: Service, now: float) -> dict[str, Any]:
    """The booking fields of a new ticket of ``svc`` (``TicketIssued``): none for a walk-in."""
    found = find(state, identity, svc.code, now) if identity is not None else None
    if found is None:
        return {}
    key, b = found
    fields: dict[str, Any] = {
        "booking": b.id,
        "booking_source": key[: -len(b.id) - 1],
        "slot": f"{b.slot_start}-{b.slot_end}",
    }
    start = _at(state, b.slot_start)
    if now > _at(state, b.slot_end):
        fields["booking_late"] = True
    elif svc.booking_rule == "slot":
        fields["queue_at"] = start
    else:
        fields["queue_at"] = max(now, start - svc.booking_early_minutes * 60)
    return fields

"""What the hospital information system (HIS) is told of a ticket: one message per event it
must hear of, self-contained (the ticket as it stood after that event), so that a link can
send it long after, in any of its three forms (FHIR R4, HL7 v2, a signed webhook; docs/his.md).

The message id is stable (the ticket's key and the event's sequence number): a retry, a restart
or a second delivery carries the same id, and the ticket key lets the HIS keep one registration
per ticket however often it hears of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import msgspec

from . import events as ev
from .identity import Identity
from .state import QueueState, Ticket, booking_key

Kind = Literal[
    "issued",
    "called",
    "started",
    "finished",
    "missed",
    "transferred",
    "changed",
    "cancelled",
    "rated",
    "moved",
    "steps",
]


class HisPatient(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Who the patient said they are at check-in (synthetic in every test)."""

    source: str  # chip, qr, typed, vneid, passport
    id_number: str = ""  # the 12-digit personal ID (CCCD)
    bhyt_number: str = ""  # the health-insurance card number
    name: str = ""
    dob: str = ""  # YYYY-MM-DD, "" when unknown
    sex: str = ""  # male, female, ""
    passport_number: str = ""  # source "passport": the MRZ's document number
    nationality: str = ""  # source "passport": ICAO three-letter code


class HisStep(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One step of a visit of several (domain/steps.py): a service's queue, or one room."""

    id: int
    service: str
    status: str  # pending, open, active, served, done, cancelled
    counter: int | None = None  # a given room
    order: str = ""  # the HIS's order it carries out
    returning: bool = False  # a return to the room that sent the patient


class HisTicket(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The ticket after the event."""

    key: str  # "<site>-<YYYYMMDD>-<ticket id>": the ticket's identifier at the HIS, stable all day
    site: str  # the facility code (MA_CSKCB) the link acts for
    ticket: int  # the queue's ticket id
    label: str  # the number the patient holds, e.g. "A012"
    day: str  # YYYY-MM-DD
    service: str  # the service code
    service_name: str
    care_kind: str  # MA_LOAI_KCB of the service (kind of care, V5)
    status: str  # the ticket's status after the event (server/domain/lifecycle.py Status)
    issued_at: float  # epoch seconds
    priority: list[str] = []  # legal priority groups (domain/identity.py PriorityGroup values)
    counter: int | None = None  # the counter or room it is at (or was last at)
    counter_name: str = ""
    patient: HisPatient | None = None
    patient_code: str = ""  # MA_BN, once the HIS has recorded it
    episode: str = ""  # MA_LK, once the HIS has recorded it
    booking: str = ""  # the HIS's booking id this check-in honours, if any
    identity_checks: list[str] = []  # documents staff checked the identity on (vneid_identity, card...)
    steps: list[HisStep] = []  # a visit of several steps: all of them (none: a visit of one queue)


class HisMessage(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: str  # "<ticket key>-<seq>": the same for every retry
    seq: int  # the event's sequence number in the log
    at: float  # when the event happened (epoch seconds)
    kind: Kind
    ticket: HisTicket
    reason: str = ""  # of a transfer, a cancel, a miss
    score: int | None = None  # of a rating
    actor: str = ""  # who did it: "staff:<username>", "device:<kiosk>", "his:<link>", "system"


# ---- the mapping: an event, and the state right after it, to the message the HIS is told ----

_KINDS: dict[type[ev.Event], Kind] = {
    ev.TicketIssued: "issued",
    ev.TicketCalled: "called",
    ev.ServiceStarted: "started",
    ev.ServiceFinished: "finished",
    ev.TicketMissed: "missed",
    ev.TicketTransferred: "transferred",
    ev.TicketReactivated: "changed",
    ev.PriorityReviewed: "changed",
    ev.IdentityChecked: "changed",  # staff checked the identity on a document (VNeID, the card...)
    ev.TicketCancelled: "cancelled",
    ev.TicketRated: "rated",
    ev.StepsAdded: "steps",  # a visit's steps added (an order, a room's send-on)
    ev.StepCompleted: "steps",
    ev.StepCancelled: "steps",
}


def ticket_key(site: str, day: str, ticket: int) -> str:
    """The ticket's identifier at the HIS: ``<site>-<YYYYMMDD>-<ticket id>``."""
    return f"{site}-{day.replace('-', '')}-{ticket}"


def _patient(identity: Identity | None) -> HisPatient | None:
    if identity is None:
        return None
    return HisPatient(
        source=identity.source,
        id_number=identity.id_number,
        bhyt_number=identity.bhyt_number,
        name=identity.name,
        dob=identity.dob.isoformat() if identity.dob else "",
        sex=identity.sex,
        passport_number=identity.passport_number,
        nationality=identity.nationality,
    )


def his_ticket(state: QueueState, t: Ticket, site: str, actor: str | None = None) -> HisTicket:
    """The ticket as the HIS sees it, from the queue's ticket as it stands. Its booking goes only
    to the link whose actor loaded it (``actor``; None: to any): another link's HIS does not know
    that id. A ticket expired at a day's start has no booking source left: no booking then."""
    booking = t.booking
    if actor is not None and state.bookings_used.get(booking_key(actor, booking)) != t.id:
        booking = ""
    service = next((s for s in state.config.services if s.code == t.service), None)
    counter_no = t.counter if t.counter is not None else t.last_counter
    counter = next((c for c in state.config.counters if c.number == counter_no), None)
    return HisTicket(
        key=ticket_key(site, t.day, t.id),
        site=site,
        ticket=t.id,
        label=t.label,
        day=t.day,
        service=t.service,
        service_name=service.name if service else "",
        care_kind=service.care_kind if service else "01",
        status=str(t.status),
        issued_at=t.issued_at,
        priority=[str(p) for p in t.priority],
        counter=counter_no,
        counter_name=counter.name if counter else "",
        patient=_patient(t.identity),
        patient_code=t.patient_code,
        episode=t.episode,
        booking=booking,
        identity_checks=list(t.identity_checks),
        steps=[
            HisStep(
                id=s.id, service=s.service, status=s.status, counter=s.counter, order=s.order, returning=s.returning
            )
            for s in t.steps
        ],
    )


def _message(
    state: QueueState, t: Ticket, record: ev.Record, kind: Kind, site: str, reason: str, actor: str | None
) -> HisMessage:
    ticket = his_ticket(state, t, site, actor)
    score = record.event.score if isinstance(record.event, ev.TicketRated) else None
    return HisMessage(
        id=f"{ticket.key}-{record.seq}",
        seq=record.seq,
        at=record.at,
        kind=kind,
        ticket=ticket,
        reason=reason,
        score=score,
        actor=record.actor,
    )


def message_for(
    state: QueueState, record: ev.Record, site: str, anonymous: bool = False, actor: str | None = None
) -> HisMessage | None:
    """The message a link acting for ``site`` sends for ``record`` (a ticket's event), given the
    state right after it was applied; None for what the HIS does not hear of (recalls, counters,
    configuration...), for a ticket no longer in the state, and for a ticket taken without an
    identity unless the link asks for those (``anonymous``). ``actor`` is the link's (his_ticket)."""
    event = record.event
    kind = _KINDS.get(type(event))
    if kind is None:
        return None
    t = state.tickets.get(int(getattr(event, "ticket")))  # noqa: B009  # every event in _KINDS has one
    if t is None or (t.identity is None and not anonymous):
        return None
    if isinstance(event, ev.ServiceFinished) and event.visit_open:
        kind = "moved"  # a step ended, the visit goes on: not the end of the encounter
    reason = f"identity_checked:{event.document}" if isinstance(event, ev.IdentityChecked) else event_reason(event)
    return _message(state, t, record, kind, site, reason, actor)


def event_reason(event: ev.Event) -> str:
    return str(getattr(event, "reason", ""))


def messages_for(
    state: QueueState,
    record: ev.Record,
    site: str,
    anonymous: bool = False,
    before: Mapping[int, Ticket] | None = None,
    actor: str | None = None,
) -> list[HisMessage]:
    """Every message for ``record``: one for a ticket's event (``message_for``), one ``cancelled``
    (reason ``expired``) per ticket a new day expired. The day's start drops the old day's tickets
    from the state, so they are looked up in ``before``, the tickets as they were before it."""
    event = record.event
    if not isinstance(event, ev.DayStarted):
        found = message_for(state, record, site, anonymous, actor)
        return [] if found is None else [found]
    tickets = before if before is not None else state.tickets
    out: list[HisMessage] = []
    for tid in event.expired:
        t = tickets.get(tid)
        if t is not None and (t.identity is not None or anonymous):
            out.append(_message(state, t, record, "cancelled", site, "expired", actor))
    return out

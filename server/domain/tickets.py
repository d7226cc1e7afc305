"""The deciders of a ticket itself (``decide``'s table names them): its issue at a kiosk or a desk
(one place per person and service, the face check, the number), and what staff do to it by its
label away from a counter's cycle: bring it back, cancel it, review its priority or its face,
record the identity papers seen."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import bookings
from . import commands as cmd
from . import events as ev
from .access import Actor
from .errors import TicketError, TransitionError, UnknownService
from .faces import FaceMatch, validate_descriptor, verdict
from .find import ticket_of
from .held import holds_place, no_second_place
from .identity import derived_groups, id_warnings, validate_identity
from .insurance import card_number
from .lifecycle import ACTIVE, Action, transition
from .state import QueueState, person_service_key


def _face_check(state: QueueState, c: cmd.IssueTicket, service: str, match: FaceMatch | None) -> dict[str, Any]:
    """The face fields of a new ticket; ``duplicate_face`` when the nearest active ticket of the
    same service is the same person. Without the face check enabled the face is not kept."""
    policy = state.config.face
    consent = c.face_consent.strip()[:20]
    if not policy.enabled:
        return {}
    if c.face is None:
        return {"face_consent": consent}
    validate_descriptor(c.face)
    out: dict[str, Any] = {"face": True, "face_consent": consent or policy.notice}
    held = state.tickets.get(match.ticket) if match is not None else None
    if match is None or held is None or held.status not in ACTIVE or not holds_place(held, service):
        return out
    found = verdict(match.distance, policy)
    if found == "same":
        raise TicketError("duplicate_face", held.label, label=held.label)
    if found == "review":
        out["face_review"] = held.label
        out["face_distance"] = round(match.distance, 3)
    return out


def _issue(state: QueueState, c: cmd.IssueTicket, now: float, match: FaceMatch | None) -> list[ev.Event]:
    svc = state.config.service(c.service)
    if svc is None:
        raise UnknownService("service")
    if not state.config.counters_for(svc.code):
        raise TicketError("service_unavailable", "service")
    today = dt.date.fromisoformat(state.day)
    identity = validate_identity(c.identity, today) if c.identity is not None else None
    key = person_service_key(identity, svc.code)
    if identity is not None and state.config.queue.one_ticket_per_person:
        no_second_place(state, identity, svc.code)  # a visit's step to come there: its number, where to wait
    if key and state.config.queue.one_ticket_per_person and key in state.active_by_person:
        if identity is None or identity.source != "chip":  # a number anyone can type: tell no more
            raise TicketError("duplicate_ticket.unproven")
        held = state.tickets[state.active_by_person[key]]
        raise TicketError("duplicate_ticket", held.label, label=held.label, status=held.status.value)
    face = _face_check(state, c, svc.code, match)
    last = state.numbers.get(svc.code)
    number = svc.number_start if last is None or last >= svc.number_end else last + 1
    label = f"{svc.code}{number:0{svc.digits}d}"
    if state.by_label(label) is not None:
        raise TicketError("number_range_exhausted", "service", name=svc.name, name_en=svc.name_en or svc.name)
    policy = state.config.priority
    derived = derived_groups(identity.dob if identity else None, today, policy.elderly_age, policy.child_age)
    declared = [g for g in dict.fromkeys(c.declared) if g not in derived]
    return [
        ev.TicketIssued(
            ticket=state.next_ticket,
            service=svc.code,
            number=number,
            label=label,
            day=state.day,
            identity=identity,
            priority=[*derived, *declared],
            priority_pending=bool(declared),
            channel=c.channel,
            **face,
            **bookings.honour(state, identity, svc, now),
            id_warnings=id_warnings(identity, today) if identity is not None else [],
            insurance_pending=state.config.insurance.check != "none" and bool(card_number(identity)),
        )
    ]


def on_issue_ticket(
    state: QueueState, command: cmd.IssueTicket, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    return _issue(state, command, now, match)


def on_reactivate(
    state: QueueState, command: cmd.Reactivate, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    t = ticket_of(state, command.label)
    transition(t.status, Action.REACTIVATE)
    position = command.position or state.config.queue.reactivate_position
    return [ev.TicketReactivated(ticket=t.id, label=t.label, position=position)]


def on_cancel_ticket(
    state: QueueState, command: cmd.CancelTicket, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    t = ticket_of(state, command.label)
    transition(t.status, Action.CANCEL)
    return [ev.TicketCancelled(ticket=t.id, label=t.label, reason=command.reason.strip()[:200])]


def on_review_priority(
    state: QueueState, command: cmd.ReviewPriority, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    t = ticket_of(state, command.label)
    if t.status not in ACTIVE:
        raise TransitionError("illegal_transition.review_over", label=t.label)
    groups = list(command.groups) if command.groups is not None else list(t.priority)
    if command.confirmed and not groups:
        raise TicketError("priority_group_missing", "groups")
    return [ev.PriorityReviewed(ticket=t.id, label=t.label, confirmed=command.confirmed, groups=groups)]


def on_review_face(
    state: QueueState, command: cmd.ReviewFace, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    t = ticket_of(state, command.label)
    if not t.face_review:
        raise TicketError("no_face_review", "label", label=t.label)
    reviewed = ev.FaceReviewed(ticket=t.id, label=t.label, same=command.same)
    if not command.same:
        return [reviewed]
    transition(t.status, Action.CANCEL)
    return [reviewed, ev.TicketCancelled(ticket=t.id, label=t.label, reason=f"same person as {t.face_review}")]


def on_record_identity_check(
    state: QueueState, command: cmd.RecordIdentityCheck, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    t = ticket_of(state, command.label)
    return [ev.IdentityChecked(ticket=t.id, label=t.label, document=command.document)]

"""What a kiosk may ask about the person in front of it: the tickets they hold already.

The rule is one active ticket per person and service (``tickets._issue`` refuses a second with
``duplicate_ticket``). The kiosk asks as soon as the identity is known, so that the patient is
told at once, not after the priority step, and is offered only the services still allowed. The
answer is looked up by that person's key, service by service: it names nothing of anyone else.

A visit of several steps (issue 20) holds a place in each queue it has a step to come in
(``pending``: a return once the results are in, or a step sent on in order once the steps
before it are done; ``open``: waiting in it; ``active``: there now):
the person needs no new number for those services either, and is told the number they hold and
where to wait (``step``, ``counters``) instead of being given a second place in the same queue.

A number read from the chip (the card is on the reader) proves the person is here: the answer
names the tickets they hold. A typed or scanned number proves nothing (anyone can type a
neighbour's): the answer says only whether the service asked for is held, with no number, so
that a kiosk does not tell who is here today, for what, under which number (issue 17).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .errors import IdentityError, TicketError
from .find import service_names
from .identity import Identity, validate_bhyt, validate_id_number
from .state import QueueState, Ticket, person_service_key
from .steps import Step

TO_COME = ("pending", "open", "active")  # a visit's steps that hold a place in their queue


def person_tickets(state: QueueState, identity: Identity) -> list[Ticket]:
    """The person's active tickets, found by their key service by service (each once; a ticket
    leaves the index when it ends)."""
    found: dict[int, Ticket] = {}
    for svc in state.config.services:
        ticket = state.active_by_person.get(person_service_key(identity, svc.code))
        if ticket is not None:
            found.setdefault(ticket, state.tickets[ticket])
    return list(found.values())


def holds_place(t: Ticket, service: str) -> bool:
    """Whether ticket ``t`` holds a place in ``service``'s queue: its own, or a step of its visit
    to come there (the face check's "same service", issue 20)."""
    return t.service == service or any(s.service == service and s.status in TO_COME for s in t.steps)


def visit_step(state: QueueState, identity: Identity, service: str) -> tuple[Ticket, Step] | None:
    """The person's visit with a step still to come in ``service``, and that step."""
    for t in person_tickets(state, identity):
        step = next((s for s in t.steps if s.service == service and s.status in TO_COME), None)
        if step is not None:
            return t, step
    return None


def step_counters(state: QueueState, step: Step) -> list[int]:
    """Where the patient waits for a step: its room, else the counters that serve it."""
    return [step.counter] if step.counter is not None else state.config.counters_for(step.service)


def no_second_place(state: QueueState, identity: Identity, service: str) -> None:
    """Refuse an issue for a service a visit of the person has a step to come in (issue 20):
    when the chip proves the person is here, with the number they hold and where to wait
    (``duplicate_ticket.visit``, or ``.visit_back`` for a return once the results are in);
    otherwise as any duplicate of a typed number (``duplicate_ticket.unproven``)."""
    found = visit_step(state, identity, service)
    if found is None:
        return
    if identity.source != "chip":  # a number anyone can type: tell no more
        raise TicketError("duplicate_ticket.unproven")
    t, step = found
    places = [c for n in step_counters(state, step) if (c := state.config.counter(n)) is not None]
    place = ", ".join(" · ".join(filter(None, (c.name, c.location))) for c in places)
    place_en = ", ".join(" · ".join(filter(None, (c.name_en or c.name, c.location_en or c.location))) for c in places)
    name, name_en = service_names(state, service)
    key = "duplicate_ticket.visit"
    if step.status == "pending":  # a return once the results are in, or a step sent on in order
        key = "duplicate_ticket.visit_back" if step.returning else "duplicate_ticket.visit_after"
    raise TicketError(key, t.label, label=t.label, service=name, service_en=name_en, place=place, place_en=place_en)


def tickets_held(
    state: QueueState,
    now: float,
    id_number: str = "",
    bhyt_number: str = "",
    proven: bool = False,
    service: str = "",
) -> list[dict[str, Any]]:
    """The active tickets of today held by the person with this ID number (or, without one, this
    BHYT number, as ``Identity.person_key`` chooses), in the services' order: ``label``,
    ``service``, ``status`` when ``proven`` (read from the chip; for a visit's step to come, its
    ``step`` status and the ``counters`` where the patient waits for it); otherwise only
    ``[{"service": service}]`` if that service is held. Empty when the unit does not limit
    tickets per person, and once the day has turned (the issue starts the new day first:
    yesterday's tickets hold nothing). A malformed number is refused as the issue would refuse
    it (``IdentityError``)."""
    if not id_number and not bhyt_number:
        raise IdentityError("identity_missing", "id_number")
    identity = Identity(
        source="typed",
        id_number=validate_id_number(id_number, dt.date.fromisoformat(state.day)) if id_number else "",
        bhyt_number=validate_bhyt(bhyt_number) if bhyt_number else "",
    )
    if not state.config.queue.one_ticket_per_person or state.local_day(now) != state.day:
        return []
    if not proven:
        holds = person_service_key(identity, service) in state.active_by_person or visit_step(state, identity, service)
        return [{"service": service}] if service and holds else []
    held: dict[str, dict[str, Any]] = {}
    for svc in state.config.services:
        ticket = state.active_by_person.get(person_service_key(identity, svc.code))
        if ticket is not None:
            t = state.tickets[ticket]
            held.setdefault(t.service, {"label": t.label, "service": t.service, "status": t.status.value})
    for t in person_tickets(state, identity):
        for step in (s for s in t.steps if s.status in TO_COME):
            held[step.service] = {
                "label": t.label,
                "service": step.service,
                "status": t.status.value,
                "step": step.status,
                "counters": step_counters(state, step),
            }
    return list(held.values())

"""What a kiosk may ask about the person in front of it: the tickets they hold already.

The rule is one active ticket per person and service (``decide._issue`` refuses a second with
``duplicate_ticket``). The kiosk asks as soon as the identity is known, so that the patient is
told at once, not after the priority step, and is offered only the services still allowed. The
answer is looked up by that person's key, service by service: it names nothing of anyone else.

A number read from the chip (the card is on the reader) proves the person is here: the answer
names the tickets they hold. A typed or scanned number proves nothing (anyone can type a
neighbour's): the answer says only whether the service asked for is held, with no number, so
that a kiosk does not tell who is here today, for what, under which number (issue 17).
"""

from __future__ import annotations

import datetime as dt

from .errors import IdentityError
from .identity import Identity, validate_bhyt, validate_id_number
from .state import QueueState, person_service_key


def tickets_held(
    state: QueueState,
    now: float,
    id_number: str = "",
    bhyt_number: str = "",
    proven: bool = False,
    service: str = "",
) -> list[dict[str, str]]:
    """The active tickets of today held by the person with this ID number (or, without one, this
    BHYT number, as ``Identity.person_key`` chooses), in the services' order: ``label``,
    ``service``, ``status`` when ``proven`` (read from the chip); otherwise only
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
        return (
            [{"service": service}]
            if service and person_service_key(identity, service) in state.active_by_person
            else []
        )
    held = []
    for svc in state.config.services:
        ticket = state.active_by_person.get(person_service_key(identity, svc.code))
        if ticket is not None:
            t = state.tickets[ticket]
            held.append({"label": t.label, "service": t.service, "status": t.status.value})
    return held

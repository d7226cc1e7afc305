"""The outbound HIS links for the admin and the counter (docs/his.md): each link's health, the
dead letters (retry, discard: administrators), and one ticket's delivery (read and resent by
an administrator, or by counter staff for a ticket one of their counters serves, holds or was
sent: ``server.views.for_counter``). The HIS's own inbound API is ``server/routes/his.py``."""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..domain.access import Actor
from ..domain.errors import DomainError
from ..domain.state import QueueState, Ticket
from ..views import for_counter
from . import his_shapes as shapes
from .describe import Doc, describe
from .http import admin, answers_errors, services, staff

log = logging.getLogger("server.his")


@answers_errors
async def links(request: Request) -> Response:
    admin(request)
    return JSONResponse({"links": await services(request).his.health(), "at": services(request).hub.clock()})


@answers_errors
async def dead(request: Request) -> Response:
    admin(request)
    return JSONResponse({"dead": await services(request).his.dead()})


def _letter(request: Request) -> tuple[str, str]:
    link, message = request.path_params["link"], request.path_params["id"]
    if len(link) > 32 or len(message) > 120:
        raise DomainError("his_unknown_dead_letter")
    return link, message


@answers_errors
async def retry(request: Request) -> Response:
    actor = admin(request)
    link, message = _letter(request)
    if not await services(request).his.retry(link, message):
        raise DomainError("his_unknown_dead_letter")
    log.warning("HIS dead letter %s on link %s retried by %s", message, link, actor.name)
    return JSONResponse({"retried": message})


@answers_errors
async def discard(request: Request) -> Response:
    actor = admin(request)
    link, message = _letter(request)
    if not await services(request).his.discard(link, message):
        raise DomainError("his_unknown_dead_letter")
    log.warning("HIS dead letter %s on link %s discarded by %s", message, link, actor.name)
    return JSONResponse({"discarded": message})


async def _ticket(request: Request, actor: Actor) -> Ticket:
    """Today's ticket named in the path, by its label (A012) or its id; ``forbidden`` unless
    ``actor`` is an administrator or one of their counters needs the ticket (``for_counter``)."""
    raw: str = request.path_params["ticket"][:16]

    def find(state: QueueState, now: float) -> tuple[Ticket | None, bool]:
        t = state.tickets.get(int(raw)) if raw.isdigit() else state.by_label(raw.upper())
        mine = t is not None and (actor.role == "admin" or any(for_counter(state, t, c) for c in actor.counters))
        return t, mine

    answer: tuple[Ticket | None, bool] = await services(request).hub.read(find)
    found, mine = answer
    if found is None:
        raise DomainError("unknown_ticket.today")
    if not mine:
        raise DomainError("forbidden")
    return found


@answers_errors
async def ticket(request: Request) -> Response:
    t = await _ticket(request, staff(request))
    body: dict[str, Any] = {"ticket": t.id, "label": t.label, "links": await services(request).his.ticket(t)}
    return JSONResponse(body)


@answers_errors
async def resend(request: Request) -> Response:
    actor = staff(request)
    t = await _ticket(request, actor)
    sent = await services(request).his.resend(t)
    if not sent:
        raise DomainError("his_nothing_to_resend")
    log.warning("HIS: ticket %s sent again by %s (%s)", t.label, actor.name, ", ".join(sent))
    return JSONResponse({"ticket": t.id, "label": t.label, "queued": sent})


_LETTER = {"link": "the link's name", "id": "the message id"}
_TICKET = {"ticket": "today's ticket: its number (A012) or its id"}
ROUTES = [
    describe(
        Route("/api/his/links", links),
        Doc(
            summary="Each HIS link's health: outbox depth, last success, last error, breaker, dead letters.",
            auth="admin",
            ok=shapes.HisLinks,
            tag="his",
        ),
    ),
    describe(
        Route("/api/his/dead", dead),
        Doc(
            summary="The messages an HIS refused for good (dead letters).",
            auth="admin",
            ok=shapes.HisDeadLetters,
            tag="his",
        ),
    ),
    describe(
        Route("/api/his/dead/{link}/{id}/retry", retry, methods=["POST"]),
        Doc(
            summary="Send a dead letter again (the ticket's later messages follow it).",
            auth="admin",
            ok=shapes.HisRetried,
            params=_LETTER,
            errors=("his_unknown_dead_letter",),
            tag="his",
        ),
    ),
    describe(
        Route("/api/his/dead/{link}/{id}/discard", discard, methods=["POST"]),
        Doc(
            summary="Give up a dead letter (the ticket's later messages go on).",
            auth="admin",
            ok=shapes.HisDiscarded,
            params=_LETTER,
            errors=("his_unknown_dead_letter",),
            tag="his",
        ),
    ),
    describe(
        Route("/api/his/tickets/{ticket}", ticket),
        Doc(
            summary="Whether a ticket's registration reached each HIS link.",
            auth="staff",
            ok=shapes.HisTicketDelivery,
            params=_TICKET,
            errors=("unknown_ticket.today", "forbidden"),
            tag="his",
        ),
    ),
    describe(
        Route("/api/his/tickets/{ticket}/resend", resend, methods=["POST"]),
        Doc(
            summary="Send a ticket again on every outbound link: what the HIS refused or what failed goes "
            "again now; a ticket all delivered has its latest message queued again under a new id.",
            auth="staff",
            ok=shapes.HisResent,
            params=_TICKET,
            errors=("unknown_ticket.today", "forbidden", "his_nothing_to_resend"),
            tag="his",
        ),
    ),
]

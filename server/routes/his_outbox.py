"""The outbound HIS links for the admin and the counter (docs/his.md): each link's health, the
dead letters (retry, discard: administrators), and one ticket's delivery (read and resent by
any staff member). The HIS's own inbound API is ``server/routes/his.py``."""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..domain.access import Actor
from ..domain.errors import DomainError
from ..domain.state import QueueState, Ticket
from .http import admin, answers_errors, services

log = logging.getLogger("server.his")


def staff(request: Request) -> Actor:
    """Any active staff member (counter or admin) sending this request, or ``unauthenticated``."""
    header = request.headers.get("authorization", "")
    token = header[7:] if header.lower().startswith("bearer ") else ""
    account = services(request).staff_for(token)
    if account is None:
        raise DomainError("unauthenticated")
    return Actor(name=f"staff:{account.username}", role=account.role, counters=account.counters)


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


async def _ticket(request: Request) -> Ticket:
    """Today's ticket named in the path, by its label (A012) or its id."""
    raw: str = request.path_params["ticket"][:16]

    def find(state: QueueState, now: float) -> Ticket | None:
        return state.tickets.get(int(raw)) if raw.isdigit() else state.by_label(raw.upper())

    found: Ticket | None = await services(request).hub.read(find)
    if found is None:
        raise DomainError("unknown_ticket.today")
    return found


@answers_errors
async def ticket(request: Request) -> Response:
    staff(request)
    t = await _ticket(request)
    body: dict[str, Any] = {"ticket": t.id, "label": t.label, "links": await services(request).his.ticket(t)}
    return JSONResponse(body)


@answers_errors
async def resend(request: Request) -> Response:
    actor = staff(request)
    t = await _ticket(request)
    sent = await services(request).his.resend(t)
    if not sent:
        raise DomainError("his_nothing_to_resend")
    log.warning("HIS: ticket %s sent again by %s (%s)", t.label, actor.name, ", ".join(sent))
    return JSONResponse({"ticket": t.id, "label": t.label, "queued": sent})


ROUTES = [
    Route("/api/his/links", links),
    Route("/api/his/dead", dead),
    Route("/api/his/dead/{link}/{id}/retry", retry, methods=["POST"]),
    Route("/api/his/dead/{link}/{id}/discard", discard, methods=["POST"]),
    Route("/api/his/tickets/{ticket}", ticket),
    Route("/api/his/tickets/{ticket}/resend", resend, methods=["POST"]),
]

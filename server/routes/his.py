"""The inbound API of the hospital information system (HIS), ``/api/his/v1/sites/{site}/...``
(docs/his.md): the HIS records what it made of a check-in, sends a patient on keeping the
number, ends the episode, and loads the mapping of its codes to ours.

Each HIS link of ``server/his/links.py`` calls with ``Authorization: Bearer <inbound_token>``
and acts for its own site only. A ticket is named by its key ``<site>-<YYYYMMDD>-<ticket id>``
(``domain/his_inbound.py``). Every body carries a ``message_id``: the command is submitted with
it as the idempotency key, scoped by the route and the ticket key (``send:<key>:<message_id>``;
the hub adds the link's actor ``his:<name>``), so the same message twice is answered as the
first time and changes nothing more, while an id reused on another route or ticket is a new
command. A body is decoded into the command's
bounded struct before anything is submitted: a malformed one is refused naming the field, and
nothing is written.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..domain import commands as cmd
from ..domain.access import Actor
from ..domain.errors import DomainError
from ..domain.his_inbound import parse_ticket_key
from ..his.links import Link
from . import his_shapes as shapes
from .describe import Doc, describe
from .http import answers_errors, bearer, json_body, services

MAX_BODY = 256 * 1024
MAX_BOOKINGS_BODY = 2 * 1024 * 1024  # 5,000 bookings take about 750 KiB
MESSAGE_ID = re.compile(r"^[\x21-\x7e]{1,100}$")  # printable ASCII, no spaces
PREFIX = "/api/his/v1/sites/{site}"


def links(request: Request) -> list[Link]:
    """The site's HIS links (read from their file at start, ``server/services.py``)."""
    return services(request).his.links


def link_of(request: Request) -> Link:
    """The link whose inbound token the request bears (``unauthenticated.his``, 401), acting for
    the site of the path, which must be this unit's facility code when one is configured: a link
    set up for another facility reaches no ticket here (``forbidden.his_site``, 403)."""
    token = bearer(request)
    link = next((x for x in links(request) if token and x.accepts(token)), None)
    if link is None:
        raise DomainError("unauthenticated.his")
    site = request.path_params["site"][:32]
    unit = services(request).hub.state.config.unit.facility_code
    if link.site != site or (unit and site != unit):
        raise DomainError("forbidden.his_site", "site", site=site)
    return link


def _field(exc: msgspec.ValidationError) -> str:
    """The field a validation error names: ``rooms[0].counter`` (a wrong or a missing one)."""
    text = str(exc)
    path = re.search(r"at `\$\.([^`]+)`", text)
    named = re.search(r"field `([^`]+)`", text)
    parts = [m[1] for m in (path, named) if m]
    return ".".join(parts) or "(body)"


def decode(data: dict[str, Any], tag: str, type_: type[Any], **fixed: Any) -> Any:
    """The command ``type_`` from a body's fields (and the path's ``fixed`` ones), or
    ``invalid_message`` naming the field."""
    try:
        return msgspec.convert({**data, **fixed, "type": tag}, type_)
    except msgspec.ValidationError as exc:
        raise DomainError("invalid_message.data", _field(exc), detail=exc) from None


async def _body(request: Request, limit: int = MAX_BODY) -> tuple[str, dict[str, Any]]:
    """The message id and the other fields of the body."""
    data = await json_body(request, limit)
    message_id = data.pop("message_id", None)
    if not isinstance(message_id, str) or not MESSAGE_ID.match(message_id):
        raise DomainError("invalid_message.data", "message_id", detail="message_id: 1-100 printable ASCII characters")
    return message_id, data


def _key(request: Request, link: Link) -> str:
    """The ticket key of the path; another site's key is no ticket of this site's (404)."""
    key = str(request.path_params["key"])
    parsed = parse_ticket_key(key) if len(key) <= 64 else None
    if parsed is None or parsed[0] != link.site:
        raise DomainError("unknown_ticket.key", "key", name=key[:64])
    return key


async def _run(request: Request, link: Link, scope: str, message_id: str, command: cmd.AnyCommand) -> Response:
    """Submit ``command`` once per message: the idempotency key is ``<scope>:<message_id>``, the
    scope naming the route and, for a ticket's, its key."""
    key = f"{scope}:{message_id}"
    outcome = await services(request).hub.submit(command, Actor(name=link.actor, role="his"), key)
    if outcome.error is not None:
        raise outcome.error
    replayed = {"idempotent-replayed": "true"} if outcome.duplicate else None
    return JSONResponse({**outcome.result, "seq": outcome.seq}, headers=replayed)


def _unauthenticated(fn: Any) -> Any:
    """A 401 says how to authenticate (``WWW-Authenticate: Bearer``)."""

    @functools.wraps(fn)
    async def endpoint(request: Request) -> Response:
        response: Response = await fn(request)
        if response.status_code == 401:
            response.headers["www-authenticate"] = 'Bearer realm="his"'
        return response

    return endpoint


@_unauthenticated
@answers_errors
async def registration(request: Request) -> Response:
    """PUT .../tickets/{key}/registration {message_id, patient_code, episode, room, his_room}"""
    link = link_of(request)
    message_id, data = await _body(request)
    command = decode(data, "record_registration", cmd.RecordRegistration, key=(key := _key(request, link)))
    return await _run(request, link, f"registration:{key}", message_id, command)


@_unauthenticated
@answers_errors
async def send(request: Request) -> Response:
    """POST .../tickets/{key}/send {message_id, service | counter | his_room, reason, position}"""
    link = link_of(request)
    message_id, data = await _body(request)
    command = decode(data, "send_ticket", cmd.SendTicket, key=(key := _key(request, link)))
    return await _run(request, link, f"send:{key}", message_id, command)


@_unauthenticated
@answers_errors
async def order(request: Request) -> Response:
    """POST .../tickets/{key}/orders {message_id, order, service | counter | his_room, come_back,
    reason}: an order adds a step to the ticket's visit (domain/journey.py)."""
    link = link_of(request)
    message_id, data = await _body(request)
    command = decode(data, "order_step", cmd.OrderStep, key=(key := _key(request, link)))
    return await _run(request, link, f"order:{key}", message_id, command)


@_unauthenticated
@answers_errors
async def order_result(request: Request) -> Response:
    """POST .../tickets/{key}/orders/{order}/result {message_id, outcome: done|cancelled, reason}"""
    link = link_of(request)
    message_id, data = await _body(request)
    name = request.path_params["order"]
    command = decode(data, "order_result", cmd.OrderResult, key=(key := _key(request, link)), order=name)
    return await _run(request, link, f"result:{key}", message_id, command)


@_unauthenticated
@answers_errors
async def end(request: Request) -> Response:
    """POST .../tickets/{key}/end {message_id, outcome: finished|cancelled, reason}"""
    link = link_of(request)
    message_id, data = await _body(request)
    command = decode(data, "end_episode", cmd.EndEpisode, key=(key := _key(request, link)))
    return await _run(request, link, f"end:{key}", message_id, command)


@_unauthenticated
@answers_errors
async def bookings(request: Request) -> Response:
    """PUT .../bookings {message_id, day, bookings: [{id, service, slot_start, slot_end, id_number |
    bhyt_number, name}]}: today's bookings of this link, replacing its earlier load of the day
    (``domain/bookings.py``); a booked patient who checks in at the kiosk is queued by the slot."""
    link = link_of(request)
    message_id, data = await _body(request, MAX_BOOKINGS_BODY)
    command = decode(data, "load_bookings", cmd.LoadBookings)
    return await _run(request, link, "bookings", message_id, command)


@_unauthenticated
@answers_errors
async def mapping(request: Request) -> Response:
    """PUT .../mapping {message_id, departments: [{his_code, department}], rooms: [{his_room,
    counter}], services: [{his_code, service}]}"""
    link = link_of(request)
    message_id, data = await _body(request)
    command = decode(data, "load_his_mapping", cmd.LoadHisMapping)
    return await _run(request, link, "mapping", message_id, command)


_KEY = ("unknown_ticket.key", "forbidden.his_site", "invalid_message.data")
_PARAMS = {"site": "the facility code (MA_CSKCB) of the link", "key": "the ticket's key, <site>-<YYYYMMDD>-<ticket id>"}
ROUTES = [
    describe(
        Route(PREFIX + "/tickets/{key}/registration", registration, methods=["PUT"]),
        Doc(
            summary="Record what the HIS made of a check-in: MA_BN, MA_LK, its room.",
            auth="his",
            body=shapes.HisRegistrationIn,
            ok=shapes.HisTicketAnswer,
            params=_PARAMS,
            errors=(*_KEY, "unknown_counter"),
        ),
    ),
    describe(
        Route(PREFIX + "/tickets/{key}/send", send, methods=["POST"]),
        Doc(
            summary="Send a patient on, keeping the number: to a service's queue or a room.",
            auth="his",
            body=shapes.HisSendIn,
            ok=shapes.HisTicketAnswer,
            params=_PARAMS,
            errors=(*_KEY, "his_send_target", "service_unavailable", "transfer_to_same", "wrong_counter.service"),
        ),
    ),
    describe(
        Route(PREFIX + "/tickets/{key}/orders", order, methods=["POST"]),
        Doc(
            summary="An order (a lab test, an imaging study) adds a step to the ticket's visit.",
            auth="his",
            body=shapes.HisOrderIn,
            ok=shapes.HisTicketAnswer,
            params=_PARAMS,
            errors=(
                *_KEY,
                "his_send_target",
                "service_unavailable",
                "wrong_counter.service",
                "step_duplicate",
                "step_limit",
                "step_visit_over",
            ),
        ),
    ),
    describe(
        Route(PREFIX + "/tickets/{key}/orders/{order}/result", order_result, methods=["POST"]),
        Doc(
            summary="An order's result is in (its step is done), or the order was withdrawn.",
            auth="his",
            body=shapes.HisOrderResultIn,
            ok=shapes.HisTicketAnswer,
            params={**_PARAMS, "order": "the HIS's order id, as sent with the order"},
            errors=(*_KEY, "step_order_unknown", "step_active"),
        ),
    ),
    describe(
        Route(PREFIX + "/tickets/{key}/end", end, methods=["POST"]),
        Doc(
            summary="End the ticket's episode (finished or cancelled).",
            auth="his",
            body=shapes.HisEndIn,
            ok=shapes.HisTicketAnswer,
            params=_PARAMS,
            errors=_KEY,
        ),
    ),
    describe(
        Route(PREFIX + "/mapping", mapping, methods=["PUT"]),
        Doc(
            summary="Load the mapping of the HIS's departments, rooms and service codes to ours.",
            auth="his",
            body=shapes.HisMappingIn,
            ok=shapes.HisMappingAnswer,
            params=_PARAMS,
            errors=("forbidden.his_site", "invalid_message.data", "his_mapping_invalid"),
        ),
    ),
    describe(
        Route(PREFIX + "/bookings", bookings, methods=["PUT"]),
        Doc(
            summary="Load today's bookings: a booked patient is queued by the slot at check-in.",
            auth="his",
            body=shapes.HisBookingsIn,
            ok=shapes.HisBookingsAnswer,
            params=_PARAMS,
            errors=(
                "forbidden.his_site",
                "invalid_message.data",
                "bookings_wrong_day",
                "bookings_invalid_slot",
                "bookings_duplicate_id",
                "bookings_missing_id",
                "identity_missing",
            ),
        ),
    ),
]

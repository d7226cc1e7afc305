"""What every HTTP route shares: the services, a bounded JSON body, the admin check, and errors
answered as ``{"error": {code, message_vi, message_en, field}}`` with the status the error's
catalogue entry names."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from ..domain import commands as cmd
from ..domain.access import Actor
from ..domain.errors import DomainError
from ..hub_items import Outcome
from ..services import Services

Endpoint = Callable[[Request], Awaitable[Response]]
T = TypeVar("T")


def error_response(exc: DomainError) -> JSONResponse:
    body = {"code": exc.code, "message_vi": exc.message_vi, "message_en": exc.message_en, "field": exc.field}
    return JSONResponse({"error": body}, status_code=exc.status)


def answers_errors(fn: Endpoint) -> Endpoint:
    """A route whose refusals (``DomainError``) become error responses. A client that went away
    before its body arrived (it hung up, or stalled past server/httpproto.py's deadline) gets an
    empty answer nobody reads, not a traceback in the log. The endpoint keeps the name, module
    and docstring of ``fn`` (the route's name, and its description in /api/openapi.json).
    Several processes for one site: a staff token first looked up if this process does not know
    it yet (a login on another one a moment ago), so that ``staff`` can stay synchronous."""

    @functools.wraps(fn)
    async def endpoint(request: Request) -> Response:
        try:
            shared: Services | None = getattr(request.app.state, "services", None)
            if shared is not None and shared.cluster is not None and (token := bearer(request)):
                await shared.sessions.find(token, shared.hub.clock(), request.client.host if request.client else "")
            return await fn(request)
        except DomainError as exc:
            return error_response(exc)
        except ClientDisconnect:
            return Response(status_code=400)

    return endpoint


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


async def json_body(request: Request, max_bytes: int = 64 * 1024) -> dict[str, Any]:
    """The request's JSON object, read no further than ``max_bytes`` (a larger body is refused
    as soon as its length says so, or as soon as that much has arrived)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise DomainError("too_large")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise DomainError("too_large")
    try:
        data = msgspec.json.decode(bytes(body))
    except (msgspec.DecodeError, RecursionError):  # malformed, or nested past the decoder's depth
        raise DomainError("bad_json.body") from None
    if not isinstance(data, dict):
        raise DomainError("bad_json.object")
    return data


def bearer(request: Request) -> str:
    """The request's ``Authorization: Bearer <token>`` token ("" without one)."""
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


def staff(request: Request) -> Actor:
    """Any active staff member (counter or admin) sending this request, or ``unauthenticated``."""
    account = services(request).staff_for(bearer(request))
    if account is None:
        raise DomainError("unauthenticated")
    return Actor(name=f"staff:{account.username}", role=account.role, counters=account.counters)


def admin(request: Request) -> Actor:
    """The administrator sending this request (bearer token), or ``unauthenticated``/``forbidden``."""
    actor = staff(request)
    if actor.role != "admin":
        raise DomainError("forbidden.admin_only")
    return Actor(name=actor.name, role="admin")


def command_of(data: dict[str, Any], tag: str, type_: type[T]) -> T:
    """A command from a request's fields, or ``invalid_message``."""
    try:
        return msgspec.convert({"type": tag, **data}, type_)
    except msgspec.ValidationError as exc:
        raise DomainError("invalid_message.data", detail=exc) from None


async def submit(services: Services, command: cmd.AnyCommand, actor: Actor) -> Outcome:
    """Submit a command to the hub; its refusal is raised."""
    outcome = await services.hub.submit(command, actor)
    if outcome.error is not None:
        raise outcome.error
    return outcome

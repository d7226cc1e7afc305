"""The websocket endpoint ``/ws``: origin check, hello, then commands, queries and pings.

A connection that breaks the rules is told why (an ``error`` message with a code) or closed with
a documented close code (``server.protocol``); a bad message is never written anywhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from typing import Any, Literal

from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from .auth import authenticate, door_device, token_hash
from .domain.access import Actor
from .domain.commands import PASSWORD_COMMANDS
from .domain.config_check import MEDIA_NAME
from .domain.errors import DomainError, ForbiddenError
from .domain.held import tickets_held
from .fanout import Conn, wire_of
from .history import counter_history
from .hub import HEARTBEAT_SECONDS
from .protocol import (
    CLOSE_BAD_HELLO,
    CLOSE_FORBIDDEN_ORIGIN,
    CLOSE_TOO_MANY_ERRORS,
    CLOSE_UNAUTHENTICATED,
    Ack,
    Audience,
    Cmd,
    Control,
    Error,
    Hello,
    Ping,
    Pong,
    ProtocolError,
    Query,
    Reply,
    Report,
    Welcome,
    decode_client,
    encoder,
    protocol_error,
)
from .services import Services
from .views import queue_view, snapshot, ticket_status
from .vneid import identify_qr

log = logging.getLogger("server.ws")
HELLO_TIMEOUT = 10.0
MAX_ERRORS = 20  # messages that could not be understood; refused commands do not count


def origin_allowed(websocket: WebSocket, allowed: tuple[str, ...]) -> bool:
    """Same-origin pages, origins listed in QUEUE_ALLOWED_ORIGINS, and non-browser clients (no Origin)."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    if origin in allowed:
        return True
    host = websocket.headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")


class WsEndpoint:
    """The ``/ws`` ASGI app. The server's ``send`` goes to the broadcaster, which writes frames
    straight to the socket when it can (``fanout.wire_of``, decision 0006); Starlette's
    ``WebSocket`` does the handshake, the reading and the close.

    ``server.app.QueueApp`` calls it directly, outside Starlette's middleware, so that a
    connection's lifelong chain of coroutines is short (memory per connection)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        services = self.services
        websocket = WebSocket(scope, receive=receive, send=send)
        if not origin_allowed(websocket, services.settings.allowed_origins):
            await websocket.close(code=CLOSE_FORBIDDEN_ORIGIN)
            return
        await websocket.accept()
        await _serve(websocket, receive, send, services)


async def _serve(websocket: WebSocket, receive: Receive, raw_send: Send, services: Services) -> None:
    holder: list[Conn] = []
    try:
        await _session(websocket, receive, raw_send, services, holder)
    except asyncio.CancelledError:
        # A client that fell behind is dropped by cancelling its handler: end quietly.
        task = asyncio.current_task()
        if not (holder and holder[0].dropped) or task is None:
            raise
        task.uncancel()
    finally:
        if holder:
            services.hub.detach(holder[0])
            services.doors.remove(holder[0])


async def _close(websocket: WebSocket, code: int, reason: str = "") -> None:
    with contextlib.suppress(Exception):
        await websocket.close(code=code, reason=reason)


async def _send(websocket: WebSocket, msg: Any) -> None:
    await websocket.send_text(encoder.encode(msg).decode())


async def _session(
    websocket: WebSocket, receive: Receive, raw_send: Send, services: Services, holder: list[Conn]
) -> None:
    hub = services.hub
    try:
        first = await asyncio.wait_for(websocket.receive(), HELLO_TIMEOUT)
    except TimeoutError:
        await _close(websocket, CLOSE_BAD_HELLO, "hello expected")
        return
    if first["type"] == "websocket.disconnect":
        return
    try:
        text = first.get("text")
        if text is None:
            raise protocol_error("binary_not_supported")
        hello = decode_client(text)
        if not isinstance(hello, Hello):
            raise protocol_error("invalid_message", "the first message must be a hello", None, "type")
    except ProtocolError as exc:
        await _send(websocket, Error.of(exc))
        await _close(websocket, CLOSE_BAD_HELLO, exc.code)
        return
    del first, text  # a board keeps this coroutine for hours: keep only what it needs
    if hello.role == "phone":
        await _phone(websocket, receive, raw_send, services, holder, hello)
        return
    if hello.role == "door":
        await _door(websocket, receive, raw_send, services, holder, hello)
        return
    if services.cluster is not None and hello.role not in ("kiosk", "tv", "rating"):
        address = websocket.client.host if websocket.client else ""
        await services.sessions.find(hello.token, hub.clock(), address)  # a login on another process
    try:
        actor, audience, zone, counter = authenticate(hello, hub.state, services.sessions, hub.clock())
    except DomainError as exc:
        await _send(websocket, Error.of(exc))
        await _close(websocket, CLOSE_UNAUTHENTICATED, exc.code)
        return
    if actor.role == "kiosk":
        services.printers.connected(actor.name, websocket.headers.get("origin"))
    conn = Conn(raw_send, hello.role, audience, actor.name, zone, wire_of(raw_send))
    conn.counter = counter
    if audience in ("staff", "admin"):
        conn.viewer = actor  # an admin at a counter page may end any step (views.step_views)
        conn.session = token_hash(hello.token)  # a logout closes what this session opened
    holder.append(conn)
    welcome = Welcome(
        role=hello.role,
        actor=actor.name,
        seq=0,
        resumed=False,
        heartbeat=HEARTBEAT_SECONDS,
        zone=zone,
        counter=counter,
        public_url=services.settings.public_url.rstrip("/") if hello.role == "kiosk" else "",
        server_prints=hello.role == "kiosk" and services.printers.prints_for(hub.state, actor.name),
    )
    if services.cluster is not None and hello.last_seq is not None:  # a screen that was on a process ahead
        await services.cluster.follower.caught_up(hello.last_seq, 2.0)
    if not await hub.attach(conn, hello.last_seq, welcome):
        conn.drop()
        return
    errors = 0
    while not conn.dropped:
        message = await receive()  # the server's own: one coroutine less for hours (memory)
        if message["type"] == "websocket.disconnect":
            break
        reply: Any
        try:
            text = message.get("text")
            if text is None:
                raise protocol_error("binary_not_supported")
            msg = decode_client(text)
            if isinstance(msg, Ping):
                reply = Pong(t=msg.t, server_time=hub.clock())
            elif isinstance(msg, Cmd):
                if isinstance(msg.command, PASSWORD_COMMANDS):  # set over HTTP, where the policy is
                    raise DomainError("forbidden.password_http")
                if audience == "public":  # a device: at most what a real kiosk does (server/ratelimit.py)
                    services.limits.admit(actor.name)
                started = time.monotonic()
                outcome = await hub.submit(msg.command, actor, msg.key)
                if outcome.error is not None:
                    reply = Error.of(outcome.error, msg.id)
                else:
                    result = outcome.result
                    if not outcome.duplicate and (
                        line := await services.insurance.after_issue(msg.command, result, started)
                    ):
                        result = {**result, "insurance": line}  # the ticket screen's line (server/insurance/)
                    reply = Ack(id=msg.id, seq=outcome.seq, result=result, duplicate=outcome.duplicate)
            elif isinstance(msg, Query) and msg.what == "card_qr":  # a scanned QR (server/vneid.py)
                if actor.role != "kiosk":
                    raise DomainError("forbidden")
                services.limits.admit(actor.name, "held")
                source: Literal["qr", "vneid"] = "vneid" if msg.source == "vneid" else "qr"
                today = dt.date.fromisoformat(hub.state.local_day(hub.clock()))
                reply = Reply(id=msg.id, result=await identify_qr(msg.qr, source, actor.name, hub.state.config, today))
            elif isinstance(msg, Query):
                if msg.what == "held" and audience == "public":  # no trying number after number
                    services.limits.admit(actor.name, "held")
                reply = Reply(id=msg.id, result=await hub.read(_query_fn(msg, actor, audience, zone, counter)))
            elif isinstance(msg, Report):
                hub.fleet.report(msg.what)
                if msg.what in ("device_fault", "device_ok"):  # each may alert staff: limited alike
                    services.limits.admit(actor.name, "faults")
                if msg.what in ("device_fault", "device_ok") and not (
                    msg.part == "printer" and services.printers.prints_for(hub.state, actor.name)
                ):
                    hub.fleet.device_alert(actor.name, msg.part, msg.detail[:60], msg.label, msg.what == "device_ok")
                if msg.what == "heartbeat":
                    hub.fleet.heartbeat(actor.name, msg.version, msg.state, hub.clock())
                if msg.what == "play_failed":
                    log.info("%s could not play the call of seq %d: %s", actor.name, msg.seq, msg.detail)
                reply = Reply(id=msg.id, result={"ok": True})
            elif isinstance(msg, Control):
                if actor.role != "admin" or audience != "admin":
                    raise DomainError("forbidden.admin_only")
                if msg.action == "play" and not MEDIA_NAME.match(msg.media):
                    raise DomainError("not_found", "media")
                sent = hub.fleet.control(f"device:{msg.device}", msg.action, msg.media)
                log.info("%s asked %s to %s (%d screens)", actor.name, msg.device, msg.action, sent)
                reply = Reply(id=msg.id, result={"sent": sent})
            else:
                raise protocol_error("invalid_message", "hello was already received", None, "type")
        except ProtocolError as exc:
            errors += 1
            reply = Error.of(exc, getattr(exc, "request_id", None))
        except DomainError as exc:  # a refused query: an answer, not a misbehaving client
            reply = Error.of(exc, getattr(msg, "id", None))
        if not conn.send_nowait(encoder.encode(reply).decode()):
            conn.drop()
            break
        if errors > MAX_ERRORS:
            await _close(websocket, CLOSE_TOO_MANY_ERRORS, "too many errors")
            break


async def _phone(
    websocket: WebSocket, receive: Receive, raw_send: Send, services: Services, holder: list[Conn], hello: Hello
) -> None:
    """A patient's phone following one ticket (``server/phones.py``): no token, the status of
    that ticket pushed as it changes, and nothing to send but pings."""
    hub = services.hub
    address = websocket.client.host if websocket.client else ""
    conn = Conn(raw_send, "phone", "public", "phone", "", wire_of(raw_send))
    holder.append(conn)
    welcome = Welcome(role="phone", actor="phone", seq=0, resumed=False, heartbeat=HEARTBEAT_SECONDS)
    try:
        if not await hub.follow(conn, hello.label, hello.day, address, welcome):
            conn.drop()
            return
    except DomainError as exc:
        await _send(websocket, Error.of(exc))
        await _close(websocket, CLOSE_UNAUTHENTICATED, exc.code)
        return
    await _listen(websocket, receive, services, conn, reports=False)


def _query_fn(q: Query, actor: Actor, audience: Audience, zone: str, counter: int | None) -> Any:
    """A query's answer, read from the state: counter staff read their own counter's queue and
    history only (an admin any counter's)."""

    def run(state: Any, now: float) -> Any:
        if q.what == "snapshot":
            return {"seq": state.seq, "view": snapshot(state, audience, now, zone, counter, actor)}
        if q.what == "ticket":
            return ticket_status(state, q.label, now)
        if q.what == "held":  # the person at the kiosk, before the priority step (domain/held.py)
            if actor.role != "kiosk":
                raise DomainError("forbidden")
            proven = q.source == "chip"  # the card on the reader: the person is here
            return {"held": tickets_held(state, now, q.id_number, q.bhyt_number, proven, q.service)}
        if audience == "public":
            raise DomainError("forbidden.public")
        if q.counter is None or state.config.counter(q.counter) is None:
            raise DomainError("unknown_counter.choose", "counter")
        if actor.role != "admin" and q.counter not in actor.counters:
            raise ForbiddenError("forbidden_counter", "counter", counter=q.counter)
        if q.what == "history":
            return counter_history(state, q.counter)
        return queue_view(state, q.counter, now)

    return run


async def _door(
    websocket: WebSocket, receive: Receive, raw_send: Send, services: Services, holder: list[Conn], hello: Hello
) -> None:
    """A room's door screen (``server/doors.py``): the calls at its room it missed (a resume from
    ``last_seq``), its room's view and calls pushed to it, and nothing to send but pings and
    reports (its heartbeat, the calls it played)."""
    hub = services.hub
    try:
        device, room = door_device(hello, hub.state)
    except DomainError as exc:
        await _send(websocket, Error.of(exc))
        await _close(websocket, CLOSE_UNAUTHENTICATED, exc.code)
        return
    actor = f"device:{device}"
    conn = Conn(raw_send, "door", "public", actor, "", wire_of(raw_send))
    holder.append(conn)
    welcome = Welcome(role="door", actor=actor, seq=0, resumed=False, heartbeat=HEARTBEAT_SECONDS, counter=room)
    doors = services.doors
    if services.cluster is not None and hello.last_seq is not None:  # a door that was on a process ahead
        await services.cluster.follower.caught_up(hello.last_seq, 2.0)
    last = hello.last_seq
    if not await hub.read(lambda s, now: doors.follow(s, conn, device, room, welcome, now, last, hub.ring)):
        conn.drop()
        return
    await _listen(websocket, receive, services, conn, reports=True)


async def _listen(websocket: WebSocket, receive: Receive, services: Services, conn: Conn, reports: bool) -> None:
    """A phone's or door screen's messages: pings, and for a door its reports; anything else
    is refused (and too many such, the socket closed)."""
    hub = services.hub
    errors = 0
    while not conn.dropped and errors <= MAX_ERRORS:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        msg: Any = None
        try:
            msg = decode_client(message.get("text") or "")
            if isinstance(msg, Ping):
                reply: Any = Pong(t=msg.t, server_time=hub.clock())
            elif reports and isinstance(msg, Report) and msg.what not in ("device_fault", "device_ok"):
                hub.fleet.report(msg.what)
                if msg.what == "heartbeat":
                    hub.fleet.heartbeat(conn.actor, msg.version, msg.state, hub.clock())
                if msg.what == "play_failed":
                    log.info("%s could not play the call of seq %d: %s", conn.actor, msg.seq, msg.detail)
                reply = Reply(id=msg.id, result={"ok": True})
            else:
                raise DomainError("forbidden.public")
        except DomainError as exc:  # answered with the refused message's id, when it has one
            errors += 1
            reply = Error.of(exc, getattr(exc, "request_id", None) or getattr(msg, "id", None))
        if not conn.send_nowait(encoder.encode(reply).decode()):
            conn.drop()
            return
    if errors > MAX_ERRORS:
        await _close(websocket, CLOSE_TOO_MANY_ERRORS, "too many errors")

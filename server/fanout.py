"""Connections and broadcast, in the manner of ``websockets.broadcast()``.

Each event is encoded once per audience; the same text goes to every connection of that
audience with a write that is never awaited. uvicorn's websocket ``send`` completes without
suspending unless the connection's transport is paused (its write buffer is over the
high-water mark), so :meth:`Conn.send_nowait` drives it one step:

- it completed: the frame is written (the usual case, no task, no queue);
- it would wait: nothing was written yet, so the coroutine is closed and the text goes to the
  connection's backlog, which one drain task per congested connection sends in order. A
  connection whose backlog grows past ``MAX_BACKLOG_BYTES`` (4 MiB: a client that stopped reading) is
  dropped at once instead of holding up the others; it reconnects and resumes from its last seq.

Under uvicorn's ``websockets-sansio`` implementation without compression (how ``python -m
server`` runs) the broadcaster skips the ASGI layers altogether: the frame is built once per
payload (:func:`text_frame`) and written to each connection's transport, the same bytes for
every client, with the same checks uvicorn's ``send`` makes (connection open, transport not
paused). Any other server falls back to the ASGI ``send``.

See ``docs/decisions/0002-broadcast-without-awaiting.md`` and ``0006-frames-written-once.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import logging
import struct
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

from .domain.access import Actor
from .protocol import AUDIENCES, Audience

log = logging.getLogger("server.fanout")
SendFn = Callable[[MutableMapping[str, Any]], Awaitable[None]]
MAX_BACKLOG_BYTES = 4 * 1024 * 1024
FREEZE_EVERY = 500  # connections added between two gc.freeze()
_ids = itertools.count(1)
_OPEN = State.OPEN


def text_frame(payload: bytes) -> bytes:
    """One final, unmasked text frame carrying ``payload`` (RFC 6455 section 5.2): what a server
    sends when no extension is negotiated, identical for every client."""
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", 0x81, n)
    elif n < 1 << 16:
        header = struct.pack("!BBH", 0x81, 126, n)
    else:
        header = struct.pack("!BBQ", 0x81, 127, n)
    return header + payload


def wire_of(send: Any) -> WebSocketsSansIOProtocol | None:
    """uvicorn's protocol object behind an ASGI ``send``, when frames can be written to its
    transport directly: the sans-I/O implementation, after the handshake, without extensions
    (a compressed connection needs its own frames)."""
    proto = getattr(send, "__self__", None)
    if not isinstance(proto, WebSocketsSansIOProtocol) or not proto.handshake_complete:
        return None
    if proto.conn.extensions or proto.conn.state is not _OPEN:
        return None
    return proto


def wants(screen_zone: str, zone: str | None) -> bool:
    """Whether a message of ``zone`` (None: every zone) is for a screen of ``screen_zone``
    ("": every zone)."""
    return zone is None or not screen_zone or screen_zone == zone


class _Out:
    """One text to broadcast, with its ASGI message and its websocket frame, made once."""

    __slots__ = ("frame", "message", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.message: MutableMapping[str, Any] = {"type": "websocket.send", "text": text}
        self.frame = text_frame(text.encode())


# One message to publish: the payload for each audience, its zone (None: every zone), what
# screens of other zones get instead (None: nothing), and what staff screens of some counters
# get in place of the staff payload (by counter number; None: nothing of their own)
Broadcast = tuple[dict[Audience, str | None], str | None, str | None, dict[int, str] | None]


class Conn:
    """One websocket client, as the broadcaster sees it."""

    __slots__ = (
        "actor",
        "audience",
        "backlog",
        "backlog_bytes",
        "closing",
        "counter",
        "drainer",
        "dropped",
        "id",
        "role",
        "send",
        "session",
        "task",
        "viewer",
        "wire",
        "zone",
    )

    def __init__(
        self,
        send: SendFn,
        role: str,
        audience: Audience,
        actor: str,
        zone: str = "",
        wire: WebSocketsSansIOProtocol | None = None,
    ) -> None:
        self.id = next(_ids)
        self.send = send
        self.wire = wire
        self.role = role
        self.audience = audience
        self.actor = actor
        self.zone = zone
        self.counter: int | None = None
        self.viewer: Actor | None = None  # a staff client: who it is (server/views.py viewer_of)
        self.session = ""  # a staff client: the hash of its session token (a logout ends it)
        self.closing: asyncio.Task[None] | None = None
        self.dropped = False
        self.task: asyncio.Task[Any] | None = asyncio.current_task()
        self.backlog: deque[str] | None = None
        self.backlog_bytes = 0
        self.drainer: asyncio.Task[None] | None = None

    def wants(self, zone: str | None) -> bool:
        """Whether an event of ``zone`` (None: every zone) is for this client."""
        return wants(self.zone, zone)

    def send_all(self, outs: list[_Out], joined: bytes) -> bool:
        """Send several messages; written at once (``joined``: their frames end to end) when the
        frames go straight to the transport. False if the client is too far behind or gone."""
        if len(outs) > 1 and self.wire is not None and self.backlog is None and not self.dropped:
            written = self._write(joined)
            if written is not None:
                return written
        return all(self.send_nowait(o.text, o.message, o.frame) for o in outs)

    def _write(self, data: bytes) -> bool | None:
        """Frames straight to the transport, after what uvicorn's ``send`` checks (without its
        coroutine and the middleware around it): True written, False gone, None paused."""
        wire = self.wire
        assert wire is not None
        if wire.conn.state is not _OPEN or wire.transport.is_closing():
            return False
        if not wire.writable.is_set():
            return None
        wire.transport.write(data)
        return True

    def send_nowait(
        self, text: str, message: MutableMapping[str, Any] | None = None, frame: bytes | None = None
    ) -> bool:
        """Write one text frame without waiting; False if the client is too far behind or gone.

        ``message`` is the ASGI message for ``text`` and ``frame`` its websocket frame
        (:func:`text_frame`), when the caller shares them among clients."""
        if self.dropped:
            return False
        if self.backlog is not None:
            self.backlog.append(text)
            self.backlog_bytes += len(text)
            return self.backlog_bytes <= MAX_BACKLOG_BYTES
        if self.wire is not None:
            written = self._write(frame if frame is not None else text_frame(text.encode()))
            return self._queue(text) if written is None else written
        coro = self.send(message or {"type": "websocket.send", "text": text})
        try:
            coro.send(None)  # type: ignore[attr-defined]
        except StopIteration:
            return True
        except Exception:
            return False
        coro.close()  # type: ignore[attr-defined]  # it was waiting for the transport: nothing written
        return self._queue(text)

    def _queue(self, text: str) -> bool:
        """Start the backlog with ``text`` and the task that drains it once the transport resumes."""
        self.backlog = deque([text])
        self.backlog_bytes = len(text)
        self.drainer = asyncio.get_running_loop().create_task(self._drain())
        return self.backlog_bytes <= MAX_BACKLOG_BYTES

    async def _drain(self) -> None:
        backlog = self.backlog
        assert backlog is not None
        try:
            while backlog and not self.dropped:
                await self.send({"type": "websocket.send", "text": backlog[0]})
                self.backlog_bytes -= len(backlog.popleft())
        except Exception:
            self.drop()
        finally:
            self.backlog = None
            self.backlog_bytes = 0

    def end(self, code: int, reason: str) -> None:
        """Close this client's socket with a close code and reason (a revoked token or session,
        docs/protocol.md), then end its handler."""
        if self.dropped:
            return
        self.dropped = True

        async def close() -> None:
            with contextlib.suppress(Exception):  # the socket may be gone already
                await self.send({"type": "websocket.close", "code": code, "reason": reason})
            for task in (self.drainer, self.task):
                if task is not None:
                    task.cancel()

        self.closing = asyncio.get_running_loop().create_task(close())

    def drop(self) -> None:
        """Stop sending to this client and end its handler (which closes the socket)."""
        if self.dropped:
            return
        self.dropped = True
        current = asyncio.current_task()
        for task in (self.drainer, self.task):
            if task is not None and task is not current:
                task.cancel()


class Fanout:
    def __init__(self) -> None:
        self.by_audience: dict[Audience, dict[int, Conn]] = {a: {} for a in AUDIENCES}
        self.dropped_total = 0
        self.added = 0

    def __len__(self) -> int:
        return sum(len(c) for c in self.by_audience.values())

    def direct(self) -> int:
        """How many connections get their frames written straight to the transport."""
        return sum(1 for conns in self.by_audience.values() for c in conns.values() if c.wire is not None)

    def add(self, conn: Conn) -> None:
        self.by_audience[conn.audience][conn.id] = conn
        self.added += 1
        if self.added % FREEZE_EVERY == 0:
            # Connections live for hours: move them (and everything else alive now) out of
            # the collector's sight, so that its full passes, which a wave of connections sets
            # off, do not walk all of them again (at 10,000 screens: pauses of 0.1-0.7 s). The
            # hub lets everything go back and collects once a day (Hub.collect_garbage).
            gc.freeze()

    def remove(self, conn: Conn) -> None:
        self.by_audience[conn.audience].pop(conn.id, None)

    def publish(self, payloads: dict[Audience, str | None], zone: str | None, others: str | None = None) -> None:
        """Send each audience its payload (None or absent: not for them). Screens of other zones
        skip it, or get ``others`` instead when given (the waiting counts the event changed)."""
        self.publish_many([(payloads, zone, others, None)])

    def publish_many(self, items: Sequence[Broadcast]) -> None:
        """Publish several messages (the events of one commit: a call is two) so that each
        connection gets those for it, in order, in one write (one system call, not one a
        message); each distinct text is encoded and framed once."""
        slow: list[Conn] = []
        outs: dict[str, _Out] = {}

        def out(text: str) -> _Out:
            o = outs.get(text)
            if o is None:
                o = outs[text] = _Out(text)
            return o

        for audience, conns in self.by_audience.items():
            if not conns:
                continue
            rows = [
                (out(text) if text is not None else None, zone, out(others) if others is not None else None, own)
                for payloads, zone, others, own in items
                if (text := payloads.get(audience)) is not None or (own and audience == "staff")
            ]
            if not rows:
                continue
            # by the screens' zone (and, for staff when a record has texts of its own, counter)
            plans: dict[tuple[str, int | None], tuple[list[_Out], bytes]] = {}
            by_counter = audience == "staff" and any(own for *_, own in rows)
            for conn in conns.values():
                key = (conn.zone, conn.counter if by_counter else None)
                plan = plans.get(key)
                if plan is None:
                    sends = []
                    for o, zone, other, own in rows:
                        mine = o if wants(conn.zone, zone) else other
                        if by_counter and own and conn.counter in own:
                            mine = out(own[conn.counter])  # in place of the shared text
                        if mine is not None:
                            sends.append(mine)
                    plan = plans[key] = (sends, b"".join(o.frame for o in sends))
                if plan[0] and not conn.send_all(*plan):
                    slow.append(conn)
        for conn in slow:
            self.remove(conn)
            conn.drop()
            self.dropped_total += 1
            log.info("dropped slow or closed client %s (%s)", conn.id, conn.actor)

    def send_where(self, audience: Audience, match: Callable[[Conn], bool], text: str) -> int:
        """Send one text to the clients of ``audience`` that ``match`` picks (the TVs' wait of a
        number taken now, server/boards.py), encoded and framed once; a client too far behind or
        gone is dropped, as ``publish_many`` drops it. How many it was sent to."""
        o = _Out(text)
        sent = 0
        slow: list[Conn] = []
        for conn in self.by_audience[audience].values():
            if match(conn):
                if conn.send_nowait(o.text, o.message, o.frame):
                    sent += 1
                else:
                    slow.append(conn)
        for conn in slow:
            self.remove(conn)
            conn.drop()
            self.dropped_total += 1
        return sent

    def end_where(self, match: Callable[[Conn], bool], code: int, reason: str) -> int:
        """Close every client that ``match`` picks with a close code; how many."""
        ended = [c for conns in self.by_audience.values() for c in conns.values() if match(c)]
        for conn in ended:
            conn.end(code, reason)
        return len(ended)

    def close_all(self) -> None:
        for conns in self.by_audience.values():
            for conn in list(conns.values()):
                conn.drop()
            conns.clear()

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

See ``docs/decisions/0002-broadcast-without-awaiting.md``.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .views import AUDIENCES, Audience

log = logging.getLogger("server.fanout")
SendFn = Callable[[MutableMapping[str, Any]], Awaitable[None]]
MAX_BACKLOG_BYTES = 4 * 1024 * 1024
_ids = itertools.count(1)


class Conn:
    """One websocket client, as the broadcaster sees it."""

    __slots__ = (
        "actor",
        "audience",
        "backlog",
        "backlog_bytes",
        "counter",
        "drainer",
        "dropped",
        "id",
        "role",
        "send",
        "task",
        "zone",
    )

    def __init__(self, send: SendFn, role: str, audience: Audience, actor: str, zone: str = "") -> None:
        self.id = next(_ids)
        self.send = send
        self.role = role
        self.audience = audience
        self.actor = actor
        self.zone = zone
        self.counter: int | None = None
        self.dropped = False
        self.task: asyncio.Task[Any] | None = asyncio.current_task()
        self.backlog: deque[str] | None = None
        self.backlog_bytes = 0
        self.drainer: asyncio.Task[None] | None = None

    def wants(self, zone: str | None) -> bool:
        """Whether an event of ``zone`` (None: every zone) is for this client."""
        return zone is None or not self.zone or self.zone == zone

    def send_nowait(self, text: str, message: MutableMapping[str, Any] | None = None) -> bool:
        """Write one text frame without waiting; False if the client is too far behind or gone.

        ``message`` is the ASGI message for ``text``, when the caller shares one among clients."""
        if self.dropped:
            return False
        if self.backlog is not None:
            self.backlog.append(text)
            self.backlog_bytes += len(text)
            return self.backlog_bytes <= MAX_BACKLOG_BYTES
        coro = self.send(message or {"type": "websocket.send", "text": text})
        try:
            coro.send(None)  # type: ignore[attr-defined]
        except StopIteration:
            return True
        except Exception:
            return False
        coro.close()  # type: ignore[attr-defined]  # it was waiting for the transport: nothing written
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

    def __len__(self) -> int:
        return sum(len(c) for c in self.by_audience.values())

    def add(self, conn: Conn) -> None:
        self.by_audience[conn.audience][conn.id] = conn

    def remove(self, conn: Conn) -> None:
        self.by_audience[conn.audience].pop(conn.id, None)

    def publish(self, payloads: dict[Audience, str | None], zone: str | None, others: str | None = None) -> None:
        """Send each audience its payload (None: not for them). Screens of other zones skip it, or
        get ``others`` instead when given (the waiting counts the event changed)."""
        slow: list[Conn] = []
        other_message = {"type": "websocket.send", "text": others} if others is not None else None
        for audience, text in payloads.items():
            if text is None:
                continue
            message = {"type": "websocket.send", "text": text}  # one ASGI message for all
            for conn in self.by_audience[audience].values():
                if conn.wants(zone):
                    if not conn.send_nowait(text, message):
                        slow.append(conn)
                elif other_message is not None and not conn.send_nowait(other_message["text"], other_message):
                    slow.append(conn)
        for conn in slow:
            self.remove(conn)
            conn.drop()
            self.dropped_total += 1
            log.info("dropped slow or closed client %s (%s)", conn.id, conn.actor)

    def close_all(self) -> None:
        for conns in self.by_audience.values():
            for conn in list(conns.values()):
                conn.drop()
            conns.clear()

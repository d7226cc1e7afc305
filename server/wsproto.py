"""uvicorn's websocket protocol (``websockets-sansio``), trimmed for thousands of idle screens.

A TV board holds its connection for a whole day and sends almost nothing. uvicorn gives each
connection an ``asyncio.Queue`` for what it receives and an ``asyncio.Event`` for "the transport
accepts writes": five deques (about 3.7 KiB) that stay allocated while nothing flows, and it
keeps the handshake's request and response (about 2.5 KiB of headers) for the connection's life.
:class:`QueueWebSocketProtocol` replaces the queue and the event with :class:`Inbox` and
:class:`Gate`, which hold nothing while idle, and lets the handshake go once it is answered.
Everything else (framing, ping/pong, the closing handshake) is uvicorn's. ``python -m server``
runs it (``uvicorn.run(ws=...)``); the broadcaster writes its frames to its transport
(``fanout.wire_of``, decision 0006).
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol


class Inbox:
    """What ``asyncio.Queue`` does for uvicorn's receive side (``put_nowait``, ``get``,
    ``empty``), for its one reader: no deque until a message is waiting, no future until the
    reader waits for one."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: deque[Any] | None = None
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Any) -> None:
        if self._items is None:
            self._items = deque()
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> Any:
        while not self._items:
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                self._waiter = None
        item = self._items.popleft()
        if not self._items:
            self._items = None
        return item

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items) if self._items else 0


class Gate:
    """What ``asyncio.Event`` does for uvicorn's "the transport accepts writes" (``set``,
    ``clear``, ``is_set``, ``wait``), without a deque of waiters while it is open."""

    __slots__ = ("_open", "_waiters")

    def __init__(self) -> None:
        self._open = True
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._open

    def set(self) -> None:
        self._open = True
        waiters, self._waiters = self._waiters, None
        for w in waiters or ():
            if not w.done():
                w.set_result(None)

    def clear(self) -> None:
        self._open = False

    async def wait(self) -> bool:
        if self._open:
            return True
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            if self._waiters is not None and waiter in self._waiters:
                self._waiters.remove(waiter)
        return True


class QueueWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O websocket protocol with :class:`Inbox`, :class:`Gate`, and without the
    handshake once it is answered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = Inbox()  # type: ignore[assignment]
        self.writable = Gate()  # type: ignore[assignment]

    async def send(self, message: Any) -> None:
        await super().send(message)
        if message["type"] == "websocket.accept" and self.handshake_complete:
            # uvicorn never reads these after the accept
            self.request = self.response = None  # type: ignore[assignment]

"""uvicorn's HTTP protocol (httptools) with a deadline on reading a request.

uvicorn times out a keep-alive connection only once it has answered a request on it
(``timeout_keep_alive``); a connection that never sends a byte, or stops in the middle of its
headers or its body, stays open for ever, and enough of them exhaust the open files (issue 17,
item 4). :class:`DeadlineHttpProtocol` closes a connection:

- whose request line and headers are not complete :data:`HEADERS_SECONDS` after the connection
  opened (or after the first byte of a following request on a kept-alive connection), whatever
  it sends in the meantime, a byte at a time or not at all;
- whose headers pass :data:`MAX_HEADER_BYTES` (answered 431);
- whose body sends nothing for :data:`BODY_IDLE_SECONDS` while the request still waits for it
  (a long upload that keeps sending is not cut; nor is one the server itself stopped reading).

A websocket upgrade leaves this protocol with its headers: the websocket's own rules follow
(``hello`` within 10 s, pings). Everything else is uvicorn's; ``python -m server`` runs it
(``uvicorn.Config(http=...)``).
"""

from __future__ import annotations

from asyncio import TimerHandle
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADERS_SECONDS = 10.0
BODY_IDLE_SECONDS = 10.0
MAX_HEADER_BYTES = 64 * 1024

_TOO_LARGE_BODY = b"request headers too large"
_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_TOO_LARGE_BODY), _TOO_LARGE_BODY)
)


class DeadlineHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol that does not wait for ever for a request's bytes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: TimerHandle | None = None
        self._in_headers = True  # from the connection until its first request's headers end
        self._in_body = False
        self._header_bytes = 0

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._arm(HEADERS_SECONDS)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        in_headers = self._in_headers
        super().data_received(data)
        if self.transport.is_closing():
            return
        if in_headers and self._in_headers:  # the headers have not ended yet (a body does not count)
            self._header_bytes += len(data)
            if self._header_bytes > MAX_HEADER_BYTES:
                self._disarm()
                self.transport.write(_TOO_LARGE)
                self.transport.close()
        elif self._in_body:
            self._arm(BODY_IDLE_SECONDS)  # the body moved: its idle time starts again

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if not self._in_headers:  # a following request on a kept-alive connection
            self._in_headers, self._header_bytes = True, 0
            self._arm(HEADERS_SECONDS)

    def on_headers_complete(self) -> None:
        self._in_headers = False
        self._disarm()
        super().on_headers_complete()
        if not (self.parser.should_upgrade() and self._should_upgrade()):
            self._in_body = True
            self._arm(BODY_IDLE_SECONDS)

    def on_message_complete(self) -> None:
        self._in_body = False
        self._disarm()
        super().on_message_complete()

    def handle_websocket_upgrade(self) -> None:
        self._disarm()
        self._in_headers = self._in_body = False
        super().handle_websocket_upgrade()

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self._in_body and self.flow.read_paused:  # the server is the one not reading
            self._arm(BODY_IDLE_SECONDS)
            return
        self.transport.close()

"""The names the server answers to. A page of another site whose name was made to point here
(DNS rebinding) sends its own name as ``Host``: every request and websocket handshake whose
``Host`` is not this server's is refused before anything else runs.

Allowed: 127.0.0.1, localhost and ::1; every address of this machine's network interfaces (a
LAN server, ``QUEUE_HOST=0.0.0.0``, works out of the box at its addresses, and an address a DHCP
lease changes is picked up); this machine's name (and ``NAME.local``); the address
``QUEUE_HOST`` names; the host of ``QUEUE_PUBLIC_URL`` (the TLS front passes the browser's
``Host`` on); and the names of ``QUEUE_ALLOWED_HOSTS``, comma-separated.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from .domain.errors import DomainError

LOCAL = frozenset({"127.0.0.1", "localhost", "::1"})
RECHECK_SECONDS = 10.0  # an unknown name looks at the interfaces again, at most this often


def host_name(header: str) -> str:
    """The name or address of a ``Host`` header, without its port, lower case: ``[::1]:8000``
    gives ``::1``, ``Example.org.:443`` gives ``example.org``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else ""
    if header.count(":") == 1:
        header = header.split(":", 1)[0]
    return header.rstrip(".")


def interface_addresses() -> set[str]:
    """This machine's own addresses: on Linux every local IPv4 address (``/proc/net/fib_trie``)
    and IPv6 address (``/proc/net/if_inet6``); elsewhere those its name resolves to."""
    found: set[str] = set()
    try:
        last = ""
        for line in Path("/proc/net/fib_trie").read_text().splitlines():
            text = line.strip()
            if text.startswith("|--"):
                last = text[3:].strip()
            elif "/32 host LOCAL" in text and last:
                found.add(last)
    except OSError:
        pass
    try:
        for line in Path("/proc/net/if_inet6").read_text().splitlines():
            found.add(str(ipaddress.IPv6Address(int(line.split()[0], 16))))
    except (OSError, ValueError, IndexError):
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, proto=socket.IPPROTO_TCP):
            found.add(str(info[4][0]).split("%", 1)[0])
    except OSError:
        pass
    return found


class HostSettings(Protocol):
    """What the check reads of a server's settings (``Settings``; the province view's too)."""

    @property
    def host(self) -> str: ...
    @property
    def public_url(self) -> str: ...
    @property
    def allowed_hosts(self) -> tuple[str, ...]: ...


def configured_names(settings: HostSettings) -> set[str]:
    """The names allowed by configuration and by this machine's name."""
    names = set(LOCAL)
    machine = socket.gethostname().lower()
    names.update({machine, f"{machine}.local"})
    if settings.host not in ("", "0.0.0.0", "::"):
        names.add(host_name(settings.host))
    if settings.public_url:
        names.add((urlsplit(settings.public_url).hostname or "").rstrip("."))
    names.update(host_name(h) for h in settings.allowed_hosts)
    names.discard("")
    return names


class Hosts:
    """The check of a request's ``Host``. ``server.app.QueueApp`` asks it first of every request
    and websocket handshake (a middleware of its own would add a coroutine to each websocket's
    lifelong chain: memory per connection, decision 0006). A refused request is answered ``421``
    with a ``forbidden_host`` error in Vietnamese and English; a refused handshake with ``403``,
    before the websocket endpoint runs."""

    def __init__(self, settings: HostSettings) -> None:
        self.names = frozenset(configured_names(settings))
        self.addresses = frozenset(interface_addresses())
        self.looked = time.monotonic()

    def allows(self, host: str) -> bool:
        if host in self.names or host in self.addresses:
            return True
        if time.monotonic() - self.looked >= RECHECK_SECONDS:  # an address that came up since
            self.addresses, self.looked = frozenset(interface_addresses()), time.monotonic()
            return host in self.addresses
        return False

    def admits(self, scope: Scope) -> bool:
        """Whether the request or handshake of ``scope`` names this server as its ``Host``."""
        header = next((v for k, v in scope["headers"] if k == b"host"), b"")
        return self.allows(host_name(header[:300].decode("latin-1")))

    async def refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "forbidden_host"})
            return
        exc = DomainError("forbidden_host", "host")
        body = {"code": exc.code, "message_vi": exc.message_vi, "message_en": exc.message_en, "field": exc.field}
        await JSONResponse({"error": body}, status_code=exc.status)(scope, receive, send)

"""Where a kiosk's tickets are printed (pure): its printer setting, written as text in the admin
pages and kept in the log (``DevicePrinterSet``).

- ``bridge``: the kiosk page prints through the bridge on its box (the default);
- ``none``: no printer; the patient remembers the number on the screen;
- ``escpos:HOST:PORT``: the server prints to an ESC/POS network printer (port 9100 if omitted);
- ``cups:QUEUE``: the server prints to a queue of the CUPS print server it runs beside.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from .errors import DomainError

PrinterKind = Literal["none", "bridge", "escpos", "cups"]
SERVER_SIDE = ("escpos", "cups")
MAX_LENGTH = 200
HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")
QUEUE = re.compile(r"[A-Za-z0-9_.-]{1,127}")  # what lpadmin accepts, less the odd characters


class Printer(NamedTuple):
    kind: PrinterKind
    host: str = ""
    port: int = 0
    queue: str = ""

    @property
    def server_side(self) -> bool:
        return self.kind in SERVER_SIDE

    def __str__(self) -> str:
        if self.kind == "escpos":
            return f"escpos:{self.host}:{self.port}"
        if self.kind == "cups":
            return f"cups:{self.queue}"
        return self.kind


def parse_printer(text: str) -> Printer:
    """The printer a setting names; ``invalid_printer`` if it names none."""
    kind, _, rest = text.strip().partition(":")
    if len(text) <= MAX_LENGTH:
        if kind in ("none", "bridge") and not rest:
            return Printer(kind)  # type: ignore[arg-type]
        if kind == "cups" and QUEUE.fullmatch(rest):
            return Printer("cups", queue=rest)
        host, _, port = rest.partition(":")
        if (
            kind == "escpos"
            and HOST.fullmatch(host)
            and (port == "" or (port.isascii() and port.isdigit() and 0 < int(port) < 65536))
        ):
            return Printer("escpos", host=host, port=int(port or 9100))
    raise DomainError("invalid_printer", "printer")

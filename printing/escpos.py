"""ESC/POS ticket printers (K9), by the kiosk's bridge and by the server alike: the ticket's
raster (``printing/ticket.py``) encoded as ``GS v 0`` by python-escpos and sent over the network
(TCP 9100), a serial port or a USB printer (the kernel's usblp device).

Before each ticket the printer's real-time status is asked (``DLE EOT 1``, ``4``, ``2``) with a
short timeout; paper out, cover open, offline or no answer refuse the job, so a ticket is never
held in the printer to come out later for nobody. The number stays valid: the kiosk shows it on
screen and staff are alerted."""

from __future__ import annotations

import os
import select
import socket
import termios
import time
import tty
from typing import Any
from urllib.parse import parse_qs, urlsplit

from PIL import Image

from .errors import PrinterError
from .ticket import Ticket, render

STATUS_TIMEOUT = 1.5


class Channel:
    """A byte channel to the printer: ``write`` everything, ``read`` one status byte with a timeout."""

    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def read_byte(self, timeout: float) -> int:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SocketChannel(Channel):
    """TCP 9100 (a network printer, or a print server in front of a USB one)."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)

    def write(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read_byte(self, timeout: float) -> int:
        self.sock.settimeout(timeout)
        reply = self.sock.recv(1)
        if not reply:
            raise OSError("no answer")
        return reply[0]

    def close(self) -> None:
        self.sock.close()


class DeviceChannel(Channel):
    """A device file: a serial port (``/dev/ttyUSB0``, set raw at ``baud``) or a USB printer
    through the kernel's usblp driver (``/dev/usb/lp0``, which reads status bytes back)."""

    def __init__(self, path: str, baud: int | None) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        if os.isatty(self.fd):
            tty.setraw(self.fd)
            attrs = termios.tcgetattr(self.fd)
            if baud:
                speed = getattr(termios, f"B{baud}")
                attrs[4] = attrs[5] = speed
            attrs[2] = (attrs[2] & ~termios.CRTSCTS) | termios.CLOCAL | termios.CREAD
            termios.tcsetattr(self.fd, termios.TCSANOW, attrs)
            termios.tcflush(self.fd, termios.TCIOFLUSH)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        deadline = time.monotonic() + 30
        while view:
            _, ready, _ = select.select([], [self.fd], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("the printer does not take data")
            view = view[os.write(self.fd, view) :]

    def read_byte(self, timeout: float) -> int:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            raise TimeoutError("no answer")
        reply = os.read(self.fd, 1)
        if not reply:
            raise OSError("no answer")
        return reply[0]

    def close(self) -> None:
        os.close(self.fd)


def check_status(channel: Channel, timeout: float = STATUS_TIMEOUT) -> None:
    """Raise the printer error if the printer is not ready (no answer counts as not ready)."""
    try:
        answers = []
        for n in (1, 4, 2):  # printer, roll paper sensor, offline cause
            channel.write(bytes([0x10, 0x04, n]))
            answers.append(channel.read_byte(timeout))
    except OSError as exc:
        raise PrinterError("printer_no_answer", type(exc).__name__) from None
    printer, paper, cause = answers
    if paper & 0x60 == 0x60 or cause & 0x20:
        raise PrinterError("paper_out")
    if cause & 0x04:
        raise PrinterError("cover_open")
    if printer & 0x08:
        raise PrinterError("printer_offline")


def ticket_bytes(image: Image.Image) -> bytes:
    """The ESC/POS job: the raster image as ``GS v 0``, then a cut."""
    from escpos.printer import Dummy

    job = Dummy()
    job.profile.profile_data["media"]["width"]["pixels"] = image.width  # else escpos prints a warning
    job.image(image, impl="bitImageRaster", center=False)
    job.cut()
    return bytes(job.output)


class EscposPrinter:
    """A ticket printer by address: ``tcp://HOST:9100``, ``serial:/dev/ttyUSB0?baud=9600`` or
    ``usb:/dev/usb/lp0``. The status is asked before each ticket (a job never waits in a
    printer that cannot print) and after it (paper that ran out during the ticket is reported)."""

    def __init__(self, address: str, width: int = 576) -> None:
        parts = urlsplit(address)
        self.address = address
        self.width = width
        self.kind = parts.scheme
        if parts.scheme == "tcp" and parts.hostname:
            self.host, self.port = parts.hostname, parts.port or 9100
        elif parts.scheme in ("serial", "usb") and parts.path.startswith("/"):
            self.path = parts.path
            baud = parse_qs(parts.query).get("baud", ["9600" if parts.scheme == "serial" else ""])[0]
            if baud and not hasattr(termios, f"B{baud}"):
                raise ValueError(f"unsupported baud rate {baud}")
            self.baud = int(baud) if baud else None
        else:
            raise ValueError("a printer address is tcp://HOST:9100, serial:/dev/ttyUSB0?baud=9600 or usb:/dev/usb/lp0")

    def _open(self) -> Channel:
        if self.kind == "tcp":
            return SocketChannel(self.host, self.port, STATUS_TIMEOUT)
        return DeviceChannel(self.path, self.baud)

    def print_ticket(self, ticket: Ticket) -> dict[str, Any]:
        image = render(ticket, self.width)
        job = ticket_bytes(image)
        try:
            channel = self._open()
        except OSError as exc:
            raise PrinterError("printer_no_answer", type(exc).__name__) from None
        try:
            check_status(channel)  # before
            try:
                channel.write(job)
            except OSError as exc:
                raise PrinterError("printer_no_answer", type(exc).__name__) from None
            check_status(channel, STATUS_TIMEOUT * 4)  # after: the printer answers once the job is taken
        finally:
            channel.close()
        return {"printed": True, "width": image.width, "height": image.height}

"""The ticket printer (K9): the ticket drawn with Pillow as a 1-bit raster (cheap printers have
no Vietnamese code page; a picture prints the same everywhere), 576 dots (80 mm) or 384 dots
(58 mm) wide, encoded as ``GS v 0`` by python-escpos and sent over the network (TCP 9100), a
serial port or a USB printer (the kernel's usblp device).

Before each ticket the printer's real-time status is asked (``DLE EOT 1``, ``4``, ``2``) with a
short timeout; paper out, cover open, offline or no answer refuse the job, so a ticket is never
held in the printer to come out later for nobody. The number stays valid: the kiosk shows it on
screen and staff are alerted. Font: DejaVu Sans (Debian ``fonts-dejavu-core``, free licence:
Bitstream Vera / DejaVu changes in the public domain), which has every Vietnamese letter."""

from __future__ import annotations

import os
import select
import socket
import termios
import time
import tty
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from PIL import Image, ImageDraw, ImageFont

from .errors import BridgeError

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
STATUS_TIMEOUT = 1.5


def printer_error(code: str, detail: str = "") -> BridgeError:
    """``paper_out``, ``cover_open``, ``printer_offline`` or ``printer_no_answer``."""
    return BridgeError(code, detail)


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for d in FONT_DIRS:
        if (d / name).exists():
            return ImageFont.truetype(str(d / name), size)
    raise FileNotFoundError("DejaVu Sans is needed for Vietnamese tickets (apt-get install fonts-dejavu-core)")


@dataclass(frozen=True)
class Ticket:
    unit: str
    service: str
    label: str
    counters: str  # e.g. "Quầy 1, 2, 3"
    ahead: int
    wait_minutes: int | None
    issued: str  # "30/11/2026 08:15"
    url: str  # the phone page that follows this ticket


def _wrap(draw: ImageDraw.ImageDraw, text: str, f: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if draw.textlength(candidate, font=f) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def render(t: Ticket, width: int = 576) -> Image.Image:
    """The ticket as a 1-bit image ``width`` dots wide (576 for 80 mm, 384 for 58 mm)."""
    import segno

    scale = width / 576
    margin = int(16 * scale)
    inner = width - 2 * margin
    canvas = Image.new("L", (width, 3000), 255)
    draw = ImageDraw.Draw(canvas)
    y = margin

    def centred(text: str, f: ImageFont.FreeTypeFont, gap: int = 6) -> None:
        nonlocal y
        for line in _wrap(draw, text, f, inner):
            left, top, right, bottom = (int(v) for v in draw.textbbox((0, 0), line, font=f))
            draw.text(((width - (right - left)) // 2 - left, y - top), line, font=f, fill=0)
            y += bottom - top + int(gap * scale)

    centred(t.unit.upper(), font(int(26 * scale), bold=True))
    y += int(6 * scale)
    draw.line((margin, y, width - margin, y), fill=0, width=max(1, int(2 * scale)))
    y += int(14 * scale)
    centred(t.service, font(int(30 * scale), bold=True))
    y += int(4 * scale)
    centred("SỐ THỨ TỰ / YOUR NUMBER", font(int(20 * scale)))
    centred(t.label, font(int(150 * scale), bold=True), gap=14)
    centred(f"Mời đến / Go to: {t.counters}", font(int(24 * scale)))
    wait = f"~{t.wait_minutes} phút / min" if t.wait_minutes is not None else "chưa có quầy mở / no counter open yet"
    centred(f"Người chờ trước / Ahead: {t.ahead}", font(int(22 * scale)))
    centred(f"Thời gian chờ / Wait: {wait}", font(int(22 * scale)))
    centred(t.issued, font(int(22 * scale)))
    y += int(10 * scale)
    qr = segno.make(t.url, error="m")
    modules = list(qr.matrix_iter(scale=1, border=2))
    box = max(2, int(inner * 0.45) // len(modules))
    buf = Image.new("L", (len(modules) * box, len(modules) * box), 255)
    qr_draw = ImageDraw.Draw(buf)
    for row, bits in enumerate(modules):
        for col, dark in enumerate(bits):
            if dark:
                qr_draw.rectangle((col * box, row * box, (col + 1) * box - 1, (row + 1) * box - 1), fill=0)
    canvas.paste(buf, ((width - buf.width) // 2, y))
    y += buf.height + int(6 * scale)
    centred("Quét để theo dõi lượt / Scan to follow your turn", font(int(18 * scale)))
    y += margin
    return canvas.crop((0, 0, width, y)).point(lambda v: 0 if v < 160 else 255, mode="1")


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
        raise printer_error("printer_no_answer", type(exc).__name__) from None
    printer, paper, cause = answers
    if paper & 0x60 == 0x60 or cause & 0x20:
        raise printer_error("paper_out")
    if cause & 0x04:
        raise printer_error("cover_open")
    if printer & 0x08:
        raise printer_error("printer_offline")


def ticket_bytes(image: Image.Image) -> bytes:
    """The ESC/POS job: the raster image as ``GS v 0``, then a cut."""
    from escpos.printer import Dummy

    job = Dummy()
    job.profile.profile_data["media"]["width"]["pixels"] = image.width  # else escpos prints a warning
    job.image(image, impl="bitImageRaster", center=False)
    job.cut()
    return bytes(job.output)


class Printer:
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
            raise printer_error("printer_no_answer", type(exc).__name__) from None
        try:
            check_status(channel)  # before
            try:
                channel.write(job)
            except OSError as exc:
                raise printer_error("printer_no_answer", type(exc).__name__) from None
            check_status(channel, STATUS_TIMEOUT * 4)  # after: the printer answers once the job is taken
        finally:
            channel.close()
        return {"printed": True, "width": image.width, "height": image.height}

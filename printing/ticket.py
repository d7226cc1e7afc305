"""The printed ticket (K9), the same on every printer: drawn with Pillow as a 1-bit raster
(cheap printers have no Vietnamese code page; a picture prints the same everywhere), 576 dots
(80 mm) or 384 dots (58 mm) wide, with the QR code of the phone page that follows the ticket.
The ESC/POS printers (``printing/escpos.py``) and the CUPS queues (``printing/cups.py``) print
this one image. Font: DejaVu Sans (Debian ``fonts-dejavu-core``, free licence: Bitstream Vera /
DejaVu changes in the public domain), which has every Vietnamese letter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]


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
    booked: str = ""  # the booked slot the ticket honours, "09:00–09:30" (none: a walk-in)
    wait_at: str = ""  # the expected call time, "09:30", or the start of its band (none: the minutes alone)
    wait_to: str = ""  # the end of the band the call is expected in, "09:45" (none: one time)
    late: bool = False  # no counter is expected to call it before closing time


def wait_text(t: Ticket) -> str:
    """The wait as printed: the band the call is expected in, the expected call time with the
    minutes, the minutes alone, no counter open, or not before closing time."""
    if t.late:
        return "có thể không kịp trong hôm nay / may not be called today"
    if t.wait_minutes is None:
        return "chưa có quầy mở / no counter open yet"
    if t.wait_at and t.wait_to:
        return f"khoảng {t.wait_at} – {t.wait_to} / about {t.wait_at}-{t.wait_to}"
    if t.wait_at:
        return f"khoảng {t.wait_at} (~{t.wait_minutes} phút) / about {t.wait_at}"
    return f"~{t.wait_minutes} phút / min"


def wait_line(t: Ticket) -> str:
    """The printed line of the wait: an expected time of day is "Dự kiến gọi / Expected call", as
    the kiosk's screen says it; minutes alone, or none, are "Thời gian chờ / Wait"."""
    label = (
        "Dự kiến gọi / Expected call"
        if t.wait_at and not t.late and t.wait_minutes is not None
        else "Thời gian chờ / Wait"
    )
    return f"{label}: {wait_text(t)}"


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
    if t.booked:
        centred(f"Lịch hẹn / Booked: {t.booked}", font(int(24 * scale), bold=True))
    centred(f"Người chờ trước / Ahead: {t.ahead}", font(int(22 * scale)))
    centred(wait_line(t), font(int(22 * scale)))
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

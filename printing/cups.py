"""Ticket printers known only to CUPS (Debian ``cups``): any queue the print server has, a
receipt printer with its CUPS driver, an office laser printer, or a PDF queue
(``printer-driver-cups-pdf``). The ticket is the same raster as on an ESC/POS printer
(``printing/ticket.py``), sent as a one-page PDF whose page is the ticket's size at the
raster's 203 dpi, with the number and the link as an invisible text layer (as in a scanned
document: a PDF queue's files can be searched by number). ``lp`` submits it, ``lpstat`` follows
it, ``cancel`` withdraws it.

Before each ticket the queue is asked: unknown, disabled (stopped) or refusing jobs refuse the
ticket; after it is submitted, the job must leave the queue within ``JOB_TIMEOUT`` seconds, or
it is cancelled and the ticket refused, so that a ticket never comes out later for nobody.
``CUPS_SERVER`` (the environment) names another print server than the local one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import zlib
from typing import Any

from PIL import Image

from .errors import PrinterError
from .ticket import Ticket, render

DPI = 203  # the raster's dots per inch, as on an 80 mm receipt printer
JOB_TIMEOUT = 20.0
COMMAND_TIMEOUT = 10.0
QUEUE = re.compile(r"[A-Za-z0-9_.-]{1,127}")


def pdf_of(image: Image.Image, words: list[str]) -> bytes:
    """A one-page PDF of the 1-bit ``image`` at ``DPI``, with ``words`` (ASCII) as a text layer
    under it: white text the opaque image covers (invisible text, render mode 3, does not survive
    every CUPS filter chain; text under an image does)."""
    bits = image.convert("1")
    w, h = bits.size
    width_pt, height_pt = w * 72 / DPI, h * 72 / DPI
    raw = zlib.compress(bits.tobytes())  # rows padded to whole bytes, 1 is white (Pillow's "1")
    text = " ".join(words).encode("ascii", "replace")
    text = text.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    content = (
        f"BT 1 g /F1 10 Tf 4 {height_pt - 14:.2f} Td (".encode()
        + text
        + f") Tj ET\nq {width_pt:.2f} 0 0 {height_pt:.2f} 0 0 cm /Im0 Do Q\n".encode()
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width_pt:.2f} {height_pt:.2f}] "
        "/Resources << /XObject << /Im0 4 0 R >> /Font << /F1 5 0 R >> >> /Contents 6 0 R >>".encode(),
        f"<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray "
        f"/BitsPerComponent 1 /Filter /FlateDecode /Length {len(raw)} >>\nstream\n".encode()
        + raw
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"endstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


class CupsPrinter:
    """A CUPS queue by name (``lpstat -p`` lists them). The queue is asked before each ticket,
    and the job followed until it has left the queue (printed) or ``job_timeout`` has passed
    (then it is cancelled)."""

    def __init__(self, queue: str, width: int = 576, job_timeout: float = JOB_TIMEOUT) -> None:
        if not QUEUE.fullmatch(queue):
            raise ValueError("a CUPS queue name is 1-127 letters, digits, dots, hyphens or underscores")
        self.queue = queue
        self.width = width
        self.job_timeout = job_timeout

    def _run(self, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        if shutil.which(args[0]) is None:
            raise PrinterError("printer_no_answer", f"{args[0]} not found (apt-get install cups-client)")
        try:
            return subprocess.run(
                args,
                input=data,
                capture_output=True,
                timeout=COMMAND_TIMEOUT,
                check=False,
                env={**os.environ, "LC_ALL": "C"},
            )
        except subprocess.TimeoutExpired:
            raise PrinterError("printer_no_answer", f"{args[0]} timed out") from None

    def check_queue(self) -> None:
        """Raise the printer error unless the queue exists, is enabled and accepts jobs."""
        state = self._run("lpstat", "-p", self.queue)
        if state.returncode != 0:
            raise PrinterError("printer_no_answer", state.stderr.decode(errors="replace").strip()[:200])
        accepting = self._run("lpstat", "-a", self.queue)
        if b"disabled" in state.stdout or b"not accepting" in accepting.stdout:
            raise PrinterError("printer_offline", state.stdout.decode(errors="replace").strip()[:200])

    def _pending(self, job: str) -> bool:
        jobs = self._run("lpstat", "-o", self.queue)
        return any(line.split()[:1] == [job] for line in jobs.stdout.decode(errors="replace").splitlines())

    def print_ticket(self, ticket: Ticket, title: str = "") -> dict[str, Any]:
        image = render(ticket, self.width)
        pdf = pdf_of(image, [ticket.label, ticket.url])
        self.check_queue()
        submitted = self._run("lp", "-d", self.queue, "-t", title or ticket.label, "-", data=pdf)
        found = re.search(rb"request id is (\S+)", submitted.stdout)
        if submitted.returncode != 0 or found is None:
            raise PrinterError("printer_no_answer", submitted.stderr.decode(errors="replace").strip()[:200])
        job = found.group(1).decode()
        deadline = time.monotonic() + self.job_timeout
        while self._pending(job):
            if time.monotonic() > deadline:
                self._run("cancel", job)  # never printed later, for nobody
                self.check_queue()  # a queue stopped meanwhile says why
                raise PrinterError("printer_no_answer", f"job {job} still waiting after {self.job_timeout:.0f} s")
            time.sleep(0.2)
        return {"printed": True, "width": image.width, "height": image.height, "job": job}

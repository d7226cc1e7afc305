"""Printing without the bridge: a kiosk whose printer the admin set to an ESC/POS network printer
or a CUPS queue gets each ticket it issues printed by the server, once the ticket is durable, and
a printer fault reaches staff as the bridge's do. Against emupos (an ESC/POS printer simulator)
and a real CUPS with a CUPS-PDF queue, whose PDF is read back: the number as text
(``pdftotext``), the QR code from the page's picture (``pdftoppm`` and OpenCV)."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import math
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from printing.cups import CupsPrinter
from printing.errors import PrinterError
from printing.ticket import Ticket, render
from server.domain.config import Config
from server.domain.config_check import config_from_toml
from server.printers import printed_band

from .cups_harness import PdfQueue, dead_queue, jobs, pdf_queue
from .emupos_harness import Emupos, running_emupos, wait_receipts
from .server_harness import ROOT, Client, ServerProc, free_port

PUBLIC = "http://hang-doi.benhvien.lan:8000"
CONFIG = config_from_toml((ROOT / "config" / "demo.toml").read_bytes())


@pytest.fixture(scope="module")
def emupos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emupos]:
    with running_emupos(tmp_path_factory.mktemp("emupos")) as emu:
        yield emu


@pytest.fixture(scope="module")
def cups() -> Iterator[PdfQueue]:
    with pdf_queue() as queue:
        yield queue


@pytest.fixture
def site(tmp_path: Path) -> Iterator[ServerProc]:
    proc = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_PUBLIC_URL=PUBLIC).start()
    yield proc
    proc.kill()


class Floor:
    """The kiosk, an admin's socket and a counter's staff screen (who hears of faults)."""

    def __init__(self, kiosk: Client, admin: Client, staff: Client) -> None:
        self.kiosk, self.admin, self.staff = kiosk, admin, staff

    async def set_printer(self, printer: str) -> dict[str, Any]:
        return await self.admin.command({"type": "set_device_printer", "device": "kiosk-1", "printer": printer})

    async def issue(self, service: str = "A") -> dict[str, Any]:
        ack = await self.kiosk.command({"type": "issue_ticket", "service": service}, key=f"k{time.monotonic_ns()}")
        assert ack["type"] == "ack", ack
        return dict(ack["result"])

    async def alert(self, timeout: float = 30) -> dict[str, Any]:
        while True:
            msg = await self.staff.recv(timeout)
            if msg["type"] == "alert":
                return msg


@pytest.fixture
async def floor(site: ServerProc) -> AsyncIterator[Floor]:
    token = site.login()
    admin, staff, kiosk = [await Client.connect(site.ws_url) for _ in range(3)]
    await admin.hello("admin", token)
    await staff.hello("counter", token, counter=1)
    await kiosk.hello("kiosk", site.device_tokens()["kiosk-1"])
    yield Floor(kiosk, admin, staff)
    for c in (kiosk, admin, staff):
        await c.close()


def expected(result: dict[str, Any], config: Config = CONFIG) -> Ticket:
    """The ticket as the kiosk page words it for the bridge (clients/kiosk/controller.js)."""
    service = config.service(result["service"])
    assert service is not None
    names = [c.name for n in result["counters"] if (c := config.counter(n)) is not None]
    local = dt.datetime.fromtimestamp(result["issued_at"], config.tzinfo())
    wait = result["wait_minutes"]
    # the band's ends rounded outward, nothing before the time of issue, as flow.printedWait does
    call_at, call_to = printed_band(result, result["issued_at"])
    tz = config.tzinfo()
    return Ticket(
        unit=config.unit.name,
        service=service.name,
        label=result["ticket"],
        counters=", ".join(names),
        ahead=result["ahead"],
        wait_minutes=None if wait is None else max(1, math.floor(wait + 0.5)),  # JS Math.round
        issued=f"{local:%H:%M} {local:%d/%m/%Y}",
        url=f"{PUBLIC}/t/{result['ticket']}?d={local:%Y-%m-%d}",  # the day, as flow.phoneUrl
        wait_at=f"{dt.datetime.fromtimestamp(call_at, tz):%H:%M}" if call_at is not None else "",
        wait_to=f"{dt.datetime.fromtimestamp(call_to, tz):%H:%M}" if call_to is not None else "",
        late=result.get("late", False),
    )


async def test_the_server_prints_a_kiosk_ticket_on_an_escpos_printer(floor: Floor, emupos: Emupos) -> None:
    import zxingcpp

    assert (await floor.set_printer(f"escpos:127.0.0.1:{emupos.port}"))["type"] == "ack"
    before = len(emupos.receipts_list())
    result = await floor.issue()
    receipts = await asyncio.to_thread(wait_receipts, emupos, before + 1)
    assert len(receipts) == before + 1
    png = emupos.api("GET", f"/devices/front/receipts/{receipts[-1]['id']}/image")
    printed = Image.open(io.BytesIO(png)).convert("1")
    ours = render(expected(result), 576)
    assert printed.size == ours.size
    assert ImageChops.difference(printed.convert("L"), ours.convert("L")).getbbox() is None  # the bridge's ticket
    assert [c.text for c in zxingcpp.read_barcodes(printed.convert("L"))] == [expected(result).url]


async def test_an_escpos_fault_reaches_staff_and_the_ticket_never_comes_out_later(floor: Floor, emupos: Emupos) -> None:
    await floor.set_printer(f"escpos:127.0.0.1:{emupos.port}")
    before = len(emupos.receipts_list())
    emupos.api("PUT", "/devices/front/faults/paper-out")
    try:
        result = await floor.issue()
        alert = await floor.alert()
        assert alert == {**alert, "device": "device:kiosk-1", "part": "printer", "code": "paper_out", "ok": False}
        assert alert["label"] == result["ticket"]
        # the kiosk page (no bridge, or one without a printer) does not speak for the server's printer
        await floor.kiosk.send({"type": "report", "id": "r1", "what": "device_ok", "part": "printer"})
        await floor.kiosk.recv()
        with pytest.raises(TimeoutError):
            await floor.alert(timeout=1)
    finally:
        emupos.api("DELETE", "/devices/front/faults/paper-out")
    await asyncio.sleep(1.5)  # the fault is cleared: a held job would come out now
    assert len(emupos.receipts_list()) == before
    await floor.issue()  # paper again: the next ticket prints, and staff hear the fault is over
    fixed = await floor.alert()
    assert fixed == {**fixed, "device": "device:kiosk-1", "part": "printer", "ok": True}
    assert len(await asyncio.to_thread(wait_receipts, emupos, before + 1)) == before + 1


async def test_a_kiosk_printing_through_its_bridge_gets_nothing_from_the_server(floor: Floor, emupos: Emupos) -> None:
    await floor.set_printer(f"escpos:127.0.0.1:{emupos.port}")
    await floor.set_printer("bridge")
    before = len(emupos.receipts_list())
    await floor.issue()
    await asyncio.sleep(1.5)
    assert len(emupos.receipts_list()) == before


async def test_a_bad_printer_setting_is_refused_in_both_languages(floor: Floor) -> None:
    error = await floor.set_printer("escpos:10.0.0.5:99999")
    assert error["type"] == "error" and error["code"] == "invalid_printer" and error["field"] == "printer"
    assert "escpos:MÁY:CỔNG" in error["message_vi"] and "escpos:HOST:PORT" in error["message_en"]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_qr(path: Path, work: Path) -> str:
    """The QR code on the PDF's page, as OpenCV's QRCodeDetector reads the page's picture."""
    import cv2

    subprocess.run(["pdftoppm", "-r", "203", "-png", "-singlefile", str(path), str(work / "page")], check=True)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(cv2.imread(str(work / "page.png")))
    return str(text)


async def test_the_server_prints_a_kiosk_ticket_on_a_cups_queue(floor: Floor, cups: PdfQueue, tmp_path: Path) -> None:
    assert (await floor.set_printer(f"cups:{cups.name}"))["type"] == "ack"
    before = cups.files()
    result = await floor.issue()
    label = result["ticket"]
    pdf = await asyncio.to_thread(cups.wait_file, before, f"kiosk-1_{label}")
    try:
        assert label in pdf_text(pdf).split()
        assert pdf_qr(pdf, tmp_path) == expected(result).url  # the day too
    finally:
        pdf.unlink()
    with pytest.raises(TimeoutError):
        await floor.alert(timeout=1)  # printed: no fault


async def test_a_stopped_cups_queue_reaches_staff_and_prints_nothing(
    floor: Floor, cups: PdfQueue, tmp_path: Path
) -> None:
    await floor.set_printer(f"cups:{cups.name}")
    cups.disable()
    try:
        before = cups.files()
        result = await floor.issue()
        alert = await floor.alert()
        assert alert == {**alert, "device": "device:kiosk-1", "part": "printer", "code": "printer_offline"}
        assert alert["label"] == result["ticket"] and alert["ok"] is False
    finally:
        cups.enable()
    await asyncio.sleep(1.5)
    assert not [p for p in cups.files() - before if p.name.startswith(f"kiosk-1_{result['ticket']}")]
    await floor.set_printer("cups:no-such-queue")
    await floor.issue()
    assert (await floor.alert())["code"] == "printer_no_answer"


def test_a_cups_job_that_does_not_print_in_time_is_cancelled(cups: PdfQueue) -> None:
    """A queue whose printer never answers keeps the job (CUPS retries): after the timeout it is
    cancelled and the ticket refused, so it never comes out later for nobody."""
    ticket = expected(
        {"service": "A", "counters": [1], "issued_at": time.time(), "wait_minutes": None, "ahead": 0, "ticket": "A999"}
    )
    with dead_queue(free_port()) as queue:
        started = time.monotonic()
        with pytest.raises(PrinterError) as err:
            CupsPrinter(queue, job_timeout=2).print_ticket(ticket)
        assert err.value.code == "printer_no_answer" and "still waiting" in err.value.detail
        assert 2 <= time.monotonic() - started < 10
        assert jobs(queue) == []

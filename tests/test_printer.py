"""The ticket printer against emupos, an ESC/POS printer simulator from PyPI (Python >= 3.13,
in its own virtual environment made by this test): what it prints is pixel-identical to our
render, its QR code decodes to the ticket's URL, and with paper out the job is refused with
our error code and never comes out later."""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Iterator

import pytest
from PIL import Image, ImageChops

from printing.errors import PrinterError
from printing.escpos import EscposPrinter
from printing.ticket import Ticket, render, wait_line, wait_text
from server.domain import commands as cmd
from server.domain.access import Actor
from server.domain.handle import handle
from server.domain.identity import Identity
from server.printers import printed_band, ticket_of

from .domain.sim import VN, Sim
from .emupos_harness import Emupos, running_emupos, wait_receipts
from .server_harness import free_port


@pytest.fixture(scope="module")
def emupos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emupos]:
    with running_emupos(tmp_path_factory.mktemp("emupos")) as emu:
        yield emu


TICKET = Ticket(
    unit="Trung tâm Y tế huyện Hòa An",
    service="Tiếp nhận BHYT",
    label="A023",
    counters="Quầy 1, 2, 3",
    ahead=4,
    wait_minutes=12,
    issued="30/11/2026 08:15",
    url="http://127.0.0.1:8000/t/A023",
)


def address(emupos: Emupos, transport: str) -> str:
    """The same emulated printer on TCP 9100 or on its serial port (a pty emupos publishes).
    ``usb`` opens that pty as a plain device file, as the bridge opens /dev/usb/lp0 (usblp):
    the same code path, without a USB printer to plug in here."""
    if transport == "tcp":
        return f"tcp://127.0.0.1:{emupos.port}"
    return f"serial:{emupos.serial}?baud=9600" if transport == "serial" else f"usb:{emupos.serial}"


@pytest.mark.parametrize("transport", ["tcp", "serial", "usb"])
def test_the_printed_ticket_is_our_render_and_its_qr_is_the_url(emupos: Emupos, transport: str) -> None:
    import zxingcpp

    before = len(emupos.receipts_list())
    result = EscposPrinter(address(emupos, transport)).print_ticket(TICKET)
    assert result["printed"] is True
    receipts = wait_receipts(emupos, before + 1)
    assert len(receipts) == before + 1
    png = emupos.api("GET", f"/devices/front/receipts/{receipts[-1]['id']}/image")
    printed = Image.open(io.BytesIO(png)).convert("1")
    ours = render(TICKET, 576)
    assert printed.size == ours.size
    assert ImageChops.difference(printed.convert("L"), ours.convert("L")).getbbox() is None  # pixel-identical
    codes = zxingcpp.read_barcodes(printed.convert("L"))
    assert [c.text for c in codes] == ["http://127.0.0.1:8000/t/A023"]


def test_vietnamese_letters_are_drawn_and_58mm_fits() -> None:
    narrow = render(TICKET, 384)
    assert narrow.width == 384 and narrow.mode == "1"
    # the unit name in capitals has Ộ, À, Ế: every letter drawn (not a box), compared with ASCII
    wide = render(TICKET, 576)
    plain = render(Ticket(**{**TICKET.__dict__, "unit": "Trung tam Y te huyen Hoa An"}), 576)
    assert ImageChops.difference(wide.convert("L"), plain.convert("L")).getbbox() is not None


def test_a_booked_ticket_prints_its_slot_under_the_counters() -> None:
    walk_in = render(TICKET, 384)
    booked = render(Ticket(**{**TICKET.__dict__, "booked": "09:00–09:30"}), 384)
    assert booked.width == 384 and booked.height > walk_in.height  # one more line, within the width
    grown = booked.height - walk_in.height
    first = ImageChops.difference(walk_in, booked.crop((0, 0, 384, walk_in.height))).getbbox()
    assert first is not None and first[1] > walk_in.height // 4  # the unit, service and number unchanged
    below = (0, first[1], 384, walk_in.height)  # the rest (wait, time, QR) the same, a line lower
    shifted = booked.crop((0, first[1] + grown, 384, booked.height))
    assert ImageChops.difference(walk_in.crop(below), shifted).getbbox() is None


@pytest.mark.parametrize(
    ("fault", "code", "transport"),
    [
        ("paper-out", "paper_out", "tcp"),
        ("cover-open", "cover_open", "tcp"),
        ("offline", "printer_offline", "tcp"),
        ("paper-out", "paper_out", "serial"),
    ],
)
def test_a_printer_fault_refuses_the_job_and_nothing_prints_later(
    emupos: Emupos, fault: str, code: str, transport: str
) -> None:
    before = len(emupos.receipts_list())
    emupos.api("PUT", f"/devices/front/faults/{fault}")
    try:
        with pytest.raises(PrinterError) as err:
            EscposPrinter(address(emupos, transport)).print_ticket(TICKET)
        assert err.value.code == code and err.value.message_vi
    finally:
        emupos.api("DELETE", f"/devices/front/faults/{fault}")
    time.sleep(1.5)  # the fault is cleared: a held job would come out now
    assert len(emupos.receipts_list()) == before


def test_printer_addresses() -> None:
    assert EscposPrinter("tcp://10.0.0.5").port == 9100
    assert EscposPrinter("serial:/dev/ttyUSB0").baud == 9600
    assert EscposPrinter("serial:/dev/ttyS0?baud=19200").baud == 19200
    assert EscposPrinter("usb:/dev/usb/lp0").baud is None
    for bad in ("lpt1", "tcp://", "serial:/dev/ttyS0?baud=12345", "usb:lp0", "http://printer"):
        with pytest.raises(ValueError):
            EscposPrinter(bad)
    with pytest.raises(PrinterError) as err:
        EscposPrinter("usb:/nonexistent/lp9").print_ticket(TICKET)
    assert err.value.code == "printer_no_answer"


def test_no_printer_is_an_error_too() -> None:
    with pytest.raises(PrinterError) as err:
        EscposPrinter(f"tcp://127.0.0.1:{free_port()}").print_ticket(TICKET)
    assert err.value.code == "printer_no_answer"


def test_the_wait_is_printed_as_the_expected_call_time() -> None:
    at = Ticket(**{**TICKET.__dict__, "wait_at": "09:30"})
    assert wait_text(at) == "khoảng 09:30 (~12 phút) / about 09:30"
    assert wait_text(TICKET) == "~12 phút / min"
    assert wait_text(Ticket(**{**TICKET.__dict__, "wait_minutes": None})) == "chưa có quầy mở / no counter open yet"
    assert wait_text(Ticket(**{**TICKET.__dict__, "wait_minutes": None, "late": True})).startswith("có thể không kịp")
    assert ImageChops.difference(
        render(TICKET, 384), render(at, 384).crop((0, 0, 384, render(TICKET, 384).height))
    ).getbbox()


def test_the_band_is_printed_as_two_times() -> None:
    band = Ticket(**{**TICKET.__dict__, "wait_at": "09:20", "wait_to": "09:45"})
    assert wait_text(band) == "khoảng 09:20 – 09:45 / about 09:20-09:45"
    at = Ticket(**{**TICKET.__dict__, "wait_at": "09:20"})
    assert ImageChops.difference(render(at, 576), render(band, 576).crop((0, 0, 576, render(at, 576).height))).getbbox()


def test_the_server_words_the_expected_call_time() -> None:
    sim = Sim(start=dt.datetime(2026, 11, 23, 9, 5, tzinfo=VN))
    sim.open(1)
    kiosk = Actor("device:kiosk-1", "kiosk")
    first = handle(sim.state, cmd.IssueTicket(service="A"), sim.now, kiosk)
    second = handle(sim.state, cmd.IssueTicket(service="A"), sim.now, kiosk)
    assert ticket_of(sim.state, first.records[-1], first.result, "http://q").wait_at == "09:05"
    printed = ticket_of(sim.state, second.records[-1], second.result, "http://q")
    # one ahead, 4 minutes: 09:09, its band under 10 minutes wide: one time, to 5 minutes
    assert (printed.wait_at, printed.wait_to, printed.wait_minutes, printed.late) == ("09:10", "", 4, False)
    for _ in range(6):
        sim.issue("A")
    eighth = handle(sim.state, cmd.IssueTicket(service="A"), sim.now, kiosk)
    band = ticket_of(sim.state, eighth.records[-1], eighth.result, "http://q")
    at = f"{dt.datetime.fromtimestamp(eighth.result['call_at'], VN):%H:%M}"  # seven ahead: about 09:33
    assert band.wait_to and band.wait_at < at < band.wait_to, (band, at)
    assert all(int(x[3:]) % 5 == 0 for x in (band.wait_at, band.wait_to))


def test_a_band_is_rounded_outward_to_five_minutes_and_a_narrow_one_is_one_time() -> None:
    nine = dt.datetime(2026, 11, 23, 9, 0, tzinfo=VN).timestamp()
    band = {"call_at": nine + 1800, "call_from": nine + 1261, "call_to": nine + 2579}
    assert printed_band(band) == (nine + 1200, nine + 2700)
    assert printed_band({**band, "call_from": nine + 1500, "call_to": nine + 2099}) == (nine + 1800, None)
    assert printed_band({**band, "call_from": None, "call_to": None}) == (nine + 1800, None), (
        "a server without the band"
    )
    assert printed_band({"call_at": None, "call_from": None, "call_to": None}) == (None, None)


def test_nothing_printed_is_already_past_as_on_the_kiosk_screen() -> None:
    """callBand's rule with the time of issue: at 18:17 with nobody ahead the ticket says 18:20
    (the kiosk's screen does), not 18:15; a band starts no earlier than the current 5 minutes."""
    now = dt.datetime(2026, 11, 23, 18, 17, tzinfo=VN).timestamp()
    five = dt.datetime(2026, 11, 23, 18, 15, tzinfo=VN).timestamp()
    alone = {"call_at": now, "call_from": now - 120, "call_to": now + 240}
    assert printed_band(alone) == (five, None), "without the time of issue: rounded to the nearest"
    assert printed_band(alone, now) == (five + 300, None)
    band = {"call_at": now + 600, "call_from": now - 900, "call_to": now + 1500}
    assert printed_band(band, now) == (five, five + 1800)
    assert printed_band({**band, "call_at": now - 60, "call_from": None}, now) == (now - 60, None)
    half = five + 150  # halfway between 18:15 and 18:20: up, as Math.round does on the kiosk
    assert printed_band({"call_at": half, "call_from": half, "call_to": half}) == (five + 300, None)


def test_an_expected_time_is_printed_as_the_expected_call() -> None:
    at = Ticket(**{**TICKET.__dict__, "wait_at": "09:20", "wait_to": "09:45"})
    assert wait_line(at) == "Dự kiến gọi / Expected call: khoảng 09:20 – 09:45 / about 09:20-09:45"
    assert wait_line(TICKET) == "Thời gian chờ / Wait: ~12 phút / min"
    late = Ticket(**{**at.__dict__, "late": True})
    assert wait_line(late).startswith("Thời gian chờ / Wait: có thể không kịp")


def test_the_server_words_a_booked_ticket_with_its_slot() -> None:
    sim = Sim(start=dt.datetime(2026, 11, 23, 9, 5, tzinfo=VN))
    booking = cmd.BookingIn(id="B1", service="A", slot_start="09:00", slot_end="09:30", id_number="001090000001")
    sim.do(cmd.LoadBookings(day="2026-11-23", bookings=[booking]), actor=Actor("his:main", "system"))
    kiosk = Actor("device:kiosk-1", "kiosk")
    walk_in = handle(sim.state, cmd.IssueTicket(service="A"), sim.now, kiosk)
    booked = handle(sim.state, cmd.IssueTicket(service="A", identity=Identity("typed", "001090000001")), sim.now, kiosk)
    assert ticket_of(sim.state, walk_in.records[-1], walk_in.result, "http://q").booked == ""
    assert ticket_of(sim.state, booked.records[-1], booked.result, "http://q").booked == "09:00–09:30"

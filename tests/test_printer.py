"""The ticket printer against emupos, an ESC/POS printer simulator from PyPI (Python >= 3.13,
in its own virtual environment made by this test): what it prints is pixel-identical to our
render, its QR code decodes to the ticket's URL, and with paper out the job is refused with
our error code and never comes out later."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from hw_bridge.cccd.errors import BridgeError
from hw_bridge.printer import NetworkPrinter, Ticket, render

from .server_harness import ROOT, free_port

EMUPOS_VENV = ROOT / ".venv-emupos"


def python313() -> str | None:
    for candidate in (
        shutil.which("python3.13"),
        "/root/.pyenv/versions/3.13.0/bin/python",
        os.path.expanduser("~/.pyenv/versions/3.13.0/bin/python"),
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def emupos_binary() -> Path:
    binary = EMUPOS_VENV / "bin" / "emupos"
    if binary.exists():
        return binary
    python = python313()
    if python is None:
        if os.environ.get("CI") == "true":
            pytest.fail("emupos needs Python 3.13 (pyenv 3.13.0 on this image); required under CI=true")
        pytest.skip("Python 3.13 not found for emupos")
    subprocess.run([python, "-m", "venv", str(EMUPOS_VENV)], check=True)
    subprocess.run([str(EMUPOS_VENV / "bin" / "pip"), "install", "-q", "emupos>=0.4,<0.5"], check=True, timeout=600)
    return binary


class Emupos:
    def __init__(self, work: Path) -> None:
        self.port, self.api_port = free_port(), free_port()
        self.receipts = work / "receipts"
        self.config = work / "emupos.yaml"
        self.config.write_text(
            "schema: 1\n"
            f"api: {{ host: 127.0.0.1, port: {self.api_port} }}\n"
            "devices:\n"
            "  - id: front\n"
            "    type: printer\n"
            "    profile: epson-tm-t20iii\n"
            "    connections:\n"
            f"      - tcp: {{ host: 127.0.0.1, port: {self.port} }}\n"
            "    job_idle_timeout_ms: 500\n"
            f"    receipts_dir: {self.receipts}\n"
        )

    def api(self, method: str, path: str) -> bytes:
        req = urllib.request.Request(f"http://127.0.0.1:{self.api_port}/api/v1{path}", method=method)
        with urllib.request.urlopen(req, timeout=5) as r:
            return bytes(r.read())

    def receipts_list(self) -> list[dict[str, object]]:
        data = json.loads(self.api("GET", "/devices/front/receipts"))
        return list(data if isinstance(data, list) else data.get("receipts", data.get("items", [])))


@pytest.fixture(scope="module")
def emupos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emupos]:
    binary = emupos_binary()
    emu = Emupos(tmp_path_factory.mktemp("emupos"))
    log = (emu.config.parent / "emupos.log").open("wb")
    proc = subprocess.Popen([str(binary), "run", "--config", str(emu.config)], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            emu.api("GET", "/health")
            break
        except (urllib.error.URLError, ConnectionError):
            assert proc.poll() is None, (emu.config.parent / "emupos.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "emupos did not start"
            time.sleep(0.2)
    yield emu
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


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


def wait_receipts(emu: Emupos, count: int, timeout: float = 10) -> list[dict[str, object]]:
    deadline = time.monotonic() + timeout
    while True:
        found = emu.receipts_list()
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_the_printed_ticket_is_our_render_and_its_qr_is_the_url(emupos: Emupos) -> None:
    import zxingcpp

    before = len(emupos.receipts_list())
    result = NetworkPrinter("127.0.0.1", emupos.port).print_ticket(TICKET)
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


@pytest.mark.parametrize(
    ("fault", "code"), [("paper-out", "paper_out"), ("cover-open", "cover_open"), ("offline", "printer_offline")]
)
def test_a_printer_fault_refuses_the_job_and_nothing_prints_later(emupos: Emupos, fault: str, code: str) -> None:
    before = len(emupos.receipts_list())
    emupos.api("PUT", f"/devices/front/faults/{fault}")
    try:
        with pytest.raises(BridgeError) as err:
            NetworkPrinter("127.0.0.1", emupos.port).print_ticket(TICKET)
        assert err.value.code == code and err.value.message_vi
    finally:
        emupos.api("DELETE", f"/devices/front/faults/{fault}")
    time.sleep(1.5)  # the fault is cleared: a held job would come out now
    assert len(emupos.receipts_list()) == before


def test_no_printer_is_an_error_too() -> None:
    with pytest.raises(BridgeError) as err:
        NetworkPrinter("127.0.0.1", free_port()).print_ticket(TICKET)
    assert err.value.code == "printer_no_answer"

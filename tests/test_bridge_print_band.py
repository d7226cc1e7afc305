"""The kiosk's ticket printed through the hardware bridge with the band the call is expected in
(issue 22): the bridge's ``printer.print`` takes ``wait_to`` beside ``wait_at`` and prints
"khoảng 09:20 – 09:45" on the real ESC/POS emulator (emupos), the same raster as the server's."""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image, ImageChops
from websockets.sync.client import connect

from printing.ticket import Ticket, render

from .bridge_harness import running_bridge
from .emupos_harness import running_emupos, wait_receipts

TOKEN = "bridge-print-band-token"
ORIGIN = "http://127.0.0.1:8000"
PARAMS = {
    "unit": "Trạm Y tế thử nghiệm",
    "service": "Khám bệnh",
    "label": "A007",
    "counters": "Quầy 1",
    "ahead": 6,
    "wait_minutes": 28,
    "issued": "09:05 23/11/2026",
    "url": "http://q/t/A007",
    "wait_at": "09:20",
    "wait_to": "09:45",
}


def test_the_bridge_prints_the_band_on_an_escpos_printer(tmp_path: Path) -> None:
    with (
        running_emupos(tmp_path / "emupos") as printer,
        running_bridge(tmp_path, TOKEN, ORIGIN, BRIDGE_PRINTER=f"tcp://127.0.0.1:{printer.port}") as url,
        connect(url, origin=ORIGIN) as ws,  # type: ignore[arg-type]
    ):
        ws.send(json.dumps({"type": "hello", "token": TOKEN, "client": "kiosk/1"}))
        assert json.loads(ws.recv(timeout=10))["type"] == "welcome"
        before = len(printer.receipts_list())
        ws.send(json.dumps({"type": "request", "id": "p1", "method": "printer.print", "params": PARAMS}))
        reply = json.loads(ws.recv(timeout=20))
        assert reply["type"] == "reply" and reply["result"]["printed"], reply
        receipts = wait_receipts(printer, before + 1)
        png = printer.api("GET", f"/devices/front/receipts/{receipts[-1]['id']}/image")
    printed = Image.open(io.BytesIO(png)).convert("1")
    fields = {k: v for k, v in PARAMS.items() if k in Ticket.__dataclass_fields__}
    band = render(Ticket(**fields), 576)  # type: ignore[arg-type]
    one_time = render(Ticket(**{**fields, "wait_to": ""}), 576)  # type: ignore[arg-type]
    assert printed.size == band.size
    assert ImageChops.difference(printed.convert("L"), band.convert("L")).getbbox() is None
    assert printed.size != one_time.size or ImageChops.difference(printed.convert("L"), one_time.convert("L")).getbbox()

"""The QR codes a kiosk scans, read by the server (server/vneid.py, docs/vneid.md): the card's
QR under the rules of the numbers, and the VNeID app's codes sent to the site's verifier, here a
local HTTP server written from the documented contract."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from server.domain.config import Config
from server.domain.config_check import config_from_toml
from server.domain.errors import DomainError
from server.vneid import identify_qr

from .server_harness import Client, ServerProc

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 12, 7)
CARD = "001099012345||Nguyễn Văn A|01011999|Nam|Số 1, Phố Giả, Hà Nội|01072021"


class Verifier(BaseHTTPRequestHandler):
    """The contract: POST {"qr", "kiosk"} -> {"ok": true, "identity": {...}} | {"ok": false, "reason"}.
    What the synthetic codes ask for: ``VNEID-OK``, ``VNEID-NO``, ``VNEID-SLOW`` (answers in 3 s),
    ``VNEID-JUNK`` (not JSON), ``VNEID-BIG`` (a megabyte), ``VNEID-BADID`` (an ID number of
    5 digits)."""

    seen: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Verifier.seen.append(body)
        qr = body["qr"]
        if qr == "VNEID-SLOW":
            time.sleep(3)
        identity = {"id_number": "079300000001", "name": "Trần Thị B", "dob": "2000-03-04", "sex": "female"}
        answers: dict[str, Any] = {
            "VNEID-OK": {"ok": True, "identity": identity},
            "VNEID-SLOW": {"ok": True, "identity": identity},
            "VNEID-NO": {"ok": False, "reason": "mã đã hết hạn / code expired"},
            "VNEID-BADID": {"ok": True, "identity": {**identity, "id_number": "12345"}},
        }
        data = (
            b"not json"
            if qr == "VNEID-JUNK"
            else b" " * 1_000_000
            if qr == "VNEID-BIG"
            else json.dumps(answers[qr]).encode()
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def verifier() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Verifier)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/verify"
    httpd.shutdown()
    httpd.server_close()


def site(verifier: str = "", seconds: float = 1.0) -> Config:
    """The demo configuration with its [identity] section set to this verifier."""
    demo = (ROOT / "config" / "demo.toml").read_text()
    default = 'vneid_verifier = ""\nvneid_timeout_seconds = 4.0\n'
    assert default in demo, "the demo's [identity] section changed: update this test"
    return config_from_toml(
        demo.replace(default, f'vneid_verifier = "{verifier}"\nvneid_timeout_seconds = {seconds}\n')
    )


async def refused(text: str, source: Any, config: Config) -> DomainError:
    with pytest.raises(DomainError) as err:
        await identify_qr(text, source, "device:kiosk-1", config, TODAY)
    assert err.value.message_vi and err.value.message_en
    return err.value


async def test_the_card_qr_read_offline_as_qr_or_vneid() -> None:
    card = await identify_qr(CARD, "qr", "device:kiosk-1", site(), TODAY)
    assert card == {
        "source": "qr",
        "id_number": "001099012345",
        "name": "Nguyễn Văn A",
        "dob": "1999-01-01",
        "sex": "male",
    }
    shown = await identify_qr(CARD, "vneid", "device:kiosk-1", site(), TODAY)
    assert shown["source"] == "vneid" and shown["id_number"] == "001099012345"
    err = await refused(CARD.replace("01072021", "01012027"), "vneid", site())
    assert err.key == "invalid_issue_date.future"


async def test_a_code_that_cannot_be_read_offline_without_a_verifier_goes_to_the_counter() -> None:
    err = await refused("VNEID-OK", "vneid", site())
    assert err.key == "vneid_at_counter"
    assert err.message_vi == "Vui lòng đưa mã VNeID cho nhân viên tại quầy."
    assert err.message_en == "Please show your VNeID code at the counter."
    assert (await refused("https://example.org/x", "qr", site())).key == "qr_format"  # in the ID card's path


async def test_the_verifier_speaks_the_contract(verifier: str) -> None:
    Verifier.seen.clear()
    ident = await identify_qr("VNEID-OK", "vneid", "device:kiosk-1", site(verifier), TODAY)
    assert ident == {
        "source": "vneid",
        "id_number": "079300000001",
        "name": "Trần Thị B",
        "dob": "2000-03-04",
        "sex": "female",
    }
    assert Verifier.seen == [{"qr": "VNEID-OK", "kiosk": "device:kiosk-1"}]
    err = await refused("VNEID-NO", "vneid", site(verifier))
    assert err.key == "vneid_refused" and "code expired" in err.message_en
    assert (await refused("VNEID-BADID", "vneid", site(verifier))).key == "invalid_id_number"
    for junk in ("VNEID-JUNK", "VNEID-BIG"):
        assert (await refused(junk, "vneid", site(verifier))).key == "vneid_unavailable"


async def test_a_slow_verifier_is_given_up_in_time(verifier: str) -> None:
    start = time.monotonic()
    err = await refused("VNEID-SLOW", "vneid", site(verifier, seconds=0.5))
    assert err.key == "vneid_unavailable" and err.status == 503
    assert time.monotonic() - start < 1.5


async def test_a_verifier_that_is_not_there(tmp_path: Path) -> None:
    assert (await refused("VNEID-OK", "vneid", site("http://127.0.0.1:9/verify"))).key == "vneid_unavailable"


async def test_a_kiosk_asks_the_server_to_read_a_scanned_code(server: ServerProc, tmp_path: Path) -> None:
    """Through the websocket: the kiosk's ``card_qr`` query; for a kiosk only."""
    kiosk = await Client.connect(server.ws_url)
    await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
    reply = await kiosk.query("card_qr", qr=CARD, source="vneid")
    assert reply["result"]["source"] == "vneid" and reply["result"]["dob"] == "1999-01-01"
    reply = await kiosk.query("card_qr", qr="VNEID-OK", source="vneid")
    assert reply["code"] == "vneid_at_counter" and "quầy" in reply["message_vi"]
    reply = await kiosk.query("card_qr", qr="000000000000|123456789|A|01011999|Nam|x|01072021")
    assert reply["code"] == "invalid_id_number" and "000000000000" in reply["message_vi"]
    await kiosk.close()
    tv = await Client.connect(server.ws_url)
    await tv.hello("tv", server.device_tokens()["tv-tang-1"])
    assert (await tv.query("card_qr", qr=CARD))["code"] == "forbidden"
    await tv.close()

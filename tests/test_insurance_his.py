"""The insurance check asked of the HIS (server/insurance/his.py) through a FHIR link, against a
local FHIR server written here from FHIR R4's search (Coverage by identifier, or by the
beneficiary's identifier): in force, ended, none; the link's bearer token; a HIS down or
answering nonsense; and the whole path on a real server, the kiosk's line from the HIS."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from server.his.links import Link
from server.insurance.his import HisCoverageChecker, coverage_answer

from .e2e.pages import config_text
from .server_harness import Client, ServerProc, free_port

TODAY = dt.date(2026, 12, 7)
BEARER = "b" * 32


def coverage(status: str, start: str, end: str, payor: str = "Trung tâm Y tế Lộc Ninh") -> dict[str, Any]:
    return {
        "resourceType": "Coverage",
        "status": status,
        "period": {"start": start, "end": end},
        "payor": [{"display": payor}],
    }


class Fhir:
    """Coverage searches answered from ``by_card`` (the BHYT number or the beneficiary's ID
    number -> resources); every request's query and authorization kept."""

    def __init__(self) -> None:
        self.port = free_port()
        self.by_card: dict[str, list[dict[str, Any]]] = {}
        self.requests: list[tuple[dict[str, str], str]] = []
        self.status = 200

        fhir = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
                fhir.requests.append((query, self.headers.get("authorization", "")))
                card = query.get("identifier") or query.get("beneficiary:Patient.identifier", "")
                found = fhir.by_card.get(card, []) if url.path == "/fhir/Coverage" else []
                bundle = {"resourceType": "Bundle", "type": "searchset", "total": len(found)}
                body = json.dumps(bundle | {"entry": [{"resource": r} for r in found]}).encode()
                self.send_response(fhir.status)
                self.send_header("content-type", "application/fhir+json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.running = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/fhir"

    def stop(self) -> None:
        if self.running:
            self.running = False
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def fhir() -> Iterator[Fhir]:
    f = Fhir()
    yield f
    f.stop()


def link(url: str, **more: Any) -> Link:
    return Link(name="his", form="fhir", site="70001", url=url, bearer=BEARER, **more)


async def test_coverage_in_force_ended_or_none(fhir: Fhir) -> None:
    fhir.by_card["GD4797912345678"] = [coverage("active", "2026-01-01", "2026-12-31")]
    fhir.by_card["001099012345"] = [
        coverage("active", "2025-01-01", "2025-12-31"),
        coverage("cancelled", "2026-01-01", "2026-12-31"),
    ]
    checker = HisCoverageChecker(link(fhir.url), today=lambda: TODAY)
    try:
        a = await checker.check("GD4797912345678", "", "")
        assert (a.code, a.valid_from, a.valid_to, a.place) == (
            "H00",
            "01/01/2026",
            "31/12/2026",
            "Trung tâm Y tế Lộc Ninh",
        )
        assert (await checker.check("001099012345", "", "")).code == "H10"
        assert (await checker.check("001099099999", "", "")).code == "H50"
    finally:
        await checker.close()
    assert [q for q, _ in fhir.requests] == [
        {"identifier": "GD4797912345678"},
        {"beneficiary:Patient.identifier": "001099012345"},
        {"beneficiary:Patient.identifier": "001099099999"},
    ]
    assert all(auth == f"Bearer {BEARER}" for _, auth in fhir.requests)


async def test_a_his_that_cannot_answer(fhir: Fhir) -> None:
    fhir.status = 500
    checker = HisCoverageChecker(link(fhir.url))
    try:
        assert (await checker.check("001099012345", "", "")).error == "HIS HTTP 500"
    finally:
        await checker.close()
    oauth = HisCoverageChecker(link(fhir.url, token_url="http://127.0.0.1:1/token"))
    try:
        assert "OAuth2" in (await oauth.check("001099012345", "", "")).error
    finally:
        await oauth.close()
    fhir.stop()
    down = HisCoverageChecker(link(fhir.url))
    try:
        assert (await down.check("001099012345", "", "")).error == "ConnectError"
    finally:
        await down.close()


def test_reading_a_bundle() -> None:
    assert coverage_answer({}, TODAY).code == "H50" and coverage_answer([], TODAY).code == "H50"
    odd = {"entry": [{"resource": {"resourceType": "Patient"}}, "x", {"resource": {"resourceType": "Coverage"}}]}
    assert coverage_answer(odd, TODAY).code == "H00"  # active by default, no period: in force
    later = {"entry": [{"resource": coverage("active", "2027-01-01", "2027-12-31")}]}
    assert coverage_answer(later, TODAY).code == "H10"  # not yet in force: not today


async def test_the_kiosk_line_from_the_his(tmp_path: Path, fhir: Fhir) -> None:
    fhir.by_card["001099012345"] = [coverage("active", "2026-01-01", "2099-12-31")]
    (tmp_path / "config.toml").write_text(config_text().replace('check = "none"', 'check = "his"'))
    (tmp_path / "his.toml").write_text(
        f'[[link]]\nname = "his"\nform = "fhir"\nsite = "70001"\nurl = "{fhir.url}"\nbearer = "{BEARER}"\n'
    )
    server = ServerProc(
        tmp_path / "data",
        QUEUE_SYNC="NORMAL",
        QUEUE_CONFIG=str(tmp_path / "config.toml"),
        QUEUE_HIS=str(tmp_path / "his.toml"),
    ).start()
    try:
        kiosk = await Client.connect(server.ws_url)
        await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
        identity = {"source": "typed", "id_number": "001099012345"}
        ack = await kiosk.command({"type": "issue_ticket", "service": "N", "identity": identity})
        assert ack["result"]["insurance"] == {
            "pending": False,
            "outcome": "bhyt_valid",
            "vi": "Thẻ BHYT còn hạn đến 31/12/2099. Nơi đăng ký KCB ban đầu: Trung tâm Y tế Lộc Ninh.",
            "en": "Your health insurance card is valid until 31/12/2099. Place of first registration: Trung tâm Y tế Lộc Ninh.",
        }
    finally:
        server.kill()

"""The insurance check in the server (server/insurance/service.py) with the local gateway
(tests/insurance_gateway.py): the hub keeps working while a lookup waits on a slow gateway, one
lookup per card a day, the answer reaches staff as an event and never the public screens, and
a check cut short by a restart is asked again."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .e2e.pages import config_text
from .insurance_gateway import PASSWORD, STAFF, USERNAME, Gateway
from .server_harness import Client, ServerProc

STAFF_ID, STAFF_NAME = next(iter(STAFF.items()))
CARD = {"maKetQua": "000", "gtTheTu": "01/01/2026", "gtTheDen": "31/12/2026", "maDKBD": "70001"}


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    g = Gateway().start()
    yield g
    g.stop()


def site(tmp_path: Path, gateway: Gateway, budget: float = 1.0) -> ServerProc:
    text = config_text().replace('check = "none"\nbudget_seconds = 3.0', f'check = "bhxh"\nbudget_seconds = {budget}')
    (tmp_path / "config.toml").write_text(text)
    account = tmp_path / "insurance.toml"
    account.write_text(
        f'[bhxh]\nurl = "{gateway.url}"\nusername = "{USERNAME}"\npassword = "{PASSWORD}"\n'
        f'staff_name = "{STAFF_NAME}"\nstaff_id_number = "{STAFF_ID}"\ntimeout = 20.0\n'
    )
    return ServerProc(
        tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(tmp_path / "config.toml"), QUEUE_INSURANCE=str(account)
    )


def issue(service: str, number: str) -> dict[str, Any]:
    return {"type": "issue_ticket", "service": service, "identity": {"source": "typed", "id_number": number}}


async def events_of(client: Client, kind: str, n: int, timeout: float = 10.0) -> list[dict[str, Any]]:
    found = [e for e in client.events if e["event"]["type"] == kind]
    deadline = time.monotonic() + timeout
    while len(found) < n:
        msg = await client.recv(max(0.1, deadline - time.monotonic()))
        if msg["type"] == "event" and msg["event"]["type"] == kind:
            found.append(msg)
    return found


async def test_the_hub_does_not_wait_and_a_card_is_asked_about_once_a_day(tmp_path: Path, gateway: Gateway) -> None:
    gateway.cards["001099012345"] = CARD
    gateway.delay = 4.0
    server = site(tmp_path, gateway).start()
    try:
        tokens = server.device_tokens()
        kiosk, admin, tv = [await Client.connect(server.ws_url) for _ in range(3)]
        await kiosk.hello("kiosk", tokens["kiosk-1"])
        await admin.hello("admin", server.login())
        await tv.hello("tv", tokens["tv-tang-1"])
        started = time.monotonic()
        first = asyncio.create_task(kiosk.command(issue("N", "001099012345")))
        await asyncio.sleep(0.2)
        t0 = time.monotonic()
        ack = await admin.command({"type": "open_counter", "counter": 4})  # while the lookup waits
        assert ack["type"] == "ack" and time.monotonic() - t0 < 0.5
        ack = await first
        assert time.monotonic() - started < 1.0 + 0.5  # the kiosk's budget, not the gateway's 4 s
        assert ack["result"]["insurance"]["pending"] is True and ack["result"]["insurance"]["outcome"] == "bhyt_pending"
        second = await kiosk.command(issue("S", "001099012345"))  # the same card, another service
        assert second["result"]["insurance"]["pending"] is True  # its lookup is the first's, still running
        checked = await events_of(admin, "insurance_checked", 2)
        assert sorted(e["event"]["label"] for e in checked) == sorted(
            [ack["result"]["ticket"], second["result"]["ticket"]]
        )
        assert all(
            e["event"]["code"] == "000" and e["event"]["insured"] is True and e["actor"] == "system" for e in checked
        )
        gateway.delay = 0.0
        third = await kiosk.command(issue("T", "001099012345"))  # answered from the day's cache
        assert third["result"]["insurance"] == {
            "pending": False,
            "outcome": "bhyt_valid",
            "vi": "Thẻ BHYT còn hạn đến 31/12/2026. Nơi đăng ký KCB ban đầu: 70001.",
            "en": "Your health insurance card is valid until 31/12/2026. Place of first registration: 70001.",
        }
        assert len(gateway.lookups) == 1
        await asyncio.sleep(0.3)
        assert not [e for e in tv.events if e["event"]["type"] == "insurance_checked"]  # staff only
        assert "BHXH" not in json.dumps(await tv.query("snapshot"))
    finally:
        server.kill()


async def test_a_check_cut_short_by_a_restart_is_asked_again(tmp_path: Path, gateway: Gateway) -> None:
    gateway.cards["001099012345"] = CARD
    gateway.delay = 30.0
    server = site(tmp_path, gateway).start()
    try:
        kiosk = await Client.connect(server.ws_url)
        await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
        ack = await kiosk.command(issue("N", "001099012345"))
        assert ack["result"]["insurance"]["pending"] is True
        await kiosk.close()
    finally:
        server.kill()
    gateway.delay = 0.0
    server.start()
    try:
        admin = await Client.connect(server.ws_url)
        _, snap = await admin.hello("admin", server.login())
        assert snap is not None
        label = ack["result"]["ticket"]
        ticket = next(t for t in snap["view"]["tickets"] if t["label"] == label)
        if ticket["insurance_pending"]:  # not answered yet when the snapshot was taken: the event follows
            ticket["insurance"] = (await events_of(admin, "insurance_checked", 1))[0]["event"]
        assert ticket["insurance"]["label"] == label and ticket["insurance"]["code"] == "000"
    finally:
        server.kill()

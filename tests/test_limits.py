"""A device cannot flood the server (issue 17, item 5): every field of a client's message is
bounded, a device's commands are held to a real kiosk's pace (staff are told when one goes past
it), and a device's open faults are bounded. Against a real server process."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .server_harness import Client, ServerProc


@pytest.fixture
def paced(tmp_path: Path) -> Iterator[ServerProc]:
    """A server with the default device rate (the harness lifts it for the other tests)."""
    proc = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL")
    del proc.env["QUEUE_DEVICE_BURST"]
    yield proc.start()
    proc.kill()


async def connect(server: ServerProc, role: str, token: str, **kw: object) -> Client:
    c = await Client.connect(server.ws_url)
    await c.hello(role, token, **kw)
    return c


async def until(c: Client, kind: str, timeout: float = 5.0) -> dict[str, object]:
    while True:
        msg = await c.recv(timeout)
        if msg["type"] == kind:
            return msg


async def test_a_kiosk_issues_at_a_real_kiosks_pace_and_staff_are_told(paced: ServerProc) -> None:
    kiosk = await connect(paced, "kiosk", paced.device_tokens()["kiosk-1"])
    staff = await connect(paced, "counter", paced.login(), counter=1)
    started = time.monotonic()
    for i in range(200):  # a flood, as fast as the socket takes it
        await kiosk.send(
            {"type": "cmd", "id": f"f{i}", "key": f"f{i}", "command": {"type": "issue_ticket", "service": "A"}}
        )
    answers = [await until_answer(kiosk) for _ in range(200)]
    took = time.monotonic() - started
    acks = [a for a in answers if a["type"] == "ack"]
    refused = [a for a in answers if a["type"] == "error"]
    assert len(acks) <= 6 and len(acks) + len(refused) == 200, (len(acks), took)  # 5 at once, 1 more if 2 s passed
    assert {r["code"] for r in refused} == {"too_many_requests"}
    assert "giây" in str(refused[0]["message_vi"]) and "seconds" in str(refused[0]["message_en"])
    alert = await until(staff, "alert")
    assert alert["device"] == "device:kiosk-1" and alert["code"] == "too_many_requests" and alert["ok"] is False
    with pytest.raises(TimeoutError):  # told once, not once per refused command
        await until(staff, "alert", timeout=1.0)
    assert paced.get("/api/health")["seq"] < 20  # the day's numbers were not used up
    await asyncio.sleep(2.1)  # one more ticket every 2 s
    again = await kiosk.command({"type": "issue_ticket", "service": "A"}, key="later")
    assert again["type"] == "ack", again


def health_body(server: ServerProc) -> bytes:
    with urllib.request.urlopen(server.http + "/api/health", timeout=5) as r:
        return bytes(r.read())


async def until_answer(c: Client) -> dict[str, object]:
    while True:
        msg = await c.recv()
        if msg["type"] in ("ack", "error"):
            return msg


async def test_staff_are_not_held_to_a_kiosks_pace(paced: ServerProc) -> None:
    staff = await connect(paced, "counter", paced.login(), counter=1)
    answers = [await staff.command({"type": "issue_ticket", "service": "A", "channel": "staff"}) for _ in range(12)]
    assert [a["type"] for a in answers] == ["ack"] * 12


@pytest.mark.parametrize(
    ("command", "key", "field"),
    [
        ({"type": "issue_ticket", "service": "A", "channel": "x" * 200_000}, "k", "command.channel"),
        ({"type": "issue_ticket", "service": "A", "channel": "tv"}, "k", "command.channel"),
        ({"type": "issue_ticket", "service": "A" * 17}, "k", "command.service"),
        ({"type": "issue_ticket", "service": "A"}, "k" * 200_000, "key"),
        ({"type": "issue_ticket", "service": "A"}, "k" * 65, "key"),
    ],
)
async def test_every_field_of_a_command_is_bounded(
    server: ServerProc, command: dict[str, object], key: str, field: str
) -> None:
    kiosk = await connect(server, "kiosk", server.device_tokens()["kiosk-1"])
    answer = await kiosk.command(command, key=key)
    assert answer["type"] == "error" and answer["code"] == "invalid_message" and answer["field"] == field, answer
    assert server.get("/api/state")["view"]["waiting"]["A"] == 0  # nothing stored
    ok = await kiosk.command({"type": "issue_ticket", "service": "A", "channel": "kiosk"}, key="k" * 64)
    assert ok["type"] == "ack" and ok["result"]["ticket"] == "A001"


async def test_a_screens_faults_are_few_and_small(server: ServerProc) -> None:
    tv = await connect(server, "tv", server.device_tokens()["tv-tang-1"])
    for i in range(2000):
        await tv.send({"type": "report", "id": f"r{i}", "what": "device_fault", "part": "speaker", "detail": f"e{i}"})
    for i in range(10):  # parts are a known set (clients/shared/faults.js)
        await tv.send({"type": "report", "id": f"p{i}", "what": "device_fault", "part": f"part-{i}", "detail": "x"})
    answers = [await tv.recv() for _ in range(2010)]
    assert [a["type"] for a in answers[:2000]] == ["reply"] * 2000
    assert [(a["type"], a["field"]) for a in answers[2000:]] == [("error", "part")] * 10
    body = await asyncio.to_thread(health_body, server)
    faults = json.loads(body)["device_faults"]
    assert [f["part"] for f in faults] == ["speaker"] and faults[0]["code"] == "e1999"
    assert len(body) < 2000, len(body)


async def test_a_kiosk_cannot_try_number_after_number(paced: ServerProc) -> None:
    """The held query answers whether a typed number holds a ticket for a service: at a real
    kiosk's pace (one patient every few seconds), not as a way to sweep numbers (issue 17)."""
    kiosk = await connect(paced, "kiosk", paced.device_tokens()["kiosk-1"])
    answers = [await kiosk.query("held", id_number=f"0010990{n:05d}", service="A") for n in range(12)]
    assert [a["type"] for a in answers[:5]] == ["reply"] * 5
    refused = [a for a in answers[5:] if a["type"] == "error"]
    assert len(refused) >= 6 and {a["code"] for a in refused} == {"too_many_requests"}

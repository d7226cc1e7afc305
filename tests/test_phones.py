"""A patient's phone following its ticket (role ``phone``, server/phones.py), against a real server
process: what it is sent (its own ticket, at once), what it must never be sent (other tickets,
identities, staff names), and the bounds (a ticket of today, per address, in all)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from .server_harness import Client, ServerProc
from .test_ws import IDENT, staff


async def phone(server: ServerProc, label: str, address: str = "127.0.0.1", **kw: Any) -> tuple[Client, dict[str, Any]]:
    """A phone following ``label``: its welcome checked, its first status returned."""
    c = await Client.connect(server.ws_url, local_addr=(address, 0))
    await c.send({"type": "hello", "role": "phone", "label": label, **kw})
    welcome = await c.recv()
    assert welcome["type"] == "welcome" and welcome["role"] == "phone" and not welcome["resumed"], welcome
    first = await c.recv()
    assert first["type"] == "ticket", first
    return c, first


async def refused(server: ServerProc, hello: dict[str, Any], address: str = "127.0.0.1") -> tuple[str, int]:
    """The error code a refused phone gets, and the close code that follows."""
    c = await Client.connect(server.ws_url, local_addr=(address, 0))
    await c.send({"type": "hello", "role": "phone", **hello})
    error = await c.recv()
    assert error["type"] == "error", error
    try:
        await c.recv()
    except ConnectionClosed as closed:
        assert closed.rcvd is not None
        return error["code"], closed.rcvd.code
    raise AssertionError("the connection stayed open")


async def test_a_phone_hears_its_own_ticket_at_once_and_nothing_of_others(server: ServerProc) -> None:
    counter = await staff(server, 4)
    for identity in (IDENT, None, {**IDENT, "id_number": "001099012346", "name": "Trần Thị Bình"}):
        body: dict[str, Any] = {"type": "issue_ticket", "service": "N"}
        if identity:
            body["identity"] = identity
        assert (await counter.command(body))["type"] == "ack"
    me, first = await phone(server, " n002 ")
    mine = first["ticket"]
    assert mine["label"] == "N002" and mine["status"] == "waiting" and mine["ahead"] == 1 and mine["day"]
    assert mine["wait_minutes"] is None and mine["counters"] == [4] and first["cause"] == ""
    got: list[dict[str, Any]] = [first]

    assert (await counter.command({"type": "open_counter", "counter": 4}))["type"] == "ack"
    assert (await counter.command({"type": "call_next", "counter": 4}))["result"]["ticket"] == "N001"
    while (moved := await me.recv(timeout=3))["ticket"]["ahead"] != 0:  # the counter opened: an estimate
        assert moved["ticket"]["wait_minutes"] is not None and moved["cause"] == ""
        got.append(moved)
    got.append(moved)  # another ticket's call moved my place: within a second or so
    assert moved["ticket"]["wait_minutes"] is not None and moved["cause"] == ""

    t0 = time.monotonic()
    ack = await counter.command({"type": "finish_and_call_next", "counter": 4})
    called = await me.recv(timeout=1)
    assert time.monotonic() - t0 < 1.0
    assert ack["result"]["ticket"] == "N002"
    assert called["cause"] == "ticket_called" and called["seq"] == ack["seq"]
    assert called["ticket"] == {**called["ticket"], "status": "called", "counter": 4, "recalls": 0}
    got.append(called)
    assert (await counter.command({"type": "recall", "counter": 4}))["type"] == "ack"
    got.append(recalled := await me.recv(timeout=1))
    assert recalled["cause"] == "ticket_recalled" and recalled["ticket"]["recalls"] == 1
    assert (await counter.command({"type": "transfer", "counter": 4, "to_service": "X", "position": "front"}))[
        "type"
    ] == "ack"
    got.append(moved := await me.recv(timeout=1))
    assert moved["cause"] == "ticket_transferred"
    assert moved["ticket"] == {**moved["ticket"], "status": "waiting", "service": "X", "counter": None}
    lab = await staff(server, 9)
    assert (await lab.command({"type": "open_counter", "counter": 9}))["type"] == "ack"
    assert (await lab.command({"type": "call_number", "counter": 9, "label": "N002"}))["type"] == "ack"
    assert (await lab.command({"type": "mark_missed", "counter": 9}))["type"] == "ack"
    while (msg := await me.recv(timeout=3))["cause"] != "ticket_missed":
        got.append(msg)
    got.append(msg)
    assert msg["ticket"]["status"] == "missed" and msg["ticket"]["counter"] is None
    assert (await counter.command({"type": "call_next", "counter": 4}))["result"]["ticket"] == "N003"
    with pytest.raises(TimeoutError):  # another ticket called once mine left the queue: nothing for me
        await me.recv(timeout=1.5)

    assert {m["type"] for m in got} == {"ticket"}
    text = json.dumps(got, ensure_ascii=False)
    for secret in ("N001", "N003", "Nguyễn", "Trần", "001099012345", "admin", "identity", "staff", "rule"):
        assert secret not in text, secret


async def test_a_phone_may_only_ping(server: ServerProc) -> None:
    counter = await staff(server, 4)
    await counter.command({"type": "issue_ticket", "service": "N"})
    me, _ = await phone(server, "N001")
    await me.send({"type": "ping", "t": 1.5})
    assert (await me.recv())["type"] == "pong"
    await me.send({"type": "cmd", "id": "c1", "command": {"type": "issue_ticket", "service": "N"}})
    assert (await me.recv())["code"] == "forbidden"
    await me.send({"type": "query", "id": "q1", "what": "snapshot"})
    assert (await me.recv())["code"] == "forbidden"


async def test_a_phone_follows_a_ticket_of_today_only(server: ServerProc) -> None:
    counter = await staff(server, 4)
    await counter.command({"type": "issue_ticket", "service": "N"})
    assert await refused(server, {"label": "Z999"}) == ("unknown_ticket", 4001)
    assert await refused(server, {"label": ""}) == ("unknown_ticket", 4001)
    assert await refused(server, {"label": "N001", "day": "2020-01-01"}) == ("unknown_ticket", 4001)
    assert await refused(server, {"label": "N" * 17}) == ("invalid_message", 4000)
    _, first = await phone(server, "N001", day=(await phone(server, "N001"))[1]["ticket"]["day"])
    assert first["ticket"]["label"] == "N001"


async def test_phones_are_bounded_per_address_and_in_all(tmp_path: Path) -> None:
    server = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_PHONES_PER_ADDRESS="2", QUEUE_PHONES_MAX="3")
    server.start()
    try:
        counter = await staff(server, 4)
        await counter.command({"type": "issue_ticket", "service": "N"})
        first, _ = await phone(server, "N001")
        await phone(server, "N001")
        assert await refused(server, {"label": "N001"}) == ("too_many_phones", 4001)
        await phone(server, "N001", address="127.0.0.2")  # another address: the third in all
        assert await refused(server, {"label": "N001"}, address="127.0.0.3") == ("too_many_phones", 4001)
        assert server.get("/api/health")["phones"] == 3
        await first.close()
        for _ in range(50):  # the server sees the close
            if server.get("/api/health")["phones"] == 2:
                break
            await asyncio.sleep(0.02)
        await phone(server, "N001")  # a place freed
    finally:
        server.kill()


async def test_a_phone_hears_its_visit_to_the_end(server: ServerProc) -> None:
    counter = await staff(server, 4)
    await counter.command({"type": "issue_ticket", "service": "N"})
    me, _ = await phone(server, "N001")
    await counter.command({"type": "open_counter", "counter": 4})
    seen = []
    for body in ({"type": "call_next"}, {"type": "start_service"}, {"type": "finish_service"}):
        assert (await counter.command({**body, "counter": 4}))["type"] == "ack"
        while (msg := await me.recv(timeout=3))["cause"] == "":  # the counter's opening gave an estimate
            pass
        seen.append((msg["cause"], msg["ticket"]["status"], msg["ticket"]["counter"]))
    assert seen == [
        ("ticket_called", "called", 4),
        ("service_started", "serving", 4),
        ("service_finished", "done", None),
    ]

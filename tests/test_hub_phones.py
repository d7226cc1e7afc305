"""Phones through the hub, in-process with a real SQLite file: the places of followed tickets
computed at most once a second however many commits, and the end of the day."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path

import pytest

from server.domain import commands as cmd
from server.domain.errors import DomainError
from server.fanout import Conn
from server.hub import Hub
from server.phones import PLACES_EVERY
from server.protocol import Welcome

from .domain.sim import VN
from .logs import LogStore
from .test_hub import ADMIN, Clock, Recorder, _stop_hubs, make_hub  # noqa: F401 (its autouse fixture stops the hubs)

WELCOME = Welcome(role="phone", actor="phone", seq=0, resumed=False, heartbeat=20)


async def follow(hub: Hub, rec: Recorder, label: str, day: str = "") -> Conn:
    """A phone's connection, made in a task of its own as the websocket handler is (a dropped
    connection cancels its task)."""

    async def make() -> Conn:
        return Conn(rec, "phone", "public", "phone")

    conn = await asyncio.create_task(make())
    assert await hub.follow(conn, label, day, "10.0.0.1", WELCOME)
    return conn


async def test_places_are_computed_at_most_once_a_second(tmp_path: Path) -> None:
    hub = await make_hub(LogStore("sqlite", tmp_path / "q.sqlite3"), Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN)))
    for _ in range(30):
        await hub.submit(cmd.IssueTicket(service="A"), ADMIN)
    await hub.submit(cmd.OpenCounter(counter=1), ADMIN)
    rec = Recorder(LogStore("sqlite", tmp_path / "q.sqlite3"))
    await follow(hub, rec, "A030")
    assert rec.messages[1]["ticket"]["ahead"] == 29
    t0 = time.monotonic()
    for i in range(20):  # twenty calls of other tickets in a burst, each a commit
        call = cmd.FinishAndCallNext(counter=1) if i else cmd.CallNext(counter=1)
        assert (await hub.submit(call, ADMIN)).error is None
    burst = time.monotonic() - t0
    await asyncio.sleep(PLACES_EVERY + 0.3)
    places = [m["ticket"]["ahead"] for m in rec.messages[2:]]
    assert places[-1] == 9, "the last place is sent once it is due"
    assert len(places) <= 2 + burst / PLACES_EVERY, places
    assert all(m["cause"] == "" for m in rec.messages[2:])


async def test_at_midnight_a_phone_gets_its_last_status_and_is_let_go(tmp_path: Path) -> None:
    clock = Clock(dt.datetime(2026, 11, 23, 23, 59, tzinfo=VN))
    hub = await make_hub(LogStore("sqlite", tmp_path / "q.sqlite3"), clock)
    await hub.submit(cmd.IssueTicket(service="A"), ADMIN)
    rec = Recorder(LogStore("sqlite", tmp_path / "q.sqlite3"))
    conn = await follow(hub, rec, "A001")
    day = rec.messages[1]["ticket"]["day"]
    assert day == "2026-11-23" and len(hub.phones) == 1
    clock.now += 120
    await hub.tick()
    last = rec.messages[-1]
    assert last["cause"] == "day_started" and last["ticket"]["status"] == "expired" and "ahead" not in last["ticket"]
    assert conn.dropped and len(hub.phones) == 0
    await hub.submit(cmd.IssueTicket(service="A"), ADMIN)  # today's A001 is someone else's
    with pytest.raises(DomainError) as refused:
        await follow(hub, Recorder(LogStore("sqlite", tmp_path / "q.sqlite3")), "A001", day)
    assert refused.value.code == "unknown_ticket"


async def test_a_phone_is_told_when_its_expected_call_moves_by_more_than_a_minute(tmp_path: Path) -> None:
    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    hub = await make_hub(LogStore("sqlite", tmp_path / "q.sqlite3"), clock)
    await hub.submit(cmd.OpenCounter(counter=1), ADMIN)
    for _ in range(3):
        await hub.submit(cmd.IssueTicket(service="A"), ADMIN)
    await hub.submit(cmd.CallNext(counter=1), ADMIN)  # A001 at the counter: A003 in 8 minutes
    rec = Recorder(LogStore("sqlite", tmp_path / "q.sqlite3"))
    await follow(hub, rec, "A003")
    first = rec.messages[1]["ticket"]
    assert first["call_at"] == clock.now + 480 and first["wait_minutes"] == 8
    clock.now += 45  # 7 minutes to go now, but the same expected time: not worth a message
    await hub.submit(cmd.IssueTicket(service="A"), ADMIN)  # behind it: its place and time stay
    await asyncio.sleep(PLACES_EVERY + 0.3)
    assert len(rec.messages) == 2, "the same expected time is not sent again"
    await hub.submit(cmd.PauseCounter(counter=1, reason="Họp giao ban"), ADMIN)
    await asyncio.sleep(PLACES_EVERY + 0.3)
    moved = rec.messages[-1]["ticket"]
    assert len(rec.messages) == 3 and moved["call_at"] > first["call_at"] + 60

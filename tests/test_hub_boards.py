"""The TVs' wait of a number taken now (server/boards.py) through the hub, in-process with a real
SQLite file: given at once to a TV that connects, pushed when a service's band moves by more than
a minute or a service opens or closes, nothing for smaller moves, at most once per period
however many commits; nothing to a kiosk."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path
from typing import Any

from server.domain import commands as cmd
from server.fanout import Conn
from server.hub import Hub
from server.protocol import Welcome

from .domain.sim import VN
from .logs import LogStore
from .test_hub import ADMIN, Clock, Recorder, _stop_hubs, make_hub  # noqa: F401 (its autouse fixture stops the hubs)

EVERY = 0.4  # the hub's period, shortened for the test


async def screen(hub: Hub, rec: Recorder, role: str = "tv") -> Conn:
    conn = Conn(rec, role, "public", f"device:{role}-1")
    assert await hub.attach(
        conn, None, Welcome(role=role, actor=f"device:{role}-1", seq=0, resumed=False, heartbeat=20)
    )  # type: ignore[arg-type]
    return conn


def waits(rec: Recorder) -> list[dict[str, Any]]:
    return [m["waits"] for m in rec.messages if m["type"] == "new_wait"]


async def settle() -> None:
    await asyncio.sleep(EVERY + 0.3)


async def test_a_tv_gets_the_wait_at_once_and_when_counters_open_or_close(tmp_path: Path) -> None:
    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    hub = await make_hub(LogStore("sqlite", tmp_path / "q.sqlite3"), clock)
    hub.boards.every = EVERY
    for _ in range(3):
        await hub.submit(cmd.IssueTicket(service="A"), ADMIN)
    tv, kiosk = (
        Recorder(LogStore("sqlite", tmp_path / "q.sqlite3")),
        Recorder(LogStore("sqlite", tmp_path / "q.sqlite3")),
    )
    await screen(hub, tv)
    await screen(hub, kiosk, "kiosk")
    assert [m["type"] for m in tv.messages] == ["welcome", "snapshot", "new_wait"]
    assert waits(tv) == [{"A": None, "B": None}], "no counter open: nothing to say"
    await hub.submit(cmd.OpenCounter(counter=1), ADMIN)  # A: three ahead, 4 minutes each, called at once
    await settle()
    one = waits(tv)[-1]
    assert one["B"] is None and one["A"]["from"] < 12 < one["A"]["to"], "called at 12 minutes or so"
    await hub.submit(cmd.OpenCounter(counter=2), ADMIN)  # A and B: twice as fast for A, B at once
    await settle()
    two = waits(tv)[-1]
    assert two["A"]["to"] < one["A"]["to"] and two["B"] == {"from": 0, "to": 0}
    await hub.submit(cmd.CloseCounter(counter=2), ADMIN)
    await settle()
    assert waits(tv)[-1] == one
    assert waits(kiosk) == [], "a kiosk is not sent it"


async def test_a_move_of_a_minute_or_less_sends_nothing_and_bursts_are_bounded(tmp_path: Path) -> None:
    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    hub = await make_hub(LogStore("sqlite", tmp_path / "q.sqlite3"), clock)
    hub.boards.every = EVERY
    await hub.submit(cmd.OpenCounter(counter=1), ADMIN)
    for _ in range(3):
        await hub.submit(cmd.IssueTicket(service="A"), ADMIN)
    await hub.submit(cmd.CallNext(counter=1), ADMIN)  # A001 at the counter: the others' calls are set
    tv = Recorder(LogStore("sqlite", tmp_path / "q.sqlite3"))
    await screen(hub, tv)
    assert len(waits(tv)) == 1
    clock.now += 40  # the same queue 40 s later: its band under a minute nearer, not worth a message
    await hub.submit(cmd.IssueTicket(service="B"), ADMIN)  # B has no counter open: stays null
    await settle()
    assert len(waits(tv)) == 1
    clock.now += 30  # 70 s since it was sent: now it is
    await hub.submit(cmd.IssueTicket(service="B"), ADMIN)
    await settle()
    assert len(waits(tv)) == 2
    computed, t0 = hub.boards.computed, time.monotonic()
    for _ in range(30):  # a burst of issues, each a commit, each moving A's wait by 4 minutes
        await hub.submit(cmd.IssueTicket(service="A"), ADMIN)
    burst = time.monotonic() - t0
    await settle()
    assert hub.boards.computed - computed <= 2 + burst / EVERY, (hub.boards.computed - computed, burst)
    assert waits(tv)[-1]["A"]["from"] > 100, "the last value is sent once it is due (33 ahead)"

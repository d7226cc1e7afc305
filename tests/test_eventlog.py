"""The event log's batched reading (the replay at start) against a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.domain import events as ev
from server.sqlite_log import SqliteLog as EventLog


def record(seq: int) -> ev.Record:
    label = f"A{seq:03d}"
    e = ev.TicketIssued(ticket=seq, service="A", number=seq, label=label, day="2026-11-30")
    return ev.Record(seq=seq, at=1_796_000_000.0 + seq, actor="device:kiosk-1", event=e)


@pytest.fixture
async def log(tmp_path: Path) -> EventLog:
    log = EventLog(tmp_path / "events.sqlite3", "NORMAL")
    await log.open()
    await log.append([record(s) for s in range(1, 1001)], [])
    return log


async def read(log: EventLog, **kw: int) -> list[list[int]]:
    return [[r.seq for r in batch] async for batch in log.records(**kw)]


@pytest.mark.parametrize(
    ("kw", "first", "last", "sizes"),
    [
        ({}, 1, 1000, [1000]),
        ({"batch": 300}, 1, 1000, [300, 300, 300, 100]),
        ({"batch": 250}, 1, 1000, [250, 250, 250, 250]),
        ({"after": 990, "batch": 4}, 991, 1000, [4, 4, 2]),
        ({"after": 10, "until": 20, "batch": 3}, 11, 20, [3, 3, 3, 1]),
        ({"after": 1000}, 0, -1, []),
        ({"after": 5, "until": 5}, 0, -1, []),
    ],
)
async def test_records_come_in_order_in_batches(
    log: EventLog, kw: dict[str, int], first: int, last: int, sizes: list[int]
) -> None:
    batches = await read(log, **kw)
    assert [len(b) for b in batches] == sizes
    assert [s for b in batches for s in b] == list(range(first, last + 1))
    await log.close()


async def test_the_records_are_the_ones_written(log: EventLog) -> None:
    got = [r async for batch in log.records(batch=64) for r in batch]
    assert got == [record(s) for s in range(1, 1001)]
    await log.close()


async def test_leaving_the_loop_early_leaves_the_log_usable(log: EventLog) -> None:
    async for batch in log.records(batch=10):
        assert batch[0].seq == 1
        break  # the read-ahead of the next batch is still in the database's thread
    await log.append([record(1001)], [])
    assert (await read(log, after=999)) == [[1000, 1001]]
    await log.close()

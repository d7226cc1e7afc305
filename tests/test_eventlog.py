"""The event log against both implementations (a real SQLite file, a real PostgreSQL database):
the batched reading of the replay, and what is written with the records."""

from __future__ import annotations

from collections.abc import AsyncIterator

import psycopg
import pytest

from server.domain import events as ev
from server.eventlog import CommandRow, EventLog, FaceChanges, SessionRow
from server.pg_log import Fenced, LogConflict, PgLog
from server.pg_schema import MIGRATIONS

from .logs import LogStore


def record(seq: int) -> ev.Record:
    label = f"A{seq:03d}"
    e = ev.TicketIssued(ticket=seq, service="A", number=seq, label=label, day="2026-11-30")
    return ev.Record(seq=seq, at=1_796_000_000.0 + seq, actor="device:kiosk-1", event=e)


@pytest.fixture
async def log(logs: LogStore) -> EventLog:
    log = logs.make("NORMAL")
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


async def test_what_is_written_with_the_records_comes_back(logs: LogStore) -> None:
    log = logs.make("NORMAL")
    await log.open()
    faces = FaceChanges(added={1: b"\x01" * 512, 2: b"\x02" * 512})
    await log.append([record(1), record(2)], [CommandRow(key="k|1", at=100.0, result=b'{"seq":1}')], faces)
    await log.append([record(3)], [CommandRow(key="k|1", at=200.0, result=b'{"seq":3}')], FaceChanges(removed={1}))
    assert await log.faces() == {2: b"\x02" * 512}
    assert await log.recent_commands(150.0) == [CommandRow(key="k|1", at=200.0, result=b'{"seq":3}')]
    await log.prune_commands(300.0)
    assert await log.recent_commands(0.0) == []
    await log.append([record(4)], [], FaceChanges(purge=True))
    assert await log.faces() == {}
    await log.save_session(SessionRow(token_hash="h1", username="an", created=1.0, expires=10.0))
    await log.save_session(SessionRow(token_hash="h2", username="binh", created=1.0, expires=99.0))
    assert [s.token_hash for s in await log.sessions(now=20.0)] == ["h2"]
    await log.delete_user_sessions("binh")
    assert await log.sessions(now=20.0) == []
    for seq in (1, 2, 3):
        await log.save_snapshot(seq, 7, b"state%d" % seq)
    assert await log.latest_snapshot() == (3, 7, b"state3")
    await log.drop_snapshots()
    assert await log.latest_snapshot() is None
    assert [r.seq for r in log.latest(2)] == [4, 3]
    assert [r.seq for r in log.latest(10, before_seq=3)] == [2, 1]
    assert [r.seq for r in log.scan(before_at=record(3).at)] == [1, 2]
    await log.close()


@pytest.fixture
async def pg(pg_url: str) -> AsyncIterator[PgLog]:
    log = PgLog(pg_url, "bv-a")
    await log.open()
    yield log
    await log.close()


async def test_postgresql_keeps_each_sites_sequence_apart(pg: PgLog, pg_url: str) -> None:
    other = PgLog(pg_url, "bv-b")
    await other.open()
    await pg.append([record(1), record(2)], [CommandRow(key="k", at=1.0, result=b"a")])
    await other.append([record(1)], [CommandRow(key="k", at=1.0, result=b"b")])
    assert [r.seq for b in [x async for x in other.records()] for r in b] == [1]
    assert [c.result for c in await other.recent_commands(0.0)] == [b"b"]
    assert (await pg.head())[0] == 2 and (await other.head())[0] == 1
    await other.close()


async def test_postgresql_refuses_a_batch_that_does_not_continue_the_sequence(pg: PgLog) -> None:
    await pg.append([record(1)], [])
    with pytest.raises(LogConflict, match="the log is at 1"):
        await pg.append([record(3)], [])  # a gap
    with pytest.raises(LogConflict):
        await pg.append([record(1)], [])  # a repeat (another writer got there first)
    with pytest.raises(LogConflict, match="not consecutive"):
        await pg.append([record(2), record(4)], [])
    await pg.append([record(2)], [])
    assert (await pg.head())[0] == 2
    assert [r.seq for b in [x async for x in pg.records()] for r in b] == [1, 2]


async def test_postgresql_fences_a_writer_whose_epoch_is_not_the_sites(pg: PgLog, pg_url: str) -> None:
    await pg.append([record(1)], [])
    with psycopg.connect(pg_url, autocommit=True) as conn:  # another process claims the writer's role
        conn.execute("UPDATE sites SET writer_epoch = 5, writer = 'node-2' WHERE site = 'bv-a'")
    with pytest.raises(Fenced, match="epoch is 5, this process holds 0"):
        await pg.append([record(2)], [], FaceChanges(added={2: b"x" * 512}))
    assert await pg.faces() == {}
    pg.epoch = 5
    await pg.append([record(2)], [])
    assert await pg.head() == (2, 5, "node-2")


async def test_postgresql_notifies_the_sites_channel_at_commit(pg: PgLog, pg_url: str) -> None:
    async with await psycopg.AsyncConnection.connect(pg_url, autocommit=True) as listener:
        await listener.execute(b'LISTEN "queue_bv-a"')
        await pg.append([record(1), record(2)], [])
        note = await anext(listener.notifies(timeout=5))
    assert (note.channel, note.payload) == ("queue_bv-a", "2")


async def test_postgresql_migrations_are_recorded_and_applied_once(pg: PgLog, pg_url: str) -> None:
    again = PgLog(pg_url, "bv-a")
    await again.open()  # a second open applies nothing and keeps the site's row
    await again.close()
    with psycopg.connect(pg_url) as conn:
        versions = [v for (v,) in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
        sites = conn.execute("SELECT site, seq, writer_epoch FROM sites").fetchall()
    assert versions == [v for v, _, _ in MIGRATIONS]
    assert sites == [("bv-a", 0, 0)]


def test_a_site_code_is_bounded() -> None:
    for bad in ("", "a" * 33, "bv a", "x;drop"):
        with pytest.raises(ValueError, match="site code"):
            PgLog("postgresql://nowhere/x", bad)


async def test_postgresql_connects_again_after_the_connection_is_lost(pg: PgLog, pg_url: str) -> None:
    await pg.append([record(1)], [])
    with psycopg.connect(pg_url, autocommit=True) as conn:  # PostgreSQL ends the log's session
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE pid <> pg_backend_pid() AND datname = current_database()"
        )
    with pytest.raises(psycopg.OperationalError):
        await pg.append([record(2)], [])  # this batch fails (the hub answers storage_error) ...
    await pg.append([record(2)], [])  # ... the next one goes through a new connection
    assert [r.seq for b in [x async for x in pg.records()] for r in b] == [1, 2]


async def test_postgresql_a_claim_fences_the_previous_writer(pg: PgLog, pg_url: str) -> None:
    await pg.append([record(1)], [])
    other = PgLog(pg_url, "bv-a")
    await other.open()
    assert await other.claim("node-b") == 1
    with pytest.raises(Fenced):
        await pg.append([record(2)], [])
    await other.append([record(2)], [])
    assert await pg.claim("node-a") == 2  # and back: now node-b is fenced
    with pytest.raises(Fenced):
        await other.append([record(3)], [])
    await pg.append([record(3)], [])
    assert await pg.head() == (3, 2, "node-a")
    await other.close()

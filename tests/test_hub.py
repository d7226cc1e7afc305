"""The hub in-process on both logs (a real SQLite file, a real PostgreSQL database): persist then
notify, failures, the day boundary."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import AsyncIterator, MutableMapping, Sequence
from pathlib import Path
from typing import Any

import msgspec
import pytest

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.access import Actor
from server.eventlog import CommandRow, EventLog, FaceChanges, OutboxRow
from server.fanout import Conn
from server.hub import Hub
from server.protocol import Welcome
from server.sqlite_log import SqliteLog

from .domain.sim import VN, small_config
from .logs import LogStore

ADMIN = Actor(name="staff:admin", role="admin")


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start.timestamp()

    def __call__(self) -> float:
        return self.now


class Recorder:
    """A connection's ASGI ``send`` that checks, for each event it gets, that it is already on disk."""

    def __init__(self, db: LogStore) -> None:
        self.db = db
        self.messages: list[dict[str, Any]] = []

    async def __call__(self, message: MutableMapping[str, Any]) -> None:
        msg = msgspec.json.decode(message["text"])
        if msg["type"] == "event":
            assert msg["seq"] in self.db.committed_seqs(), "announced before it was durable"
        self.messages.append(msg)


_hubs: list[Hub] = []


@pytest.fixture(autouse=True)
async def _stop_hubs() -> AsyncIterator[None]:
    """Stop every hub a test made, even when it fails (aiosqlite's thread would keep pytest alive)."""
    yield
    for hub in _hubs:
        await hub.stop()
        await hub.log.close()
    _hubs.clear()


async def make_hub(logs: LogStore, clock: Clock, log: EventLog | None = None) -> Hub:
    eventlog = log or logs.make()
    await eventlog.open()
    hub = Hub(eventlog, small_config(), clock=clock)
    _hubs.append(hub)
    await hub.start()
    return hub


async def attach(hub: Hub, recorder: Recorder, audience: str = "staff", last_seq: int | None = None) -> Conn:
    conn = Conn(recorder, "counter", audience, "staff:admin")  # type: ignore[arg-type]
    welcome = Welcome(role="counter", actor="staff:admin", seq=0, resumed=False, heartbeat=20)
    assert await hub.attach(conn, last_seq, welcome)
    return conn


async def test_events_are_announced_only_after_commit(logs: LogStore) -> None:
    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    hub = await make_hub(logs, clock)
    rec = Recorder(logs)
    await attach(hub, rec)
    out = await hub.submit(cmd.OpenCounter(counter=1), ADMIN)
    assert out.error is None
    for _ in range(5):
        out = await hub.submit(cmd.IssueTicket(service="A"), ADMIN)
        assert out.seq in logs.committed_seqs()
    types = [m["type"] for m in rec.messages]
    assert types[:2] == ["welcome", "snapshot"] and types.count("event") == 6
    await hub.stop()
    await hub.log.close()


async def test_group_commit_batches_concurrent_commands(logs: LogStore) -> None:
    import asyncio

    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    hub = await make_hub(logs, clock)
    commits = hub.commits
    outs = await asyncio.gather(*(hub.submit(cmd.IssueTicket(service="A"), ADMIN) for _ in range(100)))
    assert sorted(o.result["ticket"] for o in outs) == [f"A{i:03d}" for i in range(1, 101)]
    assert hub.commits - commits < 10, "100 concurrent commands should share a few commits"
    await hub.stop()
    await hub.log.close()


class FailingLog:
    """A log whose next append fails (the disk, the network): the rest is the real log's."""

    def __init__(self, inner: EventLog) -> None:
        self.inner = inner
        self.fail_next = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def append(
        self,
        records: Sequence[ev.Record],
        commands: Sequence[CommandRow],
        faces: FaceChanges | None = None,
        outbox: Sequence[OutboxRow] = (),
    ) -> None:
        if self.fail_next:
            self.fail_next = False
            raise sqlite3.OperationalError("disk I/O error")
        await self.inner.append(records, commands, faces, outbox)


async def test_a_failed_commit_changes_nothing_and_says_so(logs: LogStore) -> None:
    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    log = FailingLog(logs.make())
    hub = await make_hub(logs, clock, log)  # type: ignore[arg-type]
    rec = Recorder(logs)
    await attach(hub, rec)
    await hub.submit(cmd.IssueTicket(service="A"), ADMIN)
    before = msgspec.json.encode(hub.state)
    log.fail_next = True
    out = await hub.submit(cmd.IssueTicket(service="A"), ADMIN, key="k")
    assert out.error is not None and out.error.code == "storage_error"
    assert msgspec.json.encode(hub.state) == before
    assert sum(1 for m in rec.messages if m["type"] == "event") == 1  # the failed one was never announced
    again = await hub.submit(cmd.IssueTicket(service="A"), ADMIN, key="k")
    assert again.error is None and not again.duplicate and again.result["ticket"] == "A002"
    await hub.stop()
    await log.close()


async def test_idempotency_survives_a_restart(logs: LogStore) -> None:
    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    hub = await make_hub(logs, clock)
    first = await hub.submit(cmd.IssueTicket(service="A"), ADMIN, key="retry-me")
    same_batch = await hub.submit(cmd.IssueTicket(service="A"), Actor(name="device:k2", role="kiosk"), key="retry-me")
    assert same_batch.result["ticket"] == "A002"  # keys are scoped by actor
    await hub.stop()
    await hub.log.close()
    hub = await make_hub(logs, clock)
    again = await hub.submit(cmd.IssueTicket(service="A"), ADMIN, key="retry-me")
    assert again.duplicate and again.result == first.result and again.seq == first.seq
    assert len(hub.state.tickets) == 2
    await hub.stop()
    await hub.log.close()


async def test_midnight_starts_a_new_day_without_any_command(logs: LogStore) -> None:
    clock = Clock(dt.datetime(2026, 11, 23, 23, 59, tzinfo=VN))
    hub = await make_hub(logs, clock)
    await hub.submit(cmd.IssueTicket(service="A"), ADMIN)
    rec = Recorder(logs)
    await attach(hub, rec, audience="public")
    clock.now += 120
    await hub.tick()
    started = [m["event"] for m in rec.messages if m["type"] == "event"]
    assert started == [{"type": "day_started", "v": 1, "day": "2026-11-24", "expired": [1]}]
    out = await hub.submit(cmd.IssueTicket(service="A"), ADMIN)
    assert out.result["ticket"] == "A001" and out.result["day"] == "2026-11-24"
    await hub.stop()
    await hub.log.close()


async def test_config_file_change_is_recorded_as_an_event(logs: LogStore) -> None:
    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    hub = await make_hub(logs, clock)
    seq = hub.state.seq
    await hub.stop()
    await hub.log.close()
    log = logs.make()
    await log.open()
    changed = small_config(unit={"name": "Trạm Y tế mới"})
    hub = Hub(log, changed, clock=clock)
    await hub.start()
    assert hub.state.config.unit.name == "Trạm Y tế mới" and hub.state.seq == seq + 1
    await hub.stop()
    await log.close()


async def test_a_client_gone_during_attach_is_not_registered(logs: LogStore) -> None:
    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    hub = await make_hub(logs, clock)

    async def closed(message: MutableMapping[str, Any]) -> None:
        raise OSError("gone")

    conn = Conn(closed, "tv", "public", "device:tv")
    welcome = Welcome(role="tv", actor="device:tv", seq=0, resumed=False, heartbeat=20)
    assert not await hub.attach(conn, None, welcome)
    assert len(hub.fanout) == 0
    await hub.stop()
    await hub.log.close()


@pytest.mark.parametrize("sync", ["FULL", "NORMAL"])
async def test_both_durability_modes_open(tmp_path: Path, sync: str) -> None:
    log = SqliteLog(tmp_path / "q.sqlite3", sync)  # type: ignore[arg-type]
    await log.open()
    async with log.db.execute("PRAGMA synchronous") as cur:
        row = await cur.fetchone()
    assert row is not None and row[0] == {"FULL": 2, "NORMAL": 1}[sync]
    async with log.db.execute("PRAGMA journal_mode") as cur:
        row = await cur.fetchone()
    assert row is not None and row[0] == "wal"
    await log.close()


async def test_idempotency_keys_expire_after_two_days(logs: LogStore) -> None:
    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    hub = await make_hub(logs, clock)
    await hub.submit(cmd.IssueTicket(service="A"), ADMIN, key="old")
    clock.now += 86400
    await hub.submit(cmd.IssueTicket(service="A"), ADMIN, key="recent")
    clock.now += 86400 + 60
    await hub.prune_idempotency()
    assert set(hub.idempotency) == {"staff:admin|recent"}
    assert [k for (k,) in logs.query("SELECT key FROM commands")] == ["staff:admin|recent"]
    again = await hub.submit(cmd.IssueTicket(service="A"), ADMIN, key="old")
    assert not again.duplicate  # too old to be a retry: a new command
    await hub.stop()
    await hub.log.close()


async def test_a_bug_in_a_batch_fails_it_cleanly_and_the_hub_carries_on(
    logs: LogStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.domain import handle as handle_module

    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    hub = await make_hub(logs, clock)
    await hub.submit(cmd.IssueTicket(service="A"), ADMIN)
    before = msgspec.json.encode(hub.state)

    def broken(*args: Any) -> Any:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(handle_module, "result_of", broken)  # fails after the command was applied
    out = await hub.submit(cmd.IssueTicket(service="A"), ADMIN)
    assert out.error is not None and out.error.code == "internal_error"
    assert msgspec.json.encode(hub.state) == before  # rebuilt from the log: the half-done command is gone
    monkeypatch.undo()
    out = await hub.submit(cmd.IssueTicket(service="A"), ADMIN)
    assert out.result["ticket"] == "A002"
    await hub.stop()
    await hub.log.close()


async def test_restart_from_a_snapshot_gives_the_same_state_as_the_whole_log(logs: LogStore) -> None:
    from server.domain.fold import fold
    from server.eventlog import decode_record

    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    log = logs.make()
    await log.open()
    hub = Hub(log, small_config(), clock=clock, snapshot_every=25)
    _hubs.append(hub)
    await hub.start()
    await hub.submit(cmd.OpenCounter(counter=1), ADMIN)
    for i in range(60):
        ident = {"source": "typed", "id_number": f"0010990{i:05d}"}
        await hub.submit(
            msgspec.convert({"type": "issue_ticket", "service": "A", "identity": ident}, cmd.IssueTicket), ADMIN
        )
        if i % 3 == 0:
            await hub.submit(cmd.CallNext(counter=1), ADMIN)
            await hub.submit(cmd.FinishService(counter=1), ADMIN)
        clock.now += 60
    snap = await log.latest_snapshot()
    assert snap is not None and 0 < snap[0] < hub.state.seq  # a snapshot, and events after it
    before = msgspec.json.encode(hub.state)
    await hub.stop()
    hub2 = Hub(log, small_config(), clock=clock, snapshot_every=25)
    _hubs.append(hub2)
    await hub2.start()
    assert msgspec.json.encode(hub2.state) == before
    records = [decode_record(bytes(b)) for (b,) in logs.query("SELECT body FROM events ORDER BY seq")]
    assert msgspec.json.encode(fold(small_config(), records)) == before
    assert [r.seq for r in hub2.ring] == [r.seq for r in records][-len(hub2.ring) :]
    # a snapshot from another version of the code is ignored: the whole log is replayed
    await hub2.stop()
    await log.save_snapshot(hub2.state.seq, 999, b"not a state")
    hub3 = Hub(log, small_config(), clock=clock)
    _hubs.append(hub3)
    await hub3.start()
    assert msgspec.json.encode(hub3.state) == before
    assert await log.latest_snapshot() is None


async def test_an_unreadable_snapshot_falls_back_to_the_whole_log(logs: LogStore) -> None:
    from server.replay import SNAPSHOT_VERSION

    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    hub = await make_hub(logs, clock)
    for _ in range(3):
        await hub.submit(cmd.IssueTicket(service="A"), ADMIN)
    before = msgspec.json.encode(hub.state)
    await hub.stop()
    for body in (b"\xc1 garbage", msgspec.msgpack.encode(hub.state)):
        # garbage, then a real state stored under the wrong seq: neither is trusted
        await hub.log.save_snapshot(hub.state.seq + 5, SNAPSHOT_VERSION, body)
        again = Hub(hub.log, small_config(), clock=clock)
        _hubs.append(again)
        await again.start()
        assert msgspec.json.encode(again.state) == before
        await again.stop()


async def test_admin_edits_survive_a_restart_until_the_file_changes(logs: LogStore) -> None:
    """Decision 0005: the file wins only when it changed since it was last read."""
    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    file_a = small_config()
    log = logs.make()
    await log.open()
    hub = Hub(log, file_a, clock=clock)
    _hubs.append(hub)
    await hub.start()
    edited = msgspec.structs.replace(
        file_a, unit=msgspec.structs.replace(file_a.unit, name="Tên sửa trên trang quản trị")
    )
    out = await hub.submit(cmd.ReplaceConfig(config=edited, from_file=True), ADMIN)  # an admin cannot claim the file
    assert out.error is None and hub.state.config == edited and hub.state.file_config == file_a
    await hub.stop()
    await log.close()

    log = logs.make()
    await log.open()
    hub = Hub(log, file_a, clock=clock)  # same file: the edit stays
    _hubs.append(hub)
    await hub.start()
    assert hub.state.config.unit.name == "Tên sửa trên trang quản trị"
    await hub.stop()
    await log.close()

    file_c = msgspec.structs.replace(file_a, unit=msgspec.structs.replace(file_a.unit, name="Tên mới trong tệp"))
    log = logs.make()
    await log.open()
    hub = Hub(log, file_c, clock=clock)  # the file changed: it wins
    _hubs.append(hub)
    await hub.start()
    assert hub.state.config.unit.name == "Tên mới trong tệp" and hub.state.file_config == file_c


async def test_what_was_frozen_is_collected_once_the_new_day_starts(logs: LogStore) -> None:
    import gc
    import weakref

    class Node:
        other: Any = None

    clock = Clock(dt.datetime(2026, 11, 23, 23, 0, tzinfo=VN))
    hub = await make_hub(logs, clock)
    assert gc.get_freeze_count() > 0  # the state built at start is frozen
    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle, as a closed connection may leave
    gone = weakref.ref(a)
    gc.freeze()  # as the fan-out does every FREEZE_EVERY connections
    del a, b
    gc.collect()
    assert gone() is not None  # frozen: the collector does not see it
    assert hub.collect_garbage() == 0 and gone() is not None  # the same day: nothing
    clock.now += 3600
    await hub.tick()
    assert hub.collect_garbage() > 0
    assert gone() is None and gc.get_freeze_count() > 0
    gc.unfreeze()


async def test_a_fenced_writer_commits_nothing_and_tells_nobody(pg_url: str) -> None:
    """Another process claimed the site's writer role (a higher epoch): this hub's next batch is
    refused by PostgreSQL, answered storage_error, never announced, and its state stays the log's."""
    import psycopg

    from server.pg_log import PgLog

    logs = LogStore("postgresql", Path("unused"), pg_url)
    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    hub = await make_hub(logs, clock, PgLog(pg_url))
    rec = Recorder(logs)
    await attach(hub, rec)
    await hub.submit(cmd.IssueTicket(service="A"), ADMIN)
    before, seqs = msgspec.json.encode(hub.state), logs.committed_seqs()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE sites SET writer_epoch = 2, writer = 'node-b' WHERE site = 'main'")
    out = await hub.submit(cmd.IssueTicket(service="A"), ADMIN)
    assert out.error is not None and out.error.code == "storage_error"
    assert logs.committed_seqs() == seqs and msgspec.json.encode(hub.state) == before
    assert sum(1 for m in rec.messages if m["type"] == "event") == 1

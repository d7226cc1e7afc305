"""Backups in-process, on a real SQLite log written by a real hub: the file (named by time,
private, complete), pruning and the copy elsewhere, the schedule, and the restore's checks
(what it refuses, what it keeps aside)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from server import backup, datadir
from server.domain import commands as cmd
from server.domain.access import Actor
from server.domain.errors import DomainError
from server.hub import Hub
from server.restore import RestoreError, restore, verify
from server.settings import Settings
from server.sqlite_log import SqliteLog

from .domain.sim import VN, small_config
from .server_harness import ServerProc

ADMIN = Actor(name="staff:admin", role="admin")
T0 = dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN).timestamp()


async def write_log(db: Path, tickets: int = 20) -> int:
    """A log with a counter opened and some tickets issued; its last seq."""
    log = SqliteLog(db)
    await log.open()
    hub = Hub(log, small_config(), clock=lambda: T0)
    await hub.start()
    try:
        await hub.submit(cmd.OpenCounter(counter=1), ADMIN)
        for _ in range(tickets):
            assert (await hub.submit(cmd.IssueTicket(service="A"), ADMIN)).error is None
        return hub.state.seq
    finally:
        await hub.stop()
        await log.close()


def last_seq(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT max(seq) FROM events").fetchone()[0])


async def test_a_backup_is_a_complete_private_file_named_by_time(tmp_path: Path) -> None:
    db = tmp_path / "data" / "queue.sqlite3"
    seq = await write_log(db)
    info = backup.take(db, tmp_path / "data" / "backups", T0)
    path = Path(info.file)
    assert path.name == "queue-20261123T010000.000Z.sqlite3"  # 08:00 in Hanoi is 01:00 UTC
    assert backup.taken_at(path) == T0
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.stat(path.parent).st_mode & 0o777 == 0o700
    assert info.seq == seq == last_seq(path) and info.bytes == os.stat(path).st_size
    assert not list(path.parent.glob("*.partial")) and not list(path.parent.glob("*-wal"))
    assert verify(path, small_config()) == seq


def test_prune_keeps_recent_backups_and_always_the_newest(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    day = 86400.0
    ages = [40, 20, 13, 1]  # days
    for age in ages:
        (folder / backup.name_for(T0 - age * day)).write_bytes(b"x")
    leftover = folder / (backup.name_for(T0 - 2 * day) + ".partial")
    leftover.write_bytes(b"half")
    other = folder / "notes.txt"
    other.write_text("not a backup")
    gone = backup.prune(folder, 14, T0)
    assert sorted(p.name for p in gone) == sorted([leftover.name, *(backup.name_for(T0 - a * day) for a in (40, 20))])
    assert [backup.taken_at(p) for p in backup.backups(folder)] == [T0 - 13 * day, T0 - day]
    assert other.exists()
    # the newest backup stays however old it is (a server stopped for a month keeps its last one)
    assert backup.prune(folder, 0.5, T0 + 60 * day) == [folder / backup.name_for(T0 - 13 * day)]
    assert len(backup.backups(folder)) == 1


async def test_the_server_schedule_takes_copies_and_prunes(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        backup_every=0.5 / 3600,  # every half second
        backup_keep=1.0,
        backup_copy_to=tmp_path / "elsewhere",
    )
    await write_log(settings.db_path)
    old = settings.backups_dir / backup.name_for(1_000_000.0)
    settings.backups_dir.mkdir(parents=True)
    old.write_bytes(b"x")
    backups = backup.Backups(settings)
    task = asyncio.create_task(backups.run())
    try:
        for _ in range(100):
            await asyncio.sleep(0.05)
            if backups.taken >= 2:
                break
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert backups.taken >= 2 and backups.failures == 0
    here = backup.backups(settings.backups_dir)
    assert old not in here and len(here) >= 2
    copied = backup.backups(tmp_path / "elsewhere")
    assert {p.name for p in copied} <= {p.name for p in here} and len(copied) >= 2
    assert all(p.read_bytes() == (settings.backups_dir / p.name).read_bytes() for p in copied)
    assert all(os.stat(p).st_mode & 0o777 == 0o600 for p in copied)


def test_the_first_backup_comes_soon_after_the_start_then_every_period(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", backup_every=6)
    backups = backup.Backups(settings, clock=lambda: T0)
    assert backups.next_due() == T0 + 300  # none yet: five minutes after the start
    settings.backups_dir.mkdir(parents=True)
    (settings.backups_dir / backup.name_for(T0 - 3600)).write_bytes(b"x")
    assert backups.next_due() == T0 - 3600 + 6 * 3600  # six hours after the newest, restart or not


def test_no_schedule_when_every_is_zero(tmp_path: Path) -> None:
    backups = backup.Backups(Settings(data_dir=tmp_path, backup_every=0))
    asyncio.run(asyncio.wait_for(backups.run(), 1))  # returns at once
    assert backups.taken == 0


async def test_restore_puts_the_backup_in_place_and_keeps_the_old_database_aside(tmp_path: Path) -> None:
    data = tmp_path / "data"
    seq = await write_log(data / "queue.sqlite3", tickets=5)
    saved = Path(backup.take(data / "queue.sqlite3", tmp_path / "backups", T0).file)
    await write_log(data / "queue.sqlite3", tickets=7)  # the log moves on after the backup
    newer = last_seq(data / "queue.sqlite3")
    assert newer > seq
    restored, aside = restore(saved, data, small_config(), T0)
    assert restored == seq == last_seq(data / "queue.sqlite3")
    assert aside is not None and last_seq(aside / "queue.sqlite3") == newer
    assert os.stat(data / "queue.sqlite3").st_mode & 0o777 == 0o600
    assert not (data / "queue.sqlite3.restoring").exists()


@pytest.mark.parametrize("damage", ["not_a_database", "missing_event", "bad_event"])
async def test_restore_refuses_a_damaged_backup_and_changes_nothing(tmp_path: Path, damage: str) -> None:
    data = tmp_path / "data"
    seq = await write_log(data / "queue.sqlite3", tickets=5)
    bad = tmp_path / "bad.sqlite3"
    if damage == "not_a_database":
        bad.write_bytes(b"SQLite format 2\x00" + os.urandom(4000))
    else:
        shutil.copy(backup.take(data / "queue.sqlite3", tmp_path / "backups", T0).file, bad)
        with contextlib.closing(sqlite3.connect(bad)) as conn, conn:
            if damage == "missing_event":
                conn.execute("DELETE FROM events WHERE seq = 3")
            else:
                conn.execute("UPDATE events SET body = '{\"seq\": 4}' WHERE seq = 4")
    before = (data / "queue.sqlite3").read_bytes()
    with pytest.raises(RestoreError) as refused:
        restore(bad, data, small_config(), T0)
    expected = {"not_a_database": "not a database", "missing_event": "events are missing", "bad_event": "replay"}
    assert expected[damage] in refused.value.message_en
    assert (data / "queue.sqlite3").read_bytes() == before and last_seq(data / "queue.sqlite3") == seq
    assert not (data / "queue.sqlite3.restoring").exists()
    assert not list(data.glob("replaced-*"))


async def test_restore_refuses_while_the_data_folder_is_held(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await write_log(data / "queue.sqlite3", tickets=2)
    saved = Path(backup.take(data / "queue.sqlite3", tmp_path / "backups", T0).file)
    held = datadir.lock(data)  # what a running server holds
    try:
        with pytest.raises(RestoreError) as refused:
            restore(saved, data, small_config(), T0)
        assert "stop the server first" in refused.value.message_en
        assert "dừng máy chủ" in refused.value.message_vi
    finally:
        os.close(held)
    assert restore(saved, data, small_config(), T0)[0] == last_seq(saved)


async def test_on_postgresql_the_server_takes_no_backups_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=tmp_path, backup_every=0.5 / 3600, database="postgresql://u@127.0.0.1:1/q")
    backups = backup.Backups(settings)
    with caplog.at_level("INFO", logger="server.backup"):
        await asyncio.wait_for(backups.run(), 1)  # the schedule is off: it returns at once
    assert "the log is in PostgreSQL" in caplog.text and "pg_dump" in caplog.text
    with pytest.raises(DomainError) as refused:
        await backups.take_now()
    assert refused.value.code == "backup_postgresql" and backups.failures == 0
    assert not settings.backups_dir.exists()


def test_queue_database_must_be_a_postgresql_url() -> None:
    assert Settings.from_env({"QUEUE_DATABASE": "postgresql://q@db/queue"}).postgresql
    assert not Settings.from_env({}).postgresql
    with pytest.raises(SystemExit, match="postgresql://"):
        Settings.from_env({"QUEUE_DATABASE": "mysql://q@db/queue"})
    with pytest.raises(SystemExit, match="QUEUE_SITE"):
        Settings.from_env({"QUEUE_SITE": "bv 1"})


def test_the_backup_api_on_postgresql_points_to_pg_dump(tmp_path: Path, pg_url: str) -> None:
    server = ServerProc(tmp_path / "data", QUEUE_DATABASE=pg_url).start()
    try:
        status, body = server.post("/api/backups", {}, token=server.login())
    finally:
        server.kill()
    error = body["error"]
    assert status == 409 and error["code"] == "backup_postgresql"
    assert "pg_dump" in error["message_vi"] and "pg_dump" in error["message_en"]
    assert "event log: PostgreSQL postgresql://postgres@127.0.0.1" in server.log_path.read_text()

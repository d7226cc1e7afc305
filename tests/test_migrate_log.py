"""``python -m server.migrate_log``: a site's log moved from SQLite to PostgreSQL and back, with
the idempotency keys, faces, sessions, snapshot and the HIS outbox; the replayed states compared;
the moves it refuses."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

from server import migrate_log
from server.domain import commands as cmd
from server.domain.identity import Identity
from server.eventlog import SessionRow
from server.his.links import Link
from server.his.service import outbox_hook
from server.hub import Hub
from server.pg_log import PgLog
from server.sqlite_log import SqliteLog

from .domain.sim import VN, small_config
from .test_hub import ADMIN, Clock, _hubs

WEB = Link(name="web", form="webhook", site="70001", url="http://x", secret="s" * 24)


async def fill(path: Path) -> None:
    """A day of a small site: tickets, calls, a snapshot, a session, HIS messages (one delivered)."""
    log = SqliteLog(path)
    await log.open()
    hub = Hub(log, small_config(), clock=Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN)), snapshot_every=20)
    hub.outbox = outbox_hook([WEB])
    _hubs.append(hub)
    await hub.start()
    await hub.submit(cmd.OpenCounter(counter=1), ADMIN)
    for i in range(30):
        ident = Identity(source="typed", id_number=f"00109000{i:04d}")
        await hub.submit(cmd.IssueTicket(service="A", identity=ident), ADMIN, key=f"k{i}")
        if i % 4 == 0:
            await hub.submit(cmd.CallNext(counter=1), ADMIN)
    await log.save_session(SessionRow(token_hash="h" * 64, username="admin", created=1.0, expires=4e9))
    await hub.stop()
    await log.close()
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE his_outbox SET status = 'delivered', receipt = 'r1' WHERE id = 1")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as an operator types it."""
    return subprocess.run(
        [sys.executable, "-m", "server.migrate_log", *args], capture_output=True, text=True, timeout=120, check=False
    )


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


async def test_a_site_goes_to_postgresql_and_back_unchanged(tmp_path: Path, pg_url: str) -> None:
    src = tmp_path / "a" / "queue.sqlite3"
    await fill(src)
    done = run("--from", f"sqlite:{src}", "--to", pg_url, "--site", "bv-1")
    assert done.returncode == 0, done.stderr
    said = done.stdout
    assert "replayed states identical" in said and "30 command keys" in said and "1 sessions" in said
    pg = PgLog(pg_url, "bv-1")
    await pg.open()
    assert (await pg.head())[0] == rows(src, "SELECT max(seq) FROM events")[0][0]
    assert len(await pg.sessions(0.0)) == 1 and (await pg.latest_snapshot()) is not None
    await pg.close()

    back = tmp_path / "b" / "queue.sqlite3"
    assert run("--from", pg_url, "--to", f"sqlite:{back}", "--site", "bv-1").returncode == 0
    for sql in (
        "SELECT seq, at, actor, type, body FROM events ORDER BY seq",
        "SELECT key, at, result FROM commands ORDER BY key",
        "SELECT token_hash, username, created, expires FROM sessions",
        "SELECT seq, version, body FROM snapshots ORDER BY seq DESC LIMIT 1",
        f"SELECT {migrate_log.OUTBOX_COLUMNS} FROM his_outbox ORDER BY id",
    ):
        assert rows(back, sql) == rows(src, sql), sql
    assert rows(back, "SELECT status, receipt FROM his_outbox WHERE id = 1") == [("delivered", "r1")]


async def test_it_refuses_a_target_with_events_a_running_server_and_a_bad_address(tmp_path: Path, pg_url: str) -> None:
    src = tmp_path / "a" / "queue.sqlite3"
    await fill(src)
    assert run("--from", f"sqlite:{src}", "--to", pg_url).returncode == 0
    again = run("--from", f"sqlite:{src}", "--to", pg_url)
    assert again.returncode == 2 and "already has events" in again.stderr
    running = PgLog(pg_url, "main")  # a server of the site is connected
    await running.open()
    busy = run("--from", pg_url, "--to", f"sqlite:{tmp_path / 'c' / 'q.sqlite3'}")
    assert busy.returncode == 2 and "stop it first" in busy.stderr
    await running.close()
    bad = run("--from", "mysql://x", "--to", pg_url)
    assert bad.returncode == 2 and "sqlite:ĐƯỜNG_DẪN" in bad.stderr and "use sqlite:PATH or postgresql://" in bad.stderr
    none = run("--from", f"sqlite:{tmp_path / 'none.sqlite3'}", "--to", pg_url)
    assert none.returncode == 2 and "no such file" in none.stderr

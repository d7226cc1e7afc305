"""A backup taken by a real server while kiosks issue tickets and counters call over the
websocket, restored into a fresh data folder with ``python -m server.backup restore``, and a
server started on it: the backup holds whole batches (seq continuous, every command's events
and idempotency row together), everything acknowledged before the backup started, and replays
to the state the restored server shows."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .logs import LogStore
from .server_harness import ROOT, Client, ServerProc
from .test_crash import read_log, view_of

FILLER_MB = 96  # pages the backup must copy besides the log, so that commits land while it runs


def pad(db: Path) -> None:
    """A database with a large table beside the log (as a year of events would make it)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("CREATE TABLE filler (b BLOB)")
        conn.executemany("INSERT INTO filler VALUES (?)", ((os.urandom(64 * 1024),) for _ in range(FILLER_MB * 16)))


def restore(env: dict[str, str], data: Path, backup: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.backup", "restore", backup],
        cwd=ROOT,
        env={**env, "QUEUE_DATA": str(data)},
        capture_output=True,
        text=True,
        timeout=120,
    )


class Load:
    """Kiosks issue tickets and counters call, each as fast as its acks come back."""

    def __init__(self) -> None:
        self.acked: list[tuple[str, int, float, float]] = []  # key, seq, sent, acked (monotonic)
        self.stop = asyncio.Event()

    async def run(self, client: Client, commands: Iterator[dict[str, Any]]) -> None:
        while not self.stop.is_set():
            key = uuid.uuid4().hex
            sent = time.monotonic()
            reply = await client.command(next(commands), key=key)
            if reply["type"] == "ack":
                self.acked.append((key, reply["seq"], sent, time.monotonic()))


def kiosk() -> Iterator[dict[str, Any]]:
    services = ["A", "N", "X", "TH"]
    n = 0
    while True:
        n += 1
        yield {"type": "issue_ticket", "service": services[n % 4]}


def counter(n: int) -> Iterator[dict[str, Any]]:
    yield {"type": "open_counter", "counter": n}
    while True:
        yield {"type": "finish_and_call_next", "counter": n}  # two events in one command


async def test_a_backup_under_load_restores_to_a_consistent_state(tmp_path: Path) -> None:
    live = tmp_path / "live"
    pad(live / "queue.sqlite3")
    server = ServerProc(live, QUEUE_SYNC="FULL").start()
    restored: ServerProc | None = None
    try:
        tokens, admin_token = server.device_tokens(), server.login()
        start_seq = server.get("/api/health")["seq"]
        load = Load()
        tasks = []
        for _ in range(2):
            k = await Client.connect(server.ws_url)
            await k.hello("kiosk", tokens["kiosk-1"])
            tasks.append(asyncio.create_task(load.run(k, kiosk())))
        for n in (1, 4):
            c = await Client.connect(server.ws_url)
            await c.hello("counter", admin_token, counter=n)
            tasks.append(asyncio.create_task(load.run(c, counter(n))))
        await asyncio.sleep(1.0)
        acked_before = max(seq for _, seq, _, _ in load.acked)
        began = time.monotonic()
        status, info = await asyncio.to_thread(server.post, "/api/backups", {}, admin_token)
        ended = time.monotonic()
        await asyncio.sleep(0.5)
        load.stop.set()
        await asyncio.gather(*tasks)
        assert status == 201, info
        backup = Path(info["file"])
        assert backup.parent == live / "backups" and os.stat(backup).st_mode & 0o777 == 0o600

        # the writer went on while the copy was made: commands sent after the backup began were
        # acknowledged before it ended, and what they wrote is not in it
        during = [(seq, done - sent) for _, seq, sent, done in load.acked if sent >= began and done <= ended]
        outside = [done - sent for _, _, sent, done in load.acked if done < began or sent > ended]
        print(
            f"\nbackup: {info['bytes'] / 1e6:.1f} MB in {info['seconds']:.3f} s (request {ended - began:.3f} s);"
            f" {len(during)} commands acknowledged during it, slowest {max((d for _, d in during), default=0):.4f} s;"
            f" outside it slowest {max(outside):.4f} s of {len(outside)}"
        )
        assert during, "no command was acknowledged while the backup was being taken"
        assert max(seq for seq, _ in during) > info["seq"]

        # restoring into the running server's folder is refused, and changes nothing
        refused = restore(server.env, live, str(backup))
        assert refused.returncode == 2 and "stop the server first" in refused.stderr, refused
        assert not list(live.glob("replaced-*"))

        fresh = tmp_path / "fresh"
        done = restore(server.env, fresh, str(backup))
        assert done.returncode == 0, done.stderr
        records = read_log(LogStore("sqlite", fresh / "queue.sqlite3"))
        last = records[-1].seq
        # whole batches: seq 1..N without a gap, N the end of an acknowledged command, and a
        # command's idempotency row there exactly when its events are
        assert [r.seq for r in records] == list(range(1, last + 1)) and last == info["seq"]
        assert last >= acked_before, "the backup lacks what was acknowledged before it began"
        assert last in {seq for _, seq, _, _ in load.acked} | {start_seq}
        with contextlib.closing(sqlite3.connect(fresh / "queue.sqlite3")) as conn:
            keys = {k.split("|", 1)[1] for (k,) in conn.execute("SELECT key FROM commands WHERE key LIKE '%|%'")}
        assert keys == {key for key, seq, _, _ in load.acked if seq <= last}
        assert len(keys) > 100

        restored = ServerProc(fresh).start()
        assert restored.get("/api/health")["seq"] == last
        admin = await Client.connect(restored.ws_url)
        await admin.hello("admin", restored.login())
        reply = await admin.query("snapshot")
        shown = reply["result"]["view"]
        for k in ("server_time", "open_now"):
            shown.pop(k)
        assert reply["result"]["seq"] == last and shown == view_of(records)
    finally:
        server.kill()
        if restored is not None:
            restored.kill()

"""Storage benchmarks run in this process: raw aiosqlite inserts, and the replay of a log."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import msgspec

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.access import Actor
from server.domain.config_check import config_from_toml
from server.domain.decide import decide, rollover
from server.domain.errors import DomainError
from server.domain.fold import apply
from server.domain.state import QueueState
from server.hub import SNAPSHOT_EVERY, Hub
from server.pg_log import PgLog
from server.replay import SNAPSHOT_VERSION
from server.sqlite_log import SqliteLog as EventLog

from .setup import ROOT

BODY = (
    b'{"seq":1,"at":1795400000.0,"actor":"device:kiosk-1","event":{"type":"ticket_issued","v":1,'
    + b'"x":"'
    + b"y" * 150
    + b'"}}'
)


async def raw_inserts(path: Path, sync: str, producers: int, seconds: float) -> dict[str, Any]:
    """The floor for one durable write: each producer inserts one row and commits, in turn."""
    import aiosqlite

    for f in path.parent.glob(path.name + "*"):
        f.unlink()
    db = await aiosqlite.connect(path, isolation_level=None)
    await db.execute("PRAGMA journal_mode=WAL")
    await db.execute(f"PRAGMA synchronous={sync}")
    await db.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, at REAL, actor TEXT, type TEXT, body BLOB)")
    lock = asyncio.Lock()
    lat: list[float] = []
    end = time.monotonic() + seconds

    async def producer() -> None:
        while time.monotonic() < end:
            t = time.monotonic()
            async with lock:
                await db.execute("BEGIN IMMEDIATE")
                await db.execute(
                    "INSERT INTO events (at, actor, type, body) VALUES (?, ?, ?, ?)",
                    (t, "device:kiosk-1", "TicketIssued", BODY),
                )
                await db.execute("COMMIT")
            lat.append((time.monotonic() - t) * 1000)

    t0 = time.monotonic()
    await asyncio.gather(*(producer() for _ in range(producers)))
    wall = time.monotonic() - t0
    await db.close()
    lat.sort()
    return {
        "acked": len(lat),
        "per_second": len(lat) / wall,
        "p50_ms": lat[len(lat) // 2],
        "p99_ms": lat[int(len(lat) * 0.99)],
        "max_ms": lat[-1],
    }


RUNS = 3  # fresh processes per log size: the median is reported


def replay(path: Path, events: int, runs: int = RUNS, write: bool = True, where: str = "") -> dict[str, Any]:
    """Write ``events`` realistic events (issue, call, finish over many days), then time, in
    ``runs`` fresh processes (a restart is a fresh process), the replay the server does at start
    against reading and decoding the same rows only: the medians, and the replay's range.
    ``where``: replay that log instead (a PostgreSQL URL the same events were moved to)."""
    if write:
        write_log(path, events)
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-m", "bench.storage", where or str(path)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        results.append(json.loads(out.stdout))
    replays = [r["replay_s"] for r in results]
    return {
        "events": results[0]["events"],
        "runs": runs,
        "replay_s": statistics.median(replays),
        "replay_min_s": min(replays),
        "replay_max_s": max(replays),
        "decode_s": statistics.median(r["decode_s"] for r in results),
        "restart_s": statistics.median(r["restart_s"] for r in results),
    }


def write_log(path: Path, events: int) -> None:
    """A log of ``events`` events made by the domain itself: tickets issued every 30 s, called
    and finished by the counters in turn, days rolling over, a snapshot every 50,000 events as
    the server keeps them."""
    cfg = config_from_toml((ROOT / "config" / "demo.toml").read_bytes())

    async def run() -> None:
        for f in path.parent.glob(path.name + "*"):
            f.unlink()
        log = EventLog(path, "NORMAL")
        await log.open()
        state = QueueState(config=cfg)
        admin = Actor(name="staff:admin", role="admin")
        now = dt.datetime(2026, 1, 5, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))).timestamp()
        batch: list[ev.Record] = []

        def emit(evs: list[ev.Event], actor: str = "staff:admin") -> None:
            for e in evs:
                r = ev.Record(seq=state.seq + 1, at=now, actor=actor, event=e)  # type: ignore[arg-type]
                apply(state, r)
                batch.append(r)

        emit([ev.ConfigReplaced(config=cfg)], "system")
        snapshots = 0
        services = [s.code for s in cfg.services]
        i = 0
        while state.seq < events:
            now += 30.0
            emit(rollover(state, now), "system")
            i += 1
            try:
                emit(decide(state, cmd.IssueTicket(service=services[i % len(services)]), now, admin))
                c = cfg.counters[i % len(cfg.counters)].number
                if state.counters[c].status == "closed":
                    emit(decide(state, cmd.OpenCounter(counter=c), now, admin))
                call = cmd.FinishAndCallNext if state.counters[c].current is not None else cmd.CallNext
                emit(decide(state, call(counter=c), now, admin))
            except DomainError:
                pass
            if len(batch) >= 20_000 or state.seq // SNAPSHOT_EVERY > snapshots:
                await log.append(batch, [])
                batch.clear()
                if state.seq // SNAPSHOT_EVERY > snapshots:  # as the server does every 50,000 events
                    snapshots = state.seq // SNAPSHOT_EVERY
                    await log.save_snapshot(state.seq, SNAPSHOT_VERSION, msgspec.msgpack.encode(state))
        if batch:
            await log.append(batch, [])
        await log.close()

    asyncio.run(run())


class _WholeLog(Hub):
    """The hub replaying the whole log: no snapshot."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.use_snapshots = False


def time_replay(where: str) -> dict[str, Any]:
    """In this (fresh) process: read and decode only, a restart (the latest snapshot, then the
    events after it), and the whole log replayed by the server's own ``Hub._load``; of a SQLite
    file, or of site ``main`` in PostgreSQL (``where`` a postgresql:// URL, bench/scale.py)."""
    cfg = config_from_toml((ROOT / "config" / "demo.toml").read_bytes())

    async def run() -> dict[str, Any]:
        log: Any = PgLog(where) if where.startswith("postgresql://") else EventLog(Path(where), "NORMAL")
        await log.open()
        gc.disable()  # as the replay does (Hub._load)
        t0 = time.perf_counter()
        async for records in log.records():  # the same reads and decoding as the replay, no apply
            del records
        decode_s = time.perf_counter() - t0
        gc.enable()
        hub = Hub(log, cfg)
        t0 = time.perf_counter()
        await hub._load()
        restart_s = time.perf_counter() - t0
        with_snapshot = msgspec.json.encode(hub.state)
        hub = _WholeLog(log, cfg)
        t0 = time.perf_counter()
        await hub._load()
        replay_s = time.perf_counter() - t0
        assert msgspec.json.encode(hub.state) == with_snapshot, "the replay and the snapshot disagree"
        await log.close()
        return {"events": hub.state.seq, "replay_s": replay_s, "decode_s": decode_s, "restart_s": restart_s}

    return asyncio.run(run())


if __name__ == "__main__":
    print(json.dumps(time_replay(sys.argv[1])))

"""Storage benchmarks run in this process: raw aiosqlite inserts, and the replay of a log."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import time
from pathlib import Path
from typing import Any

import msgspec

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.access import Actor
from server.domain.config import config_from_toml
from server.domain.decide import decide, rollover
from server.domain.errors import DomainError
from server.domain.state import QueueState, apply
from server.eventlog import EventLog
from server.hub import SNAPSHOT_EVERY, SNAPSHOT_VERSION, Hub

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


def replay(path: Path, events: int) -> dict[str, Any]:
    """Write ``events`` realistic events (issue, call, finish over many days), then time the replay
    the server does at start against reading and decoding the same rows only."""
    from .setup import ROOT

    cfg = config_from_toml((ROOT / "config" / "demo.toml").read_bytes())

    async def run() -> dict[str, Any]:
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

        log = EventLog(path, "NORMAL")
        await log.open()
        gc.disable()  # as the replay does (Hub._load)
        t0 = time.perf_counter()
        async for records in log.records():  # the same reads and decoding as the replay, no apply
            del records
        decode_s = time.perf_counter() - t0
        gc.enable()
        hub = Hub(log, cfg)
        t0 = time.perf_counter()
        await hub._load()  # what a restart does: the latest snapshot, then the events after it
        restart_s = time.perf_counter() - t0
        with_snapshot = hub.state
        await log.drop_snapshots()
        t0 = time.perf_counter()
        await hub._load()  # the whole log
        replay_s = time.perf_counter() - t0
        assert msgspec.json.encode(hub.state) == msgspec.json.encode(with_snapshot)
        await log.close()
        return {"events": hub.state.seq, "replay_s": replay_s, "decode_s": decode_s, "restart_s": restart_s}

    return asyncio.run(run())

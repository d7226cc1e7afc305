"""``scripts/bench scale``: the log in PostgreSQL against SQLite (issue 21), in sections.

- ``durable``: tickets acknowledged per second through the real server's websocket (kiosks in
  a closed loop, ``bench/loadgen.py durable``: each acknowledged after its batch's commit), the
  log in PostgreSQL 15 (fsync and synchronous_commit on, group commit: one transaction per hub
  batch) and, in the same run, in SQLite (``synchronous=FULL``) as the baseline;
- ``hub``: the same, but the hub and its log alone in this process (kiosks are tasks calling
  ``Hub.submit``): the log's share apart from the websocket path;
- ``replay``: a log of N events (1,000,000 by default) written by the domain, moved to PostgreSQL
  by ``server.migrate_log`` (which checks the replayed states are identical), then the server's
  replay at start timed from each, in fresh processes.

A first server start makes the voice packs (which the later ones share) and each server is
measured once its start-up work is done. The server is pinned to CPU 0 and the load generator to CPU 1; PostgreSQL (a throwaway cluster,
``tests/pg_harness.py``, durable) runs where the system puts it, so it shares the two cores.
More sections (several processes: failover time, a follower's CPU) are added to ``SECTIONS``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import psutil

from server import migrate_log
from server.domain import commands as cmd
from server.domain.access import Actor
from server.domain.config import Config
from server.domain.config_check import config_from_toml
from server.hub import Hub
from server.pg_log import PgLog
from server.sqlite_log import SqliteLog
from tests.pg_harness import PgCluster

from . import cluster
from .__main__ import loadgen, machine, table
from .setup import ROOT, ServerProc, write_bench_config
from .storage import replay


class Context(msgspec.Struct):
    work: Path
    cluster: PgCluster
    seconds: float
    clients: list[int]
    events: int
    runs: int


def settled(server: ServerProc, limit: float = 180.0) -> ServerProc:
    """The server once its start-up work is done (the first start makes the voice packs, which
    the later ones share): its CPU under 5 % for a second."""
    proc = psutil.Process(server.pid)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.cpu_percent(interval=1.0) > 5.0:
        pass
    return server


def durable(ctx: Context) -> str:
    rows: list[list[Any]] = []
    warm = ServerProc(ctx.work / "warm-up" / "data", QUEUE_CONFIG=str(ctx.work / "bench.toml")).start()
    settled(warm).kill()
    for kind in ("postgresql", "sqlite"):
        url = ctx.cluster.socket_url(ctx.cluster.create_db(f"durable_{int(time.time())}"))  # as on one machine
        env = {"QUEUE_DATABASE": url} if kind == "postgresql" else {}
        server = ServerProc(
            ctx.work / f"durable-{kind}" / "data", cpu=0, QUEUE_CONFIG=str(ctx.work / "bench.toml"), QUEUE_SYNC="FULL",
            **env,
        ).start()  # fmt: skip
        settled(server)
        try:
            kiosk = server.device_tokens()["kiosk-1"]
            for clients in ctx.clients:
                r = loadgen(
                    "durable", "--url", server.ws_url, "--server-pid", str(server.pid), f"--token={kiosk}",
                    "--clients", str(clients), "--seconds", str(ctx.seconds), "--rate", "0", "--services", "A,B,C",
                )  # fmt: skip
                rows.append([
                    "PostgreSQL 15" if kind == "postgresql" else "SQLite FULL (baseline)", clients, r["acked"],
                    r["errors"], f"{r['per_second']:.0f}", f"{r['p50_ms']:.1f}", f"{r['p99_ms']:.1f}",
                    f"{r['server_cpu_s'] / max(r['wall_s'], 1e-9):.2f}",
                ])  # fmt: skip
                print("durable", kind, clients, f"{r['per_second']:.0f}/s", flush=True)
        finally:
            server.kill()
    head = ["log", "kiosks", "acked", "errors", "tickets/s", "ack p50 ms", "ack p99 ms", "server CPU (cores)"]
    return f"### Durable tickets/s (closed loop, {ctx.seconds:g} s each; acknowledged after the commit)\n\n" + table(
        head, rows
    )


async def _hub_run(log: Any, config: Config, kiosks: int, seconds: float) -> dict[str, float]:
    await log.open()
    hub = Hub(log, config)
    await hub.start()
    commits: list[tuple[float, int]] = []
    log.on_commit = lambda s, n: commits.append((s, n))
    actor = Actor(name="device:kiosk-1", role="kiosk")
    done = 0
    end = time.perf_counter() + seconds

    async def kiosk(i: int) -> None:
        nonlocal done
        k = 0
        while time.perf_counter() < end:
            k += 1
            out = await hub.submit(cmd.IssueTicket(service="ABC"[k % 3]), actor, key=f"{i}-{k}")
            done += out.error is None

    t0 = time.perf_counter()
    await asyncio.gather(*(kiosk(i) for i in range(kiosks)))
    wall = time.perf_counter() - t0
    await hub.stop()
    await log.close()
    times = sorted(s for s, _ in commits)
    return {
        "per_second": done / wall,
        "commits": len(commits),
        "batch": sum(n for _, n in commits) / max(1, len(commits)),
        "commit_p50_ms": times[len(times) // 2] * 1000 if times else 0.0,
    }


def hub(ctx: Context) -> str:
    """The hub and its log alone, in this process (no websocket, no load generator): what the log
    lets the writer do, apart from the network path."""
    rows = []
    for kind in ("postgresql", "sqlite"):
        for kiosks in ctx.clients:
            if kind == "postgresql":
                log: Any = PgLog(ctx.cluster.socket_url(ctx.cluster.create_db(f"hub_{kiosks}_{int(time.time())}")))
            else:
                log = SqliteLog(ctx.work / f"hub-{kiosks}.sqlite3", "FULL")
            config = config_from_toml((ctx.work / "bench.toml").read_bytes())
            r = asyncio.run(_hub_run(log, config, kiosks, ctx.seconds))
            rows.append([
                "PostgreSQL 15" if kind == "postgresql" else "SQLite FULL (baseline)", kiosks,
                f"{r['per_second']:.0f}", r["commits"], f"{r['batch']:.0f}", f"{r['commit_p50_ms']:.1f}",
            ])  # fmt: skip
            print("hub", kind, kiosks, f"{r['per_second']:.0f}/s", flush=True)
    head = ["log", "kiosks (tasks)", "tickets/s", "commits", "events per commit", "commit p50 ms"]
    return f"### The hub and its log in one process ({ctx.seconds:g} s each, durable commits)\n\n" + table(head, rows)


def replays(ctx: Context) -> str:
    path = ctx.work / "replay.sqlite3"
    from .storage import write_log

    t0 = time.perf_counter()
    write_log(path, ctx.events)
    written = time.perf_counter() - t0
    url = ctx.cluster.socket_url(ctx.cluster.create_db(f"replay_{int(time.time())}"))
    config = config_from_toml((ROOT / "config" / "demo.toml").read_bytes())
    t0 = time.perf_counter()
    moved = asyncio.run(
        migrate_log.move(migrate_log.End(f"sqlite:{path}", "main"), migrate_log.End(url, "main"), config)
    )
    move_s = time.perf_counter() - t0
    print(f"replay: {moved.events} events written in {written:.0f} s, moved and checked in {move_s:.0f} s", flush=True)
    rows = []
    for name, where in (("PostgreSQL 15", url), ("SQLite (baseline)", "")):
        r = replay(path, ctx.events, ctx.runs, write=False, where=where)
        rows.append([
            name, r["events"], f"{r['replay_s']:.2f} ({r['replay_min_s']:.2f}-{r['replay_max_s']:.2f})",
            f"{r['events'] / r['replay_s']:.0f}", f"{r['decode_s']:.2f}", f"{r['restart_s']:.2f}",
        ])  # fmt: skip
        print("replay", name, f"{r['replay_s']:.2f} s", flush=True)
    return (
        f"### Replay of {moved.events:,} events (the whole log; {ctx.runs} fresh processes, median and range)\n\n"
        f"Moved SQLite → PostgreSQL by `server.migrate_log` in {move_s:.0f} s, replayed states checked identical.\n\n"
        + table(["log", "events", "full replay s", "events/s", "read+decode only s", "restart s"], rows)
    )


SECTIONS: dict[str, Callable[[Context], str]] = {
    "durable": durable,
    "hub": hub,
    "replay": replays,
    "failover": cluster.failover_section,  # several processes (bench/cluster.py, decision 0014)
    "follower": cluster.follower_section,
}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sections", default=",".join(SECTIONS), help=f"some of {', '.join(SECTIONS)}")
    p.add_argument("--seconds", type=float, default=8.0, help="each durable run")
    p.add_argument("--clients", default="50,200", help="kiosks at once, comma-separated")
    p.add_argument("--events", type=int, default=1_000_000, help="events in the replayed log")
    p.add_argument("--runs", type=int, default=3, help="fresh processes per replay")
    a = p.parse_args()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="queue-scale-"))
    write_bench_config(work / "bench.toml")
    cluster = PgCluster(durable=True).start()
    ctx = Context(work, cluster, a.seconds, [int(c) for c in a.clients.split(",")], a.events, a.runs)
    try:
        print(f"# Scale benchmarks, {dt.datetime.now().isoformat(timespec='minutes')}\n\n{machine()}\n", flush=True)
        out = [SECTIONS[name](ctx) for name in a.sections.split(",")]
        print("\n" + "\n\n".join(out))
        print(f"\n(ran in {time.monotonic() - started:.0f} s)")
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

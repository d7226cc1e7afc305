"""``scripts/bench scale`` sections for several processes of one site (decision 0014):

- ``failover``: three processes on one PostgreSQL; kiosks on the two followers issue tickets in
  a closed loop; the writer is SIGKILLed N times (started again as a follower each time); the
  time from the kill to the first acknowledged command sent after it (target: median ≤ 3 s);
- ``follower``: the server CPU per delivery on a follower against the writer: the same number of
  boards on each, one kiosk on the other follower issuing at a fixed rate; the CPU time of each
  process over the run divided by the frames its boards received.

Every process is started through ``tests/cluster_harness.py`` (the same as the tests)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from tests.cluster_harness import Processes
from tests.server_harness import ServerProc

from .__main__ import table


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _hello(url: str, token: str, role: str = "kiosk") -> Any:
    ws = await connect(url, compression=None, max_size=None, open_timeout=10)
    await ws.send(json.dumps({"type": "hello", "role": role, "token": token}))
    welcome = json.loads(await ws.recv())
    assert welcome["type"] == "welcome", welcome
    return ws


async def _kiosk(
    urls: list[str], token: str, acks: list[tuple[float, float]], stop: asyncio.Event, rate: float
) -> None:
    """Issue tickets (closed loop, or ``rate`` per second), through whichever URL answers."""
    ws, n = None, 0
    while not stop.is_set():
        sent, key = time.monotonic(), uuid.uuid4().hex
        while not stop.is_set():
            try:
                ws = ws or await _hello(urls[n % len(urls)], token)
                n += 1
                cmd = {"type": "issue_ticket", "service": "ABC"[n % 3]}
                await ws.send(json.dumps({"type": "cmd", "id": "c", "key": key, "command": cmd}))
                while (msg := json.loads(await asyncio.wait_for(ws.recv(), 20)))["type"] not in ("ack", "error"):
                    pass
                if msg["type"] == "ack":
                    acks.append((sent, time.monotonic()))
                    break
                await asyncio.sleep(0.05)
            except Exception:
                ws = None
                await asyncio.sleep(0.05)
        if rate:
            await asyncio.sleep(max(0.0, sent + 1 / rate - time.monotonic()))


def _cluster(work: Path, database: str, config: Path, n: int = 3) -> Processes:
    procs = Processes(work, database, n=n, QUEUE_CONFIG=str(config))
    for p in procs.procs:
        p.start(180.0)  # the first start makes the voice packs
    return procs


async def _failovers(procs: Processes, kills: int) -> list[float]:
    writer_url, _ = procs.writer_url()
    followers = [p for p in procs.procs if p.http != writer_url]
    token = procs.procs[0].device_tokens()["kiosk-1"]
    acks: list[tuple[float, float]] = []
    stop = asyncio.Event()
    kiosks = [asyncio.create_task(_kiosk([f.ws_url for f in followers], token, acks, stop, 0)) for _ in range(4)]
    times: list[float] = []
    try:
        await asyncio.sleep(2)
        for _ in range(kills):
            url, _ = procs.writer_url()
            writer = procs.by_url(url)
            assert writer is not None
            writer.kill(signal.SIGKILL)
            killed = time.monotonic()
            while not (after := [a for s, a in acks if s >= killed]):
                if time.monotonic() - killed > 30:
                    raise TimeoutError("no command acknowledged 30 s after the writer was killed")
                await asyncio.sleep(0.005)
            times.append(min(after) - killed)
            await asyncio.to_thread(writer.start, 90.0)
            await asyncio.sleep(1)
    finally:
        stop.set()
        await asyncio.wait(kiosks, timeout=30)
    return times


def failover(work: Path, database: str, config: Path, kills: int) -> dict[str, Any]:
    procs = _cluster(work, database, config)
    try:
        times = asyncio.run(_failovers(procs, kills))
    finally:
        procs.stop()
    return {"kills": len(times), "p50_s": statistics.median(times), "max_s": max(times), "min_s": min(times)}


async def _boards(url: str, token: str, n: int, counts: list[int], stop: asyncio.Event) -> None:
    async def one() -> None:
        ws = await _hello(url, token, "tv")
        while not stop.is_set():
            try:
                await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                continue
            counts[0] += 1  # a frame written to this board (an event, or the waiting counts of another zone)
        await ws.close()

    await asyncio.gather(*(one() for _ in range(n)))


async def _deliveries(
    writer: ServerProc, follower: ServerProc, issuer: ServerProc, boards: int, rate: float, seconds: float
) -> dict[str, Any]:
    tokens = writer.device_tokens()
    stop = asyncio.Event()
    counts = {"writer": [0], "follower": [0]}
    tasks = [
        asyncio.create_task(_boards(writer.ws_url, tokens["tv-z1"], boards, counts["writer"], stop)),
        asyncio.create_task(_boards(follower.ws_url, tokens["tv-z1"], boards, counts["follower"], stop)),
    ]
    await asyncio.sleep(3)  # every board connected
    acks: list[tuple[float, float]] = []
    cpu0 = {"writer": cpu_seconds(writer.pid), "follower": cpu_seconds(follower.pid)}
    delivered0 = {k: v[0] for k, v in counts.items()}
    kiosk = asyncio.create_task(_kiosk([issuer.ws_url], tokens["kiosk-1"], acks, stop, rate))
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.wait([kiosk, *tasks], timeout=30)
    out: dict[str, Any] = {"acked": len(acks)}
    for role, proc in (("writer", writer), ("follower", follower)):
        cpu = cpu_seconds(proc.pid) - cpu0[role]
        delivered = counts[role][0] - delivered0[role]
        out[role] = {"cpu_s": cpu, "deliveries": delivered, "us_per_delivery": 1e6 * cpu / max(delivered, 1)}
    return out


def follower_cpu(work: Path, database: str, config: Path, boards: int, rate: float, seconds: float) -> dict[str, Any]:
    procs = _cluster(work, database, config)
    try:
        url, _ = procs.writer_url()
        writer = procs.by_url(url)
        assert writer is not None
        follower, issuer = [p for p in procs.procs if p is not writer]
        return asyncio.run(_deliveries(writer, follower, issuer, boards, rate, seconds))
    finally:
        procs.stop()


KILLS = 10
BOARDS = 100
RATE = 20.0  # tickets per second in the follower section
SECONDS = 10.0


def failover_section(ctx: Any) -> str:
    """``scale`` section: the failover time (``ctx`` is ``bench.scale.Context``)."""
    r = failover(
        ctx.work / "failover", ctx.cluster.create_db(f"failover_{int(time.time())}"), ctx.work / "bench.toml", KILLS
    )
    print("failover", f"p50 {r['p50_s']:.2f} s", flush=True)
    return (
        f"### Failover: 3 processes, the writer SIGKILLed {r['kills']} times (kiosks on the followers, closed loop)\n\n"
        "Time from the kill to the first acknowledged command sent after it (target: median at most 3 s).\n\n"
        + table(
            ["kills", "median s", "min s", "max s"],
            [[r["kills"], f"{r['p50_s']:.2f}", f"{r['min_s']:.2f}", f"{r['max_s']:.2f}"]],
        )
    )


def follower_section(ctx: Any) -> str:
    """``scale`` section: the server CPU per delivery on a follower against the writer."""
    r = follower_cpu(
        ctx.work / "follower", ctx.cluster.create_db(f"follower_{int(time.time())}"), ctx.work / "bench.toml",
        BOARDS, RATE, SECONDS,
    )  # fmt: skip
    rows = [
        [role, BOARDS, r[role]["deliveries"], f"{r[role]['cpu_s']:.2f}", f"{r[role]['us_per_delivery']:.1f}"]
        for role in ("writer", "follower")
    ]
    print("follower", *(f"{row[0]} {row[4]} µs" for row in rows), flush=True)
    return (
        f"### CPU per delivery: a follower against the writer ({BOARDS} TV boards on each, {RATE:g} tickets/s "
        f"from a kiosk on the other follower for {SECONDS:g} s; {r['acked']} acknowledged)\n\n"
        "The writer's CPU includes deciding and committing each forwarded command; the follower's, "
        "reading the log and folding it.\n\n"
        + table(["process", "boards", "frames delivered", "CPU s", "µs CPU per frame"], rows)
    )

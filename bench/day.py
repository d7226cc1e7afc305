"""A hospital day, replayed faster than life: ``python -m bench.day`` (``scripts/bench day``).

10,000 patients over a 9-hour day (three times as many per hour in the first three hours), 6
kiosks issuing their tickets, 60 counters calling and serving them (service time 4 minutes on
average, exponential), 40 TV boards (half per zone) watching, all replayed ``--speed`` times
faster (10x: the day takes 54 minutes; ``--hours`` replays only the first hours). The server
is pinned to CPU 0 with synchronous=FULL, the clients to CPU 1. Reported: tickets, calls,
acknowledgement latency of kiosks and counters, command-to-board delivery latency, lost
deliveries, and the server's CPU, against the targets of issue 8 (the fan-out baseline is in
``scripts/bench``).

Journeys (issue 20): a share of the visits (``--journeys``, 30 % by default) is sent by the
counter that sees the patient to the laboratory, imaging or both (the last twentieth of the
counters each), and comes back to that counter with the results; the door-to-door time (issue
to the visit's end, in the day's own minutes) is read from the server's report at the end."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import uvloop
from picows import ws_connect

from .arrivals import arrival_times
from .loadgen import Board, Requester, connect_boards, cpu_seconds, pct
from .setup import bench_server, write_bench_config

now = time.monotonic


async def run_day(a: argparse.Namespace, url: str, pid: int, tv: dict[str, str], admin: str) -> dict[str, Any]:
    rng = random.Random(11)
    sink: list[tuple[int, float]] = []
    boards: list[Board] = []
    for zone in ("tv-z1", "tv-z2"):
        hello = json.dumps({"type": "hello", "role": "tv", "token": tv[zone]}).encode()
        boards += await connect_boards(url, a.boards // 2, hello, sink)

    async def requester(hello: dict[str, Any]) -> Requester:
        _, c = await ws_connect(lambda: Requester(json.dumps(hello).encode()), url)
        assert isinstance(c, Requester) and c.ready is not None
        await c.ready
        return c

    kiosks = [await requester({"type": "hello", "role": "kiosk", "token": tv["kiosk-1"]}) for _ in range(a.kiosks)]
    counters = {
        n: await requester({"type": "hello", "role": "counter", "token": admin, "counter": n})
        for n in range(1, a.counters + 1)
    }
    ids = itertools.count()
    sent: dict[int, float] = {}
    kiosk_ms: list[float] = []
    counter_ms: list[float] = []
    calls = 0
    errors = 0

    async def command(c: Requester, body: dict[str, Any]) -> dict[str, Any]:
        cid = f"d{next(ids)}"
        t = now()
        reply = await c.request(cid, json.dumps({"type": "cmd", "id": cid, "key": cid, "command": body}).encode())
        if reply["type"] == "ack":
            sent[reply["seq"]] = t  # the command's last event: measured from the command's send
        return reply | {"ms": (now() - t) * 1000}

    for n, c in counters.items():
        await command(c, {"type": "open_counter", "counter": n})
    await asyncio.sleep(0.5)
    sink.clear()
    sent.clear()
    c0, t0 = cpu_seconds(pid), now()
    real_end = t0 + a.hours * 3600 / a.speed

    async def kiosk_loop() -> None:
        nonlocal errors
        for i, at in enumerate(arrival_times(a.patients, a.hours)):
            delay = t0 + at / a.speed - now()
            if delay > 0:
                await asyncio.sleep(delay)
            service = rng.choices("ABC", weights=(5, 3, 2))[0]
            reply = await command(kiosks[i % len(kiosks)], {"type": "issue_ticket", "service": service})
            if reply["type"] == "ack":
                kiosk_ms.append(reply["ms"])
            else:
                errors += 1

    tests_from = a.counters - 2 * max(1, a.counters // 20) if a.journeys > 0 else a.counters + 1
    sent_on = 0

    async def counter_loop(n: int, c: Requester) -> None:
        nonlocal calls, sent_on
        serving = False
        returning: set[str] = set()  # tickets this counter sent on, coming back
        current = ""
        while now() < real_end:
            if serving and n < tests_from and current not in returning and rng.random() < a.journeys:
                steps = rng.choice(([{"service": "X"}], [{"service": "H"}], [{"service": "X"}, {"service": "H"}]))
                reply = await command(c, {"type": "send_on", "counter": n, "steps": steps, "come_back": True})
                counter_ms.append(reply["ms"])
                sent_on += reply["type"] == "ack"
                returning.add(current)
                serving = False
            reply = await command(c, {"type": "finish_and_call_next" if serving else "call_next", "counter": n})
            counter_ms.append(reply["ms"])
            if reply["type"] == "ack" and "ticket" in (reply.get("result") or {}):
                calls += 1
                serving = True
                current = str(reply["result"]["ticket"])
                await asyncio.sleep(rng.expovariate(1 / 240) / a.speed)  # the patient is seen
            else:
                serving = False
                await asyncio.sleep(20 / a.speed)  # nobody waiting: look again in 20 s

    await asyncio.gather(kiosk_loop(), *(counter_loop(n, c) for n, c in counters.items()))
    await asyncio.sleep(1.0)
    wall = now() - t0
    cpu = cpu_seconds(pid) - c0
    lat = [(t - sent[s]) * 1000 for s, t in sink if s in sent]
    return {
        "tickets": len(kiosk_ms),
        "calls": calls,
        "errors": errors,
        "wall_s": wall,
        "kiosk_p50_ms": pct(kiosk_ms, 50),
        "kiosk_p99_ms": pct(kiosk_ms, 99),
        "counter_p50_ms": pct(counter_ms, 50),
        "counter_p99_ms": pct(counter_ms, 99),
        "deliveries": len(lat),
        "board_p50_ms": pct(lat, 50),
        "board_p99_ms": pct(lat, 99),
        "board_max_ms": max(lat) if lat else None,
        "out_of_order": sum(b.out_of_order for b in boards),
        "server_cpu_percent": 100 * cpu / wall,
        "sent_on": sent_on,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--patients", type=int, default=10_000, help="patients in the whole 9-hour day")
    p.add_argument("--hours", type=float, default=9.0, help="how much of the day to replay (from the opening)")
    p.add_argument("--speed", type=float, default=10.0)
    p.add_argument("--counters", type=int, default=60)
    p.add_argument("--boards", type=int, default=40)
    p.add_argument("--kiosks", type=int, default=6)
    p.add_argument("--journeys", type=float, default=0.3, help="share of visits sent to lab/imaging and back")
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        write_bench_config(work / "bench.toml", counters=a.counters, journeys=a.journeys > 0)
        server = bench_server(work / "day", sync="FULL", cpu=0).start()
        try:
            if (os.cpu_count() or 1) > 1:
                os.sched_setaffinity(0, {1})
            admin = server.login()
            result = uvloop.run(run_day(a, server.ws_url, server.pid, server.device_tokens(), admin))
            day = time.strftime("%Y-%m-%d")  # the server's zone is Asia/Ho_Chi_Minh: ask a range around it
            report = server.get_json_auth(f"/api/reports?from={day}&to={day}", admin)
            visits = report["visits"]
        finally:
            server.kill()
    print(
        f"| hospital day: {a.patients:,} patients/day, {a.hours:g} h replayed at {a.speed:g}x, "
        f"{a.counters} counters, {a.boards} boards, {a.kiosks} kiosks | value | target |"
    )
    print("|---|---|---|")
    print(f"| tickets issued / calls made | {result['tickets']:,} / {result['calls']:,} | |")
    print(f"| kiosk ack p50 / p99 | {result['kiosk_p50_ms']:.1f} / {result['kiosk_p99_ms']:.1f} ms | p99 < 50 ms |")
    print(
        f"| counter ack p50 / p99 | {result['counter_p50_ms']:.1f} / {result['counter_p99_ms']:.1f} ms | p99 < 50 ms |"
    )
    print(
        f"| command to board p50 / p99 / max | {result['board_p50_ms']:.1f} / {result['board_p99_ms']:.1f} / "
        f"{result['board_max_ms']:.1f} ms | p99 <= 30 ms |"
    )
    print(f"| deliveries, out of order | {result['deliveries']:,}, {result['out_of_order']} | 0 out of order |")
    print(f"| server CPU | {result['server_cpu_percent']:.1f} % of one core | |")
    print(f"| errors | {result['errors']} | 0 |")
    door = visits["door_to_door"]
    if door["n"]:
        p50, p90 = door["median"] * a.speed, door["p90"] * a.speed  # the report's real minutes, in the day's
        print(
            f"| visits ended / of several steps (sent on: {result['sent_on']:,}) | "
            f"{visits['visits']:,} / {visits['journeys']:,} | |"
        )
        print(f"| door to door p50 / p90 (the day's minutes) | {p50:.0f} / {p90:.0f} min | |")


if __name__ == "__main__":
    main()

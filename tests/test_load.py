"""A board and a counter keep working under load (issue 17): 2,000 websocket clients connected
to a real server, half of them idle (they never read: a frozen screen) and half reading a little
every second or so, while a flood of wrong logins hits ``/api/login`` (the limiter counts before
the hash and holds two hashes at a time, server/auth.py).

The bound is that of a broken server, not a benchmark (bench/ measures): on this shared 2-core
machine the counter's command is acknowledged, and the TV shows the call, within
``P99_MS`` (250 ms) at the 99th percentile. Loopback only, bounded in count and time."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time

from .server_harness import ROOT, Client, ServerProc

IDLE = 1000
SLOW = 1000
CALLS = 150
SECONDS = 25.0  # at most, measuring: the idle boards never answer a ping, and are closed at 40 s
P99_MS = 250.0
FLOOD_THREADS = int(os.environ.get("LOAD_FLOOD_THREADS", "2"))  # 0 to compare without the flood


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


async def test_a_board_and_a_counter_keep_working_under_idle_clients_and_a_login_flood(server: ServerProc) -> None:
    admin = server.login()
    clerk = server.create_staff(admin, "loadclerk", [1])
    devices = server.device_tokens()
    start = time.monotonic()
    crowd = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "tests.load_crowd", str(server.port), devices["tv-tang-2"]],
        *[str(IDLE), str(SLOW), str(FLOOD_THREADS)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert crowd.stdin is not None and crowd.stdout is not None
    ready = await asyncio.wait_for(crowd.stdout.readline(), 120)
    assert ready == b"ready\n", ready
    connect_seconds = time.monotonic() - start

    tv = await Client.connect(server.ws_url)
    await tv.hello("tv", devices["tv-tang-1"])
    shown: dict[str, float] = {}
    awaited: dict[str, asyncio.Future[None]] = {}

    async def watch() -> None:
        while True:
            msg = await tv.recv(timeout=3600)
            if msg["type"] == "event" and msg["event"]["type"] == "ticket_called":
                label = msg["event"]["label"]
                shown[label] = time.monotonic()
                if label in awaited:
                    awaited.pop(label).set_result(None)

    watcher = asyncio.create_task(watch())
    kiosk = await Client.connect(server.ws_url)
    await kiosk.hello("kiosk", devices["kiosk-1"])
    counter = await Client.connect(server.ws_url)
    await counter.hello("counter", clerk, counter=1)
    assert (await counter.command({"type": "open_counter", "counter": 1}))["type"] == "ack"

    ack_ms: list[float] = []
    board_ms: list[float] = []
    kiosk_ms: list[float] = []
    measuring = time.monotonic()
    try:
        for i in range(CALLS):
            if time.monotonic() - measuring > SECONDS:
                break
            t0 = time.monotonic()
            issued = await kiosk.command({"type": "issue_ticket", "service": "A"})
            kiosk_ms.append((time.monotonic() - t0) * 1000)
            assert issued["type"] == "ack", issued
            t0 = time.monotonic()
            ack = await counter.command({"type": "finish_and_call_next" if i else "call_next", "counter": 1})
            ack_ms.append((time.monotonic() - t0) * 1000)
            assert ack["type"] == "ack", ack
            label = ack["result"]["ticket"]
            if label not in shown:
                awaited[label] = asyncio.get_running_loop().create_future()
                await asyncio.wait_for(awaited[label], 5)  # else the board never showed it
            board_ms.append((shown[label] - t0) * 1000)
        health = server.get("/api/health")
    finally:
        watcher.cancel()
        crowd.stdin.close()  # the crowd stops and reports
        counts = json.loads(await asyncio.wait_for(crowd.stdout.readline(), 60) or b"{}")
        await asyncio.wait_for(crowd.wait(), 30)
    summary = (
        f"{IDLE} idle and {SLOW} slow boards connected in {connect_seconds:.1f} s; {len(ack_ms)} calls;"
        f" crowd {counts}; logins per second {sum(counts.get('logins', {}).values()) / (time.monotonic() - measuring):.0f};"
        f" counter ack p50 {p(ack_ms, 50):.1f} p99 {p(ack_ms, 99):.1f} ms; board p50 {p(board_ms, 50):.1f}"
        f" p99 {p(board_ms, 99):.1f} ms; kiosk p99 {p(kiosk_ms, 99):.1f} ms; health connections"
        f" {health['connections']}, dropped {health['dropped']}"
    )
    print(summary)
    logins = {int(k): v for k, v in counts["logins"].items()}
    assert set(logins) <= {401, 429} and sum(logins.values()) > 100, summary
    assert counts["slow_closed"] == 0, summary
    assert len(ack_ms) >= 50, summary
    assert health["connections"] >= IDLE + SLOW, summary  # nobody was dropped for being slow
    assert p(ack_ms, 99) < P99_MS and p(board_ms, 99) < P99_MS, summary
    log = server.log_path.read_text()
    assert "Traceback" not in log, log[-3000:]

"""What phones following their ticket cost (``python -m bench.phones``, about a minute).

- places: the time of one ``Phones.refresh`` (the places of every followed waiting ticket,
  done at most once a second) when every waiting ticket is followed, in-process;
- memory: the server's resident memory per idle phone connection, against per idle TV
  connection, on a real server process (``python -m server``) over loopback;
- call: from a counter's ``finish_and_call_next`` to the called ticket's phone, with every
  waiting ticket followed.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from server.domain import commands as cmd
from server.fanout import Conn
from server.phones import Phones
from server.protocol import Welcome
from tests.domain.sim import Sim
from tests.server_harness import ServerProc

WELCOME = Welcome(role="phone", actor="phone", seq=0, resumed=False, heartbeat=20)


async def _sink(message: Any) -> None:
    return None


async def places(waiting: int, repeat: int = 20) -> float:
    """Milliseconds for one refresh with ``waiting`` tickets waiting at two counters, all followed."""
    sim = Sim()
    sim.open(1, 2)
    labels = [sim.issue("A").label for _ in range(waiting)]
    phones = Phones(per_address=waiting, total=waiting)
    for label in labels:
        phones.follow(sim.state, Conn(_sink, "phone", "public", "phone"), label, "", "bench", WELCOME, sim.now)
    times = []
    for _ in range(repeat):
        sim.do(cmd.CallNext(counter=1))
        sim.do(cmd.FinishService(counter=1))
        t0 = time.perf_counter()
        phones.refresh(sim.state, sim.now)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


async def hello(url: str, body: dict[str, Any], until: str) -> ClientConnection:
    ws = await connect(url, compression=None, open_timeout=30)
    await ws.send(json.dumps({"type": "hello", **body}))
    while json.loads(await ws.recv())["type"] != until:
        pass
    return ws


async def on_server(n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProc(Path(tmp) / "data", QUEUE_SYNC="NORMAL", QUEUE_PHONES_PER_ADDRESS=str(n + 10))
        server.start()
        try:
            staff = await hello(server.ws_url, {"role": "counter", "token": server.login(), "counter": 4}, "snapshot")
            n_id = 0

            async def command(body: dict[str, Any]) -> dict[str, Any]:
                nonlocal n_id
                n_id += 1
                await staff.send(json.dumps({"type": "cmd", "id": f"c{n_id}", "command": body}))
                while (msg := json.loads(await staff.recv())).get("id") != f"c{n_id}":
                    pass
                return dict(msg)

            for _ in range(n + 1):
                await command({"type": "issue_ticket", "service": "N"})
            await command({"type": "open_counter", "counter": 4})
            await command({"type": "call_next", "counter": 4})
            await asyncio.sleep(1)
            before = rss(server.pid)
            token = server.device_tokens()["tv-tang-1"]
            tvs = [await hello(server.ws_url, {"role": "tv", "token": token}, "snapshot") for _ in range(n)]
            await asyncio.sleep(1)
            per_tv = (rss(server.pid) - before) / n
            for ws in tvs:
                await ws.close()
            await asyncio.sleep(1)
            before = rss(server.pid)
            phones = [
                await hello(server.ws_url, {"role": "phone", "label": f"N{i:03d}"}, "ticket") for i in range(2, n + 2)
            ]
            await asyncio.sleep(1)
            per_phone = (rss(server.pid) - before) / n
            latencies = []
            for i in range(10):  # the next ticket is called: its phone hears it
                mine = phones[i]
                t0 = time.perf_counter()
                await command({"type": "finish_and_call_next", "counter": 4})
                while json.loads(await mine.recv())["cause"] != "ticket_called":
                    pass
                latencies.append(time.perf_counter() - t0)
            return {
                "kib_per_tv": per_tv / 1024,
                "kib_per_phone": per_phone / 1024,
                "call_ms_median": statistics.median(latencies) * 1000,
                "call_ms_max": max(latencies) * 1000,
            }
        finally:
            server.kill()


async def main() -> None:
    for waiting in (100, 300, 900):
        print(f"refresh, {waiting} waiting and followed: {await places(waiting):.1f} ms")
    result = await on_server(500)
    print(
        f"500 idle connections: {result['kib_per_phone']:.1f} KiB per phone, {result['kib_per_tv']:.1f} KiB per TV; "
        f"call to its phone with 500 following: median {result['call_ms_median']:.1f} ms, "
        f"max {result['call_ms_max']:.1f} ms of 10"
    )


if __name__ == "__main__":
    asyncio.run(main())

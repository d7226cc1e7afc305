"""Servers and data for the benchmarks: a configuration, a product server process, tickets."""

from __future__ import annotations

import json
from pathlib import Path

from tests.server_harness import ROOT, ServerProc, free_port

__all__ = ["ROOT", "ServerProc", "bench_server", "free_port", "prepare_fanout", "write_bench_config"]


def write_bench_config(path: Path, counters: int = 60, journeys: bool = False) -> None:
    """Open all day, every day; services A, B, C with 5-digit numbers; counters 1-3 in zone z1
    serve A (the fan-out boards watch z1); the others spread over A, B, C in zone z2. With
    ``journeys``, a laboratory (X) and imaging (H) too: the last twentieth of the counters each."""
    lines = [
        "[unit]",
        'name = "Bệnh viện thử tải"',
        "",
        "[hours]",
        *[f'{d} = {{ open = "00:00", close = "23:59" }}' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")],
        "",
        '[[zones]]\ncode = "z1"\nname = "Khu 1"\n',
        '[[zones]]\ncode = "z2"\nname = "Khu 2"\n',
        '[[departments]]\ncode = "d1"\nname = "Khám bệnh"\n',
    ]
    tests = max(1, counters // 20) if journeys else 0
    for code in ("A", "B", "C", *(("X", "H") if journeys else ())):
        lines.append(
            f'[[services]]\ncode = "{code}"\nname = "Dịch vụ {code}"\ndepartment = "d1"\ndigits = 5\nnumber_end = 99999\n'
        )
    for n in range(1, counters + 1):
        zone = "z1" if n <= 3 else "z2"
        svc = "A" if n <= 3 else "ABC"[n % 3]
        if n > counters - 2 * tests:
            svc = "X" if n <= counters - tests else "H"
        lines.append(
            f'[[counters]]\nnumber = {n}\nname = "Quầy {n}"\nzone = "{zone}"\nservices = [{{ code = "{svc}" }}]\n'
        )
    lines.append("[priority]\nmax_wait_minutes = 600\n")
    path.write_text("\n".join(lines))


def bench_server(data: Path, sync: str = "NORMAL", cpu: int | None = None) -> ServerProc:
    """The product server as the tests start it (one harness, ``tests/server_harness.py``), on
    the benchmark configuration written beside ``data``, with the given durability, pinned."""
    return ServerProc(data, cpu=cpu, QUEUE_CONFIG=str(data.parent / "bench.toml"), QUEUE_SYNC=sync)


def prepare_fanout(server: ServerProc, tickets: int) -> tuple[str, str]:
    """Open counters 1-3, issue ``tickets`` tickets of service A and call one at each counter;
    return (tv token, admin token)."""
    import asyncio

    from websockets.asyncio.client import connect

    admin = server.login()
    tokens = server.device_tokens()

    async def run() -> None:
        async with connect(server.ws_url, compression=None) as ws:
            await ws.send(json.dumps({"type": "hello", "role": "admin", "token": admin}))
            await ws.recv()
            await ws.recv()
            commands = [{"type": "open_counter", "counter": n} for n in (1, 2, 3)]
            commands += [{"type": "issue_ticket", "service": "A"}] * tickets
            if tickets:  # each counter starts with a patient, so finish_and_call_next has work
                commands += [{"type": "call_next", "counter": n} for n in (1, 2, 3)]
            for i, c in enumerate(commands):
                await ws.send(json.dumps({"type": "cmd", "id": str(i), "command": c}))
            answered = 0
            while answered < len(commands):
                msg = json.loads(await ws.recv())
                if msg["type"] in ("ack", "error"):
                    answered += 1

    asyncio.run(run())
    return tokens["tv-z1"], admin

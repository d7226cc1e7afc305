"""Servers and data for the benchmarks: a configuration, a product server process, tickets."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN_PASSWORD = "bench-admin-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_bench_config(path: Path, counters: int = 60) -> None:
    """Open all day, every day; services A, B, C with 5-digit numbers; counters 1-3 in zone z1
    serve A (the fan-out boards watch z1); the others spread over A, B, C in zone z2."""
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
    for code in ("A", "B", "C"):
        lines.append(
            f'[[services]]\ncode = "{code}"\nname = "Dịch vụ {code}"\ndepartment = "d1"\ndigits = 5\nnumber_end = 99999\n'
        )
    for n in range(1, counters + 1):
        zone = "z1" if n <= 3 else "z2"
        svc = "A" if n <= 3 else "ABC"[n % 3]
        lines.append(
            f'[[counters]]\nnumber = {n}\nname = "Quầy {n}"\nzone = "{zone}"\nservices = [{{ code = "{svc}" }}]\n'
        )
    lines.append("[priority]\nmax_wait_minutes = 600\n")
    path.write_text("\n".join(lines))


class Server:
    """The product server (``python -m server``) in a subprocess, optionally pinned to a CPU."""

    def __init__(self, data: Path, sync: str = "NORMAL", cpu: int | None = None) -> None:
        self.data = data
        self.port = free_port()
        self.sync = sync
        self.cpu = cpu
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def start(self) -> Server:
        self.data.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "QUEUE_DATA": str(self.data),
            "QUEUE_PORT": str(self.port),
            "QUEUE_CONFIG": str(self.data.parent / "bench.toml"),
            "QUEUE_SYNC": self.sync,
            "QUEUE_DEMO": "1",
            "QUEUE_ADMIN_PASSWORD": ADMIN_PASSWORD,
        }
        pin = ["taskset", "-c", str(self.cpu)] if self.cpu is not None and (os.cpu_count() or 1) > 1 else []
        with (self.data / "server.log").open("ab") as log:
            self.proc = subprocess.Popen(
                [*pin, sys.executable, "-m", "server"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        for _ in range(400):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/health", timeout=2):
                    return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.05)
        raise RuntimeError((self.data / "server.log").read_text()[-2000:])

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self.proc = None

    def device_tokens(self) -> dict[str, str]:
        tokens = {}
        for line in (self.data / "demo-devices.txt").read_text().splitlines():
            if not line.startswith("#"):
                tokens[line.split()[1].rstrip(":")] = line.rsplit("#token=", 1)[1]
        return tokens

    def login(self) -> str:
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/login",
            data=json.dumps({"username": "admin", "password": ADMIN_PASSWORD}).encode(),
            method="POST",
        )
        with urllib.request.urlopen(req) as r:
            return str(json.loads(r.read())["token"])


def prepare_fanout(server: Server, tickets: int) -> tuple[str, str]:
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

"""The service manager's side of ``sd_notify`` for tests: a real AF_UNIX datagram socket (a
path in a temporary folder, or an abstract "@name") that a server process is given as
``NOTIFY_SOCKET``, and a way to start that process without waiting for its port (so that a test
sees when ``READY=1`` comes)."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from .server_harness import ROOT, ServerProc


class Manager:
    """What systemd reads: every datagram, with the time it came."""

    def __init__(self, where: Path | None = None) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if where is None:  # abstract: no file, the name starts with a zero byte
            name = f"hq-notify-{os.getpid()}-{secrets.token_hex(4)}"
            self.sock.bind(b"\0" + name.encode())
            self.env = "@" + name
        else:
            self.sock.bind(str(where))
            self.env = str(where)
        self.messages: list[tuple[float, dict[str, str]]] = []

    def receive(self, timeout: float) -> dict[str, str] | None:
        """The next datagram's fields within ``timeout`` seconds, or None."""
        self.sock.settimeout(max(timeout, 0.001))
        try:
            data = self.sock.recv(4096)
        except TimeoutError:
            return None
        fields = dict(line.split("=", 1) for line in data.decode().splitlines())
        self.messages.append((time.monotonic(), fields))
        return fields

    def wait_for(self, key: str, timeout: float, contains: str = "") -> dict[str, str]:
        """The first datagram with ``key`` (whose value holds ``contains``) within ``timeout``."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            fields = self.receive(left)
            if fields is not None and key in fields and contains in fields[key]:
                return fields
        raise TimeoutError(f"no {key} {contains!r} in {timeout} s; got {self.messages[-10:]}")

    def pings(self, seconds: float) -> list[float]:
        """The times of the ``WATCHDOG=1`` received in the next ``seconds``."""
        deadline = time.monotonic() + seconds
        times = []
        while (left := deadline - time.monotonic()) > 0:
            fields = self.receive(left)
            if fields is not None and fields.get("WATCHDOG") == "1":
                times.append(self.messages[-1][0])
        return times

    def drain(self) -> None:
        while self.receive(0.001) is not None:
            pass

    def close(self) -> None:
        self.sock.close()


def spawn(proc: ServerProc, manager: Manager, watchdog_usec: int) -> None:
    """Start ``proc`` under ``manager`` (as a ``Type=notify`` unit with ``WatchdogSec=``), without
    waiting for its port."""
    proc.data_dir.mkdir(parents=True, exist_ok=True)
    proc.env.update(NOTIFY_SOCKET=manager.env, WATCHDOG_USEC=str(watchdog_usec))
    with proc.log_path.open("ab") as log:
        proc.proc = subprocess.Popen(
            [sys.executable, "-m", "server"], cwd=ROOT, env=proc.env, stdout=log, stderr=subprocess.STDOUT
        )


def answers(proc: ServerProc) -> bool:
    """Whether the port answers its health check at once."""
    try:
        with urllib.request.urlopen(proc.http + "/api/health", timeout=2) as r:
            return bool(r.status == 200)
    except (urllib.error.URLError, ConnectionError):
        return False

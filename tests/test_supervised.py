"""``python -m server`` under a service manager (a ``Type=notify`` unit with ``WatchdogSec=``,
deploy/hospital-queue.service): the real process, a real datagram socket as ``NOTIFY_SOCKET``.
READY=1 comes once the port answers, WATCHDOG=1 comes every half of WATCHDOG_USEC, a stopped
process pings no more (so systemd would end it) and pings again when continued, STOPPING=1 comes
on SIGTERM; an abstract socket ("@name") works the same."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from .notify_harness import Manager, answers, spawn
from .server_harness import ServerProc

WATCHDOG_USEC = 1_000_000  # WatchdogSec=1: a ping every 0.5 s
# uvicorn shuts down gracefully, then re-raises SIGTERM (systemd counts that as a clean exit)
TERMINATED = -signal.SIGTERM


def test_ready_pings_stop_and_stopping(tmp_path: Path) -> None:
    manager = Manager(tmp_path / "notify")
    proc = ServerProc(tmp_path / "data")
    try:
        started = time.monotonic()
        spawn(proc, manager, WATCHDOG_USEC)
        ready = manager.wait_for("READY", 30)
        took = time.monotonic() - started
        assert answers(proc), "READY=1 before the port answers"
        assert ready["READY"] == "1" and ready["STATUS"].startswith("serving, seq "), ready
        assert not [m for _, m in manager.messages[:-1] if "READY" in m]

        pings = manager.pings(3.0)
        gaps = [b - a for a, b in zip(pings, pings[1:], strict=False)]
        assert len(pings) >= 4 and max(gaps) < 1.0, (pings, gaps)  # under WatchdogSec, always
        print(f"\nstart -> READY=1 {took:.2f} s; pings every {min(gaps):.2f}-{max(gaps):.2f} s (WATCHDOG_USEC 1 s)")

        proc.proc.send_signal(signal.SIGSTOP)  # type: ignore[union-attr]
        time.sleep(0.2)
        manager.drain()  # what it sent before it stopped
        assert manager.pings(2.5) == [], "a stopped process pinged"
        proc.proc.send_signal(signal.SIGCONT)  # type: ignore[union-attr]
        assert len(manager.pings(2.0)) >= 2, "no ping after SIGCONT"

        proc.proc.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        stopping = manager.wait_for("STOPPING", 10)
        assert stopping["STOPPING"] == "1" and "stopping" in stopping["STATUS"], stopping
        assert proc.proc.wait(15) == TERMINATED  # type: ignore[union-attr]
    finally:
        proc.kill()
        manager.close()


def test_an_abstract_socket_and_no_watchdog_of_another_pid(tmp_path: Path) -> None:
    manager = Manager()  # "@hq-notify-…"
    proc = ServerProc(tmp_path / "data")
    try:
        spawn(proc, manager, WATCHDOG_USEC)
        assert manager.wait_for("READY", 30)["READY"] == "1"
        assert answers(proc)
        assert len(manager.pings(1.5)) >= 2
        proc.proc.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        assert manager.wait_for("STOPPING", 10)["STOPPING"] == "1"
        assert proc.proc.wait(15) == TERMINATED  # type: ignore[union-attr]

        proc.env["WATCHDOG_PID"] = "1"  # a watchdog meant for another process: not this one's to ping
        spawn(proc, manager, WATCHDOG_USEC)
        assert manager.wait_for("READY", 30)["READY"] == "1"
        assert manager.pings(1.5) == []
    finally:
        proc.kill()
        manager.close()

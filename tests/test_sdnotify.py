"""The service manager's notifications (server/sdnotify.py): what the environment asks for, the
health rules a watchdog ping depends on, and the ping loop of server/supervised.py on a real
event loop, writing to a real AF_UNIX datagram socket, with the loop blocked for a while."""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server import sdnotify
from server.sdnotify import FOLLOWER_TASKS, WRITER_TASKS, Pacer, healthy, plan, role_alive
from server.supervised import watchdog


def test_no_notify_socket_is_no_plan() -> None:
    assert plan({}, 42) is None
    assert plan({"NOTIFY_SOCKET": "", "WATCHDOG_USEC": "10000000"}, 42) is None


def test_a_path_and_an_abstract_name() -> None:
    assert plan({"NOTIFY_SOCKET": "/run/systemd/notify"}, 42) == ("/run/systemd/notify", None)
    assert plan({"NOTIFY_SOCKET": "@hq/notify"}, 42) == (b"\0hq/notify", None)
    for bad in ("relative/path", "@", "vsock:2:1234", "/" + "x" * 107):
        assert plan({"NOTIFY_SOCKET": bad}, 42) is None, bad


def test_the_watchdog_period_is_half_the_timeout_for_this_process_only() -> None:
    env = {"NOTIFY_SOCKET": "/n", "WATCHDOG_USEC": "10000000"}
    assert plan(env, 42) == ("/n", 5.0)
    assert plan({**env, "WATCHDOG_PID": "42"}, 42) == ("/n", 5.0)
    assert plan({**env, "WATCHDOG_PID": "41"}, 42) == ("/n", None)  # set by a parent for itself
    for bad in ("0", "-5", "ten", "1e7", "٣", "9" * 19):
        assert plan({**env, "WATCHDOG_USEC": bad}, 42) == ("/n", None), bad


def test_role_alive_needs_every_task_of_the_role() -> None:
    assert role_alive(True, WRITER_TASKS)
    assert role_alive(True, WRITER_TASKS | {"cluster-unseat"})
    assert not role_alive(True, frozenset({"cluster-role"}))  # the beat ended
    assert not role_alive(True, FOLLOWER_TASKS)  # a writer without its beat
    assert role_alive(False, FOLLOWER_TASKS)
    for gone in FOLLOWER_TASKS:
        assert not role_alive(False, FOLLOWER_TASKS - {gone}), gone


def test_health_is_a_loop_on_time_and_a_living_role() -> None:
    assert healthy(0.01, 2.0, True)
    assert not healthy(2.0, 2.0, True)
    assert not healthy(30.0, 2.0, True)
    assert not healthy(0.0, 2.0, False)


def test_the_pacer_pings_once_a_period_on_healthy_ticks_only() -> None:
    p = Pacer(5.0)  # WatchdogSec=10
    assert (p.tick, p.bound) == (0.5, 2.0)
    assert p.ping(100.0, 0.0, True)
    assert not p.ping(100.5, 0.0, True) and not p.ping(104.9, 0.0, True)
    assert p.ping(105.0, 0.0, True)
    assert not p.ping(110.5, 3.0, True)  # a late tick: the loop was blocked
    assert not p.ping(111.0, 0.0, False)  # the role's task died
    assert p.ping(111.5, 0.0, True)  # a late tick is forgiven by the next on time
    short = Pacer(0.5)  # WatchdogSec=1
    assert (short.tick, short.bound) == (0.25, 0.5)


def test_status_lines_are_one_line() -> None:
    assert sdnotify.single_status(7) == "serving, seq 7 / đang phục vụ"
    assert sdnotify.cluster_status("main", True, 3, 1234).startswith("writer of site main (epoch 3), seq 1234")
    assert sdnotify.cluster_status("a\nREADY=1", False, 0, 0).startswith("follower of site a READY=1, seq 0")


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[tuple[str, socket.socket]]:
    path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.setblocking(False)
    yield path, sock
    sock.close()


def received(sock: socket.socket) -> list[tuple[float, str]]:
    got = []
    while True:
        try:
            got.append((time.monotonic(), sock.recv(4096).decode()))
        except BlockingIOError:
            return got


async def test_a_blocked_loop_stops_pinging_and_a_dead_role_too(receiver: tuple[str, socket.socket]) -> None:
    path, sock = receiver
    notifier = sdnotify.Notifier(path)
    alive = [True]
    task = asyncio.create_task(watchdog(Pacer(0.2), notifier, lambda: alive[0]))
    try:
        await asyncio.sleep(1.0)
        pings = received(sock)
        assert [m for _, m in pings] == ["WATCHDOG=1"] * len(pings) and 3 <= len(pings) <= 6, pings
        time.sleep(1.0)  # noqa: ASYNC251 - on purpose: the event loop blocked, nothing can ping, its next tick is late
        for _ in range(3):  # the late tick runs (the one after it is 0.1 s away)
            await asyncio.sleep(0)
        assert received(sock) == [], "pinged on a tick 1 s late"
        await asyncio.sleep(0.5)  # on time again: the pings resume
        assert received(sock), "no ping after the loop ran again"
        alive[0] = False
        await asyncio.sleep(0.1)
        received(sock)
        await asyncio.sleep(1.0)
        assert received(sock) == [], "pinged for a process whose role died"
    finally:
        task.cancel()
        notifier.close()


def test_the_abstract_socket_and_a_gone_manager(tmp_path: Path) -> None:
    name = f"hq-test-{os.getpid()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(b"\0" + name.encode())
    sock.settimeout(2)
    where = plan({"NOTIFY_SOCKET": "@" + name}, 1)
    assert where is not None
    notifier = sdnotify.Notifier(where.address)
    try:
        assert notifier.send(READY="1", STATUS="serving")
        assert sock.recv(4096) == b"READY=1\nSTATUS=serving"
    finally:
        sock.close()
    assert not notifier.send(STOPPING="1")  # nobody listens any more: no exception, False
    notifier.close()

"""The service manager's notifications (systemd's ``sd_notify`` protocol), without a dependency.

systemd starts a ``Type=notify`` unit with ``NOTIFY_SOCKET`` (a path, or an abstract socket
when it starts with "@") and, with ``WatchdogSec=``, ``WATCHDOG_USEC`` (and ``WATCHDOG_PID``).
The process sends datagrams of ``KEY=value`` lines to that socket: ``READY=1`` once it serves,
``STATUS=...`` for ``systemctl status``, ``WATCHDOG=1`` at least once per ``WATCHDOG_USEC``
(else systemd aborts it and, with ``Restart=``, starts it again), ``STOPPING=1`` on its way out.

The rules are pure and come first: what the environment asks for (``plan``), when a process is
healthy enough to ping (``healthy``, ``role_alive``) and how often (``Pacer``), and the status
lines. ``Notifier`` is the one piece of socket I/O; ``server/supervised.py`` runs them in the
server's event loop. Without ``NOTIFY_SOCKET`` nothing of this runs.
"""

from __future__ import annotations

import logging
import math
import socket
from collections.abc import Mapping
from typing import NamedTuple

log = logging.getLogger("server.sdnotify")

# A tick of the watchdog's loop later than this (the event loop blocked or starved) is not
# healthy. A loaded 2-core machine delays the loop by a second or two at worst (decision 0014,
# "a hung writer"); a single late tick is forgiven, as the next tick on time pings: systemd ends
# only a process with no healthy tick for all of WatchdogSec.
LAG_SECONDS = 2.0
TICK_SECONDS = 0.5  # how often the loop's lag is measured (at most; less with a short watchdog)
MAX_PATH = 107  # sockaddr_un's sun_path (108 bytes with its terminating zero)
ENV = ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID")  # taken out of the environment once read

# the cluster's tasks (server/cluster.py) that must run, as a writer (the role and its beat on the
# lock's connection) and as a follower (reading the log, waiting for the lock, watching the writer's beat)
WRITER_TASKS = frozenset({"cluster-role", "cluster-beat"})
FOLLOWER_TASKS = frozenset({"cluster-follow", "cluster-role", "cluster-unseat"})


class Plan(NamedTuple):
    """What the service manager asked for: where to notify, and how often to ping (seconds,
    half of ``WATCHDOG_USEC``; None: no watchdog for this process)."""

    address: str | bytes
    period: float | None


def address(value: str) -> str | bytes | None:
    """The socket address of ``NOTIFY_SOCKET``: a path, or an abstract name ("@name", its
    leading zero byte in the address); None when it is neither (or too long for an address)."""
    if value.startswith("@") and 1 < len(value.encode()) <= MAX_PATH:
        return b"\0" + value[1:].encode()
    if value.startswith("/") and len(value.encode()) <= MAX_PATH:
        return value
    return None


def microseconds(value: str) -> int | None:
    """A positive number of microseconds, as systemd writes it (ASCII digits); None otherwise."""
    if not (value.isascii() and value.isdigit() and len(value) <= 18) or int(value) == 0:
        return None
    return int(value)


def watchdog_period(usec: str, pid: str, own_pid: int) -> float | None:
    """Half of ``WATCHDOG_USEC`` in seconds (systemd's advice: ping at half the timeout), or
    None when there is no watchdog, its value is not a number of microseconds, or
    ``WATCHDOG_PID`` names another process (a parent that set it for itself)."""
    n = microseconds(usec)
    if n is None or (pid and pid != str(own_pid)):
        return None
    return n / 2e6


def plan(env: Mapping[str, str], own_pid: int) -> Plan | None:
    """What ``env`` asks of this process; None without ``NOTIFY_SOCKET`` (or with one that is
    not a socket this process can write to: logged)."""
    value = env.get("NOTIFY_SOCKET", "")
    if not value:
        return None
    where = address(value)
    if where is None:
        log.warning(
            "NOTIFY_SOCKET %r is neither a path nor an abstract socket (@name): systemd is not told"
            " / NOTIFY_SOCKET không hợp lệ, không gửi thông báo cho systemd",
            value[:120],
        )
        return None
    usec = env.get("WATCHDOG_USEC", "")
    if usec and microseconds(usec) is None:
        log.warning("WATCHDOG_USEC %r is not a number of microseconds: no watchdog pings", usec[:40])
    return Plan(where, watchdog_period(usec, env.get("WATCHDOG_PID", ""), own_pid))


def role_alive(claimed: bool, running: frozenset[str]) -> bool:
    """In cluster mode, whether this process's part still runs: as the writer (it holds the
    lock) its role and its beat, as a follower its reading, its wait for the lock and its watch
    of the writer's beat. A task that ended (a bug) leaves a process that looks alive to nginx
    but no longer follows, takes over or beats."""
    return (WRITER_TASKS if claimed else FOLLOWER_TASKS) <= running


def healthy(lag: float, bound: float, role: bool) -> bool:
    """A ping is earned by a tick of the event loop on time (late by less than ``bound``) while
    the role's tasks run (always true for a single process)."""
    return lag < bound and role


class Pacer:
    """When the watchdog's loop pings: on a healthy tick, at most once per ``period``. The loop
    ticks every ``tick`` seconds and measures how late each tick was (its lag)."""

    def __init__(self, period: float) -> None:
        self.period = period
        self.tick = min(TICK_SECONDS, period / 2)
        self.bound = min(LAG_SECONDS, period)
        self.last = -math.inf

    def ping(self, now: float, lag: float, role: bool) -> bool:
        if not healthy(lag, self.bound, role) or now - self.last < self.period:
            return False
        self.last = now
        return True


def one_line(text: str) -> str:
    """A ``STATUS=`` value: one line (a newline would start another assignment), bounded."""
    return " ".join(text.split())[:200]


def single_status(seq: int) -> str:
    return f"serving, seq {seq} / đang phục vụ"


def cluster_status(site: str, writing: bool, epoch: int, seq: int) -> str:
    if writing:
        return one_line(f"writer of site {site} (epoch {epoch}), seq {seq} / tiến trình ghi")
    return one_line(f"follower of site {site}, seq {seq} / tiến trình theo dõi")


STOPPING_STATUS = "stopping / đang dừng"


class Notifier:
    """The datagrams to the service manager's socket. Sending never blocks nor raises: a
    manager that does not read (a full socket buffer) or is gone loses the message, logged once."""

    def __init__(self, where: str | bytes) -> None:
        self.address = where
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        self.sock.setblocking(False)
        self.failed = False

    def send(self, **fields: str) -> bool:
        """Send ``KEY=value`` lines in one datagram (keys upper-case: ``send(READY="1")``)."""
        data = "\n".join(f"{k}={v}" for k, v in fields.items()).encode()
        try:
            self.sock.sendto(data, self.address)
        except OSError as exc:
            if not self.failed:
                log.warning("cannot notify the service manager at NOTIFY_SOCKET (%s)", exc)
            self.failed = True
            return False
        self.failed = False
        return True

    def close(self) -> None:
        self.sock.close()

"""The server under a service manager (``Type=notify`` units in deploy/): uvicorn's server with
the notifications of ``server/sdnotify.py`` sent at their moments.

- ``READY=1`` once the port listens (uvicorn's startup done: the lifespan ran, the socket
  accepts), and in cluster mode once the process has joined the site: its first read of the log
  as a follower, or the writer's role taken;
- ``STATUS=`` with it, and again when the role changes (a follower promoted);
- ``WATCHDOG=1`` from a task of the event loop itself, on a tick on time while the cluster's
  tasks run (``sdnotify.Pacer``): a process stopped, or whose loop is blocked or starved, or
  whose role died, pings no more, and systemd ends it after ``WatchdogSec=``;
- ``STOPPING=1`` when uvicorn begins its shutdown (SIGTERM).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Callable

import uvicorn

from . import sdnotify
from .services import Services


class SupervisedServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, plan: sdnotify.Plan, services: Services) -> None:
        super().__init__(config)
        self.plan, self.services = plan, services
        self.notifier = sdnotify.Notifier(plan.address)
        self.promoted = asyncio.Event()
        self.ready = False
        self._tasks: list[asyncio.Task[None]] = []
        if services.cluster is not None:
            services.cluster.promoted.append(self._on_promoted)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.started:  # uvicorn could not serve (it exits)
            return
        self._tasks.append(asyncio.create_task(self._ready(), name="sdnotify-ready"))
        if self.plan.period is not None:
            pinging = watchdog(sdnotify.Pacer(self.plan.period), self.notifier, self.role_alive)
            self._tasks.append(asyncio.create_task(pinging, name="sdnotify-watchdog"))

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.notifier.send(STOPPING="1", STATUS=sdnotify.STOPPING_STATUS)
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        await super().shutdown(sockets)
        self.notifier.close()

    def status(self) -> str:
        cluster, seq = self.services.cluster, self.services.hub.state.seq
        if cluster is None:
            return sdnotify.single_status(seq)
        epoch = cluster.role.claimed.epoch if cluster.role.claimed is not None else 0
        return sdnotify.cluster_status(cluster.site, cluster.writing, epoch, seq)

    def role_alive(self) -> bool:
        cluster = self.services.cluster
        return cluster is None or sdnotify.role_alive(cluster.role.claimed is not None, cluster.running())

    async def _ready(self) -> None:
        cluster = self.services.cluster
        if cluster is not None:  # joined: the log read once as a follower, or the role taken
            joined = asyncio.create_task(cluster.follower.joined.wait())
            promoted = asyncio.create_task(self.promoted.wait())
            await asyncio.wait([joined, promoted], return_when=asyncio.FIRST_COMPLETED)
            joined.cancel()
            promoted.cancel()
        self.notifier.send(READY="1", STATUS=self.status())
        self.ready = True

    async def _on_promoted(self) -> None:
        """One of the cluster's ``promoted`` steps: the writer's role was taken."""
        self.promoted.set()
        if self.ready:
            self.notifier.send(STATUS=self.status())


async def watchdog(pacer: sdnotify.Pacer, notifier: sdnotify.Notifier, role_alive: Callable[[], bool]) -> None:
    """Ping from the event loop itself: a tick every ``pacer.tick`` seconds, how late it came
    (the loop's lag), and a ``WATCHDOG=1`` when the pacer says the process earned one."""
    loop = asyncio.get_running_loop()
    while True:
        before = loop.time()
        await asyncio.sleep(pacer.tick)
        now = loop.time()
        if pacer.ping(now, now - before - pacer.tick, role_alive()):
            notifier.send(WATCHDOG="1")


def server(config: uvicorn.Config, plan: sdnotify.Plan | None, services: Services) -> uvicorn.Server:
    """uvicorn's server, supervised when the service manager gave a ``NOTIFY_SOCKET``."""
    return uvicorn.Server(config) if plan is None else SupervisedServer(config, plan, services)

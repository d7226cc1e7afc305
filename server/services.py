"""The composition root: every long-lived part of the server, built once from the settings and
the configuration, and shared by the HTTP routes, the websocket endpoint and the background
tasks. Nothing else constructs these."""

from __future__ import annotations

import asyncio

from . import audio, auth
from .domain.config import Config
from .domain.state import StaffAccount
from .eventlog import EventLog
from .hub import Hub
from .printers import Printers
from .settings import Settings
from .sqlite_log import SqliteLog


class Services:
    """Settings, the event log, the hub, staff sessions, the login limiter, the voice and the
    server's ticket printers."""

    def __init__(self, settings: Settings, config: Config) -> None:
        self.settings = settings
        self.eventlog: EventLog = SqliteLog(settings.db_path, settings.synchronous)
        self.hub = Hub(self.eventlog, config, ring_size=settings.resume_events, snapshot_every=settings.snapshot_every)
        self.sessions = auth.Sessions(self.eventlog)
        self.limiter = auth.LoginLimiter()
        self.hashing = asyncio.Semaphore(2)  # password hashes at once (16 MiB and ~50 ms each)
        self.composer = audio.Composer([])
        self.printers = Printers(self.hub.fleet, settings)
        self.hub.committed.append(self.printers.committed)

    def staff_for(self, token: str) -> StaffAccount | None:
        """The active staff account behind a session token, or None."""
        return auth.staff_for(self.sessions, self.hub.state, token, self.hub.clock())

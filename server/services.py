"""The composition root: every long-lived part of the server, built once from the settings and
the configuration, and shared by the HTTP routes, the websocket endpoint and the background
tasks. Nothing else constructs these."""

from __future__ import annotations

import asyncio

from . import audio, auth
from .backup import Backups
from .cluster import Cluster
from .domain.config import Config
from .domain.state import StaffAccount
from .doors import Doors
from .eventlog import EventLog
from .his import links as his_links
from .his.pg_outbox import PgOutboxStore
from .his.service import UNREACHABLE, HisLinks
from .hub import Hub
from .insurance import account as insurance_account
from .insurance.service import InsuranceChecks
from .login_limits import LocalLogins, LoginLimits
from .metrics import MeteredHub, Metrics
from .pg_log import PgLog
from .pg_logins import SharedLogins
from .phones import Phones
from .printers import Printers
from .ratelimit import CommandLimits
from .revocation import Revocations
from .settings import Settings
from .sqlite_log import SqliteLog


class Services:
    """Settings, the event log, the hub, the door screens, staff sessions, the login and device limiters, the voice, the
    server's ticket printers, backups, the HIS links and metrics."""

    def __init__(self, settings: Settings, config: Config) -> None:
        self.settings = settings
        self.metrics = Metrics()
        log: SqliteLog | PgLog
        if settings.postgresql:  # QUEUE_DATABASE: the log of QUEUE_SITE in PostgreSQL (decision 0013)
            log = PgLog(settings.database, settings.site)
        else:
            log = SqliteLog(settings.db_path, settings.synchronous)
        log.on_commit = self.metrics.on_commit
        self.eventlog: EventLog = log
        self.hub: Hub = MeteredHub(
            self.metrics,
            self.eventlog,
            config,
            ring_size=settings.resume_events,
            snapshot_every=settings.snapshot_every,
            phones=Phones(settings.phones_per_address, settings.phones_max),
        )
        self.doors = Doors(self.hub.clock, self.hub.read)  # the rooms' door screens
        self.hub.committed.append(self.doors.committed)
        self.hub.fleet.outside.append(self.doors.connections)
        # several processes for one site (decision 0014): this one follows or writes
        self.cluster: Cluster | None = None
        if settings.postgresql and settings.cluster_url:
            self.cluster = Cluster(
                self.hub, settings.database, settings.site, settings.cluster_url, settings.cluster_secret
            )
        self.sessions = auth.Sessions(self.eventlog)
        # the login limits' counts: shared in PostgreSQL by the processes of a site, else in memory
        self.limiter: LoginLimits = (
            SharedLogins(settings.database, settings.site) if settings.postgresql else LocalLogins()
        )
        self.hashing = asyncio.Semaphore(2)  # password hashes at once (16 MiB and ~50 ms each)
        self.composer = audio.Composer([])
        self.printers = Printers(self.hub.fleet, settings)
        self.hub.committed.append(self.printers.committed)
        self.limits = CommandLimits(self.hub.fleet, settings.device_burst, settings.device_every, self.hub.clock)
        self.revocations = Revocations(self.hub.fanout, self.sessions)
        self.hub.everywhere.append(self.revocations.committed)  # each process closes its own sockets
        self.backups = Backups(settings, self.hub.clock)
        self.his = HisLinks(
            his_links.load(settings.his_file),
            settings.db_path,
            # the alert's device is the link ("his:<name>"); its label is a ticket's (the counter
            # says "number … was not printed"), so none
            lambda actor, name, ok: self.hub.fleet.device_alert(actor, "device", "" if ok else UNREACHABLE, "", ok),
            self.hub.clock,
            queue=self.hub,
            backoff_max=settings.his_retry_max,
            probe_every=settings.his_probe_every,
            store=PgOutboxStore(settings.database, settings.site) if settings.postgresql else None,
        )
        self.hub.outbox = self.his.hook()
        self.hub.committed.append(self.his.committed)
        self.insurance = InsuranceChecks(self.hub, insurance_account.load(settings.insurance_file), self.his.links)
        self.metrics.watch(self.hub, self.backups, self.his)

    def staff_for(self, token: str) -> StaffAccount | None:
        """The active staff account behind a session token, or None."""
        return auth.staff_for(self.sessions, self.hub.state, token, self.hub.clock())

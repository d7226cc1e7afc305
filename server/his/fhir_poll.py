"""From an HIS that offers only FHIR into the queue: poll its ``Encounter``, ``Appointment`` and
``ServiceRequest`` changes every ``link.poll_seconds`` and hand each one to a callback (the
inbound commands: record the patient code and room, send a ticket on, end the episode, load a
booking; wired by the composition root).

The query, per resource type: ``<Type>?_lastUpdated=ge<cursor>&_sort=_lastUpdated&_count=100``,
the cursor being the ``meta.lastUpdated`` of the last version handled. ``ge`` rather than ``gt``:
several versions can share one instant, and one written in the cursor's millisecond after our
read would be lost by ``gt``; the versions already handled are recognised and skipped instead.
With no cursor yet, polling starts ``since`` (a day back by default), not at the HIS's beginning.

The cursor and the versions seen are kept in a small SQLite file in the data folder
(``<data>/his-poll.sqlite3``, tables ``fhir_cursor`` and ``fhir_seen``), so a restart neither
repeats nor skips a change; a version is recorded only after the callback returned, so a failed
callback (or a crash) means it is handed over again: at least once, in ``_lastUpdated`` order.
The callback must be idempotent (``FhirChange.message_id`` is the version's id: apply once).

Our own changes do not loop back. The rule: a version the link's adapter wrote is recorded,
not reported. Which ones it wrote: the :class:`~server.his.fhir_map.OwnWrites` the adapter and
the poller share (the version ids of the adapter's creates and updates in this process); for
versions older than the process, ``meta.source`` being this link's
(``urn:hospital-queue:link:<name>``, set on everything the adapter writes; an HIS that copies
our meta back on its own update is then taken for us). A version by anyone else is reported
only if it changed a field we act on (``WATCHED``) since the last version seen of that
resource: the HIS adding a note to one of our Encounters is silent; recording the episode
(MA_LK identifier), moving it to another room or ending it is reported.

Known limit: polling sees the current version only. If the HIS changes one of our Encounters
and we update it again before the next poll, the HIS's change is inside our version (the
adapter keeps what the HIS added) and is not reported.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosqlite
import httpx
import msgspec

from . import Refused, Retryable
from . import fhir_map as fm
from .fhir_client import FhirClient, Json
from .links import Link

log = logging.getLogger(__name__)

KINDS = ("Encounter", "Appointment", "ServiceRequest")
WATCHED = {
    "Encounter": (
        "status",
        "identifier",
        "subject",
        "location",
        "serviceType",
        "type",
        "appointment",
        "basedOn",
        "participant",
        "priority",
    ),
    "Appointment": (
        "status",
        "identifier",
        "start",
        "end",
        "slot",
        "participant",
        "serviceType",
        "serviceCategory",
        "appointmentType",
        "basedOn",
    ),
    "ServiceRequest": (
        "status",
        "intent",
        "identifier",
        "code",
        "subject",
        "encounter",
        "occurrenceDateTime",
        "occurrencePeriod",
        "locationCode",
        "locationReference",
        "priority",
        "performer",
        "requisition",
    ),
}
PAGE = 100
MAX_PAGES = 50  # per type and poll: at most 5,000 versions, the rest at the next poll
KEEP_SEEN = 2 * 86400.0  # versions seen are remembered this long behind the cursor

SCHEMA = """
CREATE TABLE IF NOT EXISTS fhir_cursor (link TEXT, kind TEXT, last_updated TEXT NOT NULL, PRIMARY KEY (link, kind));
CREATE TABLE IF NOT EXISTS fhir_seen (
    link TEXT, kind TEXT, id TEXT, version TEXT NOT NULL, fingerprint TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (link, kind, id));
"""


class FhirChange(msgspec.Struct, frozen=True):
    """One version of a resource the HIS changed."""

    link: str  # the link's name (its actor is "his:<name>")
    kind: str  # Encounter, Appointment or ServiceRequest
    id: str
    version: str  # meta.versionId (meta.lastUpdated when the server gives none)
    last_updated: str
    ticket_key: str  # the ticket an Encounter of ours is of ("" for the HIS's own resources)
    resource: dict[str, Any]

    @property
    def message_id(self) -> str:
        """Stable for this version: apply each once."""
        return f"{self.kind}/{self.id}/_history/{self.version}"


OnChange = Callable[[FhirChange], Awaitable[None]]


def fingerprint(kind: str, resource: Json) -> str:
    watched = {k: resource.get(k) for k in WATCHED[kind]}
    return hashlib.sha256(json.dumps(watched, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def epoch(instant: str) -> float:
    try:
        return dt.datetime.fromisoformat(instant).timestamp()
    except ValueError:
        return time.time()


class FhirPoller:
    """Polls one link; ``run()`` until cancelled, or ``poll_once()`` (what the tests call)."""

    def __init__(
        self,
        link: Link,
        path: Path,
        on_change: OnChange,
        http: httpx.AsyncClient | None = None,
        since: float | None = None,
        own: fm.OwnWrites | None = None,
        before: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.link = link
        self.before = before  # run before each poll of ``run()`` (the day's sweep of bookings)
        self.path = path
        self.on_change = on_change
        self.client = FhirClient(link, http)
        self.source = fm.source(link.name)
        self.own = own
        start = time.time() - 86400 if since is None else since
        self.since = dt.datetime.fromtimestamp(start, dt.UTC).isoformat(timespec="milliseconds")
        self.last_success = 0.0
        self.last_error = ""
        self._db: aiosqlite.Connection | None = None

    async def open(self) -> None:
        self._db = await aiosqlite.connect(self.path)
        await self._db.executescript(SCHEMA)
        await self._db.commit()

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None
        await self.client.close()

    @property
    def db(self) -> aiosqlite.Connection:
        assert self._db is not None, "FhirPoller.open() first"
        return self._db

    async def run(self) -> None:
        """Poll every ``link.poll_seconds`` until cancelled; a failure is kept in ``last_error``
        and the next poll tries again from the same cursor."""
        while True:
            try:
                if self.before is not None:
                    await self.before()
                await self.poll_once()
                self.last_success, self.last_error = time.time(), ""
            except (Retryable, Refused) as exc:
                self.last_error = exc.reason
            except Exception as exc:
                log.exception("HIS link %s: polling failed", self.link.name)
                self.last_error = f"{type(exc).__name__}: {exc}"[:500]
            await asyncio.sleep(self.link.poll_seconds)

    async def poll_once(self) -> int:
        """Fetch what changed since the cursors; return how many changes were reported."""
        reported = 0
        for kind in KINDS:
            reported += await self._poll(kind)
        return reported

    async def _poll(self, kind: str) -> int:
        cursor = await self._cursor(kind)
        reported, offset = 0, 0
        for _ in range(MAX_PAGES):
            params = {"_lastUpdated": f"ge{cursor}", "_sort": "_lastUpdated", "_count": str(PAGE)}
            if offset:
                params["_offset"] = str(offset)
            bundle = await self.client.json("GET", kind, params=params)
            entries = [e["resource"] for e in bundle.get("entry") or [] if isinstance(e.get("resource"), dict)]
            before = cursor
            for resource in entries:
                reported += await self._consider(kind, resource)
                cursor = (resource.get("meta") or {}).get("lastUpdated") or cursor
                await self.db.execute(
                    "INSERT OR REPLACE INTO fhir_cursor VALUES (?, ?, ?)", (self.link.name, kind, cursor)
                )
                await self.db.commit()
            if len(entries) < PAGE:
                break
            offset = offset + PAGE if cursor == before else 0  # a full page of one instant: page on
        await self.db.execute(
            "DELETE FROM fhir_seen WHERE link = ? AND kind = ? AND at < ?",
            (self.link.name, kind, epoch(cursor) - KEEP_SEEN),
        )
        await self.db.commit()
        return reported

    async def _cursor(self, kind: str) -> str:
        async with self.db.execute(
            "SELECT last_updated FROM fhir_cursor WHERE link = ? AND kind = ?", (self.link.name, kind)
        ) as rows:
            row = await rows.fetchone()
        return str(row[0]) if row else self.since

    def _ours(self, resource: Json, updated: str) -> bool:
        if self.own is not None and updated and epoch(updated) >= self.own.since:
            return resource in self.own
        return (resource.get("meta") or {}).get("source") == self.source

    async def _consider(self, kind: str, resource: Json) -> int:
        meta = resource.get("meta") or {}
        rid = str(resource.get("id", ""))
        updated = str(meta.get("lastUpdated", ""))
        version = str(meta.get("versionId") or updated)
        async with self.db.execute(
            "SELECT version, fingerprint FROM fhir_seen WHERE link = ? AND kind = ? AND id = ?",
            (self.link.name, kind, rid),
        ) as rows:
            row = await rows.fetchone()
        if row is not None and row[0] == version:
            return 0
        print_ = fingerprint(kind, resource)
        report = not self._ours(resource, updated) and (row is None or row[1] != print_)
        if report:
            key = fm.ticket_key(resource) if kind == "Encounter" else ""
            await self.on_change(FhirChange(self.link.name, kind, rid, version, updated, key, resource))
        await self.db.execute(
            "INSERT OR REPLACE INTO fhir_seen VALUES (?, ?, ?, ?, ?, ?)",
            (self.link.name, kind, rid, version, print_, epoch(updated) if updated else time.time()),
        )
        return int(report)

"""Every facility's log in the province's PostgreSQL, read through one read-only connection.

A :class:`PgReader` is pg-log's :class:`~server.pg_log.PgLog` of one site, opened only to be
read: no migration applied, no site row made, and its session read-only
(``default_transaction_read_only``), so a role with SELECT on the tables is all the province
needs, and it could not write if it tried. The readers of all sites share one connection (the
province reads its sites one after another), so a province of hundreds of facilities holds one
connection, not hundreds; the reports' scans open their own, one per report being built."""

from __future__ import annotations

import asyncio
import contextlib

import psycopg

from ..pg_log import Conn, PgLog

READ_ONLY = "options=-c%20default_transaction_read_only%3Don"


def read_only(url: str) -> str:
    """The URL with every session read-only."""
    return f"{url}{'&' if '?' in url else '?'}{READ_ONLY}"


class PgReaders:
    """The one connection of every reader, opened again when it broke."""

    def __init__(self, url: str) -> None:
        self.url = read_only(url)
        self.lock = asyncio.Lock()
        self._conn: Conn | None = None

    async def ready(self) -> Conn:
        if self._conn is None or self._conn.broken or self._conn.closed:
            self._conn = await psycopg.AsyncConnection.connect(
                self.url, autocommit=True, application_name="hospital-queue:province"
            )
        return self._conn

    async def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                await self._conn.close()
            self._conn = None


class PgReader(PgLog):
    """One site's log, read through the shared connection."""

    def __init__(self, shared: PgReaders, site: str) -> None:
        super().__init__(shared.url, site)
        self.shared = shared
        self._lock = shared.lock  # one query at a time on the shared connection

    async def _ready(self) -> Conn:
        return await self.shared.ready()

    async def open(self) -> None:
        await self.shared.ready()

    async def close(self) -> None:
        await self.shared.close()

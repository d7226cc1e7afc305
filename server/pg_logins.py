"""The login limits' counts in PostgreSQL, shared by the processes of one site (issue 21): the
rules are ``domain/logins.py``'s, the same as in one process; only where the times live differs.

A row of ``login_attempts`` (``pg_schema``, version 3) is one key of one site (an address, or an
address and a username) with its attempts' times. ``begin`` runs in one transaction: the keys'
rows are created or locked by one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (in the keys'
byte order, the ``COLLATE "C"`` of the column, so that two processes never wait on each other in
a cycle), the rules decide on the times it returns, and the counted times are written back, or
nothing when refused. Parallel guesses through several processes therefore queue on the row and
each sees the others' attempts.

Bounded: rows whose last attempt left the window are deleted every ``PRUNE_EVERY`` seconds (and
at once when the site is at its cap); past ``max_rows`` rows for the site a new key is not
created: a new (address, user) key is left out, so the address's count alone applies, and a new
address is counted under one row shared by every such address (``OVERFLOW``), never unlimited.
Several processes may pass the cap together by at most two rows each.

A PostgreSQL failure (down, a lost connection twice in a row, no answer in ``TIMEOUT`` seconds)
refuses the attempt with ``storage_error.login`` ("try again"), never lets it through uncounted.
A process that hangs inside the transaction loses its session after ``IDLE_IN_TRANSACTION``, so
its locks do not hold the others' logins for longer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import psycopg
from psycopg.rows import TupleRow

from . import pg_schema
from .domain.errors import DomainError
from .domain.logins import LoginRules
from .pg_log import app_name

log = logging.getLogger("server.pg_logins")
Conn = psycopg.AsyncConnection[TupleRow]

OVERFLOW = "*"  # the address key of every new address once the site has max_rows rows
MAX_KEY = 200  # characters of a key kept (an address is at most 45, a username 64)
TIMEOUT = 5.0  # seconds a login waits for PostgreSQL before it is answered "try again"
# a process that hangs inside a login's transaction (kill -STOP, a stuck loop) holds its rows'
# locks: PostgreSQL ends its session after this long, and the others' logins go on
IDLE_IN_TRANSACTION = "2s"

_LOCK = """INSERT INTO login_attempts (site, key, last)
SELECT %s, k, %s FROM unnest(%s::text[]) AS k ORDER BY k COLLATE "C"
ON CONFLICT (site, key) DO UPDATE SET times = login_attempts.times
RETURNING key, times"""
_WRITE = "UPDATE login_attempts SET times = %s, last = %s WHERE site = %s AND key = %s"


class SharedLogins:
    """``LoginLimits`` in PostgreSQL (``login_limits.LoginLimits``), on a connection of its own:
    a flood of logins never waits on the event log's, nor delays a commit."""

    PRUNE_EVERY = 60.0

    def __init__(self, url: str, site: str, rules: LoginRules | None = None, max_rows: int = 10_000) -> None:
        self.url = url
        self.site = pg_schema.check_site(site)
        self.rules = rules or LoginRules()
        self.max_rows = max_rows
        self._conn: Conn | None = None
        self._lock = asyncio.Lock()
        self.pruned_at = float("-inf")

    async def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()
            self._conn = None

    async def _ready(self) -> Conn:
        if self._conn is None or self._conn.closed or self._conn.broken:
            await self.close()
            self._conn = await psycopg.AsyncConnection.connect(
                self.url,
                autocommit=True,
                application_name=app_name(self.site),
                connect_timeout=int(TIMEOUT),
                options=f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION}",
            )
        return self._conn

    async def begin(self, address: str, username: str, known: bool, now: float) -> None:
        """Count an attempt in the shared rows, or refuse it (``too_many_attempts``)."""
        keys = [(key[:MAX_KEY], limit) for key, limit in self.rules.keys(address, username, known)]
        await self._shielded(lambda conn: self._begin(conn, keys, now))

    async def succeeded(self, address: str, username: str) -> None:
        """Forget the user's failures; take the attempt back from the address (or, when the
        address has no row, from the shared row of the addresses past the cap)."""
        user, address = f"{address}|{username}"[:MAX_KEY], address[:MAX_KEY]
        await self._shielded(lambda conn: self._succeeded(conn, user, address))

    async def _shielded(self, work: Callable[[Conn], Awaitable[None]]) -> None:
        """Run ``work(conn)`` under the lock, once more on a fresh connection when the first was
        found lost (PostgreSQL restarted); a failure of PostgreSQL is answered ``storage_error.login``
        ("try again"), the attempt not let through."""
        async with self._lock:
            for attempt in (1, 2):
                try:
                    async with asyncio.timeout(TIMEOUT):
                        await work(await self._ready())
                    return
                except (psycopg.Error, OSError, TimeoutError) as exc:
                    lost = self._conn is None or self._conn.broken or isinstance(exc, TimeoutError)
                    if lost:
                        await self.close()
                    if attempt == 2 or not lost or isinstance(exc, TimeoutError):
                        log.warning("login limits: PostgreSQL failed (%s); the login is refused", type(exc).__name__)
                        raise DomainError("storage_error.login") from None

    async def _begin(self, conn: Conn, keys: list[tuple[str, int]], now: float) -> None:
        if now - self.pruned_at >= self.PRUNE_EVERY:
            await self._prune(conn, now)
        async with conn.transaction():
            keys = await self._room(conn, keys, now)
            cur = await conn.execute(_LOCK, (self.site, now, [k for k, _ in keys]))
            times = {str(k): list(t) for k, t in await cur.fetchall()}
            counted = self.rules.admit([(times[key], limit) for key, limit in keys], now)  # may refuse
            for (key, _), new in zip(keys, counted, strict=True):
                await conn.execute(_WRITE, (new, now, self.site, key))

    async def _room(self, conn: Conn, keys: list[tuple[str, int]], now: float) -> list[tuple[str, int]]:
        """The keys to count under: past the cap, a new user key is left out and a new address
        is counted under ``OVERFLOW``."""
        cur = await conn.execute(
            "SELECT key FROM login_attempts WHERE site = %s AND key = ANY(%s)", (self.site, [k for k, _ in keys])
        )
        have = {str(k) for (k,) in await cur.fetchall()}
        if len(have) == len(keys) or await self._count(conn) + len(keys) - len(have) <= self.max_rows:
            return keys
        await self._prune(conn, now)
        if await self._count(conn) + len(keys) - len(have) <= self.max_rows:
            return keys
        (user, per_user), (address, per_address) = keys
        kept = [(user, per_user)] if user in have else []
        return kept + [(address if address in have else OVERFLOW, per_address)]

    async def _count(self, conn: Conn) -> int:
        cur = await conn.execute("SELECT count(*) FROM login_attempts WHERE site = %s", (self.site,))
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def _prune(self, conn: Conn, now: float) -> None:
        await conn.execute(
            "DELETE FROM login_attempts WHERE site = %s AND last <= %s", (self.site, now - self.rules.window)
        )
        self.pruned_at = now

    async def _succeeded(self, conn: Conn, user: str, address: str) -> None:
        async with conn.transaction():
            cur = await conn.execute(
                'SELECT key, times FROM login_attempts WHERE site = %s AND key = ANY(%s) ORDER BY key COLLATE "C"'
                " FOR UPDATE",
                (self.site, [address, OVERFLOW]),
            )
            rows = {str(k): list(t) for k, t in await cur.fetchall()}
            key = address if address in rows else OVERFLOW
            if key in rows:
                await conn.execute(
                    "UPDATE login_attempts SET times = %s WHERE site = %s AND key = %s",
                    (self.rules.taken_back(rows[key]), self.site, key),
                )
            await conn.execute("DELETE FROM login_attempts WHERE site = %s AND key = %s", (self.site, user))

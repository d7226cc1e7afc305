"""The writer's role of one site, held through PostgreSQL (decision 0014).

Several server processes serve one site; exactly one of them writes its log. The role is a
session-level advisory lock of the site, taken on a connection of its own: the process that
holds it is the writer, and when that process dies its connection closes and PostgreSQL hands
the lock to the next process waiting in ``pg_advisory_lock`` at once (no lease to expire).

Taking the role also raises the site's ``writer_epoch`` (the row ``server/pg_log.py`` locks in
every append) and names the new writer there. Every append of the writer carries the epoch it
took and fails when the row holds another one: a process that lost the role (its lock
connection cut while it ran on, a pause longer than the failover) can never commit again, it
steps down (exits; its service manager starts it again as a follower).

A writer that hangs (stopped, its event loop stuck) keeps its connection, hence the lock. Its
beat is the ``SELECT 1`` it runs on the lock's connection every ``WATCH_SECONDS``, which
PostgreSQL shows as that backend's ``state_change``: a follower that sees it idle for longer than
``HUNG_SECONDS`` ends the holder's session (``pg_terminate_backend``), which frees the lock for
the next process waiting (``unseat_hung``; decision 0014, "a hung writer").
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import psycopg

log = logging.getLogger("server.cluster")

LOCK_CLASS = 0x5175  # the first key of the two-key advisory locks: "Qu"(eue); the second is the site's hash
WATCH_SECONDS = 1.0  # how often the writer checks that its lock connection still stands (its beat)
HUNG_SECONDS = 5.0  # a beat this old: the writer is hung, a follower ends its session (decision 0014)
KEEPALIVE = "SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3"


class Claim:
    """What taking the role gave: the epoch every append now carries, and when."""

    def __init__(self, epoch: int, at: float) -> None:
        self.epoch, self.at = epoch, at


async def connect(dsn: str) -> psycopg.AsyncConnection[tuple[object, ...]]:
    """A connection of this module's (autocommit), with TCP keepalives so that the server side
    notices a writer's machine that vanished without closing its socket in about 11 s."""
    conn = await psycopg.AsyncConnection.connect(dsn, autocommit=True)
    if conn.info.hostaddr:  # TCP (a Unix socket needs no keepalives, and refuses them)
        for statement in KEEPALIVE.split("; "):
            await conn.execute(statement)
    return conn


async def claim(conn: psycopg.AsyncConnection[tuple[object, ...]], site: str, name: str) -> Claim:
    """Raise the site's epoch and name this process its writer. Called with the site's lock
    held; the ``UPDATE`` waits for an append under way (it locks the same row), so an append
    of the previous writer commits before it or sees the new epoch and fails."""
    cur = await conn.execute(
        "UPDATE sites SET writer_epoch = writer_epoch + 1, writer = %s, claimed_at = extract(epoch FROM now())"
        " WHERE site = %s RETURNING writer_epoch",
        (name, site),
    )
    row = await cur.fetchone()
    if row is None:
        raise LookupError(f"no site {site!r} in the database")
    return Claim(int(str(row[0])), time.time())


async def current_writer(conn: psycopg.AsyncConnection[tuple[object, ...]], site: str) -> tuple[str, int]:
    """The writer named in the site's row (its address for forwarded commands) and its epoch."""
    cur = await conn.execute("SELECT writer, writer_epoch FROM sites WHERE site = %s", (site,))
    row = await cur.fetchone()
    return ("", 0) if row is None else (str(row[0]), int(str(row[1])))


_HOLDER = """
SELECT l.pid, extract(epoch FROM now() - a.state_change)::float8, pg_terminate_backend(l.pid)
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = hashtext(%s)::oid AND l.objsubid = 2
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND a.state = 'idle' AND a.state_change < now() - make_interval(secs => %s)
"""


async def unseat_hung(
    conn: psycopg.AsyncConnection[tuple[object, ...]], site: str, hung: float
) -> tuple[int, float, bool] | None:
    """End the session holding the site's lock when it has been idle since its last beat (the
    writer's ``SELECT 1`` on that connection) for ``hung`` seconds, by PostgreSQL's clock (a
    session at work, as one just granted the lock and claiming, is never ended): the lock is free for
    the next process waiting, and the stale writer's appends are fenced by the epoch that
    process claims. The backend's pid, its seconds of silence and whether it was ended; None
    when the writer beats.

    (The processes connect as the same PostgreSQL role: another role's ``state`` is hidden
    and its backend cannot be ended, unless granted ``pg_read_all_stats`` and ``pg_signal_backend``.)"""
    cur = await conn.execute(_HOLDER, (LOCK_CLASS, site, hung))
    row = await cur.fetchone()
    if row is None:
        return None
    return int(str(row[0])), float(str(row[1])), bool(row[2])


class WriterRole:
    """Waits for the site's lock, claims the role, then watches the lock's connection."""

    def __init__(self, dsn: str, site: str, name: str) -> None:
        self.dsn, self.site, self.name = dsn, site, name
        self.conn: psycopg.AsyncConnection[tuple[object, ...]] | None = None
        self.claimed: Claim | None = None

    async def acquire(self) -> Claim:
        """Block until this process holds the site's lock (retrying a lost database), then
        claim the role. Returns the new epoch."""
        while True:
            try:
                conn = await connect(self.dsn)
                self.conn = conn
                await conn.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (LOCK_CLASS, self.site))
                self.claimed = await claim(conn, self.site, self.name)
                log.info("writer of site %s (epoch %d)", self.site, self.claimed.epoch)
                return self.claimed
            except (psycopg.OperationalError, OSError) as exc:
                log.warning("waiting for the writer's lock: %s; trying again", exc)
                await self.close()
                await asyncio.sleep(1.0)

    async def watch(self) -> None:
        """Return when the lock's connection is lost (the role may have passed to another)."""
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            try:
                assert self.conn is not None
                await asyncio.wait_for(self.conn.execute("SELECT 1"), WATCH_SECONDS * 3)
            except (psycopg.Error, OSError, TimeoutError, AssertionError) as exc:
                log.error("the writer's lock connection is lost (%s)", exc)
                return

    async def close(self) -> None:
        if self.conn is not None:
            conn, self.conn = self.conn, None
            with contextlib.suppress(psycopg.Error, OSError):
                await conn.close()

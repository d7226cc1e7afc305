"""The event log (``server/eventlog.py``) in PostgreSQL 15 (decision 0013), for one site.

The same things as the SQLite log — records, idempotency keys, snapshots, sessions, face
descriptors and the HIS outbox — in tables keyed by site (``server/pg_schema.py``), so that many
sites share one database. One ``append`` is one transaction (the hub's group commit), sent as one
statement (``queue_append``, a function of the schema: one round trip): it locks the site's row
in ``sites`` (``UPDATE … RETURNING``), checks that the batch continues the site's
``seq`` without a gap and that the writer's epoch is the one this log holds (fencing: a process
that lost the writer's role can never commit), writes everything, and sends
``pg_notify('queue_<site>', seq)`` — a wake-up for followers, delivered at commit only. It
returns once PostgreSQL has committed (durable with the server's ``synchronous_commit``), so the
hub still tells nobody before the commit.

One connection serves the server's event loop (an ``asyncio.Lock`` keeps one transaction at a
time on it); the blocking reads (``scan``, ``latest``) for worker threads open their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import operator
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence

import msgspec
import psycopg
from psycopg.rows import TupleRow

from . import pg_schema
from .domain.events import Record
from .eventlog import CommandRow, FaceChanges, OutboxRow, SessionRow, decode_record

log = logging.getLogger("server.pg_log")
_encoder = msgspec.json.Encoder()
_batch_decoder = msgspec.json.Decoder(list[Record])
_seq = operator.attrgetter("seq")
_BATCH = """
SELECT max(seq), string_agg(body, '\\x2c'::bytea ORDER BY seq)
FROM (SELECT seq, body FROM events WHERE site = %s AND seq > %s AND seq <= %s ORDER BY seq LIMIT %s) AS b
"""
# pg_schema's queue_append: the checks and every write of a batch, in one statement
_APPEND = """SELECT queue_append(%b, %b, %b,
    %b::bigint[], %b::float8[], %b::text[], %b::text[], %b::bytea[],
    %b::text[], %b::float8[], %b::bytea[],
    %b, %b::bigint[], %b::bigint[], %b::bytea[],
    %b::text[], %b::text[], %b::text[], %b::bigint[], %b::text[], %b::bytea[], %b::float8[])"""
OUTBOX_INSERT = """INSERT INTO his_outbox (site, link, message, ticket, seq, kind, body, next_try, created)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (site, link, message) DO NOTHING"""

Conn = psycopg.AsyncConnection[TupleRow]


class LogConflict(RuntimeError):
    """The batch does not continue the site's sequence (another writer appended), or this log's
    writer epoch is not the site's (``Fenced``): nothing of it was written."""


class Fenced(LogConflict):
    pass


def channel(site: str) -> str:
    """The NOTIFY channel of a site's commits (the payload is the last seq)."""
    return f"queue_{site}"


def redacted(url: str) -> str:
    """A connection URL for logs: without its password."""
    with contextlib.suppress(Exception):
        info = psycopg.conninfo.conninfo_to_dict(url)
        parts = [str(info.get(k) or "") for k in ("user", "host", "port", "dbname")]
        if not any("@" in p for p in parts):  # (else a part of a password with an unencoded @)
            return "postgresql://{}@{}:{}/{}".format(*parts)
    return "postgresql://…"


def scrubbed(text: str, url: str) -> str:
    """An error's text without the URL's password (psycopg quotes what it could not parse)."""
    with contextlib.suppress(Exception):
        password = psycopg.conninfo.conninfo_to_dict(url).get("password") or ""
        if password:
            text = text.replace(str(password), "***")
    return text


def startup_problem(url: str, timeout: int = 5) -> str | None:
    """Why the server cannot start on this database, in one line (Vietnamese / English), never
    with its password; None when a connection opens. A URL that does not parse is told as such
    without psycopg's words (they quote the password: ``invalid percent-encoded token: "p%zz"``),
    and so is one whose host came out of a password with an unencoded ``@``."""
    how = (
        "a password with @ % : / ? # must be percent-encoded (@ as %40, % as %25)"
        " / mật khẩu có @ % : / ? # phải được mã hóa (@ thành %40, % thành %25)"
    )
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        return f"QUEUE_DATABASE không phải địa chỉ postgresql:// hợp lệ / is not a valid postgresql:// URL: {how}"
    if any("@" in str(info.get(k) or "") for k in ("host", "user", "dbname", "port")):
        return f"QUEUE_DATABASE có ký tự @ thừa / has a stray @: {how}"
    try:
        with psycopg.connect(url, connect_timeout=timeout):
            return None
    except psycopg.Error as exc:
        first = scrubbed(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__, url)
        return (
            f"Không kết nối được PostgreSQL tại {redacted(url)}: kiểm tra PostgreSQL đang chạy, địa chỉ, cổng và mật"
            f" khẩu trong QUEUE_DATABASE / cannot connect to PostgreSQL at {redacted(url)}: {first[:300]}"
        )


def app_name(site: str) -> str:
    """The application name of a server's connections for ``site`` (pg_stat_activity)."""
    return f"hospital-queue:{site}"


class PgLog:
    """The ``EventLog`` of one site in a PostgreSQL database."""

    def __init__(self, url: str, site: str = "main", epoch: int = 0) -> None:
        self.url = url
        self.site = pg_schema.check_site(site)
        self.epoch = epoch  # the writer epoch this process holds (0: single process, nobody claimed)
        self._conn: Conn | None = None
        self._lock = asyncio.Lock()
        self.on_commit: Callable[[float, int], None] | None = None  # told each append's seconds and events

    @property
    def conn(self) -> Conn:
        if self._conn is None:
            raise RuntimeError("event log is not open")
        return self._conn

    async def _connect(self) -> Conn:
        # the application name tells what holds the site (python -m server.migrate_log checks it)
        return await psycopg.AsyncConnection.connect(self.url, autocommit=True, application_name=app_name(self.site))

    async def _ready(self) -> Conn:
        """The connection, opened again if the last one broke (PostgreSQL restarted, the network):
        the failed call has failed (the hub answers ``storage_error`` and reloads), the next works."""
        conn = self.conn
        if conn.broken or conn.closed:
            log.warning("event log: the connection to PostgreSQL was lost; connecting again")
            self._conn = conn = await self._connect()
        return conn

    async def open(self) -> None:
        self._conn = await self._connect()
        await pg_schema.apply(self.conn)
        await pg_schema.ensure_site(self.conn, self.site)

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def _fetch(self, sql: str, args: tuple[object, ...], binary: bool = False) -> list[TupleRow]:
        async with self._lock:
            cur = await (await self._ready()).execute(sql.encode(), args, binary=binary)
            return await cur.fetchall()

    async def _run(self, sql: str, args: tuple[object, ...]) -> int:
        async with self._lock:
            cur = await (await self._ready()).execute(sql.encode(), args)
            return cur.rowcount

    async def records(self, after: int = 0, until: int | None = None, batch: int = 5000) -> AsyncIterator[list[Record]]:
        """The records with ``after < seq <= until`` in order, in lists of up to ``batch``: each
        list one JSON array that PostgreSQL joins and sends in binary (bytea as text would be hex:
        twice the bytes and one more decoding), decoded in one call while the next is read."""
        end = until if until is not None else 2**63 - 1
        pending = asyncio.ensure_future(self._fetch(_BATCH, (self.site, after, end, batch), binary=True))
        try:
            while True:
                ((last, body),) = await pending
                if last is None:
                    return
                pending = asyncio.ensure_future(self._fetch(_BATCH, (self.site, last, end, batch), binary=True))
                await asyncio.sleep(0)
                records = _batch_decoder.decode(b"[" + bytes(body) + b"]")
                records.sort(key=_seq)
                yield records
        finally:
            if not pending.done():
                with contextlib.suppress(Exception):
                    await pending

    async def append(
        self,
        records: Sequence[Record],
        commands: Sequence[CommandRow],
        faces: FaceChanges | None = None,
        outbox: Sequence[OutboxRow] = (),
    ) -> None:
        """Write records, command results, face changes and the HIS links' messages in one
        transaction, after checking the site's sequence and the writer's epoch."""
        n = len(records)
        if n and records[-1].seq - records[0].seq + 1 != n:
            raise LogConflict("the batch's records are not consecutive")
        faces = faces or FaceChanges()
        args = (
            self.site, self.epoch, records[0].seq if n else 0,
            [r.seq for r in records], [r.at for r in records], [r.actor for r in records],
            [type(r.event).__name__ for r in records], [_encoder.encode(r) for r in records],
            [c.key for c in commands], [c.at for c in commands], [c.result for c in commands],
            faces.purge, list(faces.removed), list(faces.added), list(faces.added.values()),
            [o.link for o in outbox], [o.message for o in outbox], [o.ticket for o in outbox],
            [o.seq for o in outbox], [o.kind for o in outbox], [o.body for o in outbox], [o.created for o in outbox],
        )  # fmt: skip
        t0 = time.perf_counter()
        async with self._lock:
            conn = await self._ready()
            try:
                await conn.execute(_APPEND, args)  # one statement: its own transaction, one round trip
            except psycopg.Error as e:
                if e.sqlstate == "QL002":
                    raise Fenced(str(e.diag.message_primary)) from None
                if e.sqlstate == "QL001":
                    raise LogConflict(str(e.diag.message_primary)) from None
                raise
        if self.on_commit is not None:
            self.on_commit(time.perf_counter() - t0, n)

    async def save_snapshot(self, seq: int, version: int, body: bytes) -> None:
        """Keep a snapshot of the state at ``seq`` (and the previous one, in case)."""
        async with self._lock:
            await self._ready()
        async with self._lock, self.conn.transaction():
            await self.conn.execute(
                "INSERT INTO snapshots (site, seq, version, body) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (site, seq) DO UPDATE SET version = excluded.version, body = excluded.body",
                (self.site, seq, version, body),
            )
            await self.conn.execute(
                "DELETE FROM snapshots WHERE site = %s AND seq NOT IN "
                "(SELECT seq FROM snapshots WHERE site = %s ORDER BY seq DESC LIMIT 2)",
                (self.site, self.site),
            )

    async def latest_snapshot(self) -> tuple[int, int, bytes] | None:
        rows = await self._fetch(
            "SELECT seq, version, body FROM snapshots WHERE site = %s ORDER BY seq DESC LIMIT 1", (self.site,)
        )
        return None if not rows else (int(rows[0][0]), int(rows[0][1]), bytes(rows[0][2]))

    async def drop_snapshots(self) -> None:
        await self._run("DELETE FROM snapshots WHERE site = %s", (self.site,))

    async def recent_commands(self, since: float) -> list[CommandRow]:
        rows = await self._fetch(
            "SELECT key, at, result FROM commands WHERE site = %s AND at >= %s", (self.site, since)
        )
        return [CommandRow(key=k, at=a, result=bytes(r)) for k, a, r in rows]

    async def prune_commands(self, before: float) -> None:
        await self._run("DELETE FROM commands WHERE site = %s AND at < %s", (self.site, before))

    async def faces(self) -> dict[int, bytes]:
        rows = await self._fetch("SELECT ticket, descriptor FROM faces WHERE site = %s", (self.site,))
        return {int(t): bytes(d) for t, d in rows}

    async def delete_faces(self, tickets: Sequence[int]) -> None:
        await self._run("DELETE FROM faces WHERE site = %s AND ticket = ANY(%s)", (self.site, list(tickets)))

    async def save_session(self, s: SessionRow) -> None:
        await self._run(
            "INSERT INTO sessions (site, token_hash, username, created, expires) VALUES (%s, %s, %s, %s, %s)",
            (self.site, s.token_hash, s.username, s.created, s.expires),
        )

    async def delete_session(self, token_hash: str) -> None:
        await self._run("DELETE FROM sessions WHERE site = %s AND token_hash = %s", (self.site, token_hash))

    async def delete_user_sessions(self, username: str) -> None:
        await self._run("DELETE FROM sessions WHERE site = %s AND username = %s", (self.site, username))

    async def sessions(self, now: float) -> list[SessionRow]:
        await self._run("DELETE FROM sessions WHERE site = %s AND expires < %s", (self.site, now))
        rows = await self._fetch(
            "SELECT token_hash, username, created, expires FROM sessions WHERE site = %s", (self.site,)
        )
        return [SessionRow(token_hash=t, username=u, created=c, expires=e) for t, u, c, e in rows]

    async def session(self, token_hash: str) -> SessionRow | None:
        rows = await self._fetch(
            "SELECT token_hash, username, created, expires FROM sessions WHERE site = %s AND token_hash = %s",
            (self.site, token_hash),
        )
        return next((SessionRow(token_hash=t, username=u, created=c, expires=e) for t, u, c, e in rows), None)

    # ---- the site's row (the writer's role; several processes build on these)

    async def head(self) -> tuple[int, int, str]:
        """The site's last seq, writer epoch and writer, as committed."""
        rows = await self._fetch("SELECT seq, writer_epoch, writer FROM sites WHERE site = %s", (self.site,))
        seq, epoch, writer = rows[0]
        return int(seq), int(epoch), str(writer)

    async def claim(self, writer: str) -> int:
        """Take the site's writer role: the epoch raised by one (fencing off whoever held it: their
        next append fails with ``Fenced``), this log's epoch set to it; the new epoch. Choosing
        *who* claims (a lease, an advisory lock) is the caller's part."""
        rows = await self._fetch(
            "UPDATE sites SET writer_epoch = writer_epoch + 1, writer = %s, claimed_at = extract(epoch FROM now()) "
            "WHERE site = %s RETURNING writer_epoch",
            (writer[:200], self.site),
        )
        self.epoch = int(rows[0][0])
        return self.epoch

    # ---- blocking reads, each through its own connection, for worker threads

    def scan(self, before_at: float) -> Iterator[Record]:
        with psycopg.connect(self.url) as conn, conn.cursor(name="scan") as cur:
            cur.execute("SELECT body FROM events WHERE site = %s AND at < %s ORDER BY seq", (self.site, before_at))
            while rows := cur.fetchmany(5000):
                for (body,) in rows:
                    yield decode_record(bytes(body))

    def latest(self, limit: int, before_seq: int | None = None) -> list[Record]:
        with psycopg.connect(self.url) as conn:
            rows = conn.execute(
                "SELECT body FROM events WHERE site = %s AND seq < %s ORDER BY seq DESC LIMIT %s",
                (self.site, before_seq or 2**63 - 1, limit),
            ).fetchall()
        return [decode_record(bytes(body)) for (body,) in rows]

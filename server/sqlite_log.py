"""The event log (``server/eventlog.py``) in SQLite: an append-only table whose rowid is the global sequence.

One ``append`` is one transaction (the group commit: every command decided since the last commit
goes in together). WAL mode; ``synchronous=FULL`` by
default, so that a committed event survives a power cut (``NORMAL`` survives a crash of the
process only, and is faster). The same file holds the idempotency keys of recent commands,
the staff login sessions, and the face descriptors of active tickets (written in the same
transaction as the ticket's event, deleted when it ends and at day end; ``secure_delete``
overwrites deleted rows so no descriptor lingers in free pages), and the HIS links' outbox
(``server/his/outbox.py``), whose messages are written in the same transaction as their events.
"""

from __future__ import annotations

import asyncio
import contextlib
import operator
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from pathlib import Path
from typing import Literal

import aiosqlite
import msgspec

from .domain.events import Record
from .eventlog import CommandRow, FaceChanges, OutboxRow, SessionRow, decode_record
from .his import outbox as his_outbox

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq   INTEGER PRIMARY KEY,
    at    REAL NOT NULL,
    actor TEXT NOT NULL,
    type  TEXT NOT NULL,
    body  BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS commands (
    key    TEXT PRIMARY KEY,
    at     REAL NOT NULL,
    result BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshots (
    seq     INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    body    BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    username   TEXT NOT NULL,
    created    REAL NOT NULL,
    expires    REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS faces (
    ticket     INTEGER PRIMARY KEY,
    descriptor BLOB NOT NULL
);
"""

Synchronous = Literal["FULL", "NORMAL"]
_encoder = msgspec.json.Encoder()
_batch_decoder = msgspec.json.Decoder(list[Record])
_seq = operator.attrgetter("seq")
# One batch of events as one JSON array, and the last seq in it (NULL when there is none).
_BATCH = """
SELECT max(seq), CAST('[' || group_concat(body, ',') || ']' AS BLOB)
FROM (SELECT seq, body FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?)
"""


class SqliteLog:
    """The ``EventLog`` in one SQLite file (WAL)."""

    def __init__(self, path: Path, synchronous: Synchronous = "FULL") -> None:
        self.path = path
        self.synchronous = synchronous
        self._db: aiosqlite.Connection | None = None
        self.on_commit: Callable[[float, int], None] | None = None  # told each append's seconds and events

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("event log is not open")
        return self._db

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        await self.db.execute("PRAGMA journal_mode=WAL")
        await self.db.execute(f"PRAGMA synchronous={self.synchronous}")
        await self.db.execute("PRAGMA secure_delete=ON")
        await self.db.executescript(SCHEMA)
        await self.db.executescript(his_outbox.SCHEMA)

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def records(self, after: int = 0, until: int | None = None, batch: int = 5000) -> AsyncIterator[list[Record]]:
        """The records with ``after < seq <= until`` (no upper bound by default) in order, in
        lists of up to ``batch``.

        Made for the replay at start: each batch is one JSON array that SQLite builds (in C,
        without Python's lock) and msgspec decodes in one call, and the next batch is being read
        in the database's thread while the caller applies this one."""
        end = until if until is not None else 2**63 - 1
        db = self.db
        pending = asyncio.ensure_future(db.execute_fetchall(_BATCH, (after, end, batch)))
        try:
            while True:
                ((last, body),) = await pending
                if last is None:
                    return
                pending = asyncio.ensure_future(db.execute_fetchall(_BATCH, (last, end, batch)))
                await asyncio.sleep(0)  # let the task hand the query to the thread before we decode
                records = _batch_decoder.decode(body)
                # group_concat's order is the subquery's in practice, not by contract (SQLite
                # 3.40): sorting an already sorted list costs one pass.
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
        transaction (one fsync with FULL)."""
        rows = [(r.seq, r.at, r.actor, type(r.event).__name__, _encoder.encode(r)) for r in records]
        cmds = [(c.key, c.at, c.result) for c in commands]

        db = self.db
        t0 = time.perf_counter()
        await db.execute("BEGIN IMMEDIATE")
        try:
            await db.executemany("INSERT INTO events (seq, at, actor, type, body) VALUES (?, ?, ?, ?, ?)", rows)
            if cmds:
                await db.executemany("INSERT OR REPLACE INTO commands (key, at, result) VALUES (?, ?, ?)", cmds)
            if faces:
                if faces.purge:
                    await db.execute("DELETE FROM faces")
                if faces.removed:
                    await db.executemany("DELETE FROM faces WHERE ticket = ?", [(t,) for t in faces.removed])
                if faces.added:
                    await db.executemany(
                        "INSERT OR REPLACE INTO faces (ticket, descriptor) VALUES (?, ?)", list(faces.added.items())
                    )
            if outbox:
                await db.executemany(
                    his_outbox.INSERT,
                    [(o.link, o.message, o.ticket, o.seq, o.kind, o.body, o.created, o.created) for o in outbox],
                )
            await db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            raise
        if self.on_commit is not None:
            self.on_commit(time.perf_counter() - t0, len(rows))

    async def save_snapshot(self, seq: int, version: int, body: bytes) -> None:
        """Keep a snapshot of the state at ``seq`` (and the previous one, in case)."""
        await self.db.execute("BEGIN IMMEDIATE")
        try:
            await self.db.execute(
                "INSERT OR REPLACE INTO snapshots (seq, version, body) VALUES (?, ?, ?)", (seq, version, body)
            )
            await self.db.execute(
                "DELETE FROM snapshots WHERE seq NOT IN (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT 2)"
            )
            await self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                await self.db.execute("ROLLBACK")
            raise

    async def latest_snapshot(self) -> tuple[int, int, bytes] | None:
        async with self.db.execute("SELECT seq, version, body FROM snapshots ORDER BY seq DESC LIMIT 1") as cur:
            row = await cur.fetchone()
        return None if row is None else (int(row[0]), int(row[1]), bytes(row[2]))

    async def drop_snapshots(self) -> None:
        await self.db.execute("DELETE FROM snapshots")

    async def recent_commands(self, since: float) -> list[CommandRow]:
        async with self.db.execute("SELECT key, at, result FROM commands WHERE at >= ?", (since,)) as cur:
            return [CommandRow(key=r[0], at=r[1], result=bytes(r[2])) for r in await cur.fetchall()]

    async def prune_commands(self, before: float) -> None:
        await self.db.execute("DELETE FROM commands WHERE at < ?", (before,))

    async def faces(self) -> dict[int, bytes]:
        async with self.db.execute("SELECT ticket, descriptor FROM faces") as cur:
            return {int(t): bytes(d) for t, d in await cur.fetchall()}

    async def delete_faces(self, tickets: Sequence[int]) -> None:
        await self.db.executemany("DELETE FROM faces WHERE ticket = ?", [(t,) for t in tickets])

    async def save_session(self, s: SessionRow) -> None:
        await self.db.execute(
            "INSERT INTO sessions (token_hash, username, created, expires) VALUES (?, ?, ?, ?)",
            (s.token_hash, s.username, s.created, s.expires),
        )

    async def delete_session(self, token_hash: str) -> None:
        await self.db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    async def delete_user_sessions(self, username: str) -> None:
        await self.db.execute("DELETE FROM sessions WHERE username = ?", (username,))

    async def sessions(self, now: float) -> list[SessionRow]:
        await self.db.execute("DELETE FROM sessions WHERE expires < ?", (now,))
        async with self.db.execute("SELECT token_hash, username, created, expires FROM sessions") as cur:
            return [
                SessionRow(token_hash=r[0], username=r[1], created=r[2], expires=r[3]) for r in await cur.fetchall()
            ]

    async def session(self, token_hash: str) -> SessionRow | None:
        sql = "SELECT token_hash, username, created, expires FROM sessions WHERE token_hash = ?"
        async with self.db.execute(sql, (token_hash,)) as cur:
            r = await cur.fetchone()
        return None if r is None else SessionRow(token_hash=r[0], username=r[1], created=r[2], expires=r[3])

    # ---- blocking reads, each through its own read-only connection (WAL lets it read while
    # the hub writes), for worker threads

    def _reader(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)

    def scan(self, before_at: float) -> Iterator[Record]:
        conn = self._reader()
        try:
            cur = conn.execute("SELECT body FROM events WHERE at < ? ORDER BY seq", (before_at,))
            while rows := cur.fetchmany(5000):
                for (body,) in rows:
                    yield decode_record(body)
        finally:
            conn.close()

    def latest(self, limit: int, before_seq: int | None = None) -> list[Record]:
        conn = self._reader()
        try:
            sql = "SELECT body FROM events" + (" WHERE seq < ?" if before_seq else "") + " ORDER BY seq DESC LIMIT ?"
            rows = conn.execute(sql, (before_seq, limit) if before_seq else (limit,)).fetchall()
        finally:
            conn.close()
        return [decode_record(body) for (body,) in rows]

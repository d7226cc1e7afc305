"""The outbox of the HIS links: its table (in the event log's SQLite file, written by
``SqliteLog.append`` in the same transaction as the events, decision 0011) and the queries of
the deliverer and the admin pages, through a connection of their own (:class:`OutboxStore`), so
that nothing here ever waits inside, or holds up, the hub's batch.

A row is one message for one link. Its status goes ``pending`` → ``delivered``, or ``dead`` (the
HIS refused it for good) → ``pending`` again (retried) or ``discarded``. A ticket's *head* is its
oldest row that is neither delivered nor discarded: only a pending head is sent, so a ticket's
messages reach the HIS in order and a dead letter holds back the ones after it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, Protocol

import aiosqlite
import msgspec

from ..domain.his import HisMessage

SCHEMA = """
CREATE TABLE IF NOT EXISTS his_outbox (
    id            INTEGER PRIMARY KEY,
    link          TEXT NOT NULL,
    message       TEXT NOT NULL,
    ticket        TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    body          BLOB NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending',
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_try      REAL NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    last_error_at REAL,
    receipt       TEXT NOT NULL DEFAULT '',
    delivered_at  REAL,
    created       REAL NOT NULL,
    UNIQUE (link, message)
);
CREATE INDEX IF NOT EXISTS his_outbox_open ON his_outbox (link, ticket, id) WHERE status IN ('pending', 'dead');
CREATE INDEX IF NOT EXISTS his_outbox_ticket ON his_outbox (ticket, link);
"""

INSERT = """INSERT OR IGNORE INTO his_outbox (link, message, ticket, seq, kind, body, next_try, created)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)"""

Status = Literal["pending", "delivered", "dead", "discarded"]
_COLUMNS = (
    "id, link, message, ticket, seq, kind, body, status, attempts, next_try, last_error, last_error_at, receipt, "
    "delivered_at, created"
)
# The head of every ticket of a link that has one: its oldest row still pending or dead.
_HEADS = f"""
SELECT {_COLUMNS} FROM his_outbox WHERE id IN (
    SELECT min(id) FROM his_outbox WHERE link = ? AND status IN ('pending', 'dead') GROUP BY ticket
) AND status = 'pending' AND next_try <= ? ORDER BY id LIMIT ?
"""
_NEXT_DUE = """
SELECT min(next_try) FROM his_outbox WHERE id IN (
    SELECT min(id) FROM his_outbox WHERE link = ? AND status IN ('pending', 'dead') GROUP BY ticket
) AND status = 'pending'
"""
_RESENT = re.compile(r"-r[0-9]+$")


class Store(Protocol):
    """What the deliverer and the pages ask of the outbox: ``OutboxStore`` here (SQLite), or
    ``server/his/pg_outbox.py``'s ``PgOutboxStore`` (PostgreSQL)."""

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def heads(self, link: str, now: float, limit: int) -> list[Entry]: ...
    async def next_due(self, link: str) -> float | None: ...
    async def delivered(self, entry: Entry, receipt: str, now: float) -> None: ...
    async def failed(self, entry: Entry, error: str, now: float, next_try: float) -> None: ...
    async def dead(self, entry: Entry, reason: str, now: float) -> None: ...
    async def release(self, link: str, now: float) -> None: ...
    async def counts(self, link: str) -> LinkCounts: ...
    async def dead_letters(self, limit: int = 200) -> list[Entry]: ...
    async def retry(self, link: str, message: str, now: float) -> bool: ...
    async def discard(self, link: str, message: str) -> bool: ...
    async def of_ticket(self, link: str, ticket: str) -> list[Entry]: ...
    async def resend(self, link: str, ticket: str, now: float) -> str | None: ...
    async def prune(self, before: float) -> int: ...


class Entry(msgspec.Struct, frozen=True):
    id: int
    link: str
    message: str
    ticket: str
    seq: int
    kind: str
    body: bytes
    status: Status
    attempts: int
    next_try: float
    last_error: str
    last_error_at: float | None
    receipt: str
    delivered_at: float | None
    created: float

    def decoded(self) -> HisMessage:
        return msgspec.json.decode(self.body, type=HisMessage)


class LinkCounts(msgspec.Struct, frozen=True):
    pending: int = 0  # the outbox's depth
    oldest_pending: float | None = None  # when the oldest pending message was written
    dead: int = 0
    delivered: int = 0


def _entry(row: aiosqlite.Row | tuple[object, ...]) -> Entry:
    return msgspec.convert(dict(zip(_COLUMNS.split(", "), tuple(row), strict=True)), Entry)


class OutboxStore:
    """The outbox through its own connection (WAL: it reads while the hub writes). Its writes are
    single-row updates with ``synchronous=NORMAL``: no fsync of their own (a mark lost in a power
    cut only sends a message once more, which the HIS takes as once)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("the outbox is not open")
        return self._db

    async def open(self) -> None:
        self._db = await aiosqlite.connect(self.path, isolation_level=None, timeout=10.0)
        await self.db.execute("PRAGMA synchronous=NORMAL")
        await self.db.executescript(SCHEMA)

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def _rows(self, sql: str, args: tuple[object, ...]) -> list[Entry]:
        return [_entry(r) for r in await self.db.execute_fetchall(sql, args)]

    async def _change(self, sql: str, args: tuple[object, ...]) -> int:
        async with self.db.execute(sql, args) as cur:
            return int(cur.rowcount)

    # ---- the deliverer

    async def heads(self, link: str, now: float, limit: int) -> list[Entry]:
        """The pending heads of ``link``'s tickets due by ``now``, oldest first."""
        return await self._rows(_HEADS, (link, now, limit))

    async def next_due(self, link: str) -> float | None:
        """When the earliest pending head of ``link``'s tickets is due (None: nothing pending)."""
        rows = await self.db.execute_fetchall(_NEXT_DUE, (link,))
        value = next(iter(rows))[0]
        return None if value is None else float(value)

    async def delivered(self, entry: Entry, receipt: str, now: float) -> None:
        await self._change(
            "UPDATE his_outbox SET status = 'delivered', receipt = ?, delivered_at = ?, attempts = attempts + 1 "
            "WHERE id = ?",
            (receipt[:200], now, entry.id),
        )

    async def failed(self, entry: Entry, error: str, now: float, next_try: float) -> None:
        await self._change(
            "UPDATE his_outbox SET attempts = attempts + 1, last_error = ?, last_error_at = ?, next_try = ? "
            "WHERE id = ? AND status = 'pending'",
            (error[:500], now, next_try, entry.id),
        )

    async def dead(self, entry: Entry, reason: str, now: float) -> None:
        await self._change(
            "UPDATE his_outbox SET status = 'dead', attempts = attempts + 1, last_error = ?, last_error_at = ? "
            "WHERE id = ? AND status = 'pending'",
            (reason[:500], now, entry.id),
        )

    async def release(self, link: str, now: float) -> None:
        """Every pending message of ``link`` due now (the HIS answers again: no more waiting out
        the backoff of messages that failed while it was away)."""
        await self._change(
            "UPDATE his_outbox SET next_try = ? WHERE link = ? AND status = 'pending' AND next_try > ?",
            (now, link, now),
        )

    # ---- the admin and the counter

    async def counts(self, link: str) -> LinkCounts:
        rows = await self.db.execute_fetchall(
            "SELECT status, count(*), min(created) FROM his_outbox WHERE link = ? GROUP BY status", (link,)
        )
        by = {str(r[0]): (int(r[1]), r[2]) for r in rows}
        pending = by.get("pending", (0, None))
        return LinkCounts(
            pending=pending[0],
            oldest_pending=None if pending[1] is None else float(pending[1]),
            dead=by.get("dead", (0, None))[0],
            delivered=by.get("delivered", (0, None))[0],
        )

    async def dead_letters(self, limit: int = 200) -> list[Entry]:
        return await self._rows(
            f"SELECT {_COLUMNS} FROM his_outbox WHERE status = 'dead' ORDER BY id LIMIT ?", (limit,)
        )

    async def retry(self, link: str, message: str, now: float) -> bool:
        """A dead letter pending again, due now; whether there was one."""
        return (
            await self._change(
                "UPDATE his_outbox SET status = 'pending', next_try = ?, attempts = 0 "
                "WHERE link = ? AND message = ? AND status = 'dead'",
                (now, link, message),
            )
            == 1
        )

    async def discard(self, link: str, message: str) -> bool:
        """A dead letter given up (it no longer holds its ticket's later messages)."""
        return (
            await self._change(
                "UPDATE his_outbox SET status = 'discarded' WHERE link = ? AND message = ? AND status = 'dead'",
                (link, message),
            )
            == 1
        )

    async def of_ticket(self, link: str, ticket: str) -> list[Entry]:
        return await self._rows(
            f"SELECT {_COLUMNS} FROM his_outbox WHERE ticket = ? AND link = ? ORDER BY id", (ticket, link)
        )

    async def resend(self, link: str, ticket: str, now: float) -> str | None:
        """The ticket's latest message again, as a new pending row with its own id
        (``<id>-r<n>``); that id, or None when the ticket has no message on this link."""
        rows = await self.of_ticket(link, ticket)
        if not rows:
            return None
        latest = rows[-1]
        base = _RESENT.sub("", latest.message)
        n = sum(1 for r in rows if r.message.startswith(base + "-r")) + 1
        message = msgspec.structs.replace(latest.decoded(), id=f"{base}-r{n}")
        await self._change(
            INSERT, (link, message.id, ticket, latest.seq, latest.kind, msgspec.json.encode(message), now, now)
        )
        return message.id

    async def prune(self, before: float) -> int:
        """Forget delivered and discarded messages written before ``before``; how many."""
        return await self._change(
            "DELETE FROM his_outbox WHERE status IN ('delivered', 'discarded') AND created < ?", (before,)
        )


def ticket_status(rows: list[Entry]) -> tuple[str, str]:
    """Where a ticket's messages stand on one link, and the last error: ``dead`` (one refused,
    holding the rest), ``failed`` (one pending has failed at least once), ``pending``,
    ``delivered`` (all of them), or ``none`` (no message)."""
    if not rows:
        return "none", ""
    errors = [r for r in rows if r.last_error]
    last = max(errors, key=lambda r: r.last_error_at or 0.0).last_error if errors else ""
    open_ = [r for r in rows if r.status in ("pending", "dead")]
    if any(r.status == "dead" for r in open_):
        return "dead", last
    if any(r.attempts > 0 for r in open_):
        return "failed", last
    if open_:
        return "pending", last
    return "delivered", last

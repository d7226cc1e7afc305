"""The HIS outbox in PostgreSQL: the twin of ``OutboxStore`` (``server/his/outbox.py``) when the
log is there (``server/pg_log.py`` writes the rows in the events' transaction). The same queries
on the ``his_outbox`` table of ``server/pg_schema.py``, for one site, through a connection of its
own, so that nothing here waits inside, or holds up, the hub's batch. Its single-row marks are
committed with ``synchronous_commit = off``: a mark lost in a crash of PostgreSQL only sends a
message once more, which the HIS takes as once (as in SQLite)."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
import psycopg
from psycopg.rows import TupleRow

from .. import pg_schema
from ..pg_log import OUTBOX_INSERT
from .outbox import _COLUMNS, _RESENT, Entry, LinkCounts

_OPEN_HEADS = """SELECT min(id) FROM his_outbox
WHERE site = %(site)s AND link = %(link)s AND status IN ('pending', 'dead') GROUP BY ticket"""
_HEADS = f"""
SELECT {_COLUMNS} FROM his_outbox WHERE id IN ({_OPEN_HEADS})
AND status = 'pending' AND next_try <= %(now)s ORDER BY id LIMIT %(limit)s
"""
_NEXT_DUE = f"SELECT min(next_try) FROM his_outbox WHERE id IN ({_OPEN_HEADS}) AND status = 'pending'"


def _entry(row: TupleRow) -> Entry:
    return msgspec.convert(dict(zip(_COLUMNS.split(", "), row, strict=True)), Entry)


class PgOutboxStore:
    def __init__(self, url: str, site: str) -> None:
        self.url = url
        self.site = pg_schema.check_site(site)
        self._conn: psycopg.AsyncConnection[TupleRow] | None = None
        self._lock = asyncio.Lock()

    async def open(self) -> None:
        self._conn = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
        await self._conn.execute("SET synchronous_commit = off")
        await pg_schema.apply(self._conn)
        await pg_schema.ensure_site(self._conn, self.site)

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def _cursor(self, sql: str, args: dict[str, Any]) -> psycopg.AsyncCursor[TupleRow]:
        if self._conn is None:
            raise RuntimeError("the outbox is not open")
        return await self._conn.execute(sql.encode(), {"site": self.site, **args})

    async def _rows(self, sql: str, **args: Any) -> list[Entry]:
        async with self._lock:
            return [_entry(r) for r in await (await self._cursor(sql, args)).fetchall()]

    async def _change(self, sql: str, **args: Any) -> int:
        async with self._lock:
            return (await self._cursor(sql, args)).rowcount

    # ---- the deliverer

    async def heads(self, link: str, now: float, limit: int) -> list[Entry]:
        return await self._rows(_HEADS, link=link, now=now, limit=limit)

    async def next_due(self, link: str) -> float | None:
        async with self._lock:
            row = await (await self._cursor(_NEXT_DUE, {"link": link})).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    async def delivered(self, entry: Entry, receipt: str, now: float) -> None:
        await self._change(
            "UPDATE his_outbox SET status = 'delivered', receipt = %(r)s, delivered_at = %(now)s, "
            "attempts = attempts + 1 WHERE id = %(id)s AND site = %(site)s",
            r=receipt[:200], now=now, id=entry.id,
        )  # fmt: skip

    async def failed(self, entry: Entry, error: str, now: float, next_try: float) -> None:
        await self._change(
            "UPDATE his_outbox SET attempts = attempts + 1, last_error = %(e)s, last_error_at = %(now)s, "
            "next_try = %(next)s WHERE id = %(id)s AND site = %(site)s AND status = 'pending'",
            e=error[:500], now=now, next=next_try, id=entry.id,
        )  # fmt: skip

    async def dead(self, entry: Entry, reason: str, now: float) -> None:
        await self._change(
            "UPDATE his_outbox SET status = 'dead', attempts = attempts + 1, last_error = %(e)s, "
            "last_error_at = %(now)s WHERE id = %(id)s AND site = %(site)s AND status = 'pending'",
            e=reason[:500], now=now, id=entry.id,
        )  # fmt: skip

    async def release(self, link: str, now: float) -> None:
        await self._change(
            "UPDATE his_outbox SET next_try = %(now)s "
            "WHERE site = %(site)s AND link = %(link)s AND status = 'pending' AND next_try > %(now)s",
            now=now, link=link,
        )  # fmt: skip

    # ---- the admin and the counter

    async def counts(self, link: str) -> LinkCounts:
        async with self._lock:
            cur = await self._cursor(
                "SELECT status, count(*), min(created) FROM his_outbox WHERE site = %(site)s AND link = %(link)s "
                "GROUP BY status",
                {"link": link},
            )
            by = {str(r[0]): (int(r[1]), r[2]) for r in await cur.fetchall()}
        pending = by.get("pending", (0, None))
        return LinkCounts(
            pending=pending[0],
            oldest_pending=None if pending[1] is None else float(pending[1]),
            dead=by.get("dead", (0, None))[0],
            delivered=by.get("delivered", (0, None))[0],
        )

    async def dead_letters(self, limit: int = 200) -> list[Entry]:
        return await self._rows(
            f"SELECT {_COLUMNS} FROM his_outbox WHERE site = %(site)s AND status = 'dead' ORDER BY id LIMIT %(n)s",
            n=limit,
        )

    async def retry(self, link: str, message: str, now: float) -> bool:
        changed = await self._change(
            "UPDATE his_outbox SET status = 'pending', next_try = %(now)s, attempts = 0 "
            "WHERE site = %(site)s AND link = %(link)s AND message = %(m)s AND status = 'dead'",
            now=now, link=link, m=message,
        )  # fmt: skip
        return changed == 1

    async def discard(self, link: str, message: str) -> bool:
        changed = await self._change(
            "UPDATE his_outbox SET status = 'discarded' "
            "WHERE site = %(site)s AND link = %(link)s AND message = %(m)s AND status = 'dead'",
            link=link, m=message,
        )  # fmt: skip
        return changed == 1

    async def of_ticket(self, link: str, ticket: str) -> list[Entry]:
        return await self._rows(
            f"SELECT {_COLUMNS} FROM his_outbox WHERE site = %(site)s AND ticket = %(t)s AND link = %(link)s "
            "ORDER BY id",
            t=ticket, link=link,
        )  # fmt: skip

    async def resend(self, link: str, ticket: str, now: float) -> str | None:
        rows = await self.of_ticket(link, ticket)
        if not rows:
            return None
        latest = rows[-1]
        base = _RESENT.sub("", latest.message)
        n = sum(1 for r in rows if r.message.startswith(base + "-r")) + 1
        message = msgspec.structs.replace(latest.decoded(), id=f"{base}-r{n}")
        args = (self.site, link, message.id, ticket, latest.seq, latest.kind, msgspec.json.encode(message), now, now)
        async with self._lock:
            if self._conn is None:
                raise RuntimeError("the outbox is not open")
            await self._conn.execute(OUTBOX_INSERT, args)
        return message.id

    async def prune(self, before: float) -> int:
        return await self._change(
            "DELETE FROM his_outbox WHERE site = %(site)s AND status IN ('delivered', 'discarded') "
            "AND created < %(before)s",
            before=before,
        )

"""The PostgreSQL log's schema (``server/pg_log.py``) as ordered, versioned migrations.

Every table is keyed by site (a short code: one facility, ``QUEUE_SITE``): each site has its own
gapless ``seq``, kept in its row of ``sites`` (locked by the ``UPDATE`` of every append), and the
writer's epoch there fences off a writer that lost the role (several processes: issue 21).

A migration is never edited once committed: a change is a new one at the end of ``MIGRATIONS``.
``apply`` runs the missing ones in one transaction under an advisory lock, so that two
processes opening the same database at once apply each exactly once.
"""

from __future__ import annotations

import re

import psycopg
from psycopg.rows import TupleRow

SITE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")  # a site code: also the name of its NOTIFY channel
LOCK = 0x51_75_65_75_65  # the advisory lock that serialises migrations ("Queue")

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "the log, idempotency keys, snapshots, sessions, faces, the HIS outbox; keyed by site",
        """
CREATE TABLE sites (
    site         text PRIMARY KEY,
    seq          bigint NOT NULL DEFAULT 0,            -- the last event's seq (gapless)
    writer_epoch bigint NOT NULL DEFAULT 0,            -- 0: nobody claimed the writer's role
    writer       text NOT NULL DEFAULT '',             -- who holds it (a process's name)
    claimed_at   double precision,
    created      double precision NOT NULL DEFAULT extract(epoch FROM now())
);
CREATE TABLE events (
    site  text NOT NULL REFERENCES sites,
    seq   bigint NOT NULL,
    at    double precision NOT NULL,
    actor text NOT NULL,
    type  text NOT NULL,
    body  bytea NOT NULL,                              -- the Record as JSON, as SQLite keeps it
    PRIMARY KEY (site, seq)
);
CREATE TABLE commands (
    site   text NOT NULL REFERENCES sites,
    key    text NOT NULL,
    at     double precision NOT NULL,
    result bytea NOT NULL,
    PRIMARY KEY (site, key)
);
CREATE INDEX commands_at ON commands (site, at);
CREATE TABLE snapshots (
    site    text NOT NULL REFERENCES sites,
    seq     bigint NOT NULL,
    version integer NOT NULL,
    body    bytea NOT NULL,
    PRIMARY KEY (site, seq)
);
CREATE TABLE sessions (
    site       text NOT NULL REFERENCES sites,
    token_hash text NOT NULL,
    username   text NOT NULL,
    created    double precision NOT NULL,
    expires    double precision NOT NULL,
    PRIMARY KEY (site, token_hash)
);
CREATE TABLE faces (
    site       text NOT NULL REFERENCES sites,
    ticket     bigint NOT NULL,
    descriptor bytea NOT NULL,
    PRIMARY KEY (site, ticket)
);
CREATE TABLE his_outbox (
    id            bigserial PRIMARY KEY,
    site          text NOT NULL REFERENCES sites,
    link          text NOT NULL,
    message       text NOT NULL,
    ticket        text NOT NULL,
    seq           bigint NOT NULL,
    kind          text NOT NULL,
    body          bytea NOT NULL,
    status        text NOT NULL DEFAULT 'pending',
    attempts      integer NOT NULL DEFAULT 0,
    next_try      double precision NOT NULL DEFAULT 0,
    last_error    text NOT NULL DEFAULT '',
    last_error_at double precision,
    receipt       text NOT NULL DEFAULT '',
    delivered_at  double precision,
    created       double precision NOT NULL,
    UNIQUE (site, link, message)
);
CREATE INDEX his_outbox_open ON his_outbox (site, link, ticket, id) WHERE status IN ('pending', 'dead');
CREATE INDEX his_outbox_ticket ON his_outbox (site, ticket, link);
""",
    ),
]


def check_site(site: str) -> str:
    if not SITE.match(site):
        raise ValueError(f"a site code is 1 to 32 letters, digits, '-' or '_' (got {site[:40]!r})")
    return site


async def apply(conn: psycopg.AsyncConnection[TupleRow]) -> list[int]:
    """Bring the schema up to date; the versions applied now (none when it was)."""
    applied: list[int] = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        cur = await conn.execute("SELECT version FROM schema_migrations")
        done = {int(r[0]) for r in await cur.fetchall()}
        for version, name, sql in MIGRATIONS:
            if version in done:
                continue
            await conn.execute(sql.encode())
            await conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name))
            applied.append(version)
    return applied


async def ensure_site(conn: psycopg.AsyncConnection[TupleRow], site: str) -> None:
    await conn.execute("INSERT INTO sites (site) VALUES (%s) ON CONFLICT DO NOTHING", (check_site(site),))

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
    (
        2,
        "queue_append: a batch in one statement (one round trip, its own transaction)",
        """
CREATE FUNCTION queue_append(
    p_site text, p_epoch bigint, p_first bigint,
    e_seq bigint[], e_at float8[], e_actor text[], e_type text[], e_body bytea[],
    c_key text[], c_at float8[], c_result bytea[],
    f_purge boolean, f_removed bigint[], f_ticket bigint[], f_descriptor bytea[],
    o_link text[], o_message text[], o_ticket text[], o_seq bigint[], o_kind text[], o_body bytea[],
    o_created float8[]
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint := coalesce(cardinality(e_seq), 0);
    last bigint;
    held bigint;
BEGIN
    -- the site's row, locked until the commit: one writer at a time, the sequence gapless
    UPDATE sites SET seq = seq + n WHERE site = p_site RETURNING seq, writer_epoch INTO last, held;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'site % is not in this database', p_site USING ERRCODE = 'QL001';
    END IF;
    IF held <> p_epoch THEN
        RAISE EXCEPTION 'site %: the writer epoch is %, this process holds %', p_site, held, p_epoch
            USING ERRCODE = 'QL002';
    END IF;
    IF n > 0 AND last - n + 1 <> p_first THEN
        RAISE EXCEPTION 'site %: the log is at %, the batch starts at %', p_site, last - n, p_first
            USING ERRCODE = 'QL001';
    END IF;
    IF n > 0 THEN
        INSERT INTO events (site, seq, at, actor, type, body)
        SELECT p_site, * FROM unnest(e_seq, e_at, e_actor, e_type, e_body);
    END IF;
    IF cardinality(c_key) > 0 THEN
        INSERT INTO commands (site, key, at, result) SELECT p_site, * FROM unnest(c_key, c_at, c_result)
        ON CONFLICT (site, key) DO UPDATE SET at = excluded.at, result = excluded.result;
    END IF;
    IF f_purge THEN
        DELETE FROM faces WHERE site = p_site;
    END IF;
    IF cardinality(f_removed) > 0 THEN
        DELETE FROM faces WHERE site = p_site AND ticket = ANY(f_removed);
    END IF;
    IF cardinality(f_ticket) > 0 THEN
        INSERT INTO faces (site, ticket, descriptor) SELECT p_site, * FROM unnest(f_ticket, f_descriptor)
        ON CONFLICT (site, ticket) DO UPDATE SET descriptor = excluded.descriptor;
    END IF;
    IF cardinality(o_link) > 0 THEN
        INSERT INTO his_outbox (site, link, message, ticket, seq, kind, body, next_try, created)
        SELECT p_site, l, m, t, s, k, b, c, c FROM unnest(o_link, o_message, o_ticket, o_seq, o_kind, o_body, o_created)
            AS o(l, m, t, s, k, b, c)
        ON CONFLICT (site, link, message) DO NOTHING;
    END IF;
    IF n > 0 THEN
        PERFORM pg_notify('queue_' || p_site, last::text);  -- delivered at commit only
    END IF;
    RETURN last;
END
$$;
""",
    ),
    (
        3,
        "login_attempts: the login limits' counts, shared by the processes of a site",
        """
CREATE TABLE login_attempts (
    site  text NOT NULL REFERENCES sites,
    key   text COLLATE "C" NOT NULL,                   -- an address, or address|username ('?': nobody's)
    times double precision[] NOT NULL DEFAULT '{}',    -- its attempts' times in the window, oldest first
    last  double precision NOT NULL,                   -- its last attempt: pruned a window after it
    PRIMARY KEY (site, key)
);
CREATE INDEX login_attempts_last ON login_attempts (site, last);
""",
    ),
]


def check_site(site: str) -> str:
    if not SITE.match(site):
        raise ValueError(f"a site code is 1 to 32 letters, digits, '-' or '_' (got {site[:40]!r})")
    return site


async def apply(
    conn: psycopg.AsyncConnection[TupleRow], migrations: list[tuple[int, str, str]] | None = None
) -> list[int]:
    """Bring the schema up to date (or up to the last of ``migrations``, a test's older
    version); the versions applied now (none when it was)."""
    applied: list[int] = []
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        cur = await conn.execute("SELECT version FROM schema_migrations")
        done = {int(r[0]) for r in await cur.fetchall()}
        for version, name, sql in MIGRATIONS if migrations is None else migrations:
            if version in done:
                continue
            await conn.execute(sql.encode())
            await conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name))
            applied.append(version)
    return applied


async def ensure_site(conn: psycopg.AsyncConnection[TupleRow], site: str) -> None:
    await conn.execute("INSERT INTO sites (site) VALUES (%s) ON CONFLICT DO NOTHING", (check_site(site),))

"""The two event logs for the tests that run against both (SQLite and PostgreSQL): one store per
test, opened as many times as the test restarts its hub, and read back from outside the log."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import psycopg

from server.eventlog import EventLog
from server.pg_log import PgLog
from server.sqlite_log import SqliteLog


class LogStore:
    """Where a test's log lives: a SQLite file or a PostgreSQL database (one site in it)."""

    def __init__(self, kind: str, path: Path, url: str = "", site: str = "main") -> None:
        self.kind = kind
        self.path = path
        self.url = url
        self.site = site

    def make(self, synchronous: str = "FULL") -> EventLog:
        if self.kind == "postgresql":
            return PgLog(self.url, self.site)
        return SqliteLog(self.path, synchronous)  # type: ignore[arg-type]

    def query(self, sql: str, *args: object) -> list[tuple[object, ...]]:
        """Rows of a query run beside the log (``?`` placeholders; PostgreSQL's tables have a
        ``site`` column more, which the query may name)."""
        if self.kind == "postgresql":
            with psycopg.connect(self.url) as conn:
                return conn.execute(sql.replace("?", "%s").encode(), args).fetchall()
        with contextlib.closing(sqlite3.connect(self.path)) as conn:
            return conn.execute(sql, args).fetchall()

    def execute(self, sql: str, *args: object) -> None:
        if self.kind == "postgresql":
            with psycopg.connect(self.url, autocommit=True) as conn:
                conn.execute(sql.replace("?", "%s").encode(), args)
            return
        with contextlib.closing(sqlite3.connect(self.path)) as conn:
            conn.execute(sql, args)
            conn.commit()

    def committed_seqs(self) -> list[int]:
        return [int(s) for (s,) in self.query("SELECT seq FROM events ORDER BY seq")]  # type: ignore[call-overload]


def server_env(store: LogStore) -> dict[str, str]:
    """The environment that points a server process at the store's log (none: SQLite in its data folder)."""
    return {"QUEUE_DATABASE": store.url, "QUEUE_SITE": store.site} if store.kind == "postgresql" else {}

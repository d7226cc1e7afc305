"""The login limits of a site run as three server processes on one PostgreSQL (issue 21): the
counts are shared (``server/pg_logins.py``), so wrong passwords spread over the processes are
counted once, whichever process a request reaches (before, each process counted its own: 3 × 5)."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg

from .cluster_harness import Processes
from .pg_harness import PgCluster
from .server_harness import ADMIN_PASSWORD, ServerProc


def provisioned(database: str, seconds: float = 30.0) -> None:
    """Wait until the writer created the site's admin account (no login tried before: it would count)."""
    deadline = time.monotonic() + seconds
    while True:
        with psycopg.connect(database, autocommit=True) as conn:
            row = conn.execute("SELECT count(*) FROM events WHERE type = 'StaffCreated'").fetchone()
        if row and row[0]:
            return
        assert time.monotonic() < deadline, "the site's admin account was not created"
        time.sleep(0.1)


def login(proc: ServerProc, password: str) -> tuple[int, dict[str, object]]:
    status, body = proc.post("/api/login", {"username": "admin", "password": password})
    return status, body if status == 200 else body["error"]


def test_wrong_passwords_spread_over_three_processes_are_counted_once(tmp_path: Path, pg_cluster: PgCluster) -> None:
    database = pg_cluster.create_db()
    site = Processes(tmp_path, database, n=3)
    procs = site.procs
    try:
        for p in procs:
            p.start()
        provisioned(database)
        for n in range(5):  # five wrong passwords, through the three processes in turn
            status, error = login(procs[n % 3], f"wrong-{n}")
            assert (status, error["code"]) == (401, "bad_credentials"), error
        for p in procs:  # the sixth, on any process: refused, with the seconds to wait
            status, error = login(p, "wrong-6")
            assert (status, error["code"]) == (429, "too_many_attempts"), error
            assert 1 <= int(str(error["field"])) <= 3 and "giây" in str(error["message_vi"])
        assert login(procs[1], ADMIN_PASSWORD)[0] == 429  # the right password too, before the wait
        time.sleep(3.1)
        status, body = login(procs[1], ADMIN_PASSWORD)  # after the wait: in
        assert status == 200 and body["username"] == "admin"
        for n in range(5):  # the success forgot the failures on every process: five tries again
            assert login(procs[(n + 2) % 3], f"again-{n}")[0] == 401
        assert login(procs[0], "again-6")[0] == 429
        for n in range(60):  # a flood of made-up names through the three: they share one key
            status, _ = procs[n % 3].post("/api/login", {"username": f"made-up-{n}", "password": "x"})
            assert status in (401, 429)
        with psycopg.connect(database, autocommit=True) as conn:
            keys = [k for (k,) in conn.execute("SELECT key FROM login_attempts ORDER BY key").fetchall()]
        assert keys == ["127.0.0.1", "127.0.0.1|?", "127.0.0.1|admin"]
    finally:
        site.stop()
        pg_cluster.drop_db(database)

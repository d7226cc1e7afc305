"""A real PostgreSQL 15 for the tests (Debian's ``postgresql-15``): one cluster per test session,
made by ``initdb`` in a temporary folder and started by ``pg_ctl`` on a port of its own (TCP on
127.0.0.1 and a socket in that folder), a fresh database per test (``CREATE DATABASE``, cheap),
stopped and removed at the end.

initdb refuses to run as root: as root the cluster belongs to ``nobody``. Without PostgreSQL
the tests that need it are skipped, and under CI=true they fail (``scripts/install test``
installs ``postgresql-15`` as root).
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

BIN = Path(os.environ.get("QUEUE_PG_BIN", "/usr/lib/postgresql/15/bin"))


def missing(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL 15 is required under CI=true: {why} (scripts/install test installs postgresql-15)")
    pytest.skip(why)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgCluster:
    """A throwaway PostgreSQL cluster; ``durable`` keeps fsync on (the benchmark), the tests run
    without it (a test kills the server, never PostgreSQL)."""

    def __init__(self, durable: bool = False, cpu: int | None = None) -> None:
        self.durable = durable
        self.cpu = cpu  # pin the cluster's processes to one CPU (the benchmark: beside the server)
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="queue-pg-"))
        self.data = self.root / "data"
        self.user = "nobody" if os.geteuid() == 0 else None
        self._names = itertools.count(1)

    def _run(self, *args: str) -> None:
        done = subprocess.run(
            args, user=self.user, capture_output=True, text=True, timeout=120, check=False, cwd=self.root
        )
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")

    def start(self) -> PgCluster:
        if not (BIN / "initdb").exists():
            raise FileNotFoundError(f"{BIN}/initdb not found (apt-get install postgresql-15)")
        if self.user is not None:
            shutil.chown(self.root, self.user)
        self._run(str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-locale", "--no-sync")  # fmt: skip
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        pin = ["taskset", "-c", str(self.cpu)] if self.cpu is not None and (os.cpu_count() or 1) > 1 else []
        self._run(*pin, str(BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w",
                  "-t", "60", "start")  # fmt: skip
        return self

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{db}"

    def socket_url(self, url: str) -> str:
        """The same database through the cluster's Unix socket (no TCP: what a server on the
        database's own machine uses)."""
        return f"{url}?host={self.root}&port={self.port}".replace("@127.0.0.1:" + str(self.port), "@")

    def create_db(self, name: str | None = None) -> str:
        """A new empty database; its URL."""
        name = name or f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 STRATEGY FILE_COPY'.encode())
        return self.url(name)

    def drop_db(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                user=self.user, capture_output=True, timeout=60, check=False, cwd=self.root,
            )  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def start_cluster(durable: bool = False) -> PgCluster:
    """A started cluster, or the test skipped (failed under CI=true). It is stopped at the end of
    the run even when the run is cut short: pg_ctl starts PostgreSQL in the background, where it
    would outlive a test run ended by ``timeout`` (SIGTERM), so SIGTERM unwinds the run and
    ``atexit`` stops the cluster."""
    cluster = PgCluster(durable)
    try:
        cluster.start()
    except (FileNotFoundError, RuntimeError, subprocess.TimeoutExpired) as e:
        cluster.stop()
        missing(str(e))
        raise
    atexit.register(cluster.stop)
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminated)
    return cluster

from __future__ import annotations

import asyncio
import gc
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from .logs import LogStore, server_env
from .pg_harness import PgCluster, start_cluster
from .server_harness import VOICE_PACKS, Client, ServerProc


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    """Close every websocket client a test opened (in the test's own event loop), then collect
    garbage, so that a leak shows up in the test that made it and not later."""
    yield
    for c in Client.opened:
        if c.ws.transport is not None and not c.ws.transport.is_closing():
            c.ws.transport.abort()
    Client.opened.clear()
    await asyncio.sleep(0)  # let the aborted transports finish closing
    gc.unfreeze()  # what a hub or the fan-out froze (fanout.FREEZE_EVERY) is collectable again
    gc.collect()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProc]:
    proc = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL").start()
    yield proc
    proc.kill()


@pytest.fixture
def both(tmp_path: Path, logs: LogStore) -> Iterator[ServerProc]:
    """A server process on each of the two logs (``logs``)."""
    logs.path = tmp_path / "data" / "queue.sqlite3"  # where the server keeps its SQLite log
    proc = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", **server_env(logs)).start()
    yield proc
    proc.kill()


@pytest.fixture(autouse=True, scope="session")
def _shared_voice_packs() -> Iterator[None]:
    """The servers of this run share one set of generated voice packs; removed at the end."""
    yield
    shutil.rmtree(VOICE_PACKS, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One PostgreSQL 15 cluster for the whole run (tests/pg_harness.py)."""
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A fresh, empty database for one test."""
    url = pg_cluster.create_db()
    yield url
    pg_cluster.drop_db(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def logs(request: pytest.FixtureRequest, tmp_path: Path) -> LogStore:
    """The test's event log, once in SQLite and once in PostgreSQL."""
    if request.param == "postgresql":
        return LogStore("postgresql", tmp_path / "q.sqlite3", request.getfixturevalue("pg_url"))
    return LogStore("sqlite", tmp_path / "q.sqlite3")

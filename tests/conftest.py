from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from .server_harness import Client, ServerProc


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
    gc.collect()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProc]:
    proc = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL").start()
    yield proc
    proc.kill()

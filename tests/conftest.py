from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .server_harness import ServerProc


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProc]:
    proc = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL").start()
    yield proc
    proc.kill()

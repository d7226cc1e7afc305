from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from hw_bridge.cccd.vpcd import start_pcscd


@pytest.fixture(scope="session")
def pcscd() -> Iterator[None]:
    """pcscd with the vpcd reader: the one already running, or one started here."""
    try:
        proc = start_pcscd()
    except FileNotFoundError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{exc}; required under CI=true (scripts/install test installs them)")
        pytest.skip(str(exc))
    yield
    if proc is not None:
        proc.terminate()
        proc.wait(timeout=10)

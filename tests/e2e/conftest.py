from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from ..server_harness import ServerProc
from .pages import chromium, chromium_path, write_config


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if chromium_path() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required under CI=true (scripts/install test installs it as root)")
        pytest.skip("chromium not installed")
    with chromium() as b:
        yield b


@pytest.fixture
def site(tmp_path: Path) -> Iterator[ServerProc]:
    """A server with the demo configuration, open at any hour."""
    config = write_config(tmp_path / "config")
    proc = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(config)).start()
    yield proc
    proc.kill()


@pytest.fixture(autouse=True)
def _close_clients() -> None:
    """Browser tests open no websocket clients of their own; Playwright's sync API runs its own
    event loop, so the async fixture of the same name (tests/conftest.py) must not run here."""


@pytest.fixture
def errors() -> Iterator[list[str]]:
    """The script errors of the pages a test watches (pages.watch); the test fails on any."""
    found: list[str] = []
    yield found
    assert not found, f"script errors in the pages: {found}"

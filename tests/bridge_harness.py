"""The hardware bridge (``python -m hw_bridge``) in a subprocess on a free port, for tests."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from websockets.sync.client import connect

from hw_bridge.cccd.vpcd import READER

from .server_harness import ROOT, free_port


@contextlib.contextmanager
def running_bridge(tmp_path: Path, token: str, origins: str, **env: str) -> Iterator[str]:
    """The bridge, reachable from the first of ``origins``; its log in ``tmp_path/bridge.log``.
    It uses the virtual reader and miniaudio's null device (no sound card here)."""
    port = free_port()
    full_env = {
        **os.environ,
        "BRIDGE_PORT": str(port),
        "BRIDGE_TOKEN": token,
        "BRIDGE_ALLOWED_ORIGINS": origins,
        "BRIDGE_DATA": str(tmp_path / "bridge-data"),
        "BRIDGE_READER": READER,
        "BRIDGE_AUDIO_BACKENDS": "null",
        **env,
    }
    tmp_path.mkdir(parents=True, exist_ok=True)
    url = f"ws://127.0.0.1:{port}"
    with (tmp_path / "bridge.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hw_bridge"], cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 15
            while True:
                try:
                    with connect(url, origin=origins.split(",")[0], open_timeout=1):  # type: ignore[arg-type]
                        break
                except OSError:
                    assert proc.poll() is None, (tmp_path / "bridge.log").read_text()
                    assert time.monotonic() < deadline, "the bridge did not start"
                    time.sleep(0.1)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)

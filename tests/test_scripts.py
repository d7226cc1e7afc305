"""The README's run command, as a user runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from .server_harness import ROOT, free_port


def test_run_script_starts_the_demo_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "QUEUE_PORT": str(port), "QUEUE_DATA": str(tmp_path / "data")}
    env.pop("QUEUE_DEMO", None)
    proc = subprocess.Popen([str(ROOT / "scripts" / "run")], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                    assert r.status == 200
                    break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        # demo mode: an admin password and device URLs were written for the operator
        assert len((tmp_path / "data" / "admin-password.txt").read_text().strip()) >= 12
        devices = (tmp_path / "data" / "demo-devices.txt").read_text()
        assert "/kiosk/#token=" in devices and devices.count("/tv/#token=") == 2
        assert (tmp_path / "data" / "queue.sqlite3").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status tells how it ended
    assert proc.returncode in (0, -signal.SIGTERM), out.decode()
    assert "Application shutdown complete" in out.decode()


def test_invalid_configuration_is_refused_with_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    text = (ROOT / "config" / "demo.toml").read_text().replace('colour = "#c62828"', 'colour = "red"')
    bad.write_text(text)
    env = {**os.environ, "QUEUE_CONFIG": str(bad), "QUEUE_DATA": str(tmp_path / "data"), "QUEUE_PORT": str(free_port())}
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "server"], cwd=ROOT, env=env, capture_output=True, timeout=60
    )
    assert result.returncode == 2
    err = result.stderr.decode()
    assert "services[8].colour" in err and "#RRGGBB" in err
    assert not (tmp_path / "data" / "queue.sqlite3").exists()

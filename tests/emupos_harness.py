"""emupos, an ESC/POS printer simulator from PyPI (Python >= 3.13), in its own virtual
environment made on first use, for the printer tests."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .server_harness import ROOT, free_port

EMUPOS_VENV = ROOT / ".venv-emupos"


def python313() -> str | None:
    """A Python 3.13 or newer that works (a pyenv shim may exist without a selected version)."""
    candidates = sorted(Path(os.path.expanduser("~/.pyenv/versions")).glob("3.1[3-9]*/bin/python"))
    candidates += [Path(p) for p in (shutil.which("python3.13"), shutil.which("python3.14")) if p]
    for candidate in candidates:
        ok = subprocess.run(
            [str(candidate), "-c", "import sys, venv; sys.exit(sys.version_info < (3, 13))"],
            capture_output=True,
            check=False,
        )
        if ok.returncode == 0:
            return str(candidate)
    return None


def emupos_binary() -> Path:
    binary = EMUPOS_VENV / "bin" / "emupos"
    if binary.exists():
        return binary
    python = python313()
    if python is None:
        if os.environ.get("CI") == "true":
            pytest.fail("emupos needs Python 3.13 (pyenv 3.13.0 on this image); required under CI=true")
        pytest.skip("Python 3.13 not found for emupos")
    subprocess.run([python, "-m", "venv", str(EMUPOS_VENV)], check=True)
    subprocess.run([str(EMUPOS_VENV / "bin" / "pip"), "install", "-q", "emupos>=0.4,<0.5"], check=True, timeout=600)
    return binary


class Emupos:
    def __init__(self, work: Path) -> None:
        work.mkdir(parents=True, exist_ok=True)
        self.port, self.api_port = free_port(), free_port()
        self.receipts = work / "receipts"
        self.links = work / "links"  # emupos publishes the serial port's pty as links/emupos/front
        self.serial = self.links / "emupos" / "front"
        self.config = work / "emupos.yaml"
        self.config.write_text(
            "schema: 1\n"
            f"api: {{ host: 127.0.0.1, port: {self.api_port} }}\n"
            "devices:\n"
            "  - id: front\n"
            "    type: printer\n"
            "    profile: epson-tm-t20iii\n"
            "    connections:\n"
            f"      - tcp: {{ host: 127.0.0.1, port: {self.port} }}\n"
            "      - serial: { pty: true, link: front }\n"
            "    job_idle_timeout_ms: 500\n"
            f"    receipts_dir: {self.receipts}\n"
        )

    def api(self, method: str, path: str) -> bytes:
        req = urllib.request.Request(f"http://127.0.0.1:{self.api_port}/api/v1{path}", method=method)
        with urllib.request.urlopen(req, timeout=5) as r:
            return bytes(r.read())

    def receipts_list(self) -> list[dict[str, object]]:
        data = json.loads(self.api("GET", "/devices/front/receipts"))
        return list(data if isinstance(data, list) else data.get("receipts", data.get("items", [])))


@contextlib.contextmanager
def running_emupos(work: Path) -> Iterator[Emupos]:
    binary = emupos_binary()
    emu = Emupos(work)
    log = (emu.config.parent / "emupos.log").open("wb")
    emu.links.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [str(binary), "run", "--config", str(emu.config)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "TMPDIR": str(emu.links)},
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            emu.api("GET", "/health")
            break
        except (urllib.error.URLError, ConnectionError):
            assert proc.poll() is None, (emu.config.parent / "emupos.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "emupos did not start"
            time.sleep(0.2)
    try:
        yield emu
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def wait_receipts(emu: Emupos, count: int, timeout: float = 10) -> list[dict[str, object]]:
    deadline = time.monotonic() + timeout
    while True:
        found = emu.receipts_list()
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)

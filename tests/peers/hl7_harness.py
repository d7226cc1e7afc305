"""The HL7 v2 peer (tests/peers/hl7_peer.py, hl7apy's MLLPServer as the HIS) as a subprocess the
tests start, kill, restart and read. Without hl7apy the tests are skipped, and under CI=true
they fail (``scripts/install test`` installs it: pyproject's [test] extra).

    with running_hl7_peer(tmp_path / "his.json") as peer:
        adapter = Hl7Adapter(Link(name="his", form="hl7", site="70001", url=peer.url))
        ...
        peer.registrations()["70001-20261206-12"]["status"]  # "registered", ..., "discharged"
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PEER = Path(__file__).with_name("hl7_peer.py")


def require_hl7apy() -> None:
    try:
        import hl7apy  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("hl7apy is required under CI=true (scripts/install test installs the [test] extra)")
        pytest.skip("hl7apy is not installed (scripts/install test)")


class Hl7Peer:
    def __init__(self, store: Path, *, port: int = 0, close_each: bool = False, idle: float = 30.0) -> None:
        self.store = store
        self.control_file = Path(f"{store}.control")
        self.port = port
        self.close_each = close_each
        self.idle = idle
        self.proc: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"mllp://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> Hl7Peer:
        """Start it (on the port it had, after a restart) and wait until it listens."""
        args = [
            sys.executable,
            str(PEER),
            "--port",
            str(self.port),
            "--store",
            str(self.store),
            "--idle",
            str(self.idle),
        ]
        if self.close_each:
            args.append("--close-each")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line.startswith("listening "):
            self.proc.kill()
            _, err = self.proc.communicate(timeout=5)
            raise RuntimeError(f"the HL7 peer did not start: {line!r} {err[-2000:]}")
        self.port = int(line.rsplit(":", 1)[1])
        return self

    def kill(self) -> None:
        """SIGKILL, as a crash of the HIS."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        if self.proc is not None:
            for pipe in (self.proc.stdout, self.proc.stderr):
                if pipe is not None:
                    pipe.close()
        self.proc = None

    def state(self) -> dict[str, Any]:
        """Everything the peer holds: registrations, seen MSH-10s, counts of messages, duplicates
        and connections."""
        from .hl7_peer import fold  # hl7apy is there: the peer runs

        return fold(self.store.read_text(encoding="utf-8").splitlines() if self.store.exists() else [])

    def registrations(self) -> dict[str, dict[str, Any]]:
        """One registration per visit number (PV1-19, the ticket key)."""
        return dict(self.state()["registrations"])

    def answer(self, answer: str = "AA", text: str = "", seconds: float = 30.0) -> None:
        """How the peer answers from now on: AA (the default), AE, AR, stall, wrong-id, close,
        junk, unframed, flood (tests/peers/hl7_peer.py)."""
        if answer == "AA":
            self.control_file.unlink(missing_ok=True)
            return
        tmp = self.control_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"answer": answer, "text": text, "seconds": seconds}), encoding="utf-8")
        os.replace(tmp, self.control_file)


@contextlib.contextmanager
def running_hl7_peer(store: Path, **options: Any) -> Iterator[Hl7Peer]:
    require_hl7apy()
    peer = Hl7Peer(store, **options).start()
    try:
        yield peer
    finally:
        peer.kill()


@pytest.fixture
def hl7_peer(tmp_path: Path) -> Iterator[Hl7Peer]:
    """A running HL7 peer with an empty store in the test's folder."""
    with running_hl7_peer(tmp_path / "hl7-his.jsonl") as peer:
        yield peer

"""A real CUPS for the printing tests: the local scheduler (Debian ``cups``, started when it is not
running) with a PDF queue of its own (Debian ``printer-driver-cups-pdf``), made for the test run
and removed after it. Without CUPS the tests are skipped, and under CI=true they fail
(``scripts/install test`` installs it as root; ``.ci/run`` starts it)."""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CONF = Path("/etc/cups/cups-pdf.conf")


def _missing(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CUPS is required under CI=true: {why} (scripts/install test installs cups as root)")
    pytest.skip(why)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, capture_output=True, text=True, timeout=30, check=False, env={**os.environ, "LC_ALL": "C"}
    )


def scheduler_running() -> bool:
    return "is running" in _run("lpstat", "-r").stdout


def output_dir() -> Path:
    """Where CUPS-PDF writes this user's files (its ``Out`` setting; ``${HOME}/PDF`` by default)."""
    out = "${HOME}/PDF"
    if CONF.exists():
        for line in CONF.read_text().splitlines():
            if re.match(r"\s*Out\s", line):
                out = line.split(None, 1)[1].strip()
    home = pwd.getpwuid(os.getuid()).pw_dir
    return Path(out.replace("${HOME}", home).replace("${USER}", pwd.getpwuid(os.getuid()).pw_name))


class PdfQueue:
    def __init__(self, name: str) -> None:
        self.name = name
        self.out = output_dir()

    def files(self) -> set[Path]:
        return set(self.out.glob("*.pdf")) if self.out.exists() else set()

    def wait_file(self, before: set[Path], prefix: str, timeout: float = 30) -> Path:
        """The new PDF whose name starts with ``prefix`` (CUPS-PDF names it after the job's
        title, spaces as underscores), once it is whole."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for path in self.files() - before:
                if path.name.startswith(prefix) and _run("pdfinfo", str(path)).returncode == 0:
                    return path
            time.sleep(0.2)
        raise AssertionError(f"no PDF {prefix}* in {self.out}")

    def disable(self) -> None:
        _run("cupsdisable", self.name)

    def enable(self) -> None:
        _run("cupsenable", self.name)


@contextlib.contextmanager
def pdf_queue() -> Iterator[PdfQueue]:
    """A CUPS-PDF queue for this test run (``hq-test-<pid>``), the scheduler started if need be."""
    for tool in ("lpstat", "lpadmin", "lp", "cupsd", "pdftotext", "pdftoppm"):
        if shutil.which(tool) is None:
            _missing(f"{tool} not found (apt-get install cups printer-driver-cups-pdf poppler-utils)")
    if not PPD.exists():
        _missing(f"{PPD} not found (apt-get install printer-driver-cups-pdf)")
    if not scheduler_running():
        if os.getuid() != 0:
            _missing("the CUPS scheduler is not running (start it: sudo cupsd)")
        subprocess.run(["cupsd"], check=True, timeout=30)
        deadline = time.monotonic() + 15
        while not scheduler_running():
            assert time.monotonic() < deadline, "cupsd did not start"
            time.sleep(0.2)
    queue = PdfQueue(f"hq-test-{os.getpid()}")
    made = _run("lpadmin", "-p", queue.name, "-E", "-v", "cups-pdf:/", "-P", str(PPD))
    if made.returncode != 0:
        _missing(f"lpadmin could not make a PDF queue: {made.stderr.strip()}")
    try:
        yield queue
    finally:
        _run("lpadmin", "-x", queue.name)


@contextlib.contextmanager
def dead_queue(port: int) -> Iterator[str]:
    """A raw CUPS queue to a TCP port where no printer listens: its jobs wait (CUPS retries)."""
    name = f"hq-test-dead-{os.getpid()}"
    made = _run("lpadmin", "-p", name, "-E", "-v", f"socket://127.0.0.1:{port}", "-m", "raw")
    assert made.returncode == 0, made.stderr
    try:
        yield name
    finally:
        _run("lpadmin", "-x", name)


def jobs(queue: str) -> list[str]:
    """The jobs not completed on ``queue``."""
    return [line.split()[0] for line in _run("lpstat", "-o", queue).stdout.splitlines() if line.strip()]

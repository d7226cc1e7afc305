"""The server's systemd unit (deploy/hospital-queue.service): systemd accepts it as written
(``systemd-analyze verify``, with the paths pointed at this checkout), it keeps the hardening
it promises, and systemd's own security review rates it OK. systemd-analyze must be there under
CI=true (scripts/install test installs it); elsewhere the test is skipped without it."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .server_harness import ROOT

UNIT = ROOT / "deploy" / "hospital-queue.service"


def analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("systemd-analyze is missing (scripts/install test installs the systemd package)")
        pytest.skip("systemd-analyze is not installed")
    return found


def unit_here(tmp_path: Path) -> Path:
    """The unit with /opt/hospital-queue replaced by this checkout (verify checks ExecStart exists)."""
    text = UNIT.read_text().replace("/opt/hospital-queue/.venv/bin/python", sys.executable)
    text = text.replace("/opt/hospital-queue", str(ROOT))
    path = tmp_path / UNIT.name
    path.write_text(text)
    return path


def service_section() -> dict[str, str]:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read_string(UNIT.read_text())
    return dict(parser["Service"])


def test_the_unit_keeps_its_hardening() -> None:
    s = service_section()
    assert s["User"] == "hospital-queue" and s["NoNewPrivileges"] == "true"
    assert s["ProtectSystem"] == "strict" and s["ReadWritePaths"] == "/var/lib/hospital-queue"
    assert "QUEUE_DATA=/var/lib/hospital-queue" in UNIT.read_text()
    assert int(s["LimitNOFILE"]) >= 65536 and s["UMask"] == "0077"
    assert s["CapabilityBoundingSet"] == "" and s["ProtectHome"] == "true" and s["PrivateTmp"] == "true"


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    tool = analyze()
    done = subprocess.run([tool, "verify", str(unit_here(tmp_path))], capture_output=True, text=True, timeout=60)
    # an unknown or misspelt key is only a warning (exit 0): any message fails the test
    assert done.returncode == 0 and not done.stderr.strip() and not done.stdout.strip(), done


def test_systemd_rates_the_unit_ok(tmp_path: Path) -> None:
    tool = analyze()
    done = subprocess.run(
        [tool, "security", "--offline=true", "--no-pager", str(unit_here(tmp_path))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    m = re.search(r"Overall exposure level for [\w.-]+: ([\d.]+) (\w+)", done.stdout + done.stderr)
    assert m is not None, done
    assert float(m.group(1)) <= 3.0 and m.group(2) == "OK", m.group(0)

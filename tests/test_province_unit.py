"""The province view's systemd unit (deploy/hospital-queue-province.service): systemd accepts it
as written, and its security review rates it OK (as tests/test_deploy.py does the server's)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .server_harness import ROOT
from .test_deploy import analyze

UNIT = ROOT / "deploy" / "hospital-queue-province.service"


def unit_here(tmp_path: Path) -> Path:
    text = UNIT.read_text().replace("/opt/hospital-queue/.venv/bin/python", sys.executable)
    path = tmp_path / UNIT.name
    path.write_text(text.replace("/opt/hospital-queue", str(ROOT)))
    return path


def test_systemd_accepts_the_province_unit_and_rates_it_ok(tmp_path: Path) -> None:
    tool = analyze()
    unit = unit_here(tmp_path)
    done = subprocess.run([tool, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr.strip() and not done.stdout.strip(), done
    done = subprocess.run(
        [tool, "security", "--offline=true", "--no-pager", str(unit)], capture_output=True, text=True, timeout=60
    )
    m = re.search(r"Overall exposure level for [\w.-]+: ([\d.]+) (\w+)", done.stdout + done.stderr)
    assert m is not None, done
    assert float(m.group(1)) <= 3.0 and m.group(2) == "OK", m.group(0)

"""The contracts kept in step with the code: the pages' codes, and no import cycle in the house."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from server.protocol import javascript

ROOT = Path(__file__).resolve().parent.parent


def test_the_pages_codes_are_generated_from_the_catalogue() -> None:
    shipped = (ROOT / "clients" / "shared" / "protocol.js").read_text()
    assert shipped == javascript(), "run: .venv/bin/python -m server.protocol > clients/shared/protocol.js"
    assert 'WRONG_CAN: "wrong_can"' in shipped and "UNAUTHENTICATED: 4001" in shipped


def test_no_import_cycle() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "import_cycles.py")], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr

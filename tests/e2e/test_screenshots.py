"""The screenshot script runs, and saves every page at the size a reviewer expects."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import pytest

from ..server_harness import ROOT

pytestmark = pytest.mark.browser

EXPECTED = {
    "kiosk-portrait": (1080, 1920),
    "kiosk-portrait-wrong-id": (1080, 1920),
    "kiosk-portrait-priority": (1080, 1920),
    "kiosk-portrait-ticket": (1080, 1920),
    "kiosk-landscape": (1920, 1080),
    "kiosk-landscape-english": (1920, 1080),
    "kiosk-portrait-40-services": (1080, 1920),
    "kiosk-landscape-40-services": (1920, 1080),
    "counter-login": (1280, 800),
    "counter": (1280, 800),
    "counter-printer-alert": (1280, 800),
    "rating": (1280, 800),
    "admin-dashboard": (1440, 900),
    "admin-reports": (1440, 900),
    "admin-settings": (1440, 900),
    "admin-devices": (1440, 900),
    "tv-ground-floor": (1920, 1080),
    "tv-few-counters-mono": (1920, 1080),
    "tv-4x8": (1920, 1080),
    "tv-4x8-3840x2160": (3840, 2160),
    "door-landscape": (1280, 800),
    "door-portrait": (800, 1280),
    "province-dashboard": (1440, 900),
    "province-reports": (1440, 900),
}


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_screenshot_script_saves_every_page(browser: object, tmp_path: Path) -> None:
    # the browser fixture only checks that Chromium is there (and fails under CI=true if not)
    out = tmp_path / "shots"
    done = subprocess.run(
        [str(ROOT / "scripts" / "screenshots"), str(out)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for name, size in EXPECTED.items():
        assert png_size(out / f"{name}.png") == size, name
    assert sorted(p.stem for p in out.iterdir()) == sorted(EXPECTED)

"""The kiosk's QR encoder (clients/shared/qr.js, run by Node) read back by two real decoders,
zxing-cpp and OpenCV: every version it makes, every mask, UTF-8, and a damaged symbol that the
error correction of level M still reads (issue 16, item 5)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")
zxingcpp = pytest.importorskip("zxingcpp")

QR_JS = Path(__file__).resolve().parents[1] / "clients" / "shared" / "qr.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="needs Node")

# the longest text each version holds (level M, byte mode)
CAPACITY = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]


def encode(cases: list[tuple[str, int | None]]) -> list[np.ndarray]:
    """Each (text, mask) through qrEncode, as arrays of 0/1 (1 dark)."""
    script = (
        f"import {{ qrEncode }} from {json.dumps(QR_JS.as_uri())};"
        "const cases = JSON.parse(process.argv[1]);"
        "console.log(JSON.stringify(cases.map(([t, m]) => qrEncode(t, m ?? undefined).map((r) => r.map(Number)))));"
    )
    run = subprocess.run(
        [str(NODE), "--input-type=module", "-e", script, json.dumps(cases)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return [np.array(m, dtype=np.uint8) for m in json.loads(run.stdout)]


def picture(modules: np.ndarray, scale: int = 6) -> np.ndarray:
    """Black on white, with the quiet zone, each module scale x scale pixels."""
    light = np.pad(1 - modules, 4, constant_values=1) * 255
    return np.kron(light, np.ones((scale, scale), dtype=np.uint8))


def zxing(image: np.ndarray) -> tuple[str, str]:
    found = zxingcpp.read_barcodes(image)
    assert found, "zxing-cpp found no QR code"
    return found[0].text, found[0].ec_level


def test_every_version_and_mask_reads_back() -> None:
    cases: list[tuple[str, int | None]] = []
    for version, length in enumerate(CAPACITY, start=1):
        text = f"https://kiosk.example/t/{version:02d}-" + "x" * length
        cases += [(text[:length], mask) for mask in range(8)]
    for (text, mask), modules in zip(cases, encode(cases), strict=True):
        version = (len(modules) - 17) // 4
        assert len(text) == CAPACITY[version - 1], f"{len(text)} bytes took version {version}"
        assert zxing(picture(modules)) == (text, "M"), (version, mask)


def test_links_and_vietnamese_read_back_with_opencv() -> None:
    texts = ["http://127.0.0.1:8000/t/A001", "https://bv-hoa-an.example.vn:8443/t/NG0012", "Quét để theo dõi lượt"]
    for text, modules in zip(texts, encode([(t, None) for t in texts]), strict=True):
        image = cv2.cvtColor(picture(modules), cv2.COLOR_GRAY2BGR)
        value, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
        assert value == text
        assert zxing(picture(modules))[0] == text


def test_a_damaged_symbol_still_reads() -> None:
    text = "http://192.168.1.20:8000/t/N0042"
    (modules,) = encode([(text, None)])
    damaged = modules.copy()
    damaged[14:18, 14:18] ^= 1  # 16 modules of data lost: a smudge on the screen, a scratch
    assert not np.array_equal(damaged, modules)
    assert zxing(picture(damaged))[0] == text

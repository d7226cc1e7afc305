"""Real face photos for the face tests, taken from packages on PyPI at test time and never
committed: three photos of one person and one of another from the ``face_recognition`` 1.3.0
sdist (its own test images), and NASA's astronaut portrait from the scikit-image 0.26.0 wheel.
They are cached under ``.cache/face-photos`` (git-ignored) and checked by SHA-256."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from .server_harness import ROOT

CACHE = ROOT / ".cache" / "face-photos"
PHOTOS = {  # name: (package, member)
    "obama.jpg": ("face_recognition", "tests/test_images/obama.jpg"),
    "obama2.jpg": ("face_recognition", "tests/test_images/obama2.jpg"),
    "obama3.jpg": ("face_recognition", "tests/test_images/obama3.jpg"),
    "biden.jpg": ("face_recognition", "tests/test_images/biden.jpg"),
    "astronaut.png": ("scikit-image", "skimage/data/astronaut.png"),
}
SHA256 = {
    "obama.jpg": "0930e3aa8cae5920329c0c8cbc6a2ab70f47b0e67b432875beaa95cbf7e741f6",
    "obama2.jpg": "a7efcc907375274796f39646510704aa86672d59f6d5469d69af3c85590976a6",
    "obama3.jpg": "76ac6bf97c36dc2da0ad16a537d6a5ac1b10f48d49aac29a0cca9a17cdbc3ca3",
    "biden.jpg": "3c17508bb91554c637a2eabddfae790e5bb1caba93130814fc2ac50be9760c4c",
    "astronaut.png": "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5",
}
PACKAGES = {
    "face_recognition": ["--no-binary", "face_recognition", "face_recognition==1.3.0"],
    "scikit-image": ["--only-binary", "scikit-image", "scikit-image==0.26.0"],
}


def _download(package: str, into: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(into), *PACKAGES[package]],
        check=True,
        timeout=300,
    )
    (found,) = [p for p in into.iterdir() if p.name.lower().startswith(package.replace("-", "_").lower())]
    return found


def _extract(archive: Path, member: str) -> bytes:
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as z:
            return z.read(member)
    with tarfile.open(archive) as t:
        name = next(n for n in t.getnames() if n.endswith("/" + member))
        f = t.extractfile(name)
        assert f is not None
        return f.read()


def fetch_photos() -> dict[str, Path]:
    """The photos by name, downloaded on first use (raises when they cannot be had)."""
    missing = [n for n in PHOTOS if not (CACHE / n).exists()]
    if missing:
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            archives: dict[str, Path] = {}
            for name in missing:
                package, member = PHOTOS[name]
                if package not in archives:
                    archives[package] = _download(package, Path(tmp) / package)
                data = _extract(archives[package], member)
                if hashlib.sha256(data).hexdigest() != SHA256[name]:
                    raise ValueError(f"{name} from {package} is not the expected file")
                (CACHE / name).write_bytes(data)
    return {n: CACHE / n for n in PHOTOS}


def photos() -> dict[str, Path]:
    """The photos for a test: skipped without them, failed under CI=true."""
    try:
        return fetch_photos()
    except (OSError, subprocess.SubprocessError, ValueError, KeyError) as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"face photos could not be fetched from PyPI: {exc}")
        pytest.skip(f"face photos not available: {exc}")


def kiosk_frame(path: Path, face_height: int = 480, upper: float = 1.0) -> np.ndarray:
    """The photo's ``upper`` part (from the top) scaled to ``face_height`` and centred in a
    640x480 RGB frame, as a kiosk camera sees the person."""
    rgb = np.asarray(Image.open(path).convert("RGB"))
    rgb = rgb[: round(rgb.shape[0] * upper)]
    h, w = rgb.shape[:2]
    small = np.asarray(Image.fromarray(rgb).resize((max(1, round(w * face_height / h)), face_height), Image.LANCZOS))
    frame = np.zeros((480, 640, 3), np.uint8)
    sw = min(640, small.shape[1])
    x0, y0, cut = (640 - sw) // 2, (480 - face_height) // 2, (small.shape[1] - sw) // 2
    frame[y0 : y0 + face_height, x0 : x0 + sw] = small[:, cut : cut + sw]
    return frame


def chip_portrait(path: Path) -> bytes:
    """A chip-like portrait of the photo: head and shoulders, 240x320, a small JPEG 2000 as in DG2."""
    img = Image.open(path).convert("RGB")
    w, h = img.size
    crop = img.crop((int(w * 0.1), int(h * 0.05), int(w * 0.9), int(h * 0.55))).resize((240, 320))
    buf = io.BytesIO()
    crop.save(buf, format="JPEG2000", quality_mode="rates", quality_layers=[40])
    return buf.getvalue()

"""The media library: images and video clips an administrator uploads for TV screens (T8, B2)
and the unit's logo. Each file is checked by its content, not its name (a script renamed
``.png`` is refused), limited in size, and stored under a name derived from its SHA-256, so
a file never overwrites another and the URL can be cached for ever."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

MAX_IMAGE = 5 * 1024 * 1024
MAX_VIDEO = 200 * 1024 * 1024
NAME = re.compile(r"^[0-9a-f]{16}\.(png|jpg|webp|mp4)$")
TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "mp4": "video/mp4"}


class MediaError(Exception):
    """A file the library refuses; ``code`` is a catalogue code (media_type, media_too_large,
    media_empty)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def kind_of(data: bytes) -> str:
    """The file's type from its first bytes, or ``media_type``."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash"):
        return "mp4"
    raise MediaError("media_type")


def save(folder: Path, data: bytes) -> str:
    """Store an upload; the stored name (``<hash>.<ext>``)."""
    if not data:
        raise MediaError("media_empty")
    ext = kind_of(data)
    if len(data) > (MAX_VIDEO if ext == "mp4" else MAX_IMAGE):
        raise MediaError("media_too_large")
    name = f"{hashlib.sha256(data).hexdigest()[:16]}.{ext}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        tmp = path.with_suffix(".part")
        try:
            tmp.write_bytes(data)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
    return name


def listing(folder: Path) -> list[dict[str, object]]:
    if not folder.is_dir():
        return []
    return [
        {"name": p.name, "type": TYPES[p.suffix[1:]], "bytes": p.stat().st_size, "url": f"/media/{p.name}"}
        for p in sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime)
        if NAME.match(p.name)
    ]

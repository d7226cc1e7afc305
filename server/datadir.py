"""The data folder: readable by the server's user only, and held by one server at a time.

It holds the event log (identities, password and session hashes, face descriptors), the media
library and the voice packs. At start the server makes new files private (umask 077), takes
away group and other access from what an older version left readable, and holds an exclusive
lock on ``.lock`` for the life of the process: a second server on the same folder refuses to
start instead of becoming a second writer of one log."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class DataDirBusyError(Exception):
    """Another process holds the data folder's lock."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"data folder in use by another server: {path}")
        self.path = path


def make_private(data_dir: Path) -> None:
    """Create the folder if needed; the folder and everything in it for the owner only."""
    os.umask(0o077)
    data_dir.mkdir(parents=True, exist_ok=True)
    for root, dirs, files in os.walk(data_dir):
        os.chmod(root, 0o700)
        for name in files:
            path = Path(root) / name
            if not path.is_symlink():
                os.chmod(path, 0o600)
        dirs[:] = [d for d in dirs if not (Path(root) / d).is_symlink()]


def lock(data_dir: Path) -> int:
    """Hold the folder's lock (the returned descriptor stays open for the life of the process)."""
    fd = os.open(data_dir / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise DataDirBusyError(data_dir) from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd

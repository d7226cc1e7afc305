"""Online backups of the event log, taken by the running server, and their restore.

A backup is one SQLite file, ``queue-YYYYMMDDTHHMMSS.mmmZ.sqlite3`` (UTC), readable by the
server's user only, in ``QUEUE_BACKUP_DIR`` (``data/backups``), and copied to
``QUEUE_BACKUP_COPY_TO`` when set. The server takes one every ``QUEUE_BACKUP_EVERY`` hours
(counted from the newest backup there is) and on demand
(``POST /api/backups``, admin), and deletes those older than ``QUEUE_BACKUP_KEEP`` days.
With no backup yet, the first is taken five minutes after the start.

How: SQLite's online backup API, on a connection of its own in a worker thread, copying the
whole database in one step. One step is one read transaction, so the copy is the database as
of one commit: whole batches (the hub commits a batch in one transaction), never half of one.
In WAL mode a reader does not block the writer: the hub goes on committing while the copy is
made (its commits land in the WAL, after the copy's snapshot). A copy made in several steps
would restart from the beginning after every commit of another connection, and under steady
load might never end.

With ``QUEUE_DATABASE`` (the log in PostgreSQL) the server takes no backups: ``pg_dump`` is the
tool (docs/operations.md); the schedule is off and ``POST /api/backups`` answers
``backup_postgresql``.

``python -m server.backup restore FILE`` puts a backup in place (``server/restore.py``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import re
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

import msgspec

from .domain.errors import DomainError
from .settings import Settings

log = logging.getLogger("server.backup")

FIRST_AFTER = 300.0  # seconds from the start to the first backup, when there is none yet
NAME = re.compile(r"^queue-(\d{8}T\d{6}\.\d{3})Z\.sqlite3$")


class BackupInfo(msgspec.Struct, frozen=True):
    file: str  # the backup's path
    seq: int  # the last event in it
    bytes: int
    seconds: float  # how long the copy took
    at: float  # when it was taken (UNIX time)
    copied: str = ""  # where it was copied to, if anywhere


def name_for(at: float) -> str:
    moment = dt.datetime.fromtimestamp(at, dt.UTC)
    return f"queue-{moment:%Y%m%dT%H%M%S}.{moment.microsecond // 1000:03d}Z.sqlite3"


def taken_at(path: Path) -> float | None:
    """When a backup was taken, from its name (None: not a backup's name)."""
    m = NAME.match(path.name)
    if m is None:
        return None
    return dt.datetime.strptime(m.group(1), "%Y%m%dT%H%M%S.%f").replace(tzinfo=dt.UTC).timestamp()


def backups(folder: Path) -> list[Path]:
    """The backups in ``folder``, oldest first."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if taken_at(p) is not None), key=lambda p: p.name)


def _fsync(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _private_dir(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


def take(db_path: Path, folder: Path, at: float, copy_to: Path | None = None) -> BackupInfo:
    """Copy the live database to a new backup in ``folder`` (blocking: run it in a worker
    thread). Written under a ``.partial`` name, synced, then renamed: a backup file that
    exists is complete."""
    _private_dir(folder)
    final = folder / name_for(at)
    partial = final.with_name(final.name + ".partial")
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    t0 = time.perf_counter()
    try:
        src = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)  # pages=-1: everything in one step, one read transaction
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
                (seq,) = dst.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()
            finally:
                dst.close()
        finally:
            src.close()
        seconds = time.perf_counter() - t0
        os.chmod(partial, 0o600)
        _fsync(partial)
        os.replace(partial, final)
        _fsync(folder, directory=True)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    copied = ""
    if copy_to is not None:
        copied = str(copy(final, copy_to))
    return BackupInfo(file=str(final), seq=int(seq), bytes=final.stat().st_size, seconds=seconds, at=at, copied=copied)


def copy(backup: Path, folder: Path) -> Path:
    """Copy a backup to another folder (another disk, a mounted share), the same way: a
    ``.partial`` file, synced, renamed."""
    _private_dir(folder)
    target = folder / backup.name
    partial = target.with_name(target.name + ".partial")
    try:
        with (
            backup.open("rb") as src,
            open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out,
        ):
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
        _fsync(folder, directory=True)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def prune(folder: Path, keep_days: float, now: float) -> list[Path]:
    """Delete the backups older than ``keep_days`` (and partial files left by a crash), but
    never the newest backup; what was deleted."""
    if not folder.is_dir():
        return []
    gone = [p for p in folder.iterdir() if p.name.endswith(".sqlite3.partial") and NAME.match(p.name[:-8])]
    found = backups(folder)
    gone += [p for p in found[:-1] if (taken_at(p) or now) < now - keep_days * 86400]
    for p in gone:
        p.unlink(missing_ok=True)
    return gone


class Backups:
    """The server's backups: on a schedule (``run``, a task of the lifespan) and on demand
    (``take_now``), one at a time."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.clock = clock
        self.lock = asyncio.Lock()
        self.last: BackupInfo | None = None
        self.taken = 0
        self.failures = 0

    async def take_now(self) -> BackupInfo:
        """Take a backup now (after the one in progress, if any), copy it, prune the old ones."""
        s = self.settings
        if s.postgresql:
            raise DomainError("backup_postgresql")
        async with self.lock:
            try:
                info = await asyncio.to_thread(take, s.db_path, s.backups_dir, self.clock(), s.backup_copy_to)
            except Exception:
                self.failures += 1
                log.exception("backup failed")
                raise
            self.last = info
            self.taken += 1
            log.info(
                "backup %s: seq %d, %d bytes in %.3f s%s",
                info.file,
                info.seq,
                info.bytes,
                info.seconds,
                f", copied to {info.copied}" if info.copied else "",
            )
            for folder in (s.backups_dir, s.backup_copy_to):
                if folder is not None:
                    for p in await asyncio.to_thread(prune, folder, s.backup_keep, self.clock()):
                        log.info("backup %s deleted (older than %g days)", p, s.backup_keep)
            return info

    def next_due(self) -> float:
        """When the next scheduled backup is due: ``every`` hours after the newest backup; when
        there is none, soon after the start (``FIRST_AFTER``), so that a server restarted more
        often than ``every`` still gets one."""
        every = self.settings.backup_every * 3600
        found = backups(self.settings.backups_dir)
        newest = taken_at(found[-1]) if found else None
        return newest + every if newest is not None else self.clock() + min(every, FIRST_AFTER)

    async def run(self) -> None:
        """Take backups on the schedule until cancelled (nothing when ``backup_every`` is 0)."""
        if self.settings.backup_every <= 0:
            return
        if self.settings.postgresql:
            log.info("no scheduled backups: the log is in PostgreSQL (QUEUE_DATABASE); back it up with pg_dump")
            return
        due = self.next_due()
        while True:
            await asyncio.sleep(max(0.0, due - self.clock()))
            try:
                await self.take_now()
            except Exception:
                log.warning("scheduled backup failed; trying again in 10 minutes")
                due = self.clock() + min(600.0, self.settings.backup_every * 3600)
            else:
                due = self.next_due()


if __name__ == "__main__":
    from .restore import main

    sys.exit(main(sys.argv[1:]))

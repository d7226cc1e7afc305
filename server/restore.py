"""``python -m server.backup restore FILE``: put a backup in place of the event log.

1. Hold the data folder's lock (``server/datadir.py``) for the whole restore: while a server
   holds it, the restore refuses (stop the server first), and no server can start meanwhile.
2. Copy the backup into the data folder (``queue.sqlite3.restoring``) and check the copy:
   SQLite's ``integrity_check``, the events numbered 1..N without a gap, and every event
   replayed from the start into the queue state (the fold the server does at start).
3. Move the current database (with its ``-wal`` and ``-shm``) aside to
   ``replaced-YYYYMMDDTHHMMSS.ffffffZ/`` in the data folder, and rename the copy into its place.

Nothing is moved until the check has passed; a refused backup leaves the data folder as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sqlite3
import sys
from pathlib import Path

from . import datadir
from .domain.config import Config
from .domain.config_check import config_from_toml
from .domain.fold import apply_all
from .domain.state import QueueState
from .eventlog import decode_record
from .settings import Settings


class RestoreError(Exception):
    """A backup that cannot be restored, or a data folder that cannot take it now."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.message_vi = vi
        self.message_en = en


def verify(path: Path, config: Config) -> int:
    """Check a backup (or any copy of the log); its last seq. ``RestoreError`` if it is damaged
    or does not replay."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise RestoreError(f"Không mở được tệp sao lưu: {exc}", f"cannot open the backup: {exc}") from None
    try:
        try:
            check = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            count, first, last = conn.execute("SELECT count(*), min(seq), max(seq) FROM events").fetchone()
        except sqlite3.Error as exc:
            raise RestoreError(
                f"Tệp sao lưu hỏng hoặc không phải nhật ký xếp hàng: {exc}",
                f"the backup is damaged or not a queue log: {exc}",
            ) from None
        if check != ["ok"]:
            detail = "; ".join(check[:3])
            raise RestoreError(f"Tệp sao lưu hỏng: {detail}", f"the backup is damaged: {detail}")
        if count and (first != 1 or last != count):
            raise RestoreError(
                f"Nhật ký bị thiếu sự kiện ({count} sự kiện, số thứ tự {first}..{last})",
                f"events are missing from the log ({count} events numbered {first}..{last})",
            )
        state = QueueState(config=config)
        cur = conn.execute("SELECT body FROM events ORDER BY seq")
        try:
            while rows := cur.fetchmany(5000):
                apply_all(state, [decode_record(body) for (body,) in rows])
        except Exception as exc:
            raise RestoreError(
                f"Không dựng lại được trạng thái từ nhật ký (seq {state.seq + 1}): {exc}",
                f"the log does not replay (at seq {state.seq + 1}): {exc}",
            ) from None
        return int(last or 0)
    finally:
        conn.close()


def restore(backup: Path, data_dir: Path, config: Config, now: float) -> tuple[int, Path | None]:
    """Restore ``backup`` into ``data_dir``: its last seq, and where the replaced database went."""
    if not backup.is_file():
        raise RestoreError(f"Không thấy tệp sao lưu {backup}", f"no such backup: {backup}")
    datadir.make_private(data_dir)
    try:
        lock = datadir.lock(data_dir)
    except datadir.DataDirBusyError:
        raise RestoreError(
            f"Thư mục dữ liệu {data_dir} đang được máy chủ dùng: hãy dừng máy chủ trước",
            f"the data folder {data_dir} is in use by a server: stop the server first",
        ) from None
    try:
        db = data_dir / "queue.sqlite3"
        staged = data_dir / "queue.sqlite3.restoring"
        staged.unlink(missing_ok=True)
        try:
            with (
                contextlib.closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as src,
                contextlib.closing(sqlite3.connect(staged)) as dst,
            ):
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.Error as exc:
            staged.unlink(missing_ok=True)
            raise RestoreError(
                f"Tệp sao lưu hỏng hoặc không phải cơ sở dữ liệu: {exc}",
                f"the backup is damaged or not a database: {exc}",
            ) from None
        try:
            seq = verify(staged, config)
        except RestoreError:
            staged.unlink(missing_ok=True)
            raise
        os.chmod(staged, 0o600)
        aside: Path | None = None
        present = [p for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")) if p.exists()]
        if present:
            aside = data_dir / f"replaced-{dt.datetime.fromtimestamp(now, dt.UTC):%Y%m%dT%H%M%S.%fZ}"
            aside.mkdir(mode=0o700)
            for p in present:
                os.replace(p, aside / p.name)
        os.replace(staged, db)
        fd = os.open(data_dir, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        return seq, aside
    finally:
        os.close(lock)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m server.backup",
        description="Restore a backup of the queue's event log into the data folder (QUEUE_DATA).",
    )
    sub = parser.add_subparsers(dest="action", required=True)
    cmd = sub.add_parser("restore", help="check a backup and put it in place (the server must be stopped)")
    cmd.add_argument("file", type=Path)
    cmd.add_argument("--data", type=Path, help="the data folder (default: QUEUE_DATA, else data/)")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    data_dir: Path = args.data or settings.data_dir
    try:
        config = config_from_toml(settings.config_path.read_bytes())
        seq, aside = restore(args.file, data_dir, config, dt.datetime.now(dt.UTC).timestamp())
    except RestoreError as exc:
        print(f"{exc.message_vi}\n{exc.message_en}", file=sys.stderr)
        return 2
    except Exception as exc:  # the configuration file, a full disk...
        print(f"Không khôi phục được / restore failed: {exc}", file=sys.stderr)
        return 2
    where = f"; cơ sở dữ liệu cũ / the old database: {aside}" if aside else ""
    print(f"Đã khôi phục / restored {args.file} (seq {seq}) vào / into {data_dir}{where}")
    return 0

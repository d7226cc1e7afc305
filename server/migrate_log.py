"""``python -m server.migrate_log --from SOURCE --to TARGET [--site S]``: move a site's event log
between SQLite and PostgreSQL (either way), with everything kept beside it.

SOURCE and TARGET are ``sqlite:PATH`` (a ``queue.sqlite3``) or a ``postgresql://…`` URL; the site
(``--site``, default ``QUEUE_SITE`` or ``main``) names the rows in PostgreSQL. The servers of the
site must be stopped: a SQLite file's data folder is locked for the move (``server/datadir.py``)
and a PostgreSQL site with a server connected is refused. The target must hold no event of the
site yet. Moved: the records (in batches, each one transaction, the sequence checked), the
idempotency keys, the face descriptors, the staff sessions, the latest snapshot and the HIS
outbox with each message's delivery state. Then both logs are replayed (``server/replay.py``,
from the first event) and the states compared: the command fails unless they are identical.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import msgspec
import psycopg

from . import datadir, replay
from .domain.config import Config
from .domain.config_check import config_from_toml
from .eventlog import EventLog, FaceChanges
from .his import outbox as his_outbox
from .pg_log import PgLog, app_name, redacted
from .settings import Settings
from .sqlite_log import SqliteLog

OUTBOX_COLUMNS = his_outbox._COLUMNS.removeprefix("id, ")  # every column but the row's id


class MoveError(Exception):
    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.message_vi = vi
        self.message_en = en


class Moved(msgspec.Struct):
    events: int = 0
    commands: int = 0
    faces: int = 0
    sessions: int = 0
    outbox: int = 0
    snapshot: int = 0  # the seq of the snapshot moved (0: none)
    seq: int = 0  # the last seq, the same on both sides after the check


class End:
    """One side of the move: a SQLite file or a site in a PostgreSQL database."""

    def __init__(self, spec: str, site: str) -> None:
        self.spec, self.site = spec, site
        if spec.startswith("sqlite:"):
            self.path: Path | None = Path(spec.removeprefix("sqlite:")).resolve()
            self.url = ""
        elif spec.startswith(("postgresql://", "postgres://")):
            self.path, self.url = None, spec
        else:
            raise MoveError(
                f"Không hiểu {spec[:80]!r}: dùng sqlite:ĐƯỜNG_DẪN hoặc postgresql://…",
                f"cannot read {spec[:80]!r}: use sqlite:PATH or postgresql://…",
            )

    def __str__(self) -> str:
        return f"sqlite:{self.path}" if self.path else f"{redacted(self.url)} (site {self.site})"

    def log(self) -> EventLog:
        return SqliteLog(self.path) if self.path else PgLog(self.url, self.site)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """No server on this side during the move."""
        if self.path is None:
            with psycopg.connect(self.url) as conn:
                (busy,) = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
                    (app_name(self.site),),
                ).fetchone() or (0,)
            if busy:
                raise MoveError(
                    f"Máy chủ của cơ sở {self.site} đang kết nối PostgreSQL: hãy dừng máy chủ trước",
                    f"a server of site {self.site} is connected to PostgreSQL: stop it first",
                )
            yield
            return
        datadir.make_private(self.path.parent)
        try:
            fd = datadir.lock(self.path.parent)
        except datadir.DataDirBusyError:
            raise MoveError(
                f"Thư mục dữ liệu {self.path.parent} đang được máy chủ dùng: hãy dừng máy chủ trước",
                f"the data folder {self.path.parent} is in use by a server: stop the server first",
            ) from None
        try:
            yield
        finally:
            os.close(fd)

    def outbox_rows(self) -> list[tuple[object, ...]]:
        if self.path is not None:
            with contextlib.closing(sqlite3.connect(self.path)) as conn:
                return conn.execute(f"SELECT {OUTBOX_COLUMNS} FROM his_outbox ORDER BY id").fetchall()
        with psycopg.connect(self.url) as pg:
            sql = f"SELECT {OUTBOX_COLUMNS} FROM his_outbox WHERE site = %s ORDER BY id"
            return pg.execute(sql.encode(), (self.site,)).fetchall()

    def write_outbox(self, rows: list[tuple[object, ...]]) -> None:
        n = len(OUTBOX_COLUMNS.split(", "))
        if self.path is not None:
            with contextlib.closing(sqlite3.connect(self.path)) as conn, conn:
                marks = ", ".join("?" * n)
                conn.executemany(f"INSERT INTO his_outbox ({OUTBOX_COLUMNS}) VALUES ({marks})", rows)
            return
        with psycopg.connect(self.url) as pg, pg.cursor() as cur:
            marks = ", ".join(["%s"] * (n + 1))
            sql = f"INSERT INTO his_outbox (site, {OUTBOX_COLUMNS}) VALUES ({marks})"
            cur.executemany(sql.encode(), [(self.site, *r) for r in rows])


async def _state(log: EventLog, config: Config) -> bytes:
    state, _ = await replay.rebuild(log, config, 0, snapshots=False)
    return msgspec.msgpack.encode(state)


async def move(source: End, target: End, config: Config, batch: int = 5000) -> Moved:
    """Copy the source's log into the empty target, then check that both replay alike."""
    moved = Moved()
    with source.held(), target.held():
        src, dst = source.log(), target.log()
        await src.open()
        await dst.open()
        try:
            async for _ in dst.records(batch=1):
                raise MoveError(
                    f"Đích {target} đã có sự kiện: chỉ chuyển vào một nhật ký trống",
                    f"the target {target} already has events: move only into an empty log",
                )
            async for records in src.records(batch=batch):
                await dst.append(records, [])
                moved.events += len(records)
            commands = await src.recent_commands(0.0)
            faces = await src.faces()
            await dst.append([], commands, FaceChanges(added=faces))
            moved.commands, moved.faces = len(commands), len(faces)
            for s in await src.sessions(now=0.0):
                await dst.save_session(s)
                moved.sessions += 1
            snapshot = await src.latest_snapshot()
            if snapshot is not None:
                await dst.save_snapshot(*snapshot)
                moved.snapshot = snapshot[0]
            rows = source.outbox_rows()
            target.write_outbox(rows)
            moved.outbox = len(rows)
            before, after = await _state(src, config), await _state(dst, config)
            if before != after or len(target.outbox_rows()) != moved.outbox:
                raise MoveError(
                    "Trạng thái dựng lại từ đích KHÁC nguồn: đừng dùng đích này",
                    "the state replayed from the target DIFFERS from the source's: do not use the target",
                )
            moved.seq = msgspec.msgpack.decode(after)["seq"]
        finally:
            await src.close()
            await dst.close()
    return moved


def main(argv: list[str]) -> int:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(
        prog="python -m server.migrate_log",
        description="Move a site's event log between SQLite and PostgreSQL (stop the site's servers first).",
    )
    parser.add_argument("--from", dest="source", required=True, help="sqlite:PATH or postgresql://…")
    parser.add_argument("--to", dest="target", required=True, help="sqlite:PATH or postgresql://…")
    parser.add_argument("--site", default=settings.site, help="the site's code in PostgreSQL (default: QUEUE_SITE)")
    args = parser.parse_args(argv)
    try:
        source, target = End(args.source, args.site), End(args.target, args.site)
        if source.path is not None and not source.path.is_file():
            raise MoveError(f"Không thấy {source.path}", f"no such file: {source.path}")
        config = config_from_toml(settings.config_path.read_bytes())
        moved = asyncio.run(move(source, target, config))
    except MoveError as exc:
        print(f"{exc.message_vi}\n{exc.message_en}", file=sys.stderr)
        return 2
    except Exception as exc:  # a database that cannot be reached, a site code, a full disk...
        print(f"Không chuyển được / the move failed: {exc}", file=sys.stderr)
        return 2
    print(
        f"Đã chuyển / moved {source} → {target}: {moved.events} events (seq {moved.seq}), "
        f"{moved.commands} command keys, {moved.faces} faces, {moved.sessions} sessions, "
        f"{moved.outbox} HIS messages, snapshot at seq {moved.snapshot}; "
        "trạng thái giống hệt / replayed states identical"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

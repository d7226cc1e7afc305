"""``python -m server`` on a QUEUE_DATABASE it cannot use: one clear line in Vietnamese and
English, exit status 2, never the password and never a traceback (a password with ``%`` or ``@``
not percent-encoded was printed by psycopg's error at start)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .pg_harness import PgCluster, free_port
from .server_harness import ROOT, ServerProc

PASSWORD_PARTS = ("p%zz", "w0rd", "s3cr", "hunter2", "Kh0ng")


def start(tmp_path: Path, database: str) -> tuple[int, str]:
    proc = ServerProc(tmp_path / "data", None, QUEUE_DATABASE=database)
    done = subprocess.run(
        [sys.executable, "-m", "server"], cwd=ROOT, env=proc.env, capture_output=True, text=True, timeout=60
    )
    return done.returncode, done.stdout + done.stderr


def test_a_database_url_it_cannot_use_is_told_in_one_line_without_its_password(tmp_path: Path) -> None:
    closed = free_port()  # nothing listens there: PostgreSQL is down
    for url, says in (
        (f"postgresql://queue:p%zz@w0rd@127.0.0.1:{closed}/queue", "percent-encoded"),
        (f"postgresql://queue:s3cr@t@127.0.0.1:{closed}/queue", "percent-encoded"),
        (f"postgresql://queue:hunter2@127.0.0.1:{closed}/queue", "cannot connect to PostgreSQL"),
        (f"postgresql://queue:Kh0ng%25ok@127.0.0.1:{closed}/queue", "cannot connect to PostgreSQL"),
    ):
        status, output = start(tmp_path, url)
        assert status == 2, output
        assert "Traceback" not in output and len(output.strip().splitlines()) == 1, output
        assert says in output and ("Không kết nối được" in output or "phải được mã hóa" in output), output
        assert not [p for p in PASSWORD_PARTS if p in output], output


def test_the_same_server_starts_when_the_database_answers(tmp_path: Path, pg_cluster: PgCluster) -> None:
    database = pg_cluster.create_db()
    proc = ServerProc(tmp_path / "data", None, QUEUE_DATABASE=database)
    try:
        proc.start()
        assert proc.get_status("/api/health") == 200
    finally:
        proc.kill()
        pg_cluster.drop_db(database)

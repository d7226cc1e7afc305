"""The data folder is private and has one writer; a busy port fails before anything is written;
device URLs use the server's public address (issue 17, items 7 and 11)."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

from .server_harness import ROOT, ServerProc, free_port


def run_server(data: Path, port: int, **env: str) -> subprocess.CompletedProcess[str]:
    """A server expected to refuse to start: its exit code and what it printed."""
    full = {**os.environ, "QUEUE_DATA": str(data), "QUEUE_PORT": str(port), "QUEUE_DEMO": "1", **env}
    return subprocess.run(
        [sys.executable, "-m", "server"], cwd=ROOT, env=full, capture_output=True, text=True, timeout=60
    )


def test_a_second_server_on_the_same_data_folder_refuses_to_start(tmp_path: Path) -> None:
    first = ServerProc(tmp_path / "data").start()
    try:
        second = run_server(tmp_path / "data", free_port())
        assert second.returncode == 2
        assert "đang được một máy chủ khác dùng" in second.stderr and "in use by another server" in second.stderr
        assert first.get("/api/health")["status"] == "ok"  # the first one is untouched
    finally:
        first.kill()
    # once the first has gone (even killed), the folder can be used again
    again = ServerProc(tmp_path / "data").start()
    again.kill()


def test_a_busy_port_fails_before_the_data_folder_is_made(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = run_server(tmp_path / "data", busy.getsockname()[1])
    assert result.returncode == 2
    assert "cannot listen on 127.0.0.1" in result.stderr and "Không mở được cổng" in result.stderr
    assert not (tmp_path / "data").exists()


def test_the_data_folder_and_its_files_are_for_the_server_s_user_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    (data / "media").mkdir(mode=0o755)
    (data / "media" / "old.png").write_bytes(b"x")  # left readable by an older version
    os.chmod(data / "media" / "old.png", 0o644)
    server = ServerProc(data, QUEUE_ADMIN_PASSWORD="").start()
    try:
        modes = {p.relative_to(data).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [data, *data.rglob("*")]}
    finally:
        server.kill()
    assert modes["."] == 0o700 and modes["media"] == 0o700
    assert modes["queue.sqlite3"] == 0o600 and modes["admin-password.txt"] == 0o600
    assert modes["media/old.png"] == 0o600
    assert {m & 0o077 for m in modes.values()} == {0}, modes


def test_device_urls_use_the_public_address(tmp_path: Path) -> None:
    server = ServerProc(tmp_path / "a", QUEUE_HOST="0.0.0.0").start()
    server.kill()
    lines = (tmp_path / "a" / "demo-devices.txt").read_text()
    assert "0.0.0.0" not in lines and "/kiosk/#token=" in lines
    server = ServerProc(tmp_path / "b", QUEUE_PUBLIC_URL="https://queue.benhvien.local/").start()
    server.kill()
    urls = [line.split(": ", 1)[1] for line in (tmp_path / "b" / "demo-devices.txt").read_text().splitlines()[1:]]
    assert urls and all(u.startswith("https://queue.benhvien.local/") for u in urls), urls

"""The province view (``python -m server.province``) answers to its own names only, as the
server does (``server/hosts.py``), and refuses to start on an accounts file it cannot read
(it gave a bare 500 at every sign-in)."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from .province_harness import ProvinceProc
from .server_harness import ROOT


def status_with_host(url: str, host: str) -> int:
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        with e:
            return e.code


def test_the_province_view_answers_to_its_own_names_only(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    view = ProvinceProc(
        tmp_path / "province",
        {"a": str(tmp_path / "a")},
        QUEUE_PROVINCE_PUBLIC_URL="https://tinh.queue.local",
        QUEUE_PROVINCE_ALLOWED_HOSTS="so-y-te.lan",
    )
    try:
        view.start()
        health = view.http + "/api/health"
        for host in ("evil.example", "evil.example:8100", "tinh.queue.local.evil.example"):
            assert status_with_host(health, host) == 421, host
            assert status_with_host(view.http + "/province/", host) == 421, host
        for host in (f"127.0.0.1:{view.port}", "localhost", "tinh.queue.local", "SO-Y-TE.lan:443"):
            assert status_with_host(health, host) == 200, host
    finally:
        view.kill()


def test_an_accounts_file_it_cannot_read_stops_the_start_with_why(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    for name, make in (
        ("a-folder.toml", lambda p: p.mkdir()),
        ("broken.toml", lambda p: p.write_text("[admins.an\nfull_name = ")),
        ("wrong.toml", lambda p: p.write_text('[admins.an]\nfull_name = 3\npassword_hash = "x"\n')),
    ):
        accounts = tmp_path / name
        make(accounts)
        view = ProvinceProc(tmp_path / "province", {"a": str(tmp_path / "a")}, QUEUE_PROVINCE_ACCOUNTS=str(accounts))
        done = subprocess.run(
            [sys.executable, "-m", "server.province"],
            cwd=ROOT,
            env=view.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        output = done.stdout + done.stderr
        assert done.returncode == 2, output
        assert "Traceback" not in output and str(accounts) in output, output
        assert "không đọc được tệp tài khoản" in output and "cannot be read" in output, output

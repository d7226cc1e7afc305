"""A province in one install for the tests: facilities as real servers (``python -m server``,
each its own site and log), and the province view (``python -m server.province``) reading
their logs, in subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from .e2e.pages import config_text
from .server_harness import ROOT, Client, ServerProc, free_port

PROVINCE_ADMIN, PROVINCE_PASSWORD = "so-y-te", "mat-khau-so-y-te-thu"


def facility(folder: Path, code: str, name: str, **env: str) -> ServerProc:
    """A facility's server with the demo configuration (open all day) under its own name."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.toml"
    config.write_text(config_text().replace('name = "Trung tâm Y tế huyện Hòa An"', f'name = "{name}"', 1))
    more = {"QUEUE_SYNC": "NORMAL", "QUEUE_CONFIG": str(config), "QUEUE_SITE": code, **env}
    return ServerProc(folder / "data", None, **more).start()


async def a_morning(site: ServerProc, services: list[str], served: int) -> None:
    """Tickets issued at the kiosk for ``services``; counter 1's administrator serves ``served``
    of the reception's (service A)."""
    kiosk = await Client.connect(site.ws_url)
    await kiosk.hello("kiosk", site.device_tokens()["kiosk-1"])
    for s in services:
        assert (await kiosk.command({"type": "issue_ticket", "service": s}))["type"] == "ack"
    if not served:
        return
    desk = await Client.connect(site.ws_url)
    await desk.hello("counter", site.login(), counter=1)
    opened = await desk.command({"type": "open_counter", "counter": 1})
    assert opened["type"] == "ack" or opened["code"] == "counter_already_open", opened
    for _ in range(served):
        assert (await desk.command({"type": "call_next", "counter": 1}))["type"] == "ack"
        assert (await desk.command({"type": "finish_service", "counter": 1}))["type"] == "ack"


class ProvinceProc:
    """``python -m server.province`` over ``sites`` ({code: the facility's data folder, or ""
    for its site in ``QUEUE_DATABASE``}), with one province administrator."""

    def __init__(self, folder: Path, sites: dict[str, str], **env: str) -> None:
        self.folder = folder
        self.port = free_port()
        self.env = {
            **os.environ,
            "QUEUE_PROVINCE_PORT": str(self.port),
            "QUEUE_PROVINCE_SITES": ",".join(f"{c}={p}" if p else c for c, p in sites.items()),
            "QUEUE_PROVINCE_ACCOUNTS": str(folder / "province.toml"),
            "QUEUE_PROVINCE_NAME": "Sở Y tế tỉnh Thử",
            "QUEUE_PROVINCE_EVERY": "0.3",
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = folder / f"province-{self.port}.log"

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_admin(self, username: str = PROVINCE_ADMIN, password: str = PROVINCE_PASSWORD) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "server.province", "add-admin", username, "Chuyên viên Sở"],
            cwd=ROOT,
            env=self.env,
            input=f"{password}\n".encode(),
            capture_output=True,
            timeout=30,
        )
        assert done.returncode == 0, done.stderr

    def start(self, timeout: float = 20.0) -> ProvinceProc:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.add_admin()
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "server.province"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"province exited: {self.log_path.read_text()[-3000:]}")
            try:
                self.call("GET", "/api/health")
                return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.05)
        raise TimeoutError(f"province did not start: {self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def call(self, method: str, path: str, body: dict[str, Any] | None = None, token: str = "") -> tuple[int, Any]:
        req = urllib.request.Request(self.http + path, method=method, data=json.dumps(body).encode() if body else None)
        req.add_header("content-type", "application/json")
        if token:
            req.add_header("authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=20) as r:
                raw = r.read()
                return r.status, json.loads(raw) if r.headers.get_content_type() == "application/json" else raw
        except urllib.error.HTTPError as e:
            with e:
                raw = e.read()
                return e.code, json.loads(raw) if e.headers.get_content_type() == "application/json" else raw

    def page(self, path: str) -> tuple[dict[str, str], bytes]:
        """A page's headers (lowercase names) and body."""
        with urllib.request.urlopen(self.http + path, timeout=5) as r:
            return {k.lower(): v for k, v in r.headers.items()}, r.read()

    def login(self, username: str = PROVINCE_ADMIN, password: str = PROVINCE_PASSWORD, site: str = "") -> str:
        status, body = self.call(
            "POST", "/api/province/login", {"site": site, "username": username, "password": password}
        )
        assert status == 200, body
        return str(body["token"])

    def wait_for(self, token: str, seqs: dict[str, int], timeout: float = 10.0) -> dict[str, Any]:
        """The dashboard once every site in ``seqs`` has been read up to its seq."""
        deadline = time.monotonic() + timeout
        while True:
            status, board = self.call("GET", "/api/province/dashboard", token=token)
            assert status == 200, board
            read = {s["code"]: s.get("seq", 0) for s in board["sites"]}
            if all(read.get(c, 0) >= n for c, n in seqs.items()) or time.monotonic() > deadline:
                return dict(board)
            time.sleep(0.1)

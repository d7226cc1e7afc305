"""A real server in a subprocess (``python -m server``) on a free port, and a websocket client."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
ADMIN_PASSWORD = "admin-password-for-tests"
# voice packs generated once per test run, shared by every server the tests start
VOICE_PACKS = Path(tempfile.gettempdir()) / f"hq-test-voice-packs-{os.getpid()}"


DEMO = ROOT / "config" / "demo.toml"
WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def open_all_day(text: str) -> str:
    """A configuration's ``[hours]`` made open all day every day, with no break: what the tests
    assert must not turn on the time of day they run at (the demo's 07:00-17:00 with its lunch
    break, Saturday's morning and closed Sunday would make an estimate "late" or a kiosk closed
    when CI runs in the evening). A test of the hours themselves writes its own."""
    start, end = text.index("[hours]"), text.index("[[zones]]")
    hours = "[hours]\n" + "".join(f'{d} = {{ open = "00:00", close = "24:00" }}\n' for d in WEEK)
    return text[:start] + hours + "\n" + text[end:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProc:
    """The product server (``python -m server``) in a subprocess; the tests and the benchmarks
    both start it through this class. ``cpu`` pins it to one CPU (benchmarks), ``env`` adds or
    overrides environment variables (``QUEUE_CONFIG``, ``QUEUE_SYNC``, ...). Without a
    ``QUEUE_CONFIG`` it runs the demo configuration open all day (``open_all_day``)."""

    def __init__(self, data_dir: Path, cpu: int | None = None, **env: str) -> None:
        self.data_dir = data_dir
        self.cpu = cpu
        self.port = free_port()
        self.env = {
            **os.environ,
            "QUEUE_DATA": str(data_dir),
            "QUEUE_PORT": str(self.port),
            "QUEUE_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "QUEUE_DEMO": "1",
            "QUEUE_VOICE_PACKS": str(VOICE_PACKS),
            "QUEUE_BACKUP_EVERY": "0",  # no scheduled backup in the middle of a test or a benchmark
            # tests and benchmarks play a day in seconds through few devices: no device rate limit
            # unless a test asks for one (tests/test_limits.py removes this)
            "QUEUE_DEVICE_BURST": "1000000",
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / f"server-{self.port}.log"

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 20.0) -> ServerProc:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.env.get("QUEUE_CONFIG"):  # the demo, whatever the time of day (open_all_day)
            config = self.data_dir.parent / "demo-open-all-day.toml"
            config.write_text(open_all_day(DEMO.read_text(encoding="utf-8")), encoding="utf-8")
            self.env["QUEUE_CONFIG"] = str(config)
        pin = ["taskset", "-c", str(self.cpu)] if self.cpu is not None and (os.cpu_count() or 1) > 1 else []
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [*pin, sys.executable, "-m", "server"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                self.get("/api/health")
                return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.05)
        raise TimeoutError(f"server did not start: {self.log_path.read_text()[-3000:]}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=10)
        self.proc = None

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.http + path, timeout=5) as r:
            return json.loads(r.read())

    def get_json_auth(self, path: str, token: str) -> Any:
        req = urllib.request.Request(self.http + path, headers={"authorization": f"Bearer {token}"})
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read())

    def get_status(self, path: str) -> int:
        try:
            with urllib.request.urlopen(self.http + path, timeout=5) as r:
                return int(r.status)
        except urllib.error.HTTPError as e:
            with e:
                return e.code

    def post(self, path: str, body: dict[str, Any], token: str = "") -> tuple[int, Any]:
        req = urllib.request.Request(self.http + path, data=json.dumps(body).encode(), method="POST")
        req.add_header("content-type", "application/json")
        if token:
            req.add_header("authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            with e:
                return e.code, json.loads(e.read())

    def login(self, username: str = "admin", password: str = ADMIN_PASSWORD) -> str:
        status, body = self.post("/api/login", {"username": username, "password": password})
        assert status == 200, body
        return str(body["token"])

    def device_tokens(self) -> dict[str, str]:
        tokens = {}
        for line in (self.data_dir / "demo-devices.txt").read_text().splitlines():
            if line.startswith("#"):
                continue
            name = line.split()[1].rstrip(":")
            tokens[name] = line.rsplit("#token=", 1)[1]
        return tokens

    def create_staff(self, admin: str, username: str, counters: list[int], role: str = "counter") -> str:
        password = f"{username}-password"
        status, body = self.post(
            "/api/staff",
            {
                "username": username,
                "full_name": username.title(),
                "role": role,
                "counters": counters,
                "password": password,
            },
            admin,
        )
        assert status == 201, body
        return self.login(username, password)


class Client:
    """A websocket client speaking docs/protocol.md, with helpers for tests."""

    opened: list[Client] = []  # closed by the conftest fixture after each test

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        Client.opened.append(self)
        self.n = 0
        self.last_seq = 0
        self.events: list[dict[str, Any]] = []
        # a TV's "take a number now" waits (server/boards.py) come when the queue moves: set
        # aside here, so that a test reads the messages it is about; a test of them reads this
        self.new_waits: list[dict[str, Any]] = []

    @classmethod
    async def connect(cls, url: str, **kw: Any) -> Client:
        # an administrator's snapshot of a busy day passes 1 MiB (websockets' default limit;
        # browsers have none)
        kw.setdefault("max_size", 16 * 1024 * 1024)
        return cls(await connect(url, compression=None, open_timeout=10, **kw))

    async def send(self, msg: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(msg))

    async def recv(self, timeout: float = 5.0) -> dict[str, Any]:
        """The next message but a ``new_wait`` (kept in ``new_waits``), within ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            msg: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), max(0.0, deadline - loop.time())))
            if msg["type"] != "new_wait":
                break
            self.new_waits.append(msg)
        if msg["type"] == "event":
            self.last_seq = msg["seq"]
            self.events.append(msg)
        elif msg["type"] == "snapshot":
            self.last_seq = msg["seq"]
        return msg

    async def hello(self, role: str, token: str, **kw: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
        await self.send({"type": "hello", "role": role, "token": token, **kw})
        welcome = await self.recv()
        assert welcome["type"] == "welcome", welcome
        self.last_seq = welcome["seq"]
        if welcome["resumed"]:
            return welcome, None
        snap = await self.recv()
        assert snap["type"] == "snapshot", snap
        return welcome, snap

    async def command(self, command: dict[str, Any], key: str = "", timeout: float = 10.0) -> dict[str, Any]:
        """Send a command; return its ack or error (events that arrive first are kept)."""
        self.n += 1
        cid = f"c{self.n}"
        await self.send({"type": "cmd", "id": cid, "key": key, "command": command})
        while True:
            msg = await self.recv(timeout)
            if msg["type"] in ("ack", "error") and msg.get("id") == cid:
                return msg

    async def query(self, what: str, timeout: float = 10.0, **kw: Any) -> Any:
        self.n += 1
        qid = f"q{self.n}"
        await self.send({"type": "query", "id": qid, "what": what, **kw})
        while True:
            msg = await self.recv(timeout)
            if msg.get("id") == qid:
                return msg

    async def next_event(self, timeout: float = 5.0) -> dict[str, Any]:
        while True:
            msg = await self.recv(timeout)
            if msg["type"] == "event":
                return msg

    async def close(self) -> None:
        await self.ws.close()

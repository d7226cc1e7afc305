"""Three server processes of one site behind nginx, one PostgreSQL (decision 0014): the writer
SIGKILLed at random moments under a stream of kiosk and counter commands, a follower killed, and
a writer that lost its role trying to commit. Every acknowledged command survives, no number is
issued twice, the log is one gapless sequence claimed by one writer at a time, and the boards
resume in order wherever they reconnect. The failover times are printed."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import statistics
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
import pytest
import websockets

from server.domain import events as ev
from server.eventlog import decode_record
from server.settings import Settings

from .cluster_harness import Processes, front, missing_front
from .pg_harness import PgCluster
from .server_harness import Client

WRITER_KILLS = int(os.environ.get("CLUSTER_KILLS", "20"))


def post_status(url: str, headers: dict[str, str], context: Any = None, body: Any = None) -> int:
    """The HTTP status of a POST (an error's body closed)."""
    request = urllib.request.Request(url, json.dumps(body or {}).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5, context=context) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        with e:
            return e.code


async def until(condition: Any, seconds: float, what: str) -> None:
    """Wait for ``condition()``; fail (never hang) after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds:g} s for {what}"
        await asyncio.sleep(0.05)


def read_log(database: str) -> list[ev.Record]:
    with psycopg.connect(database, autocommit=True) as conn:
        rows = conn.execute("SELECT body FROM events WHERE site = 'main' ORDER BY seq").fetchall()
    return [decode_record(bytes(body)) for (body,) in rows]


class Site:
    """The clients of the test, all through the front: they reconnect through it when cut."""

    def __init__(self, url: str, context: Any, tokens: dict[str, str], admin: str, rng: random.Random) -> None:
        self.url, self.context, self.tokens, self.admin, self.rng = url, context, tokens, admin, rng
        self.acked: list[tuple[float, dict[str, Any], dict[str, Any]]] = []  # time sent first, command, ack
        self.ack_times: list[tuple[float, float]] = []  # (sent first, acknowledged)
        self.board_seqs: list[list[int]] = []
        self.resumes: list[bool] = []
        self.stopping = False  # the streams
        self.boards_done = False
        self.reconnects: list[tuple[int, int, bool]] = []  # (last seq, the server's seq, resumed)

    async def connect(self, role: str, token: str, **kw: Any) -> Client | None:
        """A client through the front, once it answers; None when the streams stop."""
        while not self.stopping:
            try:
                client = await Client.connect(self.url, ssl=self.context)
                await client.hello(role, token, **kw)
                return client
            except (OSError, websockets.ConnectionClosed, websockets.InvalidHandshake, TimeoutError, AssertionError):
                await asyncio.sleep(0.05)
        return None

    async def stream(self, role: str, token: str, commands: Any, **kw: Any) -> None:
        client = await self.connect(role, token, **kw)
        while client is not None and not self.stopping:
            command, key = next(commands), uuid.uuid4().hex
            sent, reply = time.monotonic(), {"type": "none"}
            while not self.stopping:  # the same key until an answer: what was committed is answered as such
                try:
                    reply = await client.command(command, key=key, timeout=20)
                except (websockets.ConnectionClosed, TimeoutError, OSError):
                    client = await self.connect(role, token, **kw)
                    if client is None:
                        return
                    continue
                if reply["type"] == "error" and reply["code"] == "storage_error":
                    await asyncio.sleep(0.05)
                    continue
                break
            if reply["type"] == "ack":
                self.acked.append((sent, command, reply))
                self.ack_times.append((sent, time.monotonic()))
        if client is not None:
            await client.close()

    def kiosk(self) -> Any:
        while True:
            yield {"type": "issue_ticket", "service": self.rng.choice(["A", "N", "X", "TH"])}

    def counter(self, n: int) -> Any:
        yield {"type": "open_counter", "counter": n}
        while True:
            yield self.rng.choice([{"type": "finish_and_call_next", "counter": n}, {"type": "call_next", "counter": n}])

    async def board(self, first: str = "") -> None:
        """An administrator's board: every event, in order, across reconnects by last seq (through
        the front; ``first``: the process it starts on, directly)."""
        seqs: list[int] = []
        self.board_seqs.append(seqs)
        if first:
            client: Client | None = await Client.connect(first)
            assert client is not None
            await client.hello("admin", self.admin)
        else:
            client = await self.connect("admin", self.admin)
        assert client is not None
        while not self.boards_done:
            try:
                msg = await client.recv(timeout=30)
            except (websockets.ConnectionClosed, TimeoutError, OSError):
                while not self.boards_done:
                    try:
                        fresh = await Client.connect(self.url, ssl=self.context)
                        welcome, _ = await fresh.hello("admin", self.admin, last_seq=client.last_seq)
                        break
                    except (OSError, websockets.ConnectionClosed, websockets.InvalidHandshake, TimeoutError):
                        await asyncio.sleep(0.05)
                self.resumes.append(bool(welcome["resumed"]))
                self.reconnects.append((client.last_seq, welcome["seq"], bool(welcome["resumed"])))
                client = fresh
                continue
            if msg["type"] == "event":
                seqs.append(msg["seq"])


def check_log(site: Site, records: list[ev.Record]) -> None:
    assert [r.seq for r in records] == list(range(1, len(records) + 1))  # one gapless sequence
    issued = Counter((r.event.day, r.event.label) for r in records if isinstance(r.event, ev.TicketIssued))
    assert not [k for k, n in issued.items() if n > 1], "a number was issued twice"
    by_seq = {r.seq: r for r in records}
    issued_at = {(r.event.day, r.event.label): r.seq for r in records if isinstance(r.event, ev.TicketIssued)}
    tickets = []
    for _, command, ack in site.acked:  # every acknowledged command is in the log, as acknowledged
        assert ack["seq"] in by_seq, (command, ack)
        if command["type"] == "issue_ticket":
            ticket = (ack["result"]["day"], ack["result"]["ticket"])
            assert issued_at.get(ticket, ack["seq"] + 1) <= ack["seq"], (command, ack)
            tickets.append(ticket)
    assert len(tickets) == len(set(tickets)), "one number acknowledged to two kiosk commands"


@pytest.mark.slow
async def test_writer_killed_twenty_times(tmp_path: Path, pg_cluster: PgCluster) -> None:
    database = pg_cluster.create_db()
    site_procs = Processes(tmp_path, database)
    first, *others = site_procs.procs
    first.start()  # the first to start takes the role and provisions the demo devices
    for p in others:
        p.start()
    try:
        fr = front(tmp_path, [p.port for p in site_procs.procs])
        try:
            f, context = fr.__enter__()
        except FileNotFoundError as exc:
            missing_front(str(exc))
            return
        try:
            await run_kills(site_procs, f"wss://127.0.0.1:{f.https_port}/ws", context, first)
        finally:
            fr.__exit__(None, None, None)
    finally:
        site_procs.stop()
        pg_cluster.drop_db(database)


async def run_kills(site_procs: Processes, url: str, context: Any, first: Any) -> None:
    rng = random.Random(20261207)
    front = url.replace("wss://", "https://").removesuffix("/ws")
    assert post_status(front + "/internal/command", {}, context) == 404  # the front never passes it on
    site = Site(url, context, first.device_tokens(), first.login(), rng)
    boards = [asyncio.create_task(site.board()) for _ in range(3)]
    tasks = [asyncio.create_task(site.stream("kiosk", site.tokens["kiosk-1"], site.kiosk())) for _ in range(2)]
    tasks += [asyncio.create_task(site.stream("counter", site.admin, site.counter(n), counter=n)) for n in (1, 4, 9)]
    try:
        await kill_and_check(site_procs, site, boards, tasks, rng)
    finally:
        site.stopping = site.boards_done = True
        for t in [*boards, *tasks]:
            t.cancel()
        await asyncio.wait([*boards, *tasks], timeout=10)


async def kill_and_check(
    site_procs: Processes,
    site: Site,
    boards: list[asyncio.Task[None]],
    tasks: list[asyncio.Task[None]],
    rng: random.Random,
) -> None:
    failovers: list[float] = []
    epochs: list[int] = []
    await asyncio.sleep(1.0)
    ready = {id(p) for p in site_procs.procs}
    restarts: set[asyncio.Task[None]] = set()

    async def restart(p: Any) -> None:
        await asyncio.to_thread(p.start, 90.0)  # back, as a follower (slow on a loaded machine)
        ready.add(id(p))

    for _ in range(WRITER_KILLS):
        await asyncio.sleep(rng.uniform(0.2, 1.0))
        await until(lambda: len(ready) >= 2, 120, "a follower up to take over")
        url_w, epoch = site_procs.writer_url()
        epochs.append(epoch)
        writer = site_procs.by_url(url_w)
        assert writer is not None and writer.proc is not None, url_w
        wid = id(writer)
        await until(lambda wid=wid: wid in ready, 120, "the writer's start")  # (it took the role while starting)
        writer.kill(signal.SIGKILL)
        killed = time.monotonic()
        ready.discard(id(writer))
        while not (after := [acked for sent, acked in site.ack_times if sent >= killed]):
            assert time.monotonic() - killed < 20, "no command acknowledged 20 s after the writer was killed"
            await asyncio.sleep(0.01)
        failovers.append(min(after) - killed)  # the first command sent after the kill, acknowledged
        task = asyncio.create_task(restart(writer))
        restarts.add(task)
        task.add_done_callback(restarts.discard)
    await until(lambda: len(ready) == 3, 120, "the three processes up")
    # a follower killed: its screens reconnect elsewhere and resume
    url_w, epoch = site_procs.writer_url()
    epochs.append(epoch)
    follower = next(p for p in site_procs.procs if p.http != url_w)
    boards.append(asyncio.create_task(site.board(first=follower.ws_url)))  # a board on that follower
    await until(
        lambda: len(site.board_seqs) == len(boards) and bool(site.board_seqs[-1]), 30, "the board's first events"
    )
    resumed_before = len(site.resumes)
    follower.kill(signal.SIGKILL)
    killed = time.monotonic()
    while len(site.resumes) == resumed_before:
        assert time.monotonic() - killed < 15, "the follower's board did not reconnect"
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)
    site.stopping = True
    await asyncio.wait_for(asyncio.gather(*tasks), 60)  # each stream ends with its command's answer
    records = read_log(site_procs.database)
    deadline = time.monotonic() + 10
    last = records[-1].seq
    while time.monotonic() < deadline and not all(s and s[-1] >= last for s in site.board_seqs):  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    for b in boards:
        b.cancel()
    check_log(site, records)
    assert epochs == sorted(set(epochs)), epochs  # each writer claimed a new epoch
    assert len(site.acked) > 100
    for b in boards:  # a board that stopped on an error: that error
        if b.done() and not b.cancelled() and (failed := b.exception()) is not None:
            raise failed
    for seqs in site.board_seqs:  # every board: every event once, in order, wherever it reconnected
        gaps = [(a, b) for a, b in zip(seqs, seqs[1:], strict=False) if b != a + 1]
        assert not gaps, f"a board missed or repeated events: {gaps}; reconnects {site.reconnects}"
        assert seqs[-1] == records[-1].seq
    assert site.resumes and all(site.resumes), site.resumes  # never a snapshot instead of the missed events
    print(
        f"\nfailover (kill -> next ack) over {len(failovers)} kills: p50 {statistics.median(failovers):.2f} s,"
        f" max {max(failovers):.2f} s; {len(site.acked)} commands acknowledged, {len(records)} events"
    )
    assert statistics.median(failovers) <= 3.0


async def test_a_stale_writer_never_commits_and_steps_down(tmp_path: Path, pg_cluster: PgCluster) -> None:
    """The role taken from under a live writer (its epoch raised in the site's row, as a process
    that got the lock after a partition does): its next append is refused, nothing of it is in
    the log, its client gets no ack, it exits (75) and the follower takes over."""
    database = pg_cluster.create_db()
    site_procs = Processes(tmp_path, database, n=2)
    stale, follower = site_procs.procs
    try:
        stale.start()
        follower.start()
        token = stale.device_tokens()["kiosk-1"]
        kiosk = await Client.connect(stale.ws_url)
        await kiosk.hello("kiosk", token)
        first = await kiosk.command({"type": "issue_ticket", "service": "N"}, key="k1")
        assert first["type"] == "ack"
        forged = {
            "actor": {"name": "staff:admin", "role": "admin"},
            "command": {"type": "issue_ticket", "service": "N"},
        }
        for headers in ({}, {"x-queue-cluster": "not-the-secret-" * 3}):  # signed requests only (test_cluster_secret)
            assert post_status(stale.http + "/internal/command", headers, body=forged) == 404
        with psycopg.connect(database, autocommit=True) as conn:
            conn.execute("UPDATE sites SET writer_epoch = writer_epoch + 1, writer = 'elsewhere' WHERE site = 'main'")
        with pytest.raises(websockets.ConnectionClosed):
            reply = await kiosk.command({"type": "issue_ticket", "service": "N"}, key="k2")
            pytest.fail(f"a stale writer answered: {reply}")
        assert stale.proc is not None and stale.proc.wait(timeout=10) == 75
        stale.proc = None
        again = await Client.connect(follower.ws_url)
        await again.hello("kiosk", token)
        retried = await again.command({"type": "issue_ticket", "service": "N"}, key="k2", timeout=20)
        assert retried["type"] == "ack" and not retried["duplicate"]
        assert site_procs.writer_url() == (follower.http, 3)
        issued = [r.event.label for r in read_log(database) if isinstance(r.event, ev.TicketIssued)]
        assert issued == [first["result"]["ticket"], retried["result"]["ticket"]] == ["N001", "N002"]
    finally:
        site_procs.stop()
        pg_cluster.drop_db(database)


async def test_a_login_holds_at_once_on_the_other_process_and_a_logout_ends_it_there(
    tmp_path: Path, pg_cluster: PgCluster
) -> None:
    """The front sends each request to any process: a session opened on one is known at once on
    the other (HTTP and websocket), and its logout closes the screens it opened there."""
    database = pg_cluster.create_db()
    site_procs = Processes(tmp_path, database, n=2)
    one, other = site_procs.procs
    try:
        one.start()
        other.start()
        for _ in range(3):  # (each time: the other process read every session a moment before)
            token = one.login()
            assert other.get_json_auth("/api/fleet", token)["devices"]
            board = await Client.connect(other.ws_url)
            welcome, _ = await board.hello("admin", token)
            assert welcome["type"] == "welcome"
            assert one.post("/api/logout", {}, token)[0] == 200
            with pytest.raises(websockets.ConnectionClosed) as closed:
                for _ in range(100):
                    await board.recv(timeout=10)
            assert closed.value.rcvd is not None and (closed.value.rcvd.code, closed.value.rcvd.reason) == (
                4001,
                "revoked",
            )
            assert post_status(other.http + "/api/staff", {"authorization": f"Bearer {token}"}) == 401
    finally:
        site_procs.stop()
        pg_cluster.drop_db(database)


def test_cluster_mode_needs_the_database_and_a_secret(tmp_path: Path) -> None:
    """Without the secret, anyone on the network could post commands as any actor to
    /internal/command: a process refuses to start in cluster mode without one (or with a short one)."""
    secret, short = tmp_path / "cluster.secret", tmp_path / "short.secret"
    secret.write_text("s" * 40)
    short.write_text("s" * 10)
    url, db = "http://10.0.5.11:8001", "postgresql://queue@10.0.5.10/queue"
    for env in (
        {"QUEUE_CLUSTER_URL": url, "QUEUE_DATABASE": db},
        {"QUEUE_CLUSTER_URL": url, "QUEUE_CLUSTER_SECRET_FILE": str(secret)},
        {"QUEUE_CLUSTER_URL": url, "QUEUE_DATABASE": db, "QUEUE_CLUSTER_SECRET_FILE": str(short)},
        {"QUEUE_CLUSTER_URL": url, "QUEUE_DATABASE": db, "QUEUE_CLUSTER_SECRET_FILE": str(tmp_path / "none")},
    ):
        with pytest.raises(SystemExit):
            Settings.from_env(env)
    s = Settings.from_env(
        {"QUEUE_CLUSTER_URL": url + "/", "QUEUE_DATABASE": db, "QUEUE_CLUSTER_SECRET_FILE": str(secret)}
    )
    assert (s.cluster_url, s.cluster_secret) == (url, "s" * 40)


def test_a_cluster_url_the_others_cannot_reach_is_refused_at_start(tmp_path: Path) -> None:
    """What a unit gives with QUEUE_CLUSTER_HOST empty, or with a comment after it, and other
    addresses no process can forward to: refused with why, in Vietnamese and English."""
    secret = tmp_path / "cluster.secret"
    secret.write_text("s" * 40)
    env = {"QUEUE_DATABASE": "postgresql://queue@10.0.5.10/queue", "QUEUE_CLUSTER_SECRET_FILE": str(secret)}
    for bad in (
        "http://:18004",
        "http://10.0.5.11  # this machine's LAN address:8001",
        "http://10.0.5.11:8001 # the LAN",
        "10.0.5.11:8001",
        "ftp://10.0.5.11:8001",
        "http://10.0.5.11",
        "http://10.0.5.11:0",
        "http://10.0.5.11:99999",
        "http://0.0.0.0:8001",
        "http://10.0.5.11:8001/queue",
        "http://user:pw@10.0.5.11:8001",
    ):
        with pytest.raises(SystemExit) as refused:
            Settings.from_env({**env, "QUEUE_CLUSTER_URL": bad})
        message = str(refused.value)
        assert "http://HOST:PORT" in message and "http://MÁY:CỔNG" in message, message
    for good in ("http://10.0.5.11:8001", "https://queue-2.hospital.lan:8443/", "http://[fd00::2]:8001"):
        assert Settings.from_env({**env, "QUEUE_CLUSTER_URL": good}).cluster_url == good.rstrip("/")

"""The signed-webhook HIS link end to end: a real server process, tickets through /ws, and a real
receiver (tests/his_receiver.py) that checks every signature and dedupes by event id. Messages
arrive in order per ticket; a receiver down for a while gets everything once it is back (and
staff are alerted meanwhile); a SIGKILL mid-delivery loses nothing; a refusal is a dead letter
the admin sees and retries."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .his_receiver import Receiver
from .server_harness import Client, ServerProc
from .test_metrics import scrape

SECRET = "a-webhook-secret-for-the-tests-only"
KINDS = ["issued", "called", "started", "finished"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(SECRET).start()
    yield r
    r.stop()


def his_server(tmp_path: Path, receiver: Receiver, alert_after: float = 300) -> ServerProc:
    data = tmp_path / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "his.toml").write_text(  # the default place of the links file
        f'[[link]]\nname = "web"\nform = "webhook"\nsite = "70001"\nurl = "{receiver.url}"\n'
        f'secret = "{SECRET}"\ntimeout = 2.0\nalert_after = {alert_after}\n'
    )
    return ServerProc(data, QUEUE_SYNC="NORMAL", QUEUE_HIS_RETRY_MAX="0.5", QUEUE_HIS_PROBE="0.3")


@pytest.fixture
def stop() -> Iterator[list[ServerProc]]:
    servers: list[ServerProc] = []
    yield servers
    for s in servers:
        s.kill()


async def until(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"not within {timeout} s")


def outbox(server: ServerProc) -> list[tuple[str, str, str]]:
    with contextlib.closing(sqlite3.connect(f"file:{server.data_dir / 'queue.sqlite3'}?mode=ro", uri=True)) as c:
        return c.execute("SELECT message, ticket, status FROM his_outbox ORDER BY id").fetchall()


async def play(server: ServerProc, tickets: int, served: int) -> None:
    """``tickets`` patients take a ticket with their ID at the kiosk; counter 1 serves ``served``."""
    kiosk = await Client.connect(server.ws_url)
    await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
    for i in range(tickets):
        identity = {"source": "typed", "id_number": f"0010990{i:05d}", "name": "Người Thử"}
        ack = await kiosk.command({"type": "issue_ticket", "service": "A", "identity": identity})
        assert ack["type"] == "ack", ack
    counter = await Client.connect(server.ws_url)
    await counter.hello("counter", server.login(), counter=1)
    assert (await counter.command({"type": "open_counter", "counter": 1}))["type"] == "ack"
    for _ in range(served):
        for kind in ("call_next", "start_service", "finish_service"):
            assert (await counter.command({"type": kind, "counter": 1}))["type"] == "ack"


def assert_in_order(receiver: Receiver, tickets: int, served: int) -> None:
    by_ticket = receiver.by_ticket()
    assert len(by_ticket) == tickets
    for i, (key, got) in enumerate(sorted(by_ticket.items(), key=lambda kv: int(kv[0].rsplit("-", 1)[1]))):
        assert key == f"70001-{got[0]['ticket']['day'].replace('-', '')}-{i + 1}"
        assert [e["kind"] for e in got] == (KINDS if i < served else KINDS[:1]), key
        assert [e["seq"] for e in got] == sorted(e["seq"] for e in got)
    assert receiver.bad_signatures == 0


async def test_tickets_reach_the_receiver_signed_and_in_order(
    tmp_path: Path, receiver: Receiver, stop: list[ServerProc]
) -> None:
    server = his_server(tmp_path, receiver).start()
    stop.append(server)
    await play(server, tickets=6, served=3)
    await until(lambda: len(receiver.taken) == 6 + 3 * 3)
    assert_in_order(receiver, 6, 3)
    first = receiver.taken[0]
    assert first["ticket"]["patient"]["id_number"] == "0010990" + "00000" and first["ticket"]["care_kind"] == "01"
    assert receiver.posts == len(receiver.taken), "each sent once"
    admin = server.login()
    (link,) = await until(
        lambda: [x for x in server.get_json_auth("/api/his/links", admin)["links"] if x["depth"] == 0]
    )
    assert (link["name"], link["form"], link["breaker"], link["dead"]) == ("web", "webhook", "closed", 0)
    assert link["last_success"] is not None and link["last_error"] == ""
    clerk = server.create_staff(admin, "clerk", [1])
    status = server.get_json_auth("/api/his/tickets/A001", clerk)
    assert status["links"] == [{"link": "web", "status": "delivered", "last_error": "", "messages": 4}]
    code, body = server.post("/api/his/tickets/A001/resend", {}, clerk)
    assert code == 200 and body["queued"] == [
        f"{first['ticket']['key']}-{receiver.by_ticket()[first['ticket']['key']][-1]['seq']}-r1"
    ]
    await until(lambda: len(receiver.taken) == 6 + 3 * 3 + 1)
    assert receiver.taken[-1]["kind"] == "finished" and receiver.taken[-1]["id"].endswith("-r1")
    # (the receiver holds the resent message a moment before the server counts it delivered)
    samples = await until(lambda: (m := scrape(server))['queue_his_delivered_total{link="web"}'] == 16 and m)
    assert samples['queue_his_outbox_depth{link="web"}'] == 0
    assert server.post("/api/his/dead/web/x/retry", {}, clerk)[0] == 403, "dead letters are the admin's"


async def test_a_receiver_down_for_a_while_gets_everything_in_order_and_staff_are_told(
    tmp_path: Path, receiver: Receiver, stop: list[ServerProc]
) -> None:
    server = his_server(tmp_path, receiver, alert_after=1).start()
    stop.append(server)
    staff = await Client.connect(server.ws_url)
    await staff.hello("counter", server.login(), counter=2)
    receiver.stop()
    t0 = time.monotonic()
    await play(server, tickets=20, served=8)
    played = time.monotonic() - t0
    admin = server.login()
    links = await until(lambda: [x for x in server.get_json_auth("/api/his/links", admin)["links"] if x["depth"] > 0])
    assert links[0]["last_error"] and links[0]["breaker"] == "open" and links[0]["last_success"] is None
    while (alert := await staff.recv(5)).get("type") != "alert":
        pass
    assert (alert["device"], alert["code"], alert["ok"]) == ("his:web", "his_unreachable", False)
    receiver.start()
    await until(lambda: len(receiver.taken) == 20 + 8 * 3)
    assert_in_order(receiver, 20, 8)
    # the receiver holds a message a moment before the server marks it delivered
    await until(lambda: {s for (_, _, s) in outbox(server)} == {"delivered"})
    while (alert := await staff.recv(5)).get("type") != "alert":
        pass
    assert (alert["device"], alert["ok"]) == ("his:web", True)
    assert played < 15, "the kiosk and the counter were answered while the HIS was down"


async def test_a_sigkill_mid_delivery_loses_nothing(tmp_path: Path, receiver: Receiver, stop: list[ServerProc]) -> None:
    receiver.delay = 0.05  # a slow HIS: deliveries are in flight when the server dies
    server = his_server(tmp_path, receiver).start()
    stop.append(server)
    await play(server, tickets=30, served=10)
    await until(lambda: len(receiver.taken) >= 5)
    server.kill()
    during = len(receiver.taken)
    assert during < 60, "killed in the middle of the delivery"
    again = ServerProc(server.data_dir, QUEUE_SYNC="NORMAL", QUEUE_HIS_RETRY_MAX="0.5", QUEUE_HIS_PROBE="0.3")
    again.start()
    stop.append(again)
    await until(lambda: len(receiver.taken) == 30 + 10 * 3, timeout=30)
    assert_in_order(receiver, 30, 10)
    rows = outbox(again)
    assert {s for (_, _, s) in rows} == {"delivered"} and {m for (m, _, _) in rows} == receiver.ids


async def test_a_refusal_is_a_dead_letter_that_the_admin_retries(
    tmp_path: Path, receiver: Receiver, stop: list[ServerProc]
) -> None:
    receiver.answer = 400
    server = his_server(tmp_path, receiver).start()
    stop.append(server)
    await play(server, tickets=2, served=1)  # A001: issued, called, started, finished; A002: issued
    admin = server.login()
    dead = await until(lambda: server.get_json_auth("/api/his/dead", admin)["dead"])
    await asyncio.sleep(0.5)
    dead = server.get_json_auth("/api/his/dead", admin)["dead"]
    assert sorted((d["label"], d["kind"]) for d in dead) == [("A001", "issued"), ("A002", "issued")]
    assert all(d["reason"].startswith("HTTP 400") and d["link"] == "web" for d in dead)
    assert server.get_json_auth("/api/his/tickets/A001", admin)["links"][0]["status"] == "dead"
    assert receiver.posts == 2, "a dead letter holds its ticket's later messages"
    receiver.answer = 200
    a001 = next(d for d in dead if d["label"] == "A001")
    code, _ = server.post(f"/api/his/dead/web/{a001['id']}/retry", {}, admin)
    assert code == 200
    await until(lambda: len(receiver.taken) == 4)
    assert [e["kind"] for e in receiver.taken] == KINDS
    a002 = next(d for d in dead if d["label"] == "A002")
    assert server.post(f"/api/his/dead/web/{a002['id']}/discard", {}, admin)[0] == 200
    code, body = server.post(f"/api/his/dead/web/{a002['id']}/retry", {}, admin)
    assert code == 404 and body["error"]["code"] == "his_unknown_dead_letter"
    assert server.get_json_auth("/api/his/dead", admin)["dead"] == []
    assert server.get_json_auth("/api/his/links", admin)["links"][0]["dead"] == 0

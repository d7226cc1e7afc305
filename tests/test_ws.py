"""The websocket protocol against a real server process (uvicorn, real sockets); the log a SQLite
file, and for the resume tests also a PostgreSQL database (``both``)."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from .logs import LogStore, server_env
from .server_harness import Client, ServerProc

IDENT = {"source": "typed", "id_number": "001099012345", "name": "Nguyễn Văn An"}


async def staff(server: ServerProc, counter: int, token: str | None = None) -> Client:
    c = await Client.connect(server.ws_url)
    await c.hello("counter", token or server.login(), counter=counter)
    return c


async def device(server: ServerProc, name: str, role: str) -> Client:
    c = await Client.connect(server.ws_url)
    await c.hello(role, server.device_tokens()[name])
    return c


async def test_ticket_from_kiosk_to_counter_to_the_right_tv(both: ServerProc) -> None:
    server = both
    kiosk = await device(server, "kiosk-1", "kiosk")
    tv1 = await device(server, "tv-tang-1", "tv")
    tv2 = await device(server, "tv-tang-2", "tv")
    counter = await staff(server, 4)
    lab = await staff(server, 9)

    ack = await kiosk.command({"type": "issue_ticket", "service": "N", "identity": IDENT}, key="k1")
    assert ack["type"] == "ack" and ack["result"]["ticket"] == "N001"
    assert ack["result"]["counters"] == [4] and ack["result"]["ahead"] == 0

    issued = await tv1.next_event()
    assert issued["event"]["type"] == "ticket_issued" and issued["event"]["identity"] is None
    assert "001099012345" not in json.dumps(issued) and "Nguyễn" not in json.dumps(issued)
    staff_view = await counter.next_event()
    assert staff_view["event"]["identity"]["id_number"] == "001099012345"  # staff see who it is

    assert (await counter.command({"type": "open_counter", "counter": 4}))["type"] == "ack"
    call = await counter.command({"type": "call_next", "counter": 4})
    assert call["result"]["ticket"] == "N001" and call["result"]["rule"] == "only_normal"
    assert (await tv1.next_event())["event"]["type"] == "counter_opened"
    called = await tv1.next_event()
    assert called["event"] == {**called["event"], "type": "ticket_called", "counter": 4}
    # tv-tang-2 shows floor 2 only: its next event is the lab opening, not counter 4's call
    assert (await lab.command({"type": "open_counter", "counter": 9}))["type"] == "ack"
    first = await tv2.next_event()
    assert first["event"]["type"] == "ticket_issued"  # issued tickets concern every zone
    assert first["waiting"] == {first["event"]["service"]: 1}  # with the count it changed
    instead = await tv2.recv()  # counter 4's call is not for floor 2, but the count it changed is
    assert instead == {"type": "waiting", "seq": called["seq"], "waiting": {"N": 0}}
    assert called["waiting"] == {"N": 0}
    nxt = await tv2.next_event()
    assert nxt["event"] == {**nxt["event"], "type": "counter_opened", "counter": 9}
    for c in (kiosk, tv1, tv2, counter, lab):
        await c.close()


async def test_reconnect_gets_exactly_the_missed_events(both: ServerProc) -> None:
    server = both
    tv = await device(server, "tv-tang-1", "tv")
    kiosk = await device(server, "kiosk-1", "kiosk")
    await kiosk.command({"type": "issue_ticket", "service": "A"})
    await tv.next_event()
    last = tv.last_seq
    await tv.close()
    missed = []
    for _ in range(5):
        ack = await kiosk.command({"type": "issue_ticket", "service": "A"})
        missed.append(ack["seq"])
    tv = await Client.connect(server.ws_url)
    welcome, snap = await tv.hello("tv", server.device_tokens()["tv-tang-1"], last_seq=last)
    assert welcome["resumed"] is True and snap is None and welcome["seq"] == missed[-1]
    got = [(await tv.next_event())["seq"] for _ in missed]
    assert got == missed
    counts = await tv.recv()  # then the waiting counts as of now, for every service
    assert counts["type"] == "waiting" and counts["seq"] == missed[-1]
    assert counts["waiting"]["A"] == 6 and counts["waiting"]["B"] == 0
    with pytest.raises(TimeoutError):
        await tv.recv(timeout=0.3)  # nothing more, nothing twice
    # a client from the future or too far behind gets a snapshot instead
    tv2 = await Client.connect(server.ws_url)
    welcome, snap = await tv2.hello("tv", server.device_tokens()["tv-tang-1"], last_seq=10**9)
    assert welcome["resumed"] is False and snap is not None and snap["seq"] == missed[-1]
    assert snap["view"]["waiting"]["A"] == 6
    for c in (tv, tv2, kiosk):
        await c.close()


async def test_too_far_behind_gets_a_snapshot(tmp_path: Any, logs: LogStore) -> None:
    server = ServerProc(tmp_path / "d", QUEUE_SYNC="NORMAL", QUEUE_RESUME_EVENTS="3", **server_env(logs)).start()
    try:
        kiosk = await device(server, "kiosk-1", "kiosk")
        for _ in range(5):
            await kiosk.command({"type": "issue_ticket", "service": "A"})
        tv = await Client.connect(server.ws_url)
        welcome, snap = await tv.hello("tv", server.device_tokens()["tv-tang-1"], last_seq=1)
        assert welcome["resumed"] is False and snap is not None and snap["view"]["waiting"]["A"] == 5
        await tv.close()
        tv = await Client.connect(server.ws_url)
        welcome, snap = await tv.hello("tv", server.device_tokens()["tv-tang-1"], last_seq=welcome["seq"] - 2)
        assert welcome["resumed"] is True
        assert [(await tv.next_event())["seq"] for _ in range(2)] == [welcome["seq"] - 1, welcome["seq"]]
        await tv.close()
        await kiosk.close()
    finally:
        server.kill()


async def test_a_screen_resumes_across_a_restart_of_the_server(both: ServerProc, logs: LogStore) -> None:
    """The resume window is rebuilt from the log at start: a TV that was following before the
    restart gets exactly what it missed, in order, once."""
    server = both
    kiosk = await device(server, "kiosk-1", "kiosk")
    tv = await device(server, "tv-tang-1", "tv")
    await kiosk.command({"type": "issue_ticket", "service": "A"})
    await tv.next_event()
    last = tv.last_seq
    await tv.close()
    missed = [(await kiosk.command({"type": "issue_ticket", "service": "A"}))["seq"] for _ in range(3)]
    await kiosk.close()
    server.kill()
    server.start()
    assert logs.committed_seqs()[-3:] == missed
    tv = await Client.connect(server.ws_url)
    welcome, snap = await tv.hello("tv", server.device_tokens()["tv-tang-1"], last_seq=last)
    assert welcome["resumed"] is True and snap is None
    assert [(await tv.next_event())["seq"] for _ in missed] == missed
    assert (await tv.recv())["type"] == "waiting"
    with pytest.raises(TimeoutError):
        await tv.recv(timeout=0.3)
    await tv.close()


async def test_a_client_that_never_reads_does_not_hold_up_the_others(server: ServerProc) -> None:
    admin = await Client.connect(server.ws_url)
    _, snap = await admin.hello("admin", server.login())
    assert snap is not None
    config = snap["view"]["config"]
    # A frozen TV: tiny receive buffer, and it never reads.
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", server.port))
    frozen = await connect(server.ws_url, sock=raw, compression=None, max_queue=1, max_size=2**20)
    await frozen.send(json.dumps({"type": "hello", "role": "tv", "token": server.device_tokens()["tv-tang-1"]}))
    healthy = [await device(server, "tv-tang-1", "tv") for _ in range(5)]
    # Each event carries the whole configuration with a 120 KB inline logo: 100 of them (12 MB)
    # are more than the kernel buffers (up to 4 MB here), the transport's buffer and the 4 MiB a
    # connection may have queued can hold.
    n = 100
    acks = []
    for i in range(n):
        config["unit"]["name"] = f"Trung tâm Y tế {i}"
        config["unit"]["logo"] = "data:image/png;base64," + "A" * 120_000
        ack = await admin.command({"type": "replace_config", "config": config}, timeout=5)
        assert ack["type"] == "ack", ack
        acks.append(ack["seq"])
        for tv in healthy:  # every healthy board has the event within the timeout, in order
            ev = await tv.next_event(timeout=5)
            assert ev["seq"] == ack["seq"] and ev["event"]["config"]["unit"]["name"] == f"Trung tâm Y tế {i}"
    health = server.get("/api/health")
    assert health["dropped"] >= 1, health
    assert health["connections"] == 6  # admin + 5 healthy boards; the frozen one is gone
    # the frozen board comes back: 12 MB of missed events are more than a snapshot, so it gets one
    frozen.transport.abort()
    back = await Client.connect(server.ws_url)
    welcome, snap = await back.hello("tv", server.device_tokens()["tv-tang-1"], last_seq=acks[0] - 1)
    assert welcome["resumed"] is False and snap is not None and snap["seq"] == acks[-1]
    assert snap["view"]["config"]["unit"]["name"] == f"Trung tâm Y tế {n - 1}"
    # a board that missed only the last three gets those three events
    again = await Client.connect(server.ws_url)
    welcome, _ = await again.hello("tv", server.device_tokens()["tv-tang-1"], last_seq=acks[-4])
    assert welcome["resumed"] is True
    assert [(await again.next_event())["seq"] for _ in range(3)] == acks[-3:]
    for c in (*healthy, admin, back, again):
        await c.close()


async def expect_error(c: Client, raw: str | bytes, code: str) -> dict[str, Any]:
    await c.ws.send(raw)
    msg = await c.recv()
    assert msg["type"] == "error" and msg["code"] == code, msg
    assert msg["message_vi"] and msg["message_en"]
    return msg


async def test_bad_messages_get_error_codes_and_write_nothing(server: ServerProc) -> None:
    c = await staff(server, 1)
    seq = server.get("/api/health")["seq"]
    await expect_error(c, "{not json", "bad_json")
    await expect_error(c, "[1, 2]", "invalid_message")
    await expect_error(c, '{"type": "launch_missiles"}', "unknown_message")
    await expect_error(c, '{"type": "cmd", "id": "x1", "command": {"type": "explode"}}', "unknown_message")
    msg = await expect_error(c, '{"type": "cmd", "id": "x2", "command": {"type": "call_next"}}', "invalid_message")
    assert msg["id"] == "x2" and "counter" in msg["message_en"]
    await expect_error(
        c, '{"type": "cmd", "id": "x3", "command": {"type": "call_next", "counter": "1"}}', "invalid_message"
    )
    await expect_error(
        c, '{"type": "cmd", "id": "x4", "command": {"type": "call_next", "counter": 1, "x": 1}}', "invalid_message"
    )
    await expect_error(c, b"\x00\x01binary", "binary_not_supported")
    await expect_error(c, '{"type": "hello", "role": "tv"}', "invalid_message")
    await expect_error(c, '{"type": "query", "id": "q", "what": "queue", "counter": 77}', "unknown_counter")
    msg = await expect_error(
        c, '{"type": "cmd", "id": "x5", "command": {"type": "call_next", "counter": 1}}', "counter_closed"
    )
    assert msg["id"] == "x5" and msg["field"] == "counter"
    assert server.get("/api/health")["seq"] == seq  # nothing was written
    await c.send({"type": "ping", "t": 1.5})
    pong = await c.recv()
    assert pong["type"] == "pong" and pong["t"] == 1.5
    # too large: the connection is closed with 1009, the server lives on
    with pytest.raises(ConnectionClosed) as closed:
        await c.ws.send("x" * (300 * 1024))
        await c.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    assert server.get("/api/health")["seq"] == seq


async def test_too_many_errors_closes_the_connection(server: ServerProc) -> None:
    c = await staff(server, 1)
    with pytest.raises(ConnectionClosed) as closed:
        for _ in range(30):
            await c.ws.send("nope")
            await c.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4009


async def test_refused_commands_are_answers_not_misbehaviour(server: ServerProc) -> None:
    c = await staff(server, 1)
    assert (await c.command({"type": "open_counter", "counter": 1}))["type"] == "ack"
    for _ in range(30):  # a counter pressing "next" on an empty queue, again and again
        assert (await c.command({"type": "call_next", "counter": 1}))["code"] == "queue_empty"
        assert (await c.query("queue", counter=99))["code"] == "unknown_counter"
    await c.send({"type": "ping"})
    assert (await c.recv())["type"] == "pong"


async def test_hello_is_required_first(server: ServerProc) -> None:
    c = await Client.connect(server.ws_url)
    await c.send({"type": "ping"})
    msg = await c.recv()
    assert msg["code"] == "invalid_message"
    with pytest.raises(ConnectionClosed) as closed:
        await c.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4000


@pytest.mark.parametrize(
    ("hello", "code"),
    [
        ({"role": "tv", "token": "wrong"}, "unauthenticated"),
        ({"role": "kiosk", "token": "tv-tang-1"}, "unauthenticated"),  # a TV's token is not a kiosk's
        ({"role": "counter", "token": "expired-or-made-up", "counter": 1}, "unauthenticated"),
        ({"role": "admin", "token": "lan"}, "forbidden"),
        ({"role": "counter", "token": "lan", "counter": 2}, "forbidden_counter"),
        ({"role": "counter", "token": "lan", "counter": 99}, "unknown_counter"),
        ({"role": "counter", "token": "lan"}, "unknown_counter"),
    ],
)
async def test_hello_is_refused(server: ServerProc, hello: dict[str, Any], code: str) -> None:
    tokens = server.device_tokens()
    if hello["token"] == "lan":
        hello["token"] = server.create_staff(server.login(), "lan", [1])
    hello["token"] = tokens.get(hello["token"], hello["token"])
    c = await Client.connect(server.ws_url)
    await c.send({"type": "hello", **hello})
    msg = await c.recv()
    assert msg["type"] == "error" and msg["code"] == code, msg
    with pytest.raises(ConnectionClosed) as closed:
        await c.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001


async def test_commands_without_the_right_role_are_refused(server: ServerProc) -> None:
    lan_token = server.create_staff(server.login(), "lan", [1])
    lan = await staff(server, 1, lan_token)
    kiosk = await device(server, "kiosk-1", "kiosk")
    tv = await device(server, "tv-tang-1", "tv")
    seq = server.get("/api/health")["seq"]
    assert (await lan.command({"type": "open_counter", "counter": 2}))["code"] == "forbidden_counter"
    assert (
        await lan.command({"type": "register_device", "device": "x", "kind": "tv", "name": "x", "token_hash": "h"})
    )["code"] == "forbidden"
    assert (await kiosk.command({"type": "call_next", "counter": 1}))["code"] == "forbidden"
    assert (await tv.command({"type": "issue_ticket", "service": "A"}))["code"] == "forbidden"
    assert (await tv.query("queue", counter=1))["code"] == "forbidden"
    assert server.get("/api/health")["seq"] == seq
    assert (await lan.command({"type": "open_counter", "counter": 1}))["type"] == "ack"
    for c in (lan, kiosk, tv):
        await c.close()


async def test_origin_allowlist(server: ServerProc) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await connect(server.ws_url, origin="http://evil.example", compression=None)  # type: ignore[arg-type]
    assert refused.value.response.status_code == 403
    same = await connect(server.ws_url, origin=f"http://127.0.0.1:{server.port}", compression=None)  # type: ignore[arg-type]
    await same.close()


async def test_idempotent_retry_issues_once(server: ServerProc) -> None:
    kiosk = await device(server, "kiosk-1", "kiosk")
    first = await kiosk.command({"type": "issue_ticket", "service": "A"}, key="same-key")
    again = await kiosk.command({"type": "issue_ticket", "service": "A"}, key="same-key")
    assert again["duplicate"] is True and again["result"] == first["result"] and again["seq"] == first["seq"]
    other = await kiosk.command({"type": "issue_ticket", "service": "A"}, key="other-key")
    assert other["result"]["ticket"] == "A002"
    # the key is scoped to the sender: another device may use the same string
    snap = server.get("/api/state")
    assert snap["view"]["waiting"]["A"] == 2
    await kiosk.close()


async def test_queue_query_explains_the_order(server: ServerProc) -> None:
    kiosk = await device(server, "kiosk-1", "kiosk")
    await kiosk.command({"type": "issue_ticket", "service": "A"})
    await kiosk.command({"type": "issue_ticket", "service": "A", "declared": ["pregnant"]})
    c = await staff(server, 1)
    reply = await c.query("queue", counter=1)
    order = reply["result"]
    assert [(o["label"], o["rule"]) for o in order] == [("A002", "priority_turn"), ("A001", "only_normal")]
    assert order[0]["reason_vi"] and order[0]["priority_pending"] is True
    status = await kiosk.query("ticket", label="a001")
    assert status["result"]["status"] == "waiting" and "identity" not in status["result"]
    for x in (c, kiosk):
        await x.close()


async def test_a_kiosk_asks_what_the_person_in_front_of_it_holds(server: ServerProc) -> None:
    """The ``held`` query (issue 16, item 9): that person's tickets only, for a kiosk only,
    with a bounded, well-formed number."""
    kiosk = await device(server, "kiosk-1", "kiosk")
    assert (await kiosk.query("held", id_number=IDENT["id_number"]))["result"] == {"held": []}
    await kiosk.command({"type": "issue_ticket", "service": "A", "identity": IDENT})
    other = {"source": "typed", "id_number": "079188000123"}  # synthetic
    await kiosk.command({"type": "issue_ticket", "service": "B", "identity": other})
    reply = await kiosk.query("held", id_number="0010 9901 2345", source="chip")
    assert reply["result"] == {"held": [{"label": "A001", "service": "A", "status": "waiting"}]}
    # typed, the number proves nobody is there: whether the service asked is held, nothing more
    assert (await kiosk.query("held", id_number=IDENT["id_number"]))["result"] == {"held": []}
    typed = await kiosk.query("held", id_number=IDENT["id_number"], service="A")
    assert typed["result"] == {"held": [{"service": "A"}]}
    assert "079188000123" not in json.dumps(reply) and "B001" not in json.dumps(reply)
    assert (await kiosk.query("held", bhyt_number="DN4010123456789"))["result"] == {"held": []}
    assert (await kiosk.query("held", id_number="123"))["code"] == "invalid_id_number"
    assert (await kiosk.query("held"))["code"] == "identity_missing"
    too_long = await kiosk.query("held", id_number="1" * 25)
    assert (too_long["code"], too_long["field"]) == ("invalid_message", "id_number")  # refused unread
    tv = await device(server, "tv-tang-1", "tv")
    assert (await tv.query("held", id_number=IDENT["id_number"]))["code"] == "forbidden"
    c = await staff(server, 1)
    assert (await c.query("held", id_number=IDENT["id_number"]))["code"] == "forbidden"
    for x in (kiosk, tv, c):
        await x.close()


async def test_a_kiosk_learns_where_its_ticket_links_start(server: ServerProc, tmp_path: Path) -> None:
    """The kiosk's welcome carries QUEUE_PUBLIC_URL (the address phones reach), empty when unset;
    other roles do not get it."""
    kiosk = await Client.connect(server.ws_url)
    welcome, _ = await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
    assert welcome["public_url"] == ""
    await kiosk.close()
    public = ServerProc(tmp_path / "public", QUEUE_SYNC="NORMAL", QUEUE_PUBLIC_URL="http://hang-doi.benhvien.lan:8000/")
    public.start()
    try:
        kiosk = await Client.connect(public.ws_url)
        welcome, _ = await kiosk.hello("kiosk", public.device_tokens()["kiosk-1"])
        assert welcome["public_url"] == "http://hang-doi.benhvien.lan:8000"
        tv = await Client.connect(public.ws_url)
        welcome, _ = await tv.hello("tv", public.device_tokens()["tv-tang-1"])
        assert welcome["public_url"] == ""
        for c in (kiosk, tv):
            await c.close()
    finally:
        public.kill()


async def test_many_boards_get_every_event_in_order_and_resume(server: ServerProc) -> None:
    token = server.device_tokens()["tv-tang-1"]
    boards = await asyncio.gather(*(Client.connect(server.ws_url) for _ in range(200)))
    await asyncio.gather(*(b.hello("tv", token) for b in boards))
    kiosk = await device(server, "kiosk-1", "kiosk")
    first = [(await kiosk.command({"type": "issue_ticket", "service": "A"}))["seq"] for _ in range(5)]

    async def collect(b: Client, n: int) -> list[int]:
        return [(await b.next_event())["seq"] for _ in range(n)]

    got = await asyncio.gather(*(collect(b, 5) for b in boards))
    assert all(g == first for g in got)
    # half of the boards go away while five more tickets are issued, then come back
    gone = boards[:100]
    last = [b.last_seq for b in gone]
    for b in gone:
        await b.close()
    more = [(await kiosk.command({"type": "issue_ticket", "service": "A"}))["seq"] for _ in range(5)]
    back = await asyncio.gather(*(Client.connect(server.ws_url) for _ in gone))
    welcomes = await asyncio.gather(*(b.hello("tv", token, last_seq=seq) for b, seq in zip(back, last, strict=True)))
    assert all(w["resumed"] for w, _ in welcomes)
    got = await asyncio.gather(*(collect(b, 5) for b in (*back, *boards[100:])))
    assert all(g == more for g in got)
    health = server.get("/api/health")
    assert health["connections"] == 201
    assert health["connections_direct"] == 201  # frames written straight to each socket (decision 0006)


def health_of(server: ServerProc) -> dict[str, Any]:
    import urllib.request

    with urllib.request.urlopen(server.http + "/api/health", timeout=5) as r:
        return dict(json.loads(r.read()))


async def next_of_type(c: Client, kind: str, timeout: float = 5.0) -> dict[str, Any]:
    while True:
        msg = await c.recv(timeout)
        if msg["type"] == kind:
            return msg


async def test_a_kiosk_printer_fault_reaches_staff_until_it_is_fixed(server: ServerProc) -> None:
    kiosk = await device(server, "kiosk-1", "kiosk")
    tv = await device(server, "tv-tang-1", "tv")
    counter = await staff(server, 4)
    report = {"type": "report", "id": "r1", "what": "device_fault", "part": "printer", "detail": "paper_out"}
    await kiosk.send({**report, "label": "A001"})
    assert (await kiosk.recv())["result"] == {"ok": True}
    alert = await next_of_type(counter, "alert")
    assert alert == {**alert, "device": "device:kiosk-1", "part": "printer", "code": "paper_out", "label": "A001"}
    assert alert["ok"] is False
    await kiosk.send({**report, "id": "r2", "label": "A001"})  # the same fault again: not resent
    await kiosk.recv()
    late = await staff(server, 5)  # staff who connect later are told of the open fault
    assert (await next_of_type(late, "alert"))["code"] == "paper_out"
    health = health_of(server)
    assert health["device_faults"] == [{"device": "device:kiosk-1", "part": "printer", "code": "paper_out"}]
    await kiosk.send({"type": "report", "id": "r3", "what": "device_ok", "part": "printer"})
    await kiosk.recv()
    fixed = await next_of_type(counter, "alert")
    assert fixed["ok"] is True and fixed["part"] == "printer"
    assert health_of(server)["device_faults"] == []
    with pytest.raises(TimeoutError):
        await next_of_type(tv, "alert", timeout=0.5)  # TVs are not told
    for c in (kiosk, tv, counter, late):
        await c.close()


async def test_deeply_nested_messages_are_refused_with_a_code_and_nothing_breaks(server: ServerProc) -> None:
    """Issue 17, item 6: nested JSON before and after hello gets bad_json (not an abrupt close),
    and a heartbeat nested deep cannot break the admin's fleet view."""
    deep = "[" * 5000 + "]" * 5000
    raw = await Client.connect(server.ws_url)
    await raw.ws.send('{"type":"hello","role":"tv","x":' + deep + "}")
    assert (await raw.recv())["code"] == "bad_json"
    kiosk = await device(server, "kiosk-1", "kiosk")
    await kiosk.ws.send('{"type":"ping","t":' + deep + "}")
    assert (await kiosk.recv())["code"] == "bad_json"
    nested = {"a": json.loads("[" * 900 + "]" * 900), "printer": "ok", "long": "x" * 1000}
    await kiosk.send({"type": "report", "id": "r1", "what": "heartbeat", "version": "1", "state": nested})
    assert (await kiosk.recv())["type"] == "reply"
    fleet = server.get_json_auth("/api/fleet", server.login())
    row = next(d for d in fleet["devices"] if d["device"] == "kiosk-1")
    assert row["state"] == {"printer": "ok", "long": "x" * 200}
    assert (await kiosk.command({"type": "issue_ticket", "service": "B"}))["type"] == "ack"  # still served

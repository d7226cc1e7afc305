"""Counter staff see what their counter needs (issue 17, item 12): in their snapshot, only the
open tickets their counter serves or holds, with those patients' identities; and only their own
counter's queue and history. An administrator reads any counter's. Against a real server."""

from __future__ import annotations

import json
import urllib.error

from .server_harness import Client, ServerProc

NOI = {"source": "typed", "id_number": "001099012345", "name": "Nguyễn Văn An"}
RECEPTION = {"source": "typed", "id_number": "079088001122", "name": "Trần Thị Bình"}


async def test_a_counter_sees_its_own_patients_and_queue_only(server: ServerProc) -> None:
    admin = server.login()
    kiosk = await Client.connect(server.ws_url)
    await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
    assert (await kiosk.command({"type": "issue_ticket", "service": "N", "identity": NOI}))["type"] == "ack"
    assert (await kiosk.command({"type": "issue_ticket", "service": "A", "identity": RECEPTION}))["type"] == "ack"

    room = await Client.connect(server.ws_url)  # internal medicine: counter 4 serves N only
    _, snap = await room.hello("counter", server.create_staff(admin, "bs-noi", [4]), counter=4)
    assert snap is not None
    assert [t["label"] for t in snap["view"]["tickets"]] == ["N001"]
    assert snap["view"]["tickets"][0]["identity"]["id_number"] == "001099012345"
    assert "079088001122" not in json.dumps(snap) and "Trần" not in json.dumps(snap)
    asked = await room.query("snapshot")
    assert [t["label"] for t in asked["result"]["view"]["tickets"]] == ["N001"]

    for what in ("queue", "history"):
        other = await room.query(what, counter=1)
        assert other["type"] == "error" and other["code"] == "forbidden_counter", other
        assert "quầy 1" in other["message_vi"] and "counter 1" in other["message_en"]
    own = await room.query("queue", counter=4)
    assert own["type"] == "reply" and [r["label"] for r in own["result"]] == ["N001"]

    boss = await Client.connect(server.ws_url)  # an administrator at counter 4 reads any counter
    await boss.hello("counter", admin, counter=4)
    reception = await boss.query("queue", counter=1)
    assert reception["type"] == "reply" and [r["label"] for r in reception["result"]] == ["A001"]
    assert (await boss.query("history", counter=1))["type"] == "reply"


async def test_a_ticket_sent_to_a_counter_is_seen_there(server: ServerProc) -> None:
    admin = server.login()
    reception = await Client.connect(server.ws_url)
    await reception.hello("counter", admin, counter=1)
    assert (await reception.command({"type": "issue_ticket", "service": "A", "channel": "staff"}))["type"] == "ack"
    assert (await reception.command({"type": "open_counter", "counter": 1}))["type"] == "ack"
    assert (await reception.command({"type": "call_next", "counter": 1}))["type"] == "ack"
    moved = await reception.command({"type": "transfer", "counter": 1, "to_counter": 5, "to_service": "NG"})
    assert moved["type"] == "ack", moved
    surgery = await Client.connect(server.ws_url)
    _, snap = await surgery.hello("counter", server.create_staff(admin, "bs-ngoai", [5]), counter=5)
    assert snap is not None and [t["label"] for t in snap["view"]["tickets"]] == ["A001"]
    room = await Client.connect(server.ws_url)
    _, snap = await room.hello("counter", server.create_staff(admin, "bs-noi", [4]), counter=4)
    assert snap is not None and snap["view"]["tickets"] == []


async def until(c: Client, kind: str, timeout: float = 5.0) -> dict[str, object]:
    while True:
        msg = await c.recv(timeout)
        if msg["type"] == kind:
            return msg


async def test_live_events_carry_a_patients_identity_only_to_the_counters_it_is_for(server: ServerProc) -> None:
    """The issue event in full to the counters the ticket is for, the masked form to the others;
    after a transfer, the new counter is told the identity; a resume follows the same rule."""
    admin = server.login()
    reception = await Client.connect(server.ws_url)  # counter 1 serves A
    await reception.hello("counter", server.create_staff(admin, "le-tan", [1]), counter=1)
    room_token = server.create_staff(admin, "bs-noi", [4])
    room = await Client.connect(server.ws_url)  # counter 4 serves N only
    await room.hello("counter", room_token, counter=4)
    kiosk = await Client.connect(server.ws_url)
    await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
    assert (await kiosk.command({"type": "issue_ticket", "service": "A", "identity": RECEPTION}))["type"] == "ack"

    at_reception = await until(reception, "event")
    assert at_reception["event"]["identity"]["id_number"] == "079088001122"
    at_room = await until(room, "event")
    assert at_room["event"]["type"] == "ticket_issued"
    assert "079088001122" not in json.dumps(at_room) and "Trần Thị Bình" not in json.dumps(at_room)
    seq_before = at_room["seq"] - 1

    boss = await Client.connect(server.ws_url)
    await boss.hello("counter", admin, counter=1)
    for command in ({"type": "open_counter", "counter": 1}, {"type": "call_next", "counter": 1}):
        assert (await boss.command(command))["type"] == "ack"
    moved = await boss.command({"type": "transfer", "counter": 1, "to_counter": 4, "to_service": "N"})
    assert moved["type"] == "ack", moved
    told = await until(room, "identity")
    assert told["label"] == "A001" and told["identity"]["id_number"] == "079088001122"

    again = await Client.connect(server.ws_url)  # counter 4 resumes from before the issue
    welcome, _ = await again.hello("counter", room_token, counter=4, last_seq=seq_before)
    assert welcome["resumed"]
    issued = await until(again, "event")
    assert issued["event"]["type"] == "ticket_issued" and issued["event"]["identity"]["id_number"] == "079088001122"


def get_status(server: ServerProc, path: str, token: str) -> tuple[int, dict[str, object]]:
    try:
        return 200, server.get_json_auth(path, token)
    except urllib.error.HTTPError as e:
        with e:
            return e.code, json.loads(e.read())


async def test_counter_staff_read_and_resend_only_their_counters_tickets_his_delivery(server: ServerProc) -> None:
    """/api/his/tickets/{label}: counter staff for the tickets their counters serve, hold or were
    sent (403 ``forbidden`` otherwise, nothing resent); an administrator for any ticket."""
    admin = server.login()
    kiosk = await Client.connect(server.ws_url)
    await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
    assert (await kiosk.command({"type": "issue_ticket", "service": "N", "identity": NOI}))["type"] == "ack"
    assert (await kiosk.command({"type": "issue_ticket", "service": "A", "identity": RECEPTION}))["type"] == "ack"
    room = server.create_staff(admin, "bs-noi", [4])  # counter 4 serves N only
    code, body = get_status(server, "/api/his/tickets/N001", room)
    assert (code, body) == (200, {"ticket": 1, "label": "N001", "links": []})  # this site has no link
    code, body = get_status(server, "/api/his/tickets/A001", room)
    assert code == 403 and body["error"]["code"] == "forbidden", body  # type: ignore[index]
    code, body = server.post("/api/his/tickets/A001/resend", {}, room)
    assert code == 403 and body["error"]["code"] == "forbidden", body
    code, body = server.post("/api/his/tickets/N001/resend", {}, room)
    assert code == 404 and body["error"]["code"] == "his_nothing_to_resend", body
    assert get_status(server, "/api/his/tickets/a001", admin)[0] == 200  # the admin sees all
    assert get_status(server, "/api/his/tickets/2", admin)[0] == 200

    reception = await Client.connect(server.ws_url)  # sent on to counter 4: now it is the room's
    await reception.hello("counter", admin, counter=1)
    assert (await reception.command({"type": "open_counter", "counter": 1}))["type"] == "ack"
    assert (await reception.command({"type": "call_next", "counter": 1}))["type"] == "ack"
    moved = await reception.command({"type": "transfer", "counter": 1, "to_counter": 4, "to_service": "N"})
    assert moved["type"] == "ack", moved
    assert get_status(server, "/api/his/tickets/A001", room)[0] == 200

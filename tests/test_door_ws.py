"""A door screen over the real websocket (server/ws.py, server/doors.py): its hello with its
device token, refused with another kind's token or a door's token under another role; what it
may send (pings, its reports) and what it may not (commands, queries); the fleet sees it online
and an administrator's reload reaches it."""

from __future__ import annotations

from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from .server_harness import Client, ServerProc


@pytest.mark.parametrize(
    "hello",
    [
        {"role": "door", "token": "wrong"},
        {"role": "door", "token": "tv-tang-1"},  # a TV's token is not a door's
        {"role": "door", "token": "rating-1"},  # nor a rating screen's, bound to a counter as well
        {"role": "tv", "token": "door-4"},  # a door's token opens no TV board
    ],
)
async def test_a_door_hello_is_refused(server: ServerProc, hello: dict[str, Any]) -> None:
    tokens = server.device_tokens()
    c = await Client.connect(server.ws_url)
    await c.send({"type": "hello", **hello, "token": tokens.get(hello["token"], hello["token"])})
    msg = await c.recv()
    assert msg["type"] == "error" and msg["code"] == "unauthenticated", msg
    with pytest.raises(ConnectionClosed) as closed:
        await c.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001


async def test_a_door_gets_its_room_and_may_only_ping_and_report(server: ServerProc) -> None:
    door = await Client.connect(server.ws_url)
    await door.send({"type": "hello", "role": "door", "token": server.device_tokens()["door-4"]})
    welcome = await door.recv()
    assert (welcome["type"], welcome["role"], welcome["actor"], welcome["counter"]) == (
        "welcome",
        "door",
        "device:door-4",
        4,
    )
    view = await door.recv()
    assert view["type"] == "door" and view["view"]["room"] == 4 and view["view"]["name"] == "Phòng khám Nội"
    await door.send({"type": "ping", "t": 1.0})
    assert (await door.recv())["type"] == "pong"
    await door.send({"type": "report", "id": "hb1", "what": "heartbeat", "version": "0.1.0", "state": {"room": 4}})
    assert await door.recv() == {"type": "reply", "id": "hb1", "result": {"ok": True}}
    refused = await door.command({"type": "call_next", "counter": 4})
    assert refused["code"] == "forbidden", refused
    await door.send({"type": "query", "id": "q1", "what": "snapshot"})
    assert (await door.recv())["code"] == "forbidden"
    await door.send({"type": "report", "id": "f1", "what": "device_fault", "part": "printer", "detail": "x"})
    assert (await door.recv())["code"] == "forbidden", "a door has no printer to alert staff of"
    fleet = server.get_json_auth("/api/fleet", server.login())
    row = next(d for d in fleet["devices"] if d["device"] == "door-4")
    assert row["online"] and row["state"] == {"room": 4}
    admin = await Client.connect(server.ws_url)
    await admin.hello("admin", server.login())
    await admin.send({"type": "control", "id": "x1", "device": "door-4", "action": "reload"})
    while (reply := await admin.recv())["type"] != "reply":
        pass
    assert reply["result"] == {"sent": 1}, "an administrator's remote reload reaches the door"
    assert await door.recv() == {"type": "control", "action": "reload", "media": ""}

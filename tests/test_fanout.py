"""The frames the broadcaster writes straight to the socket are the frames a websocket library sends."""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from typing import Any

import pytest
from websockets.frames import Frame, Opcode
from websockets.protocol import SERVER, State
from websockets.server import ServerProtocol
from websockets.streams import StreamReader

from server.fanout import Conn, Fanout, text_frame, wire_of
from server.wsproto import Gate


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 200_000])
def test_text_frame_is_what_websockets_sends(size: int) -> None:
    payload = ("Số A001 mời đến quầy 3 " * (size // 20 + 1)).encode()[:size]
    assert text_frame(payload) == Frame(Opcode.TEXT, payload).serialize(mask=False)


@pytest.mark.parametrize("size", [5, 126, 70_000])
def test_a_client_parses_the_frame_back(size: int) -> None:
    payload = ("é" * size).encode()
    reader = StreamReader()
    reader.feed_data(text_frame(payload))
    parser = Frame.parse(reader.read_exact, mask=False, max_size=None, extensions=[])
    try:
        next(parser)
    except StopIteration as done:
        frame = done.value
    assert frame.opcode is Opcode.TEXT and frame.fin and frame.data == payload


def test_only_uvicorn_sans_io_protocols_are_written_to_directly() -> None:
    async def plain_send(message: object) -> None:
        return None

    assert wire_of(None) is None
    assert wire_of(plain_send) is None
    proto = ServerProtocol()
    assert proto.side is SERVER and proto.state is State.CONNECTING
    assert wire_of(proto.send_text) is None  # a websockets protocol is not uvicorn's


class FakeTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closing


class FakeWire:
    """What Conn reads of uvicorn's protocol: conn.state, transport, writable."""

    def __init__(self) -> None:
        self.conn = ServerProtocol()
        self.conn.state = State.OPEN
        self.transport = FakeTransport()
        self.writable = Gate()


def texts_of(data: bytes) -> list[str]:
    reader = StreamReader()
    reader.feed_data(data)
    out = []
    while reader.buffer:
        parser = Frame.parse(reader.read_exact, mask=False, max_size=None, extensions=[])
        try:
            next(parser)
        except StopIteration as done:
            out.append(done.value.data.decode())
    return out


async def test_the_events_of_a_commit_reach_each_screen_in_order_in_one_write() -> None:
    fan = Fanout()
    recorded: dict[str, list[str]] = {}

    def board(name: str, zone: str, direct: bool) -> Conn:
        async def send(message: MutableMapping[str, Any]) -> None:
            recorded.setdefault(name, []).append(message["text"])

        conn = Conn(send, "tv", "public", name, zone, FakeWire() if direct else None)  # type: ignore[arg-type]
        fan.add(conn)
        return conn

    a1, a_asgi, b1, everywhere = (
        board("a1", "A", True),
        board("a-asgi", "A", False),
        board("b1", "B", True),
        board("all", "", True),
    )
    staff = Conn(lambda m: asyncio.sleep(0), "counter", "staff", "staff:x", "", FakeWire())  # type: ignore[arg-type]
    fan.add(staff)
    fan.publish_many(
        [
            ({"public": "finish A", "staff": "finish A (staff)"}, "A", "counts after finish", None),
            ({"public": "call A"}, "A", None, None),
            ({"public": "issue B"}, "B", "counts after issue", None),
            ({"public": "config"}, None, None, None),
        ]
    )
    for conn, expected in [
        (a1, ["finish A", "call A", "counts after issue", "config"]),
        (b1, ["counts after finish", "issue B", "config"]),
        (everywhere, ["finish A", "call A", "issue B", "config"]),
    ]:
        writes = conn.wire.transport.writes  # type: ignore[union-attr]
        assert len(writes) == 1 and texts_of(writes[0]) == expected, conn.actor
    assert recorded["a-asgi"] == ["finish A", "call A", "counts after issue", "config"]  # the ASGI path, in order
    assert texts_of(staff.wire.transport.writes[0]) == ["finish A (staff)"]  # type: ignore[union-attr]
    assert a_asgi.backlog is None and fan.dropped_total == 0


async def test_a_paused_screen_gets_the_commit_later_in_order_and_a_gone_one_is_dropped() -> None:
    fan = Fanout()
    sent: list[str] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        await wire.writable.wait()  # as uvicorn's send
        sent.append(message["text"])

    wire = FakeWire()
    paused = Conn(send, "tv", "public", "paused", "", wire)  # type: ignore[arg-type]
    gone_wire = FakeWire()
    gone = Conn(send, "tv", "public", "gone", "", gone_wire)  # type: ignore[arg-type]
    gone_wire.transport.closing = True
    fan.add(paused)
    fan.add(gone)
    wire.writable.clear()
    fan.publish_many([({"public": "one"}, None, None, None), ({"public": "two"}, None, None, None)])
    fan.publish({"public": "three"}, None)
    assert (
        wire.transport.writes == [] and paused.backlog is not None and list(paused.backlog) == ["one", "two", "three"]
    )
    assert gone.dropped and fan.dropped_total == 1 and len(fan) == 1
    wire.writable.set()
    for _ in range(10):
        await asyncio.sleep(0)
    assert sent == ["one", "two", "three"] and paused.backlog is None
    fan.publish({"public": "four"}, None)  # straight to the socket again
    assert texts_of(wire.transport.writes[0]) == ["four"]


async def test_connections_are_frozen_out_of_the_collectors_sight_as_they_come() -> None:
    import gc

    from server.fanout import FREEZE_EVERY

    gc.unfreeze()
    fan = Fanout()

    async def send(message: MutableMapping[str, Any]) -> None:
        return None

    for i in range(FREEZE_EVERY - 1):
        fan.add(Conn(send, "tv", "public", f"tv-{i}"))
    assert gc.get_freeze_count() == 0
    fan.add(Conn(send, "tv", "public", "one more"))
    assert gc.get_freeze_count() > 0
    gc.unfreeze()


async def test_staff_screens_of_some_counters_get_texts_of_their_own() -> None:
    """A patient's identity goes in full only to the counters the ticket is for: those get their
    own text in place of the shared staff one, and a message for them alone reaches no one else."""
    fan = Fanout()
    wires = {n: FakeWire() for n in (1, 4)}
    for n, wire in wires.items():
        conn = Conn(lambda m: asyncio.sleep(0), "counter", "staff", f"staff:{n}", "", wire)  # type: ignore[arg-type]
        conn.counter = n
        fan.add(conn)
    tv_wire = FakeWire()
    fan.add(Conn(lambda m: asyncio.sleep(0), "tv", "public", "tv", "", tv_wire))  # type: ignore[arg-type]
    fan.publish_many(
        [
            ({"public": "issued (masked)", "staff": "issued (masked)"}, None, None, {1: "issued (full)"}),
            ({}, None, None, {4: "identity for 4"}),
        ]
    )
    assert texts_of(wires[1].transport.writes[0]) == ["issued (full)"]
    assert texts_of(wires[4].transport.writes[0]) == ["issued (masked)", "identity for 4"]
    assert texts_of(tv_wire.transport.writes[0]) == ["issued (masked)"]


async def test_a_text_for_some_screens_is_framed_once_and_a_gone_one_is_dropped() -> None:
    fan = Fanout()
    tvs = [Conn(lambda m: asyncio.sleep(0), "tv", "public", f"tv{i}", "", FakeWire()) for i in range(3)]  # type: ignore[arg-type]
    kiosk = Conn(lambda m: asyncio.sleep(0), "kiosk", "public", "kiosk", "", FakeWire())  # type: ignore[arg-type]
    for conn in [*tvs, kiosk]:
        fan.add(conn)
    tvs[2].wire.transport.closing = True  # type: ignore[union-attr]
    assert fan.send_where("public", lambda c: c.role == "tv", "new wait") == 2
    assert [texts_of(b"".join(c.wire.transport.writes)) for c in tvs[:2]] == [["new wait"]] * 2  # type: ignore[union-attr]
    assert tvs[0].wire.transport.writes[0] is tvs[1].wire.transport.writes[0], "one frame for all"  # type: ignore[union-attr]
    assert kiosk.wire.transport.writes == []  # type: ignore[union-attr]
    assert tvs[2].dropped and fan.dropped_total == 1 and len(fan) == 3

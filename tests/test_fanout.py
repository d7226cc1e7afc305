"""The frames the broadcaster writes straight to the socket are the frames a websocket library sends."""

from __future__ import annotations

import pytest
from websockets.frames import Frame, Opcode
from websockets.protocol import SERVER, State
from websockets.server import ServerProtocol
from websockets.streams import StreamReader

from server.fanout import text_frame, wire_of


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

"""The baseline: a bare ``websockets`` server that broadcasts with ``websockets.broadcast()``.

``/sub``: a subscriber, never sends. ``/pub``: every text frame received is broadcast as is to
all subscribers. No compression. Run: ``python -m bench.baseline_server PORT``.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

subscribers: set[ServerConnection] = set()


async def handler(ws: ServerConnection) -> None:
    path = ws.request.path if ws.request else ""
    if path == "/sub":
        subscribers.add(ws)
        try:
            await ws.wait_closed()
        finally:
            subscribers.discard(ws)
    else:
        with contextlib.suppress(ConnectionClosed):
            async for message in ws:
                broadcast(subscribers, message)


async def main(port: int) -> None:
    async with serve(handler, "127.0.0.1", port, compression=None, max_queue=None, ping_interval=None) as server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.run(main(int(sys.argv[1])))
    except ImportError:  # pragma: no cover
        asyncio.run(main(int(sys.argv[1])))

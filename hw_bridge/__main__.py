"""``python -m hw_bridge``: the local hardware bridge on 127.0.0.1 (BRIDGE_PORT, default 8765)."""

from __future__ import annotations

import asyncio
import logging

from .server import Bridge
from .settings import from_env


async def main() -> None:
    settings = from_env()
    bridge = Bridge(settings)
    server = await bridge.start()
    logging.getLogger("hw_bridge").info(
        "bridge on ws://127.0.0.1:%d; origins %s", settings.port, ", ".join(sorted(settings.allowed_origins))
    )
    try:
        await server.serve_forever()
    finally:
        bridge.cards.stop()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(main())

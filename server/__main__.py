"""``python -m server``: load the configuration, then serve with uvicorn (uvloop, no compression)."""

from __future__ import annotations

import logging
import sys

import uvicorn

from .app import create_app
from .domain.config import config_from_toml
from .domain.errors import ConfigError
from .protocol import MAX_MESSAGE_BYTES
from .settings import Settings
from .wsproto import QueueWebSocketProtocol


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    try:
        config = config_from_toml(settings.config_path.read_bytes())
    except FileNotFoundError:
        print(f"Không thấy tệp cấu hình / configuration file not found: {settings.config_path}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"{settings.config_path}: {exc.message_vi}\n{settings.config_path}: {exc.message_en}", file=sys.stderr)
        return 2
    try:
        import uvloop  # noqa: F401

        loop = "uvloop"
    except ImportError:  # pragma: no cover - platforms without uvloop
        loop = "asyncio"
    uvicorn.run(
        create_app(settings, config),
        host=settings.host,
        port=settings.port,
        loop=loop,
        http="httptools",
        ws=QueueWebSocketProtocol,  # uvicorn's websockets-sansio, trimmed (server/wsproto.py)
        ws_per_message_deflate=False,
        ws_max_size=MAX_MESSAGE_BYTES,
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
        log_level="info",
        access_log=False,
        timeout_graceful_shutdown=3,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

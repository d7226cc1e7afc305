"""``python -m server``: load the configuration, make the data folder private and hold its lock,
bind the port (before anything is written: a busy port fails first), then serve with uvicorn
(uvloop, no compression), telling systemd when it is ready, alive and stopping when a
``Type=notify`` unit runs it (``server/supervised.py``)."""

from __future__ import annotations

import logging
import os
import resource
import socket
import sys

import uvicorn

from . import datadir, pg_log, sdnotify, supervised
from .app import create_app
from .domain.config_check import config_from_toml
from .domain.errors import ConfigError
from .his.links import LinksError
from .httpproto import DeadlineHttpProtocol
from .insurance.account import AccountError
from .protocol import MAX_MESSAGE_BYTES
from .settings import Settings
from .wsproto import QueueWebSocketProtocol


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    notify = sdnotify.plan(os.environ, os.getpid())
    for name in sdnotify.ENV:  # for this process only: not for espeak-ng, lp and the like it starts
        os.environ.pop(name, None)
    settings = Settings.from_env()
    try:
        config = config_from_toml(settings.config_path.read_bytes())
    except FileNotFoundError:
        print(f"Không thấy tệp cấu hình / configuration file not found: {settings.config_path}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"{settings.config_path}: {exc.message_vi}\n{settings.config_path}: {exc.message_en}", file=sys.stderr)
        return 2
    if settings.postgresql and (problem := pg_log.startup_problem(settings.database)) is not None:
        print(problem, file=sys.stderr)  # one line, never the password (not psycopg's traceback)
        return 2
    raise_file_limit()
    try:
        sock = listen(settings.host, settings.port)
    except OSError as exc:
        print(
            f"Không mở được cổng {settings.host}:{settings.port} (có thể đang có chương trình khác dùng)"
            f" / cannot listen on {settings.host}:{settings.port} (in use?): {exc.strerror}",
            file=sys.stderr,
        )
        return 2
    try:
        datadir.make_private(settings.data_dir)
        lock = datadir.lock(settings.data_dir)
    except datadir.DataDirBusyError:
        print(
            f"Thư mục dữ liệu {settings.data_dir} đang được một máy chủ khác dùng"
            f" / the data folder {settings.data_dir} is in use by another server",
            file=sys.stderr,
        )
        return 2
    try:
        import uvloop  # noqa: F401

        loop = "uvloop"
    except ImportError:  # pragma: no cover - platforms without uvloop
        loop = "asyncio"
    try:
        app = create_app(settings, config)
    except LinksError as exc:  # his.toml: refused with the field at fault, not a traceback
        print(
            f"{settings.his_file}: tệp kết nối HIS không hợp lệ: {exc.message_vi}\n"
            f"{settings.his_file}: the HIS links file is not valid: {exc.message_en}",
            file=sys.stderr,
        )
        return 2
    except AccountError as exc:  # insurance.toml: the same
        print(
            f"{settings.insurance_file}: tệp tài khoản cổng BHXH không hợp lệ: {exc.message_vi}\n"
            f"{settings.insurance_file}: the insurance account file is not valid: {exc.message_en}",
            file=sys.stderr,
        )
        return 2
    server = supervised.server(
        uvicorn.Config(
            app,
            loop=loop,
            # httptools, with a deadline on a request's headers and on a stalled body (server/httpproto.py)
            http=DeadlineHttpProtocol,
            timeout_keep_alive=5,  # seconds an answered connection may stay idle (uvicorn's default, stated)
            ws=QueueWebSocketProtocol,  # uvicorn's websockets-sansio, trimmed (server/wsproto.py)
            ws_per_message_deflate=False,
            ws_max_size=MAX_MESSAGE_BYTES,
            ws_ping_interval=20.0,
            ws_ping_timeout=20.0,
            log_level="info",
            access_log=False,
            timeout_graceful_shutdown=3,
            # X-Forwarded-For only from the configured front ends (QUEUE_TRUSTED_PROXIES): never
            # from 127.0.0.1 by default, where anything on the machine could claim any address
            proxy_headers=bool(settings.trusted_proxies),
            forwarded_allow_ips=list(settings.trusted_proxies) or None,
        ),
        notify,
        app.services,
    )
    server.run(sockets=[sock])
    os.close(lock)  # held for the life of the server
    return 0


def raise_file_limit() -> None:
    """Every board, kiosk and counter is an open socket: take the hard limit of open files as
    the soft one (Debian's default soft limit of 1,024 is reached by a large hospital)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):  # pragma: no cover - a container that forbids it
            logging.getLogger("server").warning("could not raise the open-file limit from %d", soft)


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before the data folder is touched."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[
        0
    ]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


if __name__ == "__main__":
    sys.exit(main())

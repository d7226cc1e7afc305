"""Operations: ``/metrics`` for Prometheus and ``/api/backups`` (docs/operations.md).

``/metrics`` answers the addresses of ``QUEUE_METRICS_ALLOW`` (by default this machine only:
a Prometheus or node agent on the server itself) and administrators with a bearer token. It
holds no personal data, but the numbers tell how busy each part of the hospital is and how
many staff screens are open, so it is not public; a scraper cannot hold an admin session
(they expire), hence the address list rather than a login.

A request that came through a proxy (it carries ``X-Forwarded-For``, ``Forwarded`` or
``X-Real-IP``) is never let in by address: a TLS proxy on the same machine connects from
127.0.0.1, and would otherwise hand ``/metrics`` to anyone who can reach the proxy."""

from __future__ import annotations

import ipaddress

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..backup import BackupInfo, backups, taken_at
from ..domain.errors import DomainError
from ..metrics import CONTENT_TYPE
from . import shapes as sh
from .describe import Doc, describe
from .http import admin, answers_errors, services

PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


def allowed(address: str, allow: tuple[str, ...]) -> bool:
    """Whether ``address`` is one of ``allow`` (addresses or networks: ``10.0.5.0/24``)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in allow:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


@answers_errors
async def metrics(request: Request) -> Response:
    s = services(request)
    client = request.client.host if request.client else ""
    proxied = any(h in request.headers for h in PROXY_HEADERS)
    if proxied or not allowed(client, s.settings.metrics_allow):
        if not request.headers.get("authorization"):
            raise DomainError("forbidden.metrics")
        admin(request)
    return Response(s.metrics.render(), media_type=CONTENT_TYPE)


@answers_errors
async def take_backup(request: Request) -> Response:
    """Take a backup now (admin): where it is, its last seq, its size, how long it took."""
    admin(request)
    try:
        info = await services(request).backups.take_now()
    except DomainError:
        raise
    except Exception:
        raise DomainError("backup_failed") from None
    return JSONResponse(msgspec.to_builtins(info), status_code=201)


@answers_errors
async def list_backups(request: Request) -> Response:
    """The backups in the backup folder, newest first (admin)."""
    admin(request)
    folder = services(request).settings.backups_dir
    return JSONResponse(
        {
            "folder": str(folder),
            "backups": [
                {"file": p.name, "at": taken_at(p), "bytes": p.stat().st_size} for p in reversed(backups(folder))
            ],
        }
    )


ROUTES = [
    describe(
        Route("/metrics", metrics),
        Doc(summary="Metrics in the Prometheus text format.", auth="metrics", media=(CONTENT_TYPE,)),
    ),
    describe(
        Route("/api/backups", take_backup, methods=["POST"]),
        Doc(
            summary="Take a backup of the database now.",
            auth="admin",
            ok=BackupInfo,
            status=201,
            errors=("backup_failed", "backup_postgresql"),
        ),
    ),
    describe(
        Route("/api/backups", list_backups, methods=["GET"]),
        Doc(summary="The backups in the backup folder, newest first.", auth="admin", ok=sh.Backups),
    ),
]

"""The ASGI application: the services (``server/services.py``), the HTTP routes
(``server/routes/``), the one websocket endpoint (``server/ws.py``), and what runs from start to
stop: the event log opened and replayed, the first-run provisioning, the voices, the
announcement scheduler and the scheduled backups."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import audio
from .announcer import announce_on_time, load_voices
from .cluster import INTERNAL_PATH, internal
from .domain.config import Config
from .hosts import Hosts
from .pg_log import redacted
from .provision import bootstrap
from .routes import routes
from .services import Services
from .settings import Settings
from .ws import WsEndpoint

log = logging.getLogger("server")


class SecurityHeaders:
    """Pure ASGI middleware: CSP (scripts from this origin only) and a few safe defaults."""

    HEADERS = [
        (
            b"content-security-policy",
            b"default-src 'self'; script-src 'self'; media-src 'self' blob:; "
            b"connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; base-uri 'none'",
        ),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + self.HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


class QueueApp:
    """The ASGI app the server runs: ``/ws`` straight to its endpoint, everything else (pages,
    the HTTP API, the lifespan) to the Starlette app. A websocket lives for hours inside the
    coroutines that called it: skipping Starlette's middleware and router for it saves memory per
    connection, and hands the endpoint uvicorn's own ``send`` (decision 0006). Before either, a
    request or handshake asking for another name than this server's is refused
    (``server/hosts.py``, against DNS rebinding)."""

    def __init__(self, app: Starlette, services: Services) -> None:
        self.app = app
        self.services = services
        self.ws = WsEndpoint(services)
        self.hosts = Hosts(services.settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cluster = self.services.cluster
        if cluster is not None and scope["type"] == "http" and scope["path"] == INTERNAL_PATH:
            await internal(cluster, scope, receive, send)  # another process of the site (its secret)
        elif scope["type"] in ("http", "websocket") and not self.hosts.admits(scope):
            await self.hosts.refuse(scope, receive, send)
        elif scope["type"] == "websocket" and scope["path"] == "/ws":
            await self.ws(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def create_app(settings: Settings, config: Config) -> QueueApp:
    services = Services(settings, config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await services.eventlog.open()
        if settings.postgresql:
            log.info("event log: PostgreSQL %s, site %s", redacted(settings.database), settings.site)
        await services.hub.start()
        cluster = services.cluster
        if cluster is None:
            await services.his.start()
        else:  # a follower until it takes the writer's role (server/cluster.py)
            cluster.promoted += [services.his.start, lambda: bootstrap(services)]
            cluster.start()
        region = services.hub.state.config.speech.region
        services.composer = audio.Composer([], audio.Espeak(region))  # espeak-ng until the packs are in
        voices = asyncio.create_task(load_voices(services))
        announcer = asyncio.create_task(announce_on_time(services))
        backups = asyncio.create_task(services.backups.run(), name="backups")
        await services.sessions.load(services.hub.clock())
        if cluster is None:
            await bootstrap(services)
        else:
            sessions = asyncio.create_task(services.sessions.follow(services.hub.clock), name="sessions")
        if resumed := services.insurance.resume():
            log.info("insurance check: asking again about %d tickets issued before the restart", resumed)
        log.info("serving on http://%s:%d (seq %d)", settings.host, settings.port, services.hub.state.seq)
        try:
            yield
        finally:
            voices.cancel()
            announcer.cancel()
            backups.cancel()
            if cluster is not None:
                sessions.cancel()
                await cluster.stop()
            await services.printers.stop()
            await services.his.stop()
            await services.insurance.stop()
            services.doors.stop()
            await services.hub.stop()
            await services.eventlog.close()
            await services.limiter.close()

    app = Starlette(routes=routes(settings.clients_dir), lifespan=lifespan)
    app.state.services = services
    app.add_middleware(SecurityHeaders)
    return QueueApp(app, services)

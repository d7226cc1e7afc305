"""The province view's HTTP API and pages (``python -m server.province``): the sign-in, the live
dashboard of every facility the viewer sees and its sum, and the reports across facilities or
of one (docs/province.md). Read-only: no route here can change a facility's queue."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import reports as report_files
from ..app import SecurityHeaders
from ..domain import province
from ..domain import reports as report_figures
from ..domain.errors import DomainError
from ..hosts import Hosts
from ..routes.http import answers_errors, bearer, json_body
from ..routes.reports import MAX_DAYS, XLSX
from . import reports
from .accounts import Viewers
from .settings import ProvinceSettings
from .sites import Site, Sites


class Province:
    """What the routes share: the settings, the facilities followed, the viewers."""

    def __init__(self, settings: ProvinceSettings, sites: Sites) -> None:
        self.settings = settings
        self.sites = sites
        self.viewers = Viewers(settings.accounts, sites)
        # reports are CPU work over every facility's log: two at a time, the others wait their turn
        self.reporting = asyncio.Semaphore(2)

    def site(self, viewer: province.Viewer, code: str) -> Site:
        """A facility the viewer may read and whose log has been read, or an error."""
        province.site_code(code)
        viewer.check(code)
        found = self.sites.by_code.get(code)
        if found is None:
            raise DomainError("unknown_site", "site", site=code)
        if found.state is None:
            raise DomainError("site_unavailable", "site", site=code)
        return found

    def visible(self, viewer: province.Viewer) -> list[Site]:
        return [self.sites.by_code[c] for c in viewer.visible(self.sites.by_code)]


def _p(request: Request) -> tuple[Province, province.Viewer]:
    p: Province = request.app.state.province
    return p, p.viewers.viewer(bearer(request))


@answers_errors
async def login(request: Request) -> Response:
    p: Province = request.app.state.province
    data = await json_body(request, 4096)
    fields = [data.get(k, "") for k in ("site", "username", "password")]
    if not all(isinstance(f, str) for f in fields):
        raise DomainError("bad_credentials")
    site, username, password = (str(f) for f in fields)
    address = request.client.host if request.client else ""
    token, viewer, full_name = await asyncio.to_thread(
        p.viewers.login, site.strip(), username.strip(), password, address
    )
    return JSONResponse({"token": token, "username": viewer.username, "full_name": full_name, "site": viewer.site})


@answers_errors
async def logout(request: Request) -> Response:
    p: Province = request.app.state.province
    p.viewers.logout(bearer(request))
    return JSONResponse({"ok": True})


@answers_errors
async def site_list(request: Request) -> Response:
    p, viewer = _p(request)
    return JSONResponse(
        {
            "province": p.settings.name,
            "sites": [{"code": s.code, "name": s.name, "available": s.state is not None} for s in p.visible(viewer)],
        }
    )


@answers_errors
async def dashboard(request: Request) -> Response:
    p, viewer = _p(request)
    now = time.time()
    rows = [s.figures(now) for s in p.visible(viewer)]
    read = [r for r in rows if r["available"]]
    return JSONResponse({"now": now, "province": p.settings.name, "sites": rows, "total": province.total(read)})


def _range(q: Any) -> tuple[dt.date, dt.date, tuple[int, int] | None]:
    half: tuple[int, int] | None = None
    try:
        if "year" in q:
            half = (int(q["year"]), int(q.get("half", "")))
            first, last = report_figures.half_year(*half)
        else:
            first = dt.date.fromisoformat(q["from"])
            last = dt.date.fromisoformat(q.get("to", q["from"]))
    except (KeyError, ValueError):
        raise DomainError("bad_range", "from") from None
    if not dt.timedelta(0) <= last - first <= dt.timedelta(days=MAX_DAYS):
        raise DomainError("bad_range", "from")
    return first, last, half


@answers_errors
async def report(request: Request) -> Response:
    p, viewer = _p(request)
    q = request.query_params
    first, last, half = _range(q)
    fmt = q.get("format", "json")
    if fmt not in ("json", "csv", "xlsx"):
        raise DomainError("bad_format", "format")
    now = time.time()
    code = q.get("site", "")
    groups: Sequence[str]
    if code:
        one = p.site(viewer, code)
        async with p.reporting:
            data = await asyncio.to_thread(reports.facility, one, first, last, now, half)
        groups, column, name = report_figures.GROUPS, "Khoa / Department", code
    else:
        read = [s for s in p.visible(viewer) if s.state is not None]
        async with p.reporting:
            data = await asyncio.to_thread(reports.whole, p.settings.name, read, first, last, now, half)
        groups, column, name = reports.PROVINCE_GROUPS, "Cơ sở / Facility", "tinh"
    name = f"bao-cao-{name}-" + (f"6-thang-{half[0]}-{half[1]}" if half else f"{first.isoformat()}-{last.isoformat()}")
    if fmt == "csv":
        return Response(
            report_files.to_csv(data, groups),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}.csv"'},
        )
    if fmt == "xlsx":
        body = await asyncio.to_thread(report_files.to_xlsx, data, groups, column)
        return Response(body, media_type=XLSX, headers={"content-disposition": f'attachment; filename="{name}.xlsx"'})
    return JSONResponse(data)


async def health(request: Request) -> Response:
    p: Province = request.app.state.province
    return JSONResponse({"ok": True, "sites": {s.code: s.state is not None for s in p.sites}})


async def home(request: Request) -> Response:
    return RedirectResponse("/province/")


class HostCheck:
    """Requests whose ``Host`` is not one of this view's names are refused (421), as the server
    does (``server/hosts.py``: a page of another site made to point here, DNS rebinding)."""

    def __init__(self, app: ASGIApp, hosts: Hosts) -> None:
        self.app, self.hosts = app, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and not self.hosts.admits(scope):
            await self.hosts.refuse(scope, receive, send)
            return
        await self.app(scope, receive, send)


def create_app(settings: ProvinceSettings, sites: Sites) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await sites.start()
        try:
            yield
        finally:
            await sites.stop()

    clients = settings.clients_dir
    app = Starlette(
        routes=[
            Route("/", home),
            Route("/api/health", health),
            Route("/api/province/login", login, methods=["POST"]),
            Route("/api/province/logout", logout, methods=["POST"]),
            Route("/api/province/sites", site_list),
            Route("/api/province/dashboard", dashboard),
            Route("/api/province/reports", report),
            *(
                Mount(f"/{d}", StaticFiles(directory=clients / d, html=True), name=d)
                for d in ("province", "shared", "static")
            ),
        ],
        lifespan=lifespan,
        # the names it answers to, then the server's CSP and safe defaults
        middleware=[Middleware(HostCheck, hosts=Hosts(settings)), Middleware(SecurityHeaders)],
    )
    app.state.province = Province(settings, sites)
    return app

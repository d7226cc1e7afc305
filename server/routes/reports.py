"""``/api/reports``: statistics of a date range or a half year (admin), as JSON, CSV or XLSX."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import reports as report_files
from ..domain import reports as report_figures
from ..domain.errors import DomainError
from .describe import JSON, Doc, Query, describe
from .http import admin, answers_errors, services

MAX_DAYS = 366
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@answers_errors
async def report(request: Request) -> Response:
    admin(request)
    s = services(request)
    q = request.query_params
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
    fmt = q.get("format", "json")
    if fmt not in ("json", "csv", "xlsx"):
        raise DomainError("bad_format", "format")
    config = s.hub.state.config
    data = await asyncio.to_thread(report_files.build_report, s.eventlog, first, last, config, time.time())
    if half is not None:
        departments = [(d.code, d.name) for d in sorted(config.departments, key=lambda d: d.order)]
        data["half"] = {"year": half[0], "half": half[1], "table": report_files.half_year_table(data, departments)}
    name = (
        f"bao-cao-6-thang-{half[0]}-{half[1]}"
        if half is not None
        else f"bao-cao-{first.isoformat()}-{last.isoformat()}"
    )
    if fmt == "csv":
        return Response(
            report_files.to_csv(data),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}.csv"'},
        )
    if fmt == "xlsx":
        body = await asyncio.to_thread(report_files.to_xlsx, data)
        return Response(body, media_type=XLSX, headers={"content-disposition": f'attachment; filename="{name}.xlsx"'})
    return JSONResponse(data)


ROUTES = [
    describe(
        Route("/api/reports", report),
        Doc(
            summary="Statistics of a date range or a half year, as JSON, CSV or XLSX.",
            auth="admin",
            ok=dict[str, Any],
            media=(JSON, "text/csv", XLSX),
            errors=("bad_range", "bad_format"),
            query=(
                Query("from", "the first local day, YYYY-MM-DD (unless year)"),
                Query("to", "the last local day, YYYY-MM-DD (at most 366 days; default: from)"),
                Query("year", "a half year's year (with half)", "integer"),
                Query("half", "1 or 2 (with year)", "integer"),
                Query("format", "json (default), csv or xlsx"),
            ),
        ),
    )
]

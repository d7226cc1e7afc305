"""The province's reports: each facility's report built from its own log (in a worker thread,
as a facility builds its own), and the province's as their sum (``domain/province.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from .. import reports as report_files
from ..domain import province
from ..domain import reports as figures
from .sites import Site

PROVINCE_GROUPS = ("site", *province.COMMON_GROUPS)


def _part(site: Site, first: dt.date, last: dt.date, now: float) -> tuple[province.Part, dict[str, Any]]:
    assert site.state is not None
    config = site.state.config
    start, end = figures.local_range(first, last, config.tzinfo())
    report = province.site_report(site.log.scan(end), start, end, config)
    data = {"from": first.isoformat(), "to": last.isoformat(), "unit": config.unit.name, **report.result(now)}
    return province.Part(site.code, config.unit.name, report), data


def _departments(site: Site) -> list[tuple[str, str]]:
    assert site.state is not None
    return [(d.code, d.name) for d in sorted(site.state.config.departments, key=lambda d: d.order)]


def facility(site: Site, first: dt.date, last: dt.date, now: float, half: tuple[int, int] | None) -> dict[str, Any]:
    """One facility's report, as its own server answers ``/api/reports`` (blocking)."""
    _, data = _part(site, first, last, now)
    if half is not None:
        table = report_files.half_year_table(data, _departments(site))
        data["half"] = {"year": half[0], "half": half[1], "table": table}
    return {"site": site.code, **data}


def whole(
    name: str, sites: Sequence[Site], first: dt.date, last: dt.date, now: float, half: tuple[int, int] | None
) -> dict[str, Any]:
    """The province's report over ``sites`` (blocking): the sum of the facilities' reports."""
    parts, tables = [], []
    for site in sites:
        part, data = _part(site, first, last, now)
        parts.append(part)
        if half is not None:
            tables.append((part.name, report_files.half_year_table(data, _departments(site))))
    out: dict[str, Any] = {"from": first.isoformat(), "to": last.isoformat(), "unit": name, **province.combine(parts)}
    if half is not None:
        out["half"] = {"year": half[0], "half": half[1], "table": province.half_year_rows(tables)}
    return out

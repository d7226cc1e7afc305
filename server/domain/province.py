"""A province of facilities (pure): who sees which facility, a facility's live figures as the
admin dashboard shows them, and the province's figures as the sum of its facilities'.

A facility is a *site*: its own server process(es), log, sequence, configuration, devices and
staff (``QUEUE_SITE``). The province view (``server/province/``) reads every site's log and
never writes one: a viewer is the province's administrator (``site == ""``: every facility) or
a facility's administrator (that facility only). Reports are summed from each facility's
:class:`~server.domain.reports.Report`, so a median across the province is the median of every
facility's waits, not a mean of medians.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from . import events as ev
from .config import Config
from .errors import DomainError, ForbiddenError
from .figures import Figures
from .reports import IDLE_GROUPS, Report
from .state import QueueState

SITE_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}\Z")  # as server/pg_schema.py's SITE (a NOTIFY channel's name)
MAX_SITES = 500  # facilities in one province (a province has a few hundred at most)
# groups whose keys mean the same at every facility (a day, an hour, an identity source...);
# a service, department, counter or staff member is a facility's own and is reported per facility
COMMON_GROUPS = ("day", "month", "hour", "source", "insurance")


def site_code(text: str) -> str:
    """A facility's code as given (``QUEUE_SITE``, a query, a login), or ``bad_site``:
    1-32 letters, digits, dashes and underscores."""
    if not SITE_CODE.match(text):
        raise DomainError("bad_site", "site", site=text[:40])
    return text


class Viewer(msgspec.Struct, frozen=True):
    """Who reads the province view: ``site`` is the facility of a facility's administrator,
    ``""`` for the province's administrator. Nobody in the view may act on a queue."""

    username: str
    site: str = ""

    @property
    def province(self) -> bool:
        return self.site == ""

    def sees(self, site: str) -> bool:
        return self.province or site == self.site

    def check(self, site: str) -> None:
        """Raise ``forbidden.site`` unless this viewer may read ``site``."""
        if not self.sees(site):
            raise ForbiddenError("forbidden.site", "site", site=site)

    def visible(self, sites: Iterable[str]) -> list[str]:
        return [s for s in sites if self.sees(s)]


def dashboard(state: QueueState, now: float) -> dict[str, Any]:
    """What the admin dashboard shows of a facility now: people waiting, the longest wait,
    counters open and paused, services finished today, per service its waiting count and
    longest wait (seconds), and each counter's status, current ticket, staff and services
    finished."""
    waiting = [t for ids in state.waiting.values() for t in (state.tickets[i] for i in ids)]
    services = []
    for svc in sorted(state.config.services, key=lambda s: s.order):
        mine = state.waiting_in(svc.code)
        services.append(
            {
                "code": svc.code,
                "name": {"vi": svc.name, "en": svc.name_en or svc.name},
                "waiting": len(mine),
                "longest": max((now - t.issued_at for t in mine), default=0.0),
            }
        )
    counters = state.counters.values()
    desks = []
    for cc in sorted(state.config.counters, key=lambda c: c.number):
        c = state.counters[cc.number]  # the state keeps a counter for each configured one
        desks.append(
            {
                "number": c.number,
                "name": {"vi": cc.name, "en": cc.name_en or cc.name},
                "status": c.status,
                "pause_reason": c.pause_reason,
                "current": state.tickets[c.current].label if c.current is not None else "",
                "staff": c.staff.removeprefix("staff:"),
                "served": c.served,
            }
        )
    return {
        "waiting": len(waiting),
        "longest": max((now - t.issued_at for t in waiting), default=0.0),
        "open": sum(c.status == "open" for c in counters),
        "paused": sum(c.status == "paused" for c in counters),
        "counters": len(state.counters),
        "served": sum(c.served for c in counters),
        "issued": sum(t.day == state.day for t in state.tickets.values()),
        "services": services,
        "desks": desks,  # the counters, as the admin dashboard's table shows them (ticket labels only)
    }


FIGURES = ("waiting", "open", "paused", "counters", "served", "issued")


def total(dashboards: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The province's figures: the sum of its facilities' (the longest wait: the longest)."""
    out: dict[str, Any] = {k: sum(d[k] for d in dashboards) for k in FIGURES}
    out["longest"] = max((d["longest"] for d in dashboards), default=0.0)
    return out


def site_report(records: Iterable[ev.Record], start: float, end: float, config: Config) -> Report:
    """A facility's report of ``[start, end)`` fed from its log read from the start (as
    ``reports.build`` does; its ``result`` is the facility's own report)."""
    report = Report(start, end, config)
    for r in records:
        if r.at >= end:
            break
        report.feed(r)
    return report


@dataclass
class Part:
    """One facility's share of a province report: its code, its name and its fed report
    (whose ``result`` has been taken, so its insurance groups are counted)."""

    site: str
    name: str
    report: Report


def combine(parts: Sequence[Part]) -> dict[str, Any]:
    """The province's report: the total and the groups every facility shares, summed from the
    facilities' own figures (durations pooled, so percentiles are the province's), and a row per
    facility (``by_site``)."""
    whole = Figures()
    groups: dict[str, dict[str, Figures]] = {g: {} for g in COMMON_GROUPS}
    names: dict[tuple[str, str], dict[str, str]] = {}
    for p in parts:
        whole.add(p.report.total)
        for g in COMMON_GROUPS:
            for key, figures in p.report.groups[g].items():
                groups[g].setdefault(key, Figures()).add(figures)
                names.setdefault((g, key), p.report.name(g, key))
    return {
        "total": whole.as_dict(),
        "by_site": [
            {"key": p.site, "name": {"vi": p.name, "en": p.name}, **p.report.total.as_dict()}
            for p in sorted(parts, key=lambda p: p.site)
        ],
        **{
            f"by_{g}": [
                {"key": key, "name": names[(g, key)], **f.as_dict(g in IDLE_GROUPS)}
                for key, f in sorted(groups[g].items())
            ]
            for g in COMMON_GROUPS
        },
    }


def half_year_rows(tables: Sequence[tuple[str, list[list[Any]]]]) -> list[list[Any]]:
    """The province's six-monthly table from each facility's (``server/reports.py``'s
    ``half_year_table``: department x kind of care lines, then its total line): a line per
    facility and kind of care (its departments summed), then the province's total line. Same
    columns as a facility's table, the facility in place of the department."""
    rows: list[list[Any]] = []
    for name, table in tables:
        kinds: dict[str, list[int]] = {}
        for line in table[:-1]:
            figures = kinds.setdefault(line[1], [0, 0, 0, 0])
            for i in range(4):
                figures[i] += line[2 + i]
        rows.extend([name, care, *kinds[care]] for care in sorted(kinds))
    rows.append(["Tổng / Total", "", *(sum(r[i] for r in rows) for i in range(2, 6))])
    return rows

"""A province of facilities (domain/province.py): who sees which facility, a facility's live
figures, and the province's report as the sum of its facilities' (two generated mornings)."""

from __future__ import annotations

import datetime as dt

import pytest

from server import reports as report_files
from server.domain import commands as cmd
from server.domain.errors import DomainError, ForbiddenError
from server.domain.figures import summary
from server.domain.province import Part, Viewer, combine, dashboard, half_year_rows, site_code, site_report, total
from server.domain.reports import build, local_range

from .sim import VN, Sim
from .test_reports_insured import generated_morning

DAY = dt.date(2026, 11, 23)
DEPARTMENTS = [("d1", "Khám"), ("d2", "Nhi")]


def test_site_codes_are_bounded() -> None:
    assert site_code("tyt-an_binh-01") == "tyt-an_binh-01"
    for bad in ("", "a" * 33, "trạm", "a b", "a/b", "a\n"):
        with pytest.raises(DomainError) as e:
            site_code(bad)
        assert e.value.code == "bad_site" and e.value.field == "site"


def test_a_facility_administrator_sees_their_facility_only() -> None:
    chief, head = Viewer("so-y-te"), Viewer("quanly", site="tyt-a")
    assert chief.province and not head.province
    assert chief.visible(["tyt-a", "tyt-b"]) == ["tyt-a", "tyt-b"]
    assert head.visible(["tyt-a", "tyt-b"]) == ["tyt-a"]
    chief.check("tyt-b")
    head.check("tyt-a")
    with pytest.raises(ForbiddenError) as e:
        head.check("tyt-b")
    assert e.value.code == "forbidden" and "tyt-b" in e.value.message_vi and "facility tyt-b" in e.value.message_en


def test_the_dashboard_is_what_the_admin_page_shows_and_the_province_its_sum() -> None:
    a = Sim(start=dt.datetime(2026, 11, 23, 7, 0, tzinfo=VN))
    a.open(1)
    a.issue("A")
    a.advance(10)
    a.issue("A")
    a.issue("B")
    a.call(1)
    a.do(cmd.FinishService(counter=1))
    a.do(cmd.PauseCounter(counter=1, reason="họp"))
    one = dashboard(a.state, a.now)
    assert (one["waiting"], one["issued"], one["served"], one["open"], one["paused"]) == (2, 3, 1, 0, 1)
    assert one["longest"] == 0.0  # the oldest waiting ticket was issued just now (the first was served)
    by_code = {s["code"]: s for s in one["services"]}
    assert by_code["A"]["waiting"] == 1 and by_code["B"]["waiting"] == 1
    assert all(s["waiting"] == 0 and s["longest"] == 0.0 for c, s in by_code.items() if c not in ("A", "B"))
    desks = {d["number"]: d for d in one["desks"]}
    assert [d["number"] for d in one["desks"]] == sorted(desks)
    assert desks[1] == {
        "number": 1,
        "name": {"vi": "Quầy 1", "en": "Quầy 1"},
        "status": "paused",
        "pause_reason": "họp",
        "current": "",
        "staff": "admin",
        "served": 1,
    }
    a.open(2)
    a.call(2)
    assert {d["number"]: d["current"] for d in dashboard(a.state, a.now)["desks"]}[2] == a.state.tickets[2].label
    a.do(cmd.FinishService(counter=2))
    a.do(cmd.CloseCounter(counter=2))
    a.issue("A")
    a.advance(5)
    later = dashboard(a.state, a.now)
    assert later["longest"] == 300.0 and by_code["A"]["name"]["vi"]

    b = Sim(start=dt.datetime(2026, 11, 23, 7, 0, tzinfo=VN))
    b.open(1, 2)
    b.issue("A")
    other = dashboard(b.state, b.now + 60)
    whole = total([later, other])
    assert whole == {
        "waiting": 3,
        "open": 2,
        "paused": 1,
        "counters": later["counters"] + other["counters"],
        "served": 2,
        "issued": 5,
        "longest": 300.0,
    }
    assert total([]) == {"waiting": 0, "open": 0, "paused": 0, "counters": 0, "served": 0, "issued": 0, "longest": 0.0}


def _part(site: str, seed: int) -> tuple[Part, Sim, dict[str, object]]:
    sim, _, _ = generated_morning(seed)
    start, end = local_range(DAY, DAY, VN)
    report = site_report(sim.records, start, end, sim.state.config)
    data = report.result(sim.now + 60)
    assert data == build(sim.records, start, end, sim.now + 60, sim.state.config)  # the facility's own report
    return Part(site, f"Trạm {site}", report), sim, data


def test_the_province_report_is_the_sum_of_its_facilities() -> None:
    (pa, sa, da), (pb, sb, db) = _part("tyt-b", 19), _part("tyt-a", 23)
    whole = combine([pa, pb])
    ta, tb = da["total"], db["total"]  # type: ignore[index]
    for figure in ("issued", "served", "missed", "transferred", "cancelled"):
        assert whole["total"][figure] == ta[figure] + tb[figure]
    waits = pa.report.total.waits + pb.report.total.waits
    assert whole["total"]["wait"] == summary(waits)  # pooled: the province's median, not a mean of two
    assert whole["total"]["wait"]["n"] == ta["wait"]["n"] + tb["wait"]["n"]
    assert [r["key"] for r in whole["by_site"]] == ["tyt-a", "tyt-b"]  # in code order
    assert {r["key"]: r["issued"] for r in whole["by_site"]} == {"tyt-b": ta["issued"], "tyt-a": tb["issued"]}
    assert whole["by_site"][0]["name"] == {"vi": "Trạm tyt-a", "en": "Trạm tyt-a"}
    for group in ("hour", "insurance", "source", "day"):
        mine = {r["key"]: r["issued"] for r in whole[f"by_{group}"]}
        theirs: dict[str, int] = {}
        for d in (da, db):
            for r in d[f"by_{group}"]:  # type: ignore[index]
                theirs[r["key"]] = theirs.get(r["key"], 0) + r["issued"]
        assert mine == theirs, group
    assert whole["by_insurance"][0]["name"]["vi"] in ("Có BHYT", "Không BHYT")
    assert whole["by_day"][0]["idle_minutes"] is not None and whole["by_hour"][0]["idle_minutes"] is None
    assert "by_service" not in whole and "by_counter" not in whole  # a facility's own: per facility

    tables = [(p.name, report_files.half_year_table(d, DEPARTMENTS)) for p, d in ((pa, da), (pb, db))]  # type: ignore[arg-type]
    rows = half_year_rows(tables)
    assert rows[-1][0] == "Tổng / Total"
    assert rows[-1][2:] == [a + b for a, b in zip(tables[0][1][-1][2:], tables[1][1][-1][2:], strict=True)]
    assert [(r[0], r[1]) for r in rows[:-1]] == [
        ("Trạm tyt-b", "01 Khám bệnh"),
        ("Trạm tyt-b", "07 Nhận thuốc theo hẹn"),
        ("Trạm tyt-a", "01 Khám bệnh"),
        ("Trạm tyt-a", "07 Nhận thuốc theo hẹn"),
    ]
    assert sa.state.seq and sb.state.seq


def test_a_report_stops_at_its_end_and_an_empty_province_is_zero() -> None:
    sim, _, _ = generated_morning(19)
    start, _ = local_range(DAY, DAY, VN)
    early = site_report(sim.records, start, start + 3600, sim.state.config)  # 00:00-01:00
    early.result(sim.now)
    assert early.total.issued == 0  # the range ended before the morning began
    empty = combine([])
    assert empty["total"]["issued"] == 0 and empty["by_site"] == []
    assert half_year_rows([]) == [["Tổng / Total", "", 0, 0, 0, 0]]

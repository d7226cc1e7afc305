"""A province in one install (issue 21, item 3): two facilities, each its own server and log,
and the province view reading both. Nothing crosses between them (tokens, events, reports);
the province's figures and reports are the sum of theirs; a facility's administrator sees their
facility only, the province's administrator every facility, and nobody acts on a queue there.

The facilities here keep their logs in SQLite folders; tests/test_province_pg.py runs the same
province on one PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from .province_harness import ProvinceProc, a_morning, facility
from .server_harness import Client, ServerProc

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def two(tmp_path: Path) -> Iterator[tuple[ServerProc, ServerProc]]:
    a = facility(tmp_path / "a", "tyt-an-binh", "Trạm Y tế xã An Bình")
    b = facility(tmp_path / "b", "ttyt-hoa-an", "Trung tâm Y tế huyện Hòa An")
    yield a, b
    a.kill()
    b.kill()


async def test_the_province_is_the_sum_of_its_facilities(two: tuple[ServerProc, ServerProc], tmp_path: Path) -> None:
    a, b = two
    await a_morning(a, ["A", "A", "A", "N", "B"], served=2)
    await a_morning(b, ["A", "N", "N", "S"], served=1)
    chief_a = a.create_staff(a.login(), "quanly-an-binh", [], role="admin")
    assert chief_a
    province = ProvinceProc(tmp_path / "province", {"tyt-an-binh": str(a.data_dir), "ttyt-hoa-an": str(b.data_dir)})
    province.start()
    try:
        token = province.login()
        board = province.wait_for(
            token, {"tyt-an-binh": a.get("/api/health")["seq"], "ttyt-hoa-an": b.get("/api/health")["seq"]}
        )
        sites = {s["code"]: s for s in board["sites"]}
        assert sites["tyt-an-binh"]["name"] == "Trạm Y tế xã An Bình"
        assert (sites["tyt-an-binh"]["issued"], sites["tyt-an-binh"]["served"], sites["tyt-an-binh"]["waiting"]) == (
            5,
            2,
            3,
        )
        assert (sites["ttyt-hoa-an"]["issued"], sites["ttyt-hoa-an"]["served"], sites["ttyt-hoa-an"]["waiting"]) == (
            4,
            1,
            3,
        )
        assert board["total"]["issued"] == 9 and board["total"]["served"] == 3 and board["total"]["waiting"] == 6
        assert board["total"]["open"] == 2

        today = dt.datetime.now(VN).date().isoformat()
        status, whole = province.call("GET", f"/api/province/reports?from={today}", token=token)
        assert status == 200, whole
        mine = {}
        for code, site in (("tyt-an-binh", a), ("ttyt-hoa-an", b)):
            status, own = province.call("GET", f"/api/province/reports?from={today}&site={code}", token=token)
            assert status == 200, own
            at_site = site.get_json_auth(f"/api/reports?from={today}", site.login())
            for report in (own, at_site):  # counted up to the moment each was asked
                report["total"].pop("idle_minutes")
            assert own["total"] == at_site["total"]  # the facility's own report, as its server gives it
            mine[code] = own["total"]
        for figure in ("issued", "served", "missed", "cancelled"):
            assert whole["total"][figure] == sum(m[figure] for m in mine.values())
        assert whole["total"]["wait"]["n"] == sum(m["wait"]["n"] for m in mine.values())
        assert [r["key"] for r in whole["by_site"]] == ["ttyt-hoa-an", "tyt-an-binh"]
        assert {r["key"]: r["issued"] for r in whole["by_site"]} == {"tyt-an-binh": 5, "ttyt-hoa-an": 4}

        year, half = int(today[:4]), 1 if int(today[5:7]) <= 6 else 2
        status, six = province.call("GET", f"/api/province/reports?year={year}&half={half}", token=token)
        assert status == 200, six
        table = six["half"]["table"]
        assert table[-1][0] == "Tổng / Total" and table[-1][2] + table[-1][4] == 9
        assert {r[0] for r in table[:-1]} == {"Trạm Y tế xã An Bình", "Trung tâm Y tế huyện Hòa An"}
        status, book = province.call("GET", f"/api/province/reports?year={year}&half={half}&format=xlsx", token=token)
        assert status == 200
        rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(book))["6 tháng"].iter_rows(min_row=2)]
        assert rows[0][0] == "Cơ sở / Facility" and rows[-1][:3] == ["Tổng / Total", None, table[-1][2]]

        # a facility's administrator: their facility only, with their facility's own account
        status, refused = province.call(
            "POST",
            "/api/province/login",
            {"site": "ttyt-hoa-an", "username": "quanly-an-binh", "password": "quanly-an-binh-password"},
        )
        assert status == 401 and refused["error"]["code"] == "bad_credentials"
        chief = province.login("quanly-an-binh", "quanly-an-binh-password", site="tyt-an-binh")
        status, own_board = province.call("GET", "/api/province/dashboard", token=chief)
        assert [s["code"] for s in own_board["sites"]] == ["tyt-an-binh"] and own_board["total"]["issued"] == 5
        status, other = province.call("GET", f"/api/province/reports?from={today}&site=ttyt-hoa-an", token=chief)
        assert status == 403 and other["error"]["code"] == "forbidden", other
        assert "ttyt-hoa-an" in other["error"]["message_vi"] and "facility ttyt-hoa-an" in other["error"]["message_en"]
        status, own_whole = province.call("GET", f"/api/province/reports?from={today}", token=chief)
        assert own_whole["total"]["issued"] == 5 and [r["key"] for r in own_whole["by_site"]] == ["tyt-an-binh"]

        # a counter clerk's account is no way in, nor a session of a facility's own server
        status, _ = province.call("GET", "/api/province/dashboard", token=a.login())
        assert status == 401
        status, bad = province.call("GET", f"/api/province/reports?from={today}&site=Kh%C3%B4ng-hop-le", token=token)
        assert status == 400 and bad["error"]["code"] == "bad_site"
        status, bad = province.call("GET", f"/api/province/reports?from={today}&site=tyt-khac", token=token)
        assert status == 404 and bad["error"]["code"] == "unknown_site"
        headers, page = province.page("/province/")
        assert "script-src 'self'" in headers["content-security-policy"] and b"app.js" in page
        # read-only: the view has no route that changes a queue
        status, _ = province.call("POST", "/api/province/dashboard", {"type": "call_next"}, token=token)
        assert status == 405

        # disabled at the facility: signed out of the province view at the next read of its log
        boss = await Client.connect(a.ws_url)
        await boss.hello("admin", a.login())
        off = await boss.command({"type": "set_staff_active", "username": "quanly-an-binh", "active": False})
        assert off["type"] == "ack", off
        province.wait_for(token, {"tyt-an-binh": a.get("/api/health")["seq"]})
        status, gone = province.call("GET", "/api/province/dashboard", token=chief)
        assert status == 401 and gone["error"]["code"] == "unauthenticated"
    finally:
        province.kill()

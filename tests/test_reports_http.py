"""Reports over HTTP from a real server: the same figures as JSON, CSV and XLSX (opened with
openpyxl), the six-monthly summary, and refusals (the figures themselves are checked against
an independently computed day in tests/domain/test_reports.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import urllib.error
import urllib.request
import zoneinfo

import pytest
from openpyxl import load_workbook

from .server_harness import Client, ServerProc

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def fetch(server: ServerProc, path: str, token: str | None) -> tuple[int, bytes, str]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    req = urllib.request.Request(server.http + path, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read(), r.headers.get("content-type", "")
    except urllib.error.HTTPError as err:
        return err.code, err.read(), err.headers.get("content-type", "")


def fetch_file(server: ServerProc, path: str, token: str) -> tuple[int, bytes, str]:
    """A download: its status, body and content-disposition."""
    req = urllib.request.Request(server.http + path, headers={"authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.read(), r.headers.get("content-disposition", "")


async def a_little_activity(server: ServerProc) -> None:
    kiosk = await Client.connect(server.ws_url)
    await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
    counter = await Client.connect(server.ws_url)
    await counter.hello("counter", server.login(), counter=4)
    ident = {"source": "typed", "bhyt_number": "DN4010123456789"}
    assert (await counter.command({"type": "open_counter", "counter": 4}))["type"] == "ack"  # waits are shown
    for body in ({"service": "N", "identity": ident}, {"service": "N"}, {"service": "N"}):
        assert (await kiosk.command({"type": "issue_ticket", **body}))["type"] == "ack"
    for _ in range(2):
        assert (await counter.command({"type": "call_next", "counter": 4}))["type"] == "ack"
        assert (await counter.command({"type": "start_service", "counter": 4}))["type"] == "ack"
        assert (await counter.command({"type": "finish_service", "counter": 4}))["type"] == "ack"
    await kiosk.close()
    await counter.close()


async def test_one_report_three_formats(server: ServerProc) -> None:
    today = dt.datetime.now(TZ).date()
    if dt.datetime.now(TZ).time() > dt.time(23, 59, 30):
        pytest.skip("too close to midnight for a one-day report")
    await a_little_activity(server)
    admin = server.login()
    status, body, kind = fetch(server, f"/api/reports?from={today}&to={today}", admin)
    assert status == 200 and kind.startswith("application/json")
    import json

    data = json.loads(body)
    total = data["total"]
    assert (total["issued"], total["served"], total["wait"]["n"]) == (3, 2, 2)
    assert {r["key"]: r["served"] for r in data["by_counter"]} == {"4": 2}
    assert {r["key"]: r["issued"] for r in data["by_insurance"]} == {"bhyt": 1, "other": 2}
    assert [r["key"] for r in data["by_staff"]] == ["staff:admin"]
    visits = data["visits"]  # two visits of one queue each ended: their door-to-door times
    assert (visits["visits"], visits["journeys"], visits["door_to_door"]["n"]) == (2, 0, 2)
    assert [(r["key"], r["name"]["vi"], r["service"]["n"]) for r in visits["by_room"]] == [("4", "Phòng khám Nội", 2)]

    status, body, kind = fetch(server, f"/api/reports?from={today}&format=csv", admin)
    assert status == 200 and kind.startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    first = rows[0]
    assert first["group"] == "total" and int(first["issued"]) == 3 and int(first["served"]) == 2
    assert float(first["wait.mean"]) == total["wait"]["mean"]
    assert int(first["estimate_error.n"]) == total["estimate_error"]["n"] == 2  # the two called, shown a wait
    assert float(first["estimate_error.mae"]) == total["estimate_error"]["mae"]
    assert {r["key"]: int(r["served"]) for r in rows if r["group"] == "counter"} == {"4": 2}
    # names beside codes: the service, the counter, the staff member, the identity source
    named = {(r["group"], r["key"]): (r["name_vi"], r["name_en"]) for r in rows}
    assert named["service", "N"] == ("Khám Nội", "Internal medicine")
    assert named["counter", "4"] == ("Phòng khám Nội", "Internal medicine room")
    assert named["source", "typed"] == ("Nhập số định danh", "Typed ID number")
    assert named["source", "none"] == ("Không mang giấy tờ", "No document")
    assert named["insurance", "bhyt"] == ("Có BHYT", "With health insurance")
    assert named["staff", "staff:admin"][0] != ""

    status, body, kind = fetch(server, f"/api/reports?from={today}&format=xlsx", admin)
    assert status == 200 and "spreadsheetml" in kind
    book = load_workbook(io.BytesIO(body))
    sheet = book["total"]
    header = [c.value for c in sheet[2]]
    values = dict(zip(header, [c.value for c in sheet[3]], strict=True))
    assert values["Số phát / Issued"] == 3 and values["Đã phục vụ / Served"] == 2
    assert values["Chờ TB (phút) / Wait mean (min)"] == total["wait"]["mean"]
    assert values["Sai lệch ước tính TB (phút) / Estimate error, mean (min)"] == total["estimate_error"]["mae"]
    counters = book["counter"]
    # code, names, issued (counted by issue groups, not counters), served
    assert [[c.value for c in row][:5] for row in counters.iter_rows(min_row=3)] == [
        ["4", "Phòng khám Nội", "Internal medicine room", 0, 2]
    ]


async def test_the_six_monthly_summary(server: ServerProc) -> None:
    await a_little_activity(server)
    now = dt.datetime.now(TZ)
    half = 1 if now.month <= 6 else 2
    status, body, disposition = fetch_file(
        server, f"/api/reports?year={now.year}&half={half}&format=xlsx", server.login()
    )
    assert status == 200
    assert disposition == f'attachment; filename="bao-cao-6-thang-{now.year}-{half}.xlsx"'
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames[0] == "6 tháng"
    rows = [[c.value for c in row] for row in book["6 tháng"].iter_rows(min_row=3)]
    by_name = {r[0]: r[1:] for r in rows}
    # Khám Nội belongs to "Khoa Khám bệnh" (examination, 01): kind of care, BHYT issued, BHYT
    # served, other issued, other served
    assert by_name["Khoa Khám bệnh"] == ["01 Khám bệnh", 1, 1, 2, 1]
    assert by_name["Tiếp đón"] == [None, 0, 0, 0, 0]
    assert by_name["Tổng / Total"] == [None, 1, 1, 2, 1]


async def test_refusals(server: ServerProc) -> None:
    today = dt.datetime.now(TZ).date()
    admin = server.login()
    server.create_staff(admin, "quay4", [4])
    staff = server.login("quay4", "quay4-password")
    assert fetch(server, f"/api/reports?from={today}", None)[0] == 401
    assert fetch(server, f"/api/reports?from={today}", staff)[0] == 403
    for bad in (
        "from=yesterday",
        "from=2026-02-30",
        f"from={today}&to={today - dt.timedelta(days=1)}",
        "from=2025-01-01&to=2026-06-01",
        "year=2026&half=3",
        "",
    ):
        status, body, _ = fetch(server, f"/api/reports?{bad}", admin)
        assert status == 400 and b"bad_range" in body, bad
    status, body, _ = fetch(server, f"/api/reports?from={today}&format=pdf", admin)
    assert status == 400 and b"bad_format" in body


async def test_the_audit_log(server: ServerProc) -> None:
    import json

    await a_little_activity(server)
    admin = server.login()
    server.create_staff(admin, "quay4", [4])
    status, body, _ = fetch(server, "/api/audit?limit=500", admin)
    assert status == 200
    events = json.loads(body)["events"]
    assert [e["seq"] for e in events] == sorted((e["seq"] for e in events), reverse=True)
    created = next(e for e in events if e["event"]["type"] == "staff_created" and e["event"]["username"] == "quay4")
    assert created["actor"] == "staff:admin" and created["event"]["password_hash"] == "…"
    issued = [e for e in events if e["event"]["type"] == "ticket_issued"]
    assert len(issued) == 3 and all(e["event"]["identity"] in (None, "…") for e in issued)
    assert b"DN4010123456789" not in body and b"scrypt" not in body
    status, body, _ = fetch(server, f"/api/audit?limit=2&before={events[0]['seq']}", admin)
    assert [e["seq"] for e in json.loads(body)["events"]] == [events[1]["seq"], events[2]["seq"]]
    assert fetch(server, "/api/audit", server.login("quay4", "quay4-password"))[0] == 403
    assert fetch(server, "/api/audit?limit=x", admin)[0] == 400

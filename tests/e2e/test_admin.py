"""The administrator's dashboard and reports in headless Chromium: live figures while the
queue moves, a device fault, the report of the day with its charts and its CSV and Excel
downloads (opened with the libraries), and a counter account refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zoneinfo

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect
from websockets.sync.client import connect

from ..server_harness import ADMIN_PASSWORD, ServerProc
from .pages import admin_socket, command, watch

pytestmark = pytest.mark.browser


def sign_in(page: Page, site: ServerProc, user: str, password: str) -> None:
    page.goto(f"{site.http}/admin/")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("button[type=submit]")


def test_dashboard_and_reports(browser: Browser, site: ServerProc) -> None:
    errors: list[str] = []
    page = watch(browser.new_page(viewport={"width": 1440, "height": 900}), errors)
    sign_in(page, site, "admin", ADMIN_PASSWORD)
    expect(page.locator("#fig-waiting .n")).to_have_text("0")
    with admin_socket(site) as ws:
        command(ws, {"type": "open_counter", "counter": 4})  # N001 is shown a wait of 0 minutes
        for service in ("N", "N", "NG", "B"):
            assert command(ws, {"type": "issue_ticket", "service": service})["type"] == "ack"
        expect(page.locator("#fig-waiting .n")).to_have_text("4")
        expect(page.locator('#waiting-chart rect[data-value="2"]')).to_have_count(1)  # Khám Nội: 2
        command(ws, {"type": "call_next", "counter": 4})
        expect(page.locator("#fig-open .n")).to_have_text("1")
        expect(page.locator('#counters-table tr[data-counter="4"]')).to_contain_text("N001")
        command(ws, {"type": "start_service", "counter": 4})
        command(ws, {"type": "finish_service", "counter": 4})
        expect(page.locator("#fig-served .n")).to_have_text("1")
        expect(page.locator("#fig-waiting .n")).to_have_text("3")
        command(ws, {"type": "pause_counter", "counter": 4, "reason": "Họp giao ban"})
        expect(page.locator('#counters-table tr[data-counter="4"]')).to_contain_text("Tạm dừng (Họp giao ban)")
    with connect(site.ws_url) as kiosk:  # a kiosk's printer runs out of paper
        kiosk.send(json.dumps({"type": "hello", "role": "kiosk", "token": site.device_tokens()["kiosk-1"]}))
        kiosk.send(
            json.dumps({"type": "report", "id": "r1", "what": "device_fault", "part": "printer", "detail": "paper_out"})
        )
        expect(page.locator("#faults")).to_contain_text("kiosk-1: Máy in vé — hết giấy: thay cuộn giấy")

    page.click('[data-tab="reports"]')
    page.click("#show")
    expect(page.locator("#r-issued .n")).to_have_text("4")
    expect(page.locator("#r-served .n")).to_have_text("1")
    expect(page.locator('#t-service tr[data-key="N"]')).to_contain_text("Khám Nội")
    # the estimate error: N001 was shown 0 minutes and called at once; nobody of NG was called
    expect(page.locator("#t-service thead th").nth(6)).to_have_text("Sai lệch ước tính TB")
    expect(page.locator('#t-service tr[data-key="N"] td').nth(6)).to_have_text(re.compile(r"^0(\.\d+)?$"))  # < 1 min
    expect(page.locator('#t-service tr[data-key="NG"] td').nth(6)).to_have_text("—")
    expect(page.locator("#chart-hour rect")).not_to_have_count(0)
    # names beside codes: the identity source and the staff member by name, not "none" or "staff:admin"
    expect(page.locator('#t-source tr[data-key="none"] td').first).to_have_text("Không mang giấy tờ none")
    expect(page.locator('#t-staff tr[data-key="staff:admin"] td').first).to_have_text("Quản trị viên admin")
    # the whole service name in the chart, inside the chart (no label cut at the left edge)
    label = page.locator("#chart-wait text.chart-label", has_text="Tiếp nhận khám dịch vụ")
    expect(label).to_have_text("B Tiếp nhận khám dịch vụ")
    chart = page.locator("#chart-wait svg").bounding_box()
    box = label.bounding_box()
    assert chart is not None and box is not None and box["x"] >= chart["x"], (box, chart)
    # at 1440 px every table fits its panel: no column cut off
    for table in ("t-service", "t-counter", "t-staff", "t-source"):
        fits = page.locator(f"#{table}").evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
        assert fits, table
    with page.expect_download() as got:
        page.click("#csv")
    rows = list(csv.DictReader(io.StringIO(got.value.path().read_text(encoding="utf-8-sig"))))
    assert rows[0]["group"] == "total" and rows[0]["issued"] == "4" and rows[0]["served"] == "1"
    with page.expect_download() as got:
        page.click("#xlsx")
    book = load_workbook(io.BytesIO(got.value.path().read_bytes()))
    assert book["total"]["D3"].value == 4 and book["total"]["E3"].value == 1  # after code and names
    with page.expect_download() as got:
        page.click("#half-xlsx")
    today = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")).date()
    assert got.value.suggested_filename == f"bao-cao-6-thang-{today.year}-{1 if today.month <= 6 else 2}.xlsx"
    assert load_workbook(io.BytesIO(got.value.path().read_bytes())).sheetnames[0] == "6 tháng"
    page.click("#lang")
    expect(page.locator('[data-tab="reports"]')).to_have_text("Reports")
    assert not errors, errors


def test_a_counter_account_is_not_let_in(browser: Browser, site: ServerProc) -> None:
    errors: list[str] = []
    site.create_staff(site.login(), "quay4", [4])
    page = watch(browser.new_page(), errors)
    sign_in(page, site, "quay4", "quay4-password")
    expect(page.locator("#login-error")).to_have_text("Tài khoản này không phải quản trị viên.")
    expect(page.locator("#tabs")).to_be_hidden()
    assert not errors, errors

"""The administrator's dashboard and reports in headless Chromium: live figures while the
queue moves, a device fault, the report of the day with its charts and its CSV and Excel
downloads (opened with the libraries), and a counter account refused."""

from __future__ import annotations

import csv
import io
import json

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
        for service in ("N", "N", "NG"):
            assert command(ws, {"type": "issue_ticket", "service": service})["type"] == "ack"
        expect(page.locator("#fig-waiting .n")).to_have_text("3")
        expect(page.locator('#waiting-chart rect[data-value="2"]')).to_have_count(1)  # Khám Nội: 2
        command(ws, {"type": "open_counter", "counter": 4})
        command(ws, {"type": "call_next", "counter": 4})
        expect(page.locator("#fig-open .n")).to_have_text("1")
        expect(page.locator('#counters-table tr[data-counter="4"]')).to_contain_text("N001")
        command(ws, {"type": "start_service", "counter": 4})
        command(ws, {"type": "finish_service", "counter": 4})
        expect(page.locator("#fig-served .n")).to_have_text("1")
        expect(page.locator("#fig-waiting .n")).to_have_text("2")
        command(ws, {"type": "pause_counter", "counter": 4, "reason": "Họp giao ban"})
        expect(page.locator('#counters-table tr[data-counter="4"]')).to_contain_text("Tạm dừng (Họp giao ban)")
    with connect(site.ws_url) as kiosk:  # a kiosk's printer runs out of paper
        kiosk.send(json.dumps({"type": "hello", "role": "kiosk", "token": site.device_tokens()["kiosk-1"]}))
        kiosk.send(
            json.dumps({"type": "report", "id": "r1", "what": "device_fault", "part": "printer", "detail": "paper_out"})
        )
        expect(page.locator("#faults")).to_contain_text("kiosk-1: printer — paper_out")

    page.click('[data-tab="reports"]')
    page.click("#show")
    expect(page.locator("#r-issued .n")).to_have_text("3")
    expect(page.locator("#r-served .n")).to_have_text("1")
    expect(page.locator('#t-service tr[data-key="N"]')).to_contain_text("Khám Nội")
    expect(page.locator("#chart-hour rect")).not_to_have_count(0)
    with page.expect_download() as got:
        page.click("#csv")
    rows = list(csv.DictReader(io.StringIO(got.value.path().read_text(encoding="utf-8-sig"))))
    assert rows[0]["group"] == "total" and rows[0]["issued"] == "3" and rows[0]["served"] == "1"
    with page.expect_download() as got:
        page.click("#xlsx")
    book = load_workbook(io.BytesIO(got.value.path().read_bytes()))
    assert book["total"]["B3"].value == 3 and book["total"]["C3"].value == 1
    with page.expect_download() as got:
        page.click("#half-xlsx")
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

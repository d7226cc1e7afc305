"""The province view in headless Chromium (issue 21, item 3): the health department signs in,
sees every facility's live figures and their sum move as a facility's queue moves, reads the
six-monthly report of the province and downloads it; a facility's administrator signs in with
their facility's own account and sees that facility only."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from ..province_harness import PROVINCE_ADMIN, PROVINCE_PASSWORD, ProvinceProc, facility
from ..server_harness import ServerProc
from .pages import admin_socket, command, watch

pytestmark = pytest.mark.browser


@pytest.fixture
def province(tmp_path: Path) -> Iterator[tuple[ProvinceProc, ServerProc, ServerProc]]:
    a = facility(tmp_path / "a", "tyt-an-binh", "Trạm Y tế xã An Bình")
    b = facility(tmp_path / "b", "ttyt-hoa-an", "Trung tâm Y tế huyện Hòa An")
    for site, services in ((a, ("A", "N")), (b, ("A", "N", "S"))):
        with admin_socket(site) as ws:
            for s in services:
                assert command(ws, {"type": "issue_ticket", "service": s})["type"] == "ack"
    a.create_staff(a.login(), "quanly-an-binh", [], role="admin")
    p = ProvinceProc(tmp_path / "province", {"tyt-an-binh": str(a.data_dir), "ttyt-hoa-an": str(b.data_dir)}).start()
    yield p, a, b
    p.kill()
    a.kill()
    b.kill()


def sign_in(page: Page, province: ProvinceProc, user: str, password: str, site: str = "") -> None:
    page.goto(f"{province.http}/")
    page.fill("#site", site)
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#sign-in")


def test_the_health_department_and_a_facility(
    browser: Browser, province: tuple[ProvinceProc, ServerProc, ServerProc]
) -> None:
    p, a, _ = province
    errors: list[str] = []
    page = watch(browser.new_page(viewport={"width": 1440, "height": 900}), errors)
    sign_in(page, p, PROVINCE_ADMIN, "not-the-password")
    expect(page.locator("#login-error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    sign_in(page, p, PROVINCE_ADMIN, PROVINCE_PASSWORD)
    expect(page.locator("#who")).to_have_text("Chuyên viên Sở")
    expect(page.locator('#sites-table tr[data-site="tyt-an-binh"]')).to_contain_text("Trạm Y tế xã An Bình")
    expect(page.locator('#sites-table tr[data-site="ttyt-hoa-an"] td').nth(1)).to_have_text("3")
    expect(page.locator("#fig-waiting .n")).to_have_text("5")
    expect(page.locator("#sum-row")).to_contain_text("Toàn tỉnh")

    with admin_socket(a) as ws:  # the facility's queue moves: the province's figures follow
        assert command(ws, {"type": "issue_ticket", "service": "B"})["type"] == "ack"
        command(ws, {"type": "open_counter", "counter": 1})
        command(ws, {"type": "call_next", "counter": 1})
        command(ws, {"type": "finish_service", "counter": 1})
    expect(page.locator("#fig-issued .n")).to_have_text("6")
    expect(page.locator("#fig-served .n")).to_have_text("1")
    expect(page.locator("#fig-open .n")).to_have_text("1")
    expect(page.locator('#sites-table tr[data-site="tyt-an-binh"] td').nth(1)).to_have_text("2")
    expect(page.locator("#title")).to_have_text("Sở Y tế tỉnh Thử")
    page.click('#sites-table tr[data-site="tyt-an-binh"]')  # the facility as its admin dashboard shows it
    counter = page.locator('#site-counters tr[data-counter="1"]')
    expect(counter).to_contain_text("Đang mở")
    expect(counter.locator("td").nth(3)).to_have_text("admin")
    expect(counter.locator("td").nth(4)).to_have_text("1")
    expect(page.locator('#site-services tr[data-service="N"] td').nth(1)).to_have_text("1")

    page.click('[data-tab="reports"]')
    page.click("#show")
    expect(page.locator("#report-total td").nth(1)).to_have_text("6")
    expect(page.locator('#report-sites tr[data-key="ttyt-hoa-an"] td').nth(1)).to_have_text("3")
    expect(page.locator("#report-six tbody tr").last).to_contain_text("Tổng / Total")
    with page.expect_download() as got:
        page.click("#xlsx")
    book = load_workbook(io.BytesIO(Path(got.value.path()).read_bytes()))
    rows = [[c.value for c in r] for r in book["6 tháng"].iter_rows(min_row=3)]
    assert rows[-1][0] == "Tổng / Total" and (rows[-1][2] or 0) + (rows[-1][4] or 0) == 6
    assert {r[0] for r in rows[:-1]} == {"Trạm Y tế xã An Bình", "Trung tâm Y tế huyện Hòa An"}
    page.click("#lang")
    expect(page.locator('[data-tab="reports"]')).to_have_text("Reports")
    page.click("#lang")
    page.click("#logout")

    sign_in(page, p, "quanly-an-binh", "quanly-an-binh-password", site="ttyt-hoa-an")  # not their facility
    expect(page.locator("#login-error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    sign_in(page, p, "quanly-an-binh", "quanly-an-binh-password", site="tyt-an-binh")
    expect(page.locator("#who")).to_contain_text("tyt-an-binh")
    expect(page.locator("#sites-table tbody tr[data-site]")).to_have_count(1)
    expect(page.locator("#fig-issued .n")).to_have_text("3")
    page.click('[data-tab="reports"]')
    expect(page.locator("#ask-site option")).to_have_count(1)
    page.click("#show")
    expect(page.locator("#report-total td").nth(1)).to_have_text("3")
    assert not errors

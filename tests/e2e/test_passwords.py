"""Passwords in headless Chromium (issue 17, item 8): an administrator resets a staff member's
password from the devices and staff tab, a counter user changes their own and goes on working,
and the first administrator is made to change the generated password before anything else."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from ..server_harness import ADMIN_PASSWORD, ServerProc
from .pages import watch, write_config

pytestmark = pytest.mark.browser


def sign_in(browser: Browser, url: str, errors: list[str], user: str, password: str) -> Page:
    page = watch(browser.new_page(viewport={"width": 1280, "height": 800}), errors)
    page.goto(url)
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("button[type=submit]")
    return page


def fill_dialog(page: Page, new: str, again: str, current: str | None = None) -> None:
    if current is not None:
        page.fill("#pw-current", current)
    page.fill("#pw-new", new)
    page.fill("#pw-again", again)
    page.click("#pw-submit")


def test_an_admin_resets_a_staff_password(browser: Browser, site: ServerProc, errors: list[str]) -> None:
    site.create_staff(site.login(), "quay1", [1])
    page = sign_in(browser, f"{site.http}/admin/", errors, "admin", ADMIN_PASSWORD)
    page.click("[data-tab=devices]")
    row = page.locator('#staff tr[data-username="quay1"]')
    expect(page.locator('#staff tr[data-username="admin"] [data-action=reset-password]')).to_have_count(0)
    row.locator("[data-action=reset-password]").click()
    dialog = page.locator("#dialog")
    expect(dialog).to_contain_text("Đặt lại mật khẩu cho quay1")
    expect(page.locator("#pw-current")).to_have_count(0)  # another's: no current password asked
    fill_dialog(page, "new-password-1", "new-password-2")
    expect(page.locator("#pw-error")).to_have_text("Hai mật khẩu mới không giống nhau.")
    page.evaluate("document.querySelectorAll('#dialog input').forEach((i) => i.removeAttribute('minlength'))")
    fill_dialog(page, "short", "short")  # the server's policy, said in the dialog
    expect(page.locator("#pw-error")).to_have_text("Mật khẩu phải có ít nhất 8 ký tự.")
    assert site.post("/api/login", {"username": "quay1", "password": "quay1-password"})[0] == 200
    fill_dialog(page, "new-password-1", "new-password-1")
    expect(dialog).to_be_hidden()
    expect(page.locator("#devices-message")).to_have_text("Đã đặt lại mật khẩu của quay1.")
    assert site.post("/api/login", {"username": "quay1", "password": "quay1-password"})[0] == 401
    assert site.post("/api/login", {"username": "quay1", "password": "new-password-1"})[0] == 200


def test_a_counter_user_changes_their_own_password(browser: Browser, site: ServerProc, errors: list[str]) -> None:
    site.create_staff(site.login(), "quay1", [1])
    page = sign_in(browser, f"{site.http}/counter/", errors, "quay1", "quay1-password")
    expect(page.locator("#counter-status")).to_have_attribute("data-status", "closed")
    old_token = page.evaluate("window.counterPage.ui.session.token")
    page.click("#change-password")
    expect(page.locator("#dialog")).to_contain_text("Đổi mật khẩu của bạn")
    fill_dialog(page, "new-password-1", "new-password-1", current="not-my-password")
    expect(page.locator("#pw-error")).to_have_text("Mật khẩu hiện tại không đúng.")
    fill_dialog(page, "new-password-1", "new-password-1", current="quay1-password")
    expect(page.locator("#dialog")).to_be_hidden()
    expect(page.locator("#toast")).to_contain_text("Đã đổi mật khẩu")
    assert page.evaluate("window.counterPage.ui.session.token") != old_token
    # still signed in on a fresh session: the counter opens
    expect(page.locator("#counter-status")).to_have_attribute("data-status", "closed")
    page.click("[data-action=open]")
    expect(page.locator("#counter-status")).to_have_attribute("data-status", "open")
    expect(page.locator("#view")).to_have_attribute("data-view", "main")
    assert site.post("/api/login", {"username": "quay1", "password": "quay1-password"})[0] == 401
    page.reload()  # the fresh session was kept
    expect(page.locator("#counter-status")).to_have_attribute("data-status", "open")


def test_the_first_admin_changes_the_generated_password_first(
    browser: Browser, tmp_path: Path, errors: list[str]
) -> None:
    config = write_config(tmp_path / "config")
    site = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(config), QUEUE_ADMIN_PASSWORD="")
    site.start()
    try:
        generated = (tmp_path / "data" / "admin-password.txt").read_text().strip()
        page = sign_in(browser, f"{site.http}/admin/", errors, "admin", generated)
        dialog = page.locator("#dialog")
        expect(dialog).to_contain_text("Mật khẩu này do máy chủ tạo khi cài đặt")
        expect(page.locator("#pw-cancel")).to_have_count(0)
        page.keyboard.press("Escape")  # no way out but changing it
        expect(dialog).to_be_visible()
        page.reload()  # nor by reloading the page
        expect(dialog).to_contain_text("Mật khẩu này do máy chủ tạo khi cài đặt")
        page.click("#pw-signout")  # or signing out, and in again: asked again
        expect(page.locator("#login-error")).to_be_attached()
        page.fill("#username", "admin")
        page.fill("#password", generated)
        page.click("button[type=submit]")
        expect(dialog).to_contain_text("Mật khẩu này do máy chủ tạo khi cài đặt")
        fill_dialog(page, generated, generated, current=generated)
        expect(page.locator("#pw-error")).to_have_text("Mật khẩu mới phải khác mật khẩu hiện tại.")
        fill_dialog(page, "the-admin-s-own-1", "the-admin-s-own-1", current=generated)
        expect(dialog).to_be_hidden()
        expect(page.locator("#fig-waiting .n")).to_have_text("0")  # the live dashboard
        page.reload()
        expect(page.locator("#fig-waiting .n")).to_have_text("0")
        expect(dialog).to_be_hidden()
        assert site.post("/api/login", {"username": "admin", "password": generated})[0] == 401
    finally:
        site.kill()

"""The voice page on a computer without a microphone: Chromium grants the microphone but has
none (no fake device), and the page says what to do in the staff's language instead of the
browser's "NotFoundError: Requested device not found"."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from ..server_harness import ServerProc
from .pages import watch

pytestmark = pytest.mark.browser


def test_a_computer_without_a_microphone_is_told_so_in_words(browser: Browser, site: ServerProc) -> None:
    errors: list[str] = []
    context = browser.new_context(permissions=["microphone"])
    page = watch(context.new_page(), errors)
    page.goto(f"{site.http}/voice/")
    page.fill("#username", "admin")
    page.fill("#password", site.env["QUEUE_ADMIN_PASSWORD"])
    page.click("button[type=submit]")
    row = page.locator('[data-key="vi.num.3"]')
    row.locator("[data-action=record]").click()
    alert = page.locator(".form-error[role=alert]")
    expect(alert).to_have_text("Không tìm thấy micrô. Hãy cắm micrô (hoặc tai nghe có micrô) vào máy rồi bấm Ghi lại.")
    expect(row.locator(".state")).to_have_attribute("data-state", "missing")
    expect(row.locator("[data-action=record]")).not_to_have_class("recording")
    page.click("#lang")
    row.locator("[data-action=record]").click()
    expect(alert).to_contain_text("No microphone found.")
    context.close()
    assert not errors, errors

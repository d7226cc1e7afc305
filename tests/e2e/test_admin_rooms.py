"""Exam rooms and the journeys' return rule in the administrator's settings form (issue 20
review), in headless Chromium against a real server with the demo configuration: before, a
room's kind and location and the [journeys] settings could only be edited in the JSON. A
counter made a room with its location, a room added, the return rule and its ratio set, all
saved and read back after a reload; a ratio out of range is refused naming its field, in
Vietnamese and English, as the rest of the form."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from ..server_harness import ADMIN_PASSWORD, ServerProc
from .pages import watch
from .test_admin import sign_in

pytestmark = pytest.mark.browser


def test_rooms_and_the_return_rule_are_edited_in_the_form(browser: Browser, site: ServerProc) -> None:
    errors: list[str] = []
    admin = watch(browser.new_page(viewport={"width": 1600, "height": 1000}), errors)
    sign_in(admin, site, "admin", ADMIN_PASSWORD)
    admin.click('[data-tab="settings"]')
    room4 = admin.locator('#s-counters tr[data-counter="4"]')
    expect(room4.locator('[data-field="kind"]')).to_have_value("room")
    expect(room4.locator('[data-field="location"]')).to_have_value("Tầng 1, phòng 104")

    admin.click("#add-room")
    new = admin.locator("#s-counters tbody tr").last
    expect(new.locator('[data-field="kind"]')).to_have_value("room")
    new.locator('[data-field="name"]').fill("Phòng khám Nội 2")
    new.locator('[data-field="location"]').fill("Tầng 1, phòng 109")
    new.locator('[data-field="location_en"]').fill("Floor 1, room 109")
    new.locator('[data-code="N"]').check()
    lab = admin.locator('#s-counters tr[data-counter="9"]')
    lab.locator('[data-field="location"]').fill("Tầng 2, phòng 210")
    admin.select_option("#return-mode", "arrival")
    admin.locator("#journeys-returning").fill("2")
    admin.locator("#journeys-new").fill("3")
    admin.click("#save")
    expect(admin.locator("#settings-message")).to_contain_text("Đã lưu")

    admin.reload()  # read back from the server's configuration
    admin.click('[data-tab="settings"]')
    added = admin.locator('#s-counters tr[data-counter="13"]')
    expect(added.locator('[data-field="kind"]')).to_have_value("room")
    expect(added.locator('[data-field="location"]')).to_have_value("Tầng 1, phòng 109")
    expect(added.locator('[data-field="location_en"]')).to_have_value("Floor 1, room 109")
    expect(added.locator('[data-code="N"]')).to_be_checked()
    expect(admin.locator('#s-counters tr[data-counter="9"] [data-field="location"]')).to_have_value("Tầng 2, phòng 210")
    expect(admin.locator("#return-mode")).to_have_value("arrival")
    expect(admin.locator("#journeys-returning")).to_have_value("2")
    expect(admin.locator("#journeys-new")).to_have_value("3")

    # a counter made a room in the form: its kind saved
    admin.locator('#s-counters tr[data-counter="9"] [data-field="kind"]').select_option("room")
    admin.locator("#journeys-new").fill("25")
    admin.click("#save")
    expect(admin.locator("#settings-error")).to_contain_text("journeys.new")
    expect(admin.locator("#settings-error")).to_contain_text("tỉ lệ phải từ 1 đến 20")
    admin.locator("#journeys-new").fill("3")
    admin.click("#save")
    expect(admin.locator("#settings-message")).to_contain_text("Đã lưu")
    admin.reload()
    admin.click('[data-tab="settings"]')
    expect(admin.locator('#s-counters tr[data-counter="9"] [data-field="kind"]')).to_have_value("room")
    assert not errors, errors

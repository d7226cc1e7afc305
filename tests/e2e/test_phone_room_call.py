"""The phone page names an exam room by its name when the patient is called there (issue 20
review): room 4 of the demo is "Phòng khám Nội" on its door, on the TVs and on the phone's visit
list, at "Tầng 1, phòng 104"; the call said "Quầy 4" in large type, a sign no door carries. A
plain counter is still called by its number ("Quầy 1"), with its name under it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from ..server_harness import ServerProc
from .pages import admin_socket, command
from .test_phone import open_phone

pytestmark = pytest.mark.browser


def test_a_call_to_an_exam_room_names_the_room_and_a_call_to_a_counter_its_number(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    with admin_socket(site) as ws:
        for body in (
            {"type": "issue_ticket", "service": "N"},
            {"type": "issue_ticket", "service": "A"},
            {"type": "open_counter", "counter": 4},
            {"type": "open_counter", "counter": 1},
        ):
            assert command(ws, body)["type"] == "ack"
        _, room = open_phone(browser, site, "N001", errors)  # its vibrator recorded, as in test_phone
        _, counter = open_phone(browser, site, "A001", errors)
        expect(room.locator(".status")).to_have_attribute("data-status", "waiting")
        assert command(ws, {"type": "call_next", "counter": 4})["result"]["ticket"] == "N001"
        assert command(ws, {"type": "call_next", "counter": 1})["result"]["ticket"] == "A001"

    status = room.locator(".status")
    expect(status).to_have_attribute("data-status", "called")
    expect(status).to_contain_text("Đến lượt bạn! Mời bạn đến")
    expect(status.locator(".counter")).to_have_text("Phòng khám Nội")
    expect(status.locator(".counter-name")).to_have_count(0)  # not said twice
    expect(status.locator(".location")).to_have_text("Tầng 1, phòng 104")
    expect(room).to_have_title("🔔 Đến lượt bạn: Phòng khám Nội")
    room.click("#lang")
    expect(status.locator(".counter")).to_have_text("Internal medicine room")
    expect(status.locator(".location")).to_have_text("Floor 1, room 104")

    status = counter.locator(".status")
    expect(status).to_have_attribute("data-status", "called")
    expect(status.locator(".counter")).to_have_text("Quầy 1")
    expect(status.locator(".counter-name")).to_have_text("Quầy 1 - Tiếp nhận")
    expect(counter).to_have_title("🔔 Đến lượt bạn: Quầy 1")

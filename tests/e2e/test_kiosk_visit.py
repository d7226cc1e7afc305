"""A visit's patient back at the kiosk (issue 20 review), in headless Chromium against a real
server with the demo configuration: room 4 sent them to the lab and imaging; choosing the lab at
the kiosk gave them a second number in the lab's queue. The kiosk now says, at the identity
step, that this number is already served there (a typed number: no more than that, as for any
duplicate, issue 17), and issues nothing; a service their visit has no step in still goes on.
The chip's case, which names the number and where to wait, is in tests/js/kiosk-visit.test.js
and tests/domain/test_held_visit.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from ..server_harness import ServerProc
from .pages import admin_socket, command
from .test_pages import open_kiosk, take_ticket

pytestmark = pytest.mark.browser

ID = "001099012345"  # synthetic


def test_a_visit_waiting_for_the_lab_takes_no_second_lab_number(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    kiosk = open_kiosk(browser, site, errors)
    label = take_ticket(kiosk, "N", ID)
    with admin_socket(site) as ws:
        for body in (
            {"type": "open_counter", "counter": 4},
            {"type": "call_next", "counter": 4},
            {"type": "send_on", "counter": 4, "steps": [{"service": "X"}, {"service": "H"}], "come_back": True},
        ):
            assert command(ws, body)["type"] == "ack"
    kiosk.click("[data-action=done]")
    kiosk.click('[data-service="X"]')
    kiosk.locator("#id-input").fill(ID)
    kiosk.click("[data-action=next]")
    expect(kiosk.locator("#screen")).to_have_attribute("data-screen", "duplicate")
    expect(kiosk.locator("#dup-body")).to_have_text(
        "Số giấy tờ này đã được cấp số cho dịch vụ này hôm nay. Vui lòng đến quầy tiếp đón để được giúp."
    )
    assert site.get_status("/api/tickets/X001") == 404, "no lab number was issued"
    assert site.get(f"/api/tickets/{label}")["steps"][1]["status"] == "open"
    # the cashier is no step of the visit: a number as before
    kiosk.click("[data-action=done]")
    assert take_ticket(kiosk, "TN", ID) == "TN001"

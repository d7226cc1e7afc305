"""The TVs' waiting line follows a visit of several steps live (issue 20 review), in headless
Chromium against a real server with the demo configuration: a patient room 4 (floor 1) sends to
the lab and imaging (floor 2) counts at once in both queues on floor 2's TV, in neither while
imaging sees them, in the lab's again after; their return counts on floor 1's TV. Before, the
counts of a visit's later steps never moved until the TV was reloaded. The large panel sends the
patient into the exam room ("vào Phòng khám Nội", where it is), to the counters as counters
(before, an exam room was shown as a counter: "đến Phòng khám Nội")."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from ..server_harness import ServerProc
from .pages import admin_socket, command, watch

pytestmark = pytest.mark.browser


def tv(browser: Browser, site: ServerProc, errors: list[str], zone: str) -> Page:
    page = watch(browser.new_page(viewport={"width": 1920, "height": 1080}), errors)
    page.goto(f"{site.http}/tv/#token={site.device_tokens()[f'tv-{zone}']}")
    expect(page.locator(".wait-chip").first).to_be_visible()
    return page


def waiting(page: Page, service: str, n: int) -> None:
    """The TV shows ``n`` waiting for ``service`` within a second (no reload)."""
    expect(page.locator(f'.wait-chip[data-service="{service}"] .wait-n')).to_have_text(str(n), timeout=1000)


def test_the_tvs_count_a_visit_in_each_queue_it_waits_in(browser: Browser, site: ServerProc, errors: list[str]) -> None:
    with admin_socket(site) as ws:

        def ok(body: dict[str, object]) -> None:
            reply = command(ws, body)
            assert reply["type"] == "ack", reply

        for counter in (4, 9, 10):
            ok({"type": "open_counter", "counter": counter})
        ok({"type": "issue_ticket", "service": "N"})
        floor1, floor2 = tv(browser, site, errors, "tang-1"), tv(browser, site, errors, "tang-2")
        waiting(floor1, "N", 1)
        ok({"type": "call_next", "counter": 4})
        waiting(floor1, "N", 0)
        expect(floor1.locator(".now-counter")).to_have_text("vào Phòng khám Nội · Tầng 1, phòng 104")
        expect(floor1.locator(".now-counter-en")).to_have_text("to Internal medicine room · Floor 1, room 104")

        sent = {"type": "send_on", "counter": 4, "steps": [{"service": "X"}, {"service": "H"}], "come_back": True}
        ok({**sent, "reason": "Xem kết quả xét nghiệm"})
        waiting(floor2, "X", 1)
        waiting(floor2, "H", 1)
        ok({"type": "call_next", "counter": 10})  # at imaging: held in the lab's queue
        waiting(floor2, "H", 0)
        expect(floor2.locator(".now-counter")).to_have_text("đến Phòng Chẩn đoán hình ảnh")  # a counter
        waiting(floor2, "X", 0)
        ok({"type": "finish_service", "counter": 10})
        waiting(floor2, "X", 1)
        ok({"type": "call_next", "counter": 9})
        waiting(floor2, "X", 0)
        ok({"type": "finish_service", "counter": 9})  # the results are in: back to room 4
        waiting(floor1, "N", 1)
        ok({"type": "call_next", "counter": 4})
        waiting(floor1, "N", 0)

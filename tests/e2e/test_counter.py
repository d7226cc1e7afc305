"""The counter page in headless Chromium: a counter user's whole morning, by keyboard and by
touch, against a real server (M5)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, Page, expect
from websockets.sync.client import connect

from ..server_harness import ServerProc
from .pages import admin_socket, command, watch

pytestmark = pytest.mark.browser


def sign_in(browser: Browser, site: ServerProc, errors: list[str], user: str, password: str) -> Page:
    page = watch(browser.new_page(viewport={"width": 1280, "height": 800}), errors)
    page.goto(f"{site.http}/counter/")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("button[type=submit]")
    return page


def test_a_counter_morning(browser: Browser, site: ServerProc, errors: list[str]) -> None:
    site.create_staff(site.login(), "quay1", [1])
    with admin_socket(site) as ws:
        for body in (
            {"type": "issue_ticket", "service": "A"},
            {
                "type": "issue_ticket",
                "service": "A",
                "declared": ["pregnant"],
                "identity": {"source": "typed", "id_number": "001099012345", "name": "Trần Thị Bình"},
            },
            {"type": "issue_ticket", "service": "B"},
        ):
            assert command(ws, body)["type"] == "ack"

    page = sign_in(browser, site, errors, "quay1", "wrong password")
    expect(page.locator("#login-error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    page.fill("#password", "quay1-password")
    page.click("button[type=submit]")
    # one counter assigned: no choice to make
    expect(page.locator("#counter-name")).to_have_text("Quầy 1 - Tiếp nhận")
    expect(page.locator("#counter-status")).to_have_attribute("data-status", "closed")

    page.keyboard.press(" ")  # closed: Space opens
    expect(page.locator("#counter-status")).to_have_attribute("data-status", "open")
    expect(page.locator("#waiting-list li")).to_have_count(3)
    page.keyboard.press(" ")  # the declared priority goes first (ratio policy)
    expect(page.locator("#current-number")).to_have_text("A002")
    current = page.locator("section.current")
    expect(current).to_contain_text("Người bệnh: Trần Thị Bình")  # staff see who it is
    expect(current).to_contain_text("chờ xác nhận: Có thai")
    page.click("[data-action=confirm_priority]")
    expect(current).to_contain_text("Ưu tiên: Có thai")
    page.keyboard.press("r")
    expect(current).to_contain_text("Đã gọi lại 1 lần")

    page.keyboard.press("m")  # no-show
    expect(page.locator("#current-number")).to_have_text("—")
    expect(page.locator("#missed-list")).to_contain_text("A002")
    page.locator("#missed-list [data-action=reactivate]").click()
    expect(page.locator("#missed-list")).to_have_count(0)
    expect(page.locator("#waiting-list")).to_contain_text("A002")

    page.keyboard.press("g")  # a specific number
    page.fill("#n-label", "b001")
    page.keyboard.press("Enter")
    expect(page.locator("#current-number")).to_have_text("B001")
    page.keyboard.press("s")
    expect(current).to_contain_text("Đang phục vụ")

    page.keyboard.press("t")  # transfer to internal medicine, front of the line
    page.select_option("#t-service", "N")
    page.select_option("#t-position", "front")
    page.click("dialog button[type=submit]")
    expect(page.locator("#current-number")).to_have_text("—")
    assert site.get("/api/tickets/B001")["service"] == "N"
    assert site.get("/api/tickets/B001")["status"] == "waiting"

    page.keyboard.press(" ")
    expect(page.locator("#current-number")).to_have_text(re.compile(r"A00[12]"))
    held = page.locator("#current-number").inner_text()
    page.keyboard.press("h")  # hold, then call back
    expect(page.locator("#current-number")).to_have_text("—")
    page.click(f'[data-unpark="{held}"]')
    expect(page.locator("#current-number")).to_have_text(held)
    page.keyboard.press("f")
    expect(page.locator("#current-number")).to_have_text("—")
    expect(page.locator("#history-list")).to_contain_text(held)
    expect(page.locator(f'#history-list [data-label="{held}"]')).to_have_attribute("data-status", "done")

    # a refused command comes back as a message in the staff's language
    page.click("#lang")
    expect(page.locator("[data-action=next]")).to_contain_text("Call next")
    page.keyboard.press("g")
    page.fill("#n-label", "A999")
    page.keyboard.press("Enter")
    expect(page.locator("#toast")).to_have_attribute("data-kind", "error")
    expect(page.locator("#toast")).to_have_text("No ticket A999 today.")
    # pausing needs a reason dialog; with a current number the button is disabled
    page.keyboard.press(" ")
    expect(page.locator("#current-number")).not_to_have_text("—")
    expect(page.locator("[data-action=pause]")).to_be_disabled()
    page.keyboard.press("p")
    expect(page.locator("dialog[open]")).to_have_count(0)


def test_counter_staff_cannot_take_another_counter(browser: Browser, site: ServerProc, errors: list[str]) -> None:
    site.create_staff(site.login(), "quay4", [4, 5])
    page = sign_in(browser, site, errors, "quay4", "quay4-password")
    expect(page.locator("[data-counter]")).to_have_count(2)  # only the counters assigned
    page.click('[data-counter="5"]')
    expect(page.locator("#counter-name")).to_have_text("Phòng khám Ngoại")
    # a stored choice of a counter this account may not use is not honoured
    page.evaluate("localStorage.setItem('queue.counter.number', '1')")
    page.reload()
    expect(page.locator("[data-counter]")).to_have_count(2)
    # signing out ends the session on the server
    page.click('[data-counter="4"]')
    expect(page.locator("#counter-name")).to_have_text("Phòng khám Nội")
    token = page.evaluate("JSON.parse(localStorage.getItem('queue.counter.session')).token")
    page.click("#logout")
    expect(page.locator("#username")).to_be_visible()
    with connect(site.ws_url) as ws:  # the old session token no longer opens a counter
        ws.send(json.dumps({"type": "hello", "role": "counter", "token": token, "counter": 4}))
        refused = json.loads(ws.recv(timeout=10))
    assert refused["type"] == "error" and refused["code"] == "unauthenticated"


def test_a_call_made_offline_is_sent_once_when_the_server_returns(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    with admin_socket(site) as ws:
        command(ws, {"type": "issue_ticket", "service": "N"})
        command(ws, {"type": "issue_ticket", "service": "N"})
    page = sign_in(browser, site, errors, "admin", site.env["QUEUE_ADMIN_PASSWORD"])
    page.click('[data-counter="4"]')
    expect(page.locator("[data-action=open]")).to_be_visible()
    page.keyboard.press(" ")
    expect(page.locator("#counter-status")).to_have_attribute("data-status", "open")
    site.kill()
    expect(page.locator(".conn-badge")).to_have_attribute("data-state", "offline", timeout=5000)
    page.keyboard.press(" ")  # call next while the server is down: it waits in the outbox
    site.start()
    expect(page.locator("#current-number")).to_have_text("N001", timeout=10000)
    expect(page.locator("#waiting-list li")).to_have_count(1)
    assert site.get("/api/tickets/N002")["status"] == "waiting"  # called once, not twice


def test_a_doubtful_face_is_checked_at_the_counter(browser: Browser, site: ServerProc, errors: list[str]) -> None:
    """Two kiosk tickets whose faces are near but not the same (synthetic descriptors at 0.5):
    the second is marked; staff see it when calling it and decide."""
    import numpy as np

    rng = np.random.default_rng(3)
    me = rng.normal(size=128)
    me /= np.linalg.norm(me)
    step = rng.normal(size=128)
    for_a = [float(x) for x in me]
    doubtful = [float(x) for x in me + 0.5 * step / np.linalg.norm(step)]
    site.create_staff(site.login(), "quay1", [1])
    with admin_socket(site) as ws:
        first = command(ws, {"type": "issue_ticket", "service": "A", "face": for_a})
        second = command(ws, {"type": "issue_ticket", "service": "A", "face": doubtful})
        third = command(ws, {"type": "issue_ticket", "service": "A", "face": doubtful})
        assert first["type"] == second["type"] == "ack"
        assert third["type"] == "error" and third["code"] == "duplicate_face" and third["field"] == "A002"
    page = sign_in(browser, site, errors, "quay1", "quay1-password")
    expect(page.locator("#counter-status")).to_have_attribute("data-status", "closed")
    page.keyboard.press(" ")
    expect(page.locator('#waiting-list li[data-label="A002"] .face-flag')).to_be_visible()
    expect(page.locator('#waiting-list li[data-label="A001"] .face-flag')).to_have_count(0)
    page.locator('#waiting-list li[data-label="A002"] button').click()  # call it now
    expect(page.locator("#current-number")).to_have_text("A002")
    expect(page.locator("#face-review")).to_contain_text("Có thể cùng một người với số A001")
    page.click("[data-action=face_same]")
    expect(page.locator("#face-review")).to_have_count(0)
    expect(page.locator("#current-number")).to_have_text("—")
    with admin_socket(site) as ws:
        again = command(ws, {"type": "issue_ticket", "service": "A", "face": doubtful})
        assert again["type"] == "ack", "the cancelled ticket's face is gone"


def test_a_transfer_is_confirmed_and_the_day_shows_where_it_went(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    """Issue 16, item 11: a transfer said nothing (the call's toast stayed) and the day's list
    showed the transferred number as waiting; it now says where the number went, and keeps
    saying so after the other counter has called it."""
    site.create_staff(site.login(), "quay1", [1])
    with admin_socket(site) as ws:
        for _ in range(2):
            assert command(ws, {"type": "issue_ticket", "service": "A"})["type"] == "ack"
    page = sign_in(browser, site, errors, "quay1", "quay1-password")
    expect(page.locator("#counter-status")).to_have_attribute("data-status", "closed")
    page.keyboard.press(" ")
    expect(page.locator("#counter-status")).to_have_attribute("data-status", "open")
    page.keyboard.press(" ")
    toast = page.locator("#toast")
    expect(toast).to_have_text("Đã gọi A001")
    page.keyboard.press("t")  # to internal medicine, the room of counter 4
    page.select_option("#t-service", "N")
    page.select_option("#t-counter", "4")
    page.click("dialog button[type=submit]")
    expect(page.locator("#current-number")).to_have_text("—")
    expect(toast).to_have_text("Đã chuyển số A001 sang Khám Nội, Phòng khám Nội.")
    expect(toast).to_have_attribute("data-kind", "ok")
    row = page.locator('#history-list [data-label="A001"]')
    expect(row).to_have_attribute("data-status", "transferred")
    expect(row).to_contain_text("Đã chuyển: Khám Nội, Phòng khám Nội")

    with admin_socket(site) as ws:  # counter 4 calls it: it is still a transfer here
        assert command(ws, {"type": "open_counter", "counter": 4})["type"] == "ack"
        assert command(ws, {"type": "call_next", "counter": 4})["result"]["ticket"] == "A001"
    page.keyboard.press(" ")  # and a call here refreshes the lists
    expect(page.locator("#current-number")).to_have_text("A002")
    expect(row).to_have_attribute("data-status", "transferred")
    page.click("#lang")
    expect(row).to_contain_text("Transferred: Internal medicine, Internal medicine room")
    page.keyboard.press("t")  # a transfer to any counter of a service names the service
    page.select_option("#t-service", "B")
    page.click("dialog button[type=submit]")
    expect(toast).to_have_text("Ticket A002 transferred to Fee-paying reception.")
    expect(page.locator('#history-list [data-label="A002"]')).to_contain_text("Transferred: Fee-paying reception")

"""The patient's phone page (/t/<number>, from the QR on the ticket), live: a counter calls the
ticket and the page says "go to counter N" within a second, without a reload, with a vibration
and a chime once a tap has turned the sound on; a phone whose link died while it slept catches
up when it wakes."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, expect

from ..server_harness import ServerProc
from .pages import admin_socket, command, watch

# What the page asks of the phone's vibrator and speaker, recorded (headless Chromium has neither).
RECORD = """
window.__vibrations = [];
Object.defineProperty(Navigator.prototype, "vibrate", {
  configurable: true, value(pattern) { window.__vibrations.push(pattern); return true; },
});
window.__called_at = 0;  // when the page first showed the call (epoch ms), as the page saw it
new MutationObserver(() => {
  if (!window.__called_at && document.querySelector('.status[data-status="called"]')) window.__called_at = Date.now();
}).observe(document, { subtree: true, childList: true, attributes: true });
window.__tones = 0;
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) { window.__tones += 1; return start.apply(this, args); };
"""


def open_phone(browser: Browser, site: ServerProc, label: str, errors: list[str]) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    context.add_init_script(RECORD)
    page = watch(context.new_page(), errors)
    page.goto(f"{site.http}/t/{label}")
    return context, page


def recorded(page: Page) -> tuple[list[Any], int]:
    return page.evaluate("window.__vibrations"), page.evaluate("window.__tones")


def test_the_call_reaches_the_phone_within_a_second_and_it_rings(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    with admin_socket(site) as ws:
        command(ws, {"type": "issue_ticket", "service": "N"})
        command(ws, {"type": "issue_ticket", "service": "N"})
        command(ws, {"type": "open_counter", "counter": 4})
        _, phone = open_phone(browser, site, "n002", errors)
        status = phone.locator(".status")
        expect(phone.locator(".label")).to_have_text("N002")
        expect(status).to_have_attribute("data-status", "waiting")
        expect(status.locator(".big")).to_have_text("1")
        expect(status.locator(".wait")).to_have_text(
            re.compile(r"Dự kiến gọi: khoảng \d{2}:\d[05] – \d{2}:\d[05]")  # one ahead, 8 min each: a band
        )
        unlock = phone.locator("#unlock")
        expect(unlock).to_contain_text("Chạm vào đây để bật chuông và rung khi đến lượt bạn")
        expect(unlock).to_contain_text("Tap here to turn on the chime and vibration for your call")
        unlock.tap()
        expect(phone.locator("#sound")).to_contain_text("Chuông và rung đã bật")
        vibrations, sample = recorded(phone)
        assert sample == 3, "the tap plays a quiet sample of the chime"
        phone.evaluate("window.__still_the_same_page = true")

        assert command(ws, {"type": "call_next", "counter": 4})["result"]["ticket"] == "N001"
        expect(status.locator(".big")).to_have_text("0", timeout=2000)  # another's call: my place, live
        assert recorded(phone) == (vibrations, sample), "another ticket's call does not ring"

        sent = time.time()
        assert command(ws, {"type": "finish_and_call_next", "counter": 4})["result"]["ticket"] == "N002"
        expect(status).to_have_attribute("data-status", "called")
    shown = phone.evaluate("window.__called_at") / 1000 - sent  # the same machine's clock
    print(f"the call was on the phone's screen {shown * 1000:.0f} ms after the counter sent it")
    assert 0 < shown < 1.0, shown
    expect(status.locator(".counter")).to_have_text("Phòng khám Nội")  # an exam room: its name
    expect(status).to_contain_text("Đến lượt bạn! Mời bạn đến")
    assert phone.evaluate("window.__still_the_same_page") is True, "no reload"
    vibrations, tones = recorded(phone)
    assert vibrations[-1] == [300, 150, 300, 150, 300] and tones == sample + 3
    assert "Phòng khám Nội" in phone.title()
    phone.click("#lang")
    expect(status).to_contain_text("It is your turn! Please go to")
    expect(status.locator(".counter")).to_have_text("Internal medicine room")
    phone.goto(f"{site.http}/t/Z999")
    expect(phone.locator(".status")).to_contain_text("No such number today.")


def test_a_phone_that_slept_catches_up_when_it_wakes(browser: Browser, site: ServerProc, errors: list[str]) -> None:
    with admin_socket(site) as ws:
        command(ws, {"type": "issue_ticket", "service": "N"})
        command(ws, {"type": "open_counter", "counter": 4})
        context, phone = open_phone(browser, site, "N001", errors)
        status = phone.locator(".status")
        expect(status).to_have_attribute("data-status", "waiting")
        phone.locator("#unlock").tap()
        phone.evaluate("window.__still_the_same_page = true")
        vibrations, tones = recorded(phone)

        context.set_offline(True)  # the phone sleeps: its link is gone and cannot come back
        phone.evaluate("phone.socket.ws.close()")
        expect(phone.locator("#link")).to_have_attribute("data-link", "offline")
        expect(phone.locator("#link")).to_contain_text("Mất kết nối, đang thử lại")
        command(ws, {"type": "call_next", "counter": 4})
        command(ws, {"type": "recall", "counter": 4})
        # tries fail meanwhile, each after a longer pause: the fifth failed, the next is 4-8 s away
        deadline = time.monotonic() + 15
        while phone.evaluate("phone.socket.attempt") < 5 and time.monotonic() < deadline:
            phone.wait_for_timeout(100)
        expect(status).to_have_attribute("data-status", "waiting")

        context.set_offline(False)  # it wakes: the page reconnects at once and gets the status
        expect(status).to_have_attribute("data-status", "called", timeout=3000)  # not 4-8 s: the next try
    expect(status.locator(".counter")).to_have_text("Phòng khám Nội")
    expect(status.locator(".again")).to_have_text("Đã gọi lại lần 1")
    expect(phone.locator("#link")).to_have_attribute("data-link", "online")
    assert phone.evaluate("window.__still_the_same_page") is True, "no reload"
    after = recorded(phone)
    assert after[0][len(vibrations) :] == [[300, 150, 300, 150, 300]] and after[1] == tones + 3, (
        "the call it slept through rings"
    )

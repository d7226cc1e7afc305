"""Issue 22, as the hall and the patient see it: with a counter open, a ticket taken at the kiosk
shows the band its call is expected in ("Dự kiến gọi: khoảng 09:20 – 09:45"), and so does the
phone page that follows it; the TV tells, for each service, the wait of a number taken now
("Lấy số bây giờ: chờ khoảng 20–30 phút"), which changes as counters open and goes when they
all close."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from ..server_harness import ServerProc
from .pages import admin_socket, command, watch
from .test_pages import ID_1, open_kiosk, open_page, take_ticket, tv_url

BAND_VI = re.compile(r"^Dự kiến gọi: khoảng \d{2}:\d[05] – \d{2}:\d[05]$")
BAND_EN = re.compile(r"^Expected call: about \d{2}:\d[05]-\d{2}:\d[05]$")
NOW_VI = re.compile(r"^Lấy số bây giờ: chờ khoảng \d+–\d+ phút$")
NOW_EN = re.compile(r"^Take a number now: about \d+-\d+ min wait$")
PUSHED = 10_000  # ms: the TV's wait is computed at most every 5 s


def longest(text: str) -> int:
    """The longest wait a TV's line says ("20–30 phút": 30, "khoảng 25 phút": 25)."""
    return max(int(x) for x in re.findall(r"\d+", text))


def test_the_band_on_the_kiosk_the_phone_and_the_tv(browser: Browser, site: ServerProc, errors: list[str]) -> None:
    tv = open_page(browser, tv_url(site, site.device_tokens()["tv-tang-1"]), errors)
    chip = tv.locator('.wait-chip[data-service="A"]')
    expect(chip).to_be_visible()
    expect(chip.locator(".wait-now")).to_have_count(0)  # no counter of A open: nothing said
    with admin_socket(site) as ws:
        command(ws, {"type": "open_counter", "counter": 1})
        for _ in range(5):
            command(ws, {"type": "issue_ticket", "service": "A"})
        now_vi, now_en = chip.locator(".wait-now .vi"), chip.locator(".wait-now .en")
        expect(now_vi).to_have_text(NOW_VI, timeout=PUSHED)
        expect(now_en).to_have_text(NOW_EN)

        kiosk = open_kiosk(browser, site, errors)
        label = take_ticket(kiosk, "A", ID_1)
        wait = kiosk.locator(".ticket-wait")
        expect(wait).to_have_text(BAND_VI)
        kiosk.click("#lang")
        expect(wait).to_have_text(BAND_EN)

        context = browser.new_context(viewport={"width": 390, "height": 844}, timezone_id="Asia/Ho_Chi_Minh")
        phone = watch(context.new_page(), errors)
        phone.goto(f"{site.http}/t/{label}")
        expect(phone.locator(".status .wait")).to_have_text(BAND_VI)

        one_counter = now_vi.inner_text()
        command(ws, {"type": "open_counter", "counter": 2})
        command(ws, {"type": "open_counter", "counter": 3})
        expect(now_vi).not_to_have_text(one_counter, timeout=PUSHED)  # three counters: a shorter wait
        three = now_vi.inner_text()
        assert longest(three) < longest(one_counter), (one_counter, three)
        for n in (1, 2, 3):
            command(ws, {"type": "close_counter", "counter": n})
        expect(chip.locator(".wait-now")).to_have_count(0, timeout=PUSHED)  # none open: nothing said
        context.close()

"""The patient's phone page as a patient reads it: the times it says are the hospital's (whatever
the phone's own time zone), never already past (a page left open without news, a call expected
now), a screen reader hears the call once rather than the whole page at every move of the queue,
a link opened again on another day follows no other patient's number, and the page fits a 320 px
phone with its text made larger."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from playwright.sync_api import Browser, Page, expect

from ..server_harness import ServerProc
from .pages import admin_socket, command, watch
from .test_pages import ID_1, open_kiosk, take_ticket

UNIT = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")  # the demo unit's time zone
TIME = re.compile(r"\d{2}:\d{2}")


def phone(browser: Browser, site: ServerProc, label: str, errors: list[str], **context: object) -> Page:
    ctx = browser.new_context(**{"viewport": {"width": 390, "height": 844}, **context})  # type: ignore[arg-type]
    page = watch(ctx.new_page(), errors)
    page.goto(f"{site.http}/t/{label}")
    return page


def minutes_after(shown: str, page: Page) -> int:
    """How many minutes the time `shown` ("HH:MM", the unit's) is after the page's own clock
    (negative: before it), across midnight too."""
    now = dt.datetime.fromtimestamp(page.evaluate("Date.now()") / 1000, UNIT)
    hour, minute = (int(x) for x in shown.split(":"))
    diff = (hour * 60 + minute) - (now.hour * 60 + now.minute)
    return (diff + 720) % 1440 - 720


def test_the_phone_says_the_hospitals_times_whatever_its_own_time_zone(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    with admin_socket(site) as ws:
        command(ws, {"type": "open_counter", "counter": 1})
        for _ in range(5):  # a queue: the band is well ahead, the same read at any second
            command(ws, {"type": "issue_ticket", "service": "A"})
        kiosk = open_kiosk(browser, site, errors)
        label = take_ticket(kiosk, "A", ID_1)
        on_kiosk = kiosk.locator(".ticket-wait").inner_text()
        assert on_kiosk.startswith("Dự kiến gọi: khoảng "), on_kiosk
        abroad = phone(browser, site, label, errors, timezone_id="America/New_York")  # a visitor's phone
        expect(abroad.locator(".status .wait")).to_have_text(on_kiosk)
        expect(abroad.locator("#link")).to_have_text(re.compile(r"Tự động cập nhật · \d{2}:\d{2}"))
        updated = TIME.findall(abroad.locator("#link").inner_text())[0]
        assert abs(minutes_after(updated, abroad)) <= 1, updated  # the hospital's clock, not New York's


def test_an_expected_call_is_never_a_time_already_past(browser: Browser, site: ServerProc, errors: list[str]) -> None:
    with admin_socket(site) as ws:
        command(ws, {"type": "open_counter", "counter": 4})
        label = command(ws, {"type": "issue_ticket", "service": "N"})["result"]["ticket"]
        context = browser.new_context(viewport={"width": 390, "height": 844}, timezone_id="Asia/Ho_Chi_Minh")
        page = watch(context.new_page(), errors)
        page.clock.install()  # the page's timers and Date, moved on below; the server's clock is real
        page.goto(f"{site.http}/t/{label}")
        wait = page.locator(".status .wait")
        expect(wait).to_have_text(re.compile(r"^Dự kiến gọi: khoảng \d{2}:\d{2}$"))  # nobody ahead: now
        assert minutes_after(TIME.findall(wait.inner_text())[0], page) >= 0, wait.inner_text()
        page.clock.fast_forward("40:00")  # the page left open, the doctor away: no news for 40 minutes
        page.wait_for_timeout(500)
        shown = TIME.findall(wait.inner_text())
        # one time: not before now; a band: it holds now (it may start in the current 5 minutes)
        assert shown and minutes_after(shown[-1], page) >= 0, (wait.inner_text(), page.evaluate("Date()"))
        assert len(shown) == 1 or minutes_after(shown[0], page) > -5, (wait.inner_text(), page.evaluate("Date()"))
        context.close()


def test_a_screen_reader_hears_the_call_not_every_move_of_the_queue(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    with admin_socket(site) as ws:
        command(ws, {"type": "open_counter", "counter": 4})
        for _ in range(3):
            command(ws, {"type": "issue_ticket", "service": "N"})
        page = phone(browser, site, "N003", errors)
        expect(page.locator(".status .big")).to_have_text("2")
        say = page.locator("#say")
        assert page.locator("[aria-live]").evaluate_all("els => els.map(e => e.id)") == ["say"]
        command(ws, {"type": "call_next", "counter": 4})
        expect(page.locator(".status .big")).to_have_text("1")
        expect(say).to_have_text("")  # the place moved: the page shows it, nobody is interrupted
        command(ws, {"type": "finish_and_call_next", "counter": 4})
        command(ws, {"type": "finish_and_call_next", "counter": 4})
        expect(say).to_have_text("Đến lượt bạn! Mời bạn đến Phòng khám Nội, Tầng 1, phòng 104.")
        expect(say).to_have_attribute("aria-live", "assertive")
        command(ws, {"type": "recall", "counter": 4})
        expect(say).to_have_text("Đến lượt bạn! Mời bạn đến Phòng khám Nội, Tầng 1, phòng 104. Đã gọi lại lần 1.")
        expect(page.locator("#unlock")).to_be_visible()
        command(ws, {"type": "finish_service", "counter": 4})
        expect(say).to_have_text("Đã phục vụ xong. Cảm ơn bạn!")
        expect(page.locator("#sound")).to_be_empty()  # never called again: no chime to turn on


def test_a_link_opened_on_another_day_follows_no_other_patients_number(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    """The kiosk's link says its ticket's day (/t/N001?d=...): yesterday's N001, its tab reloaded
    this morning, is not today's N001, another patient's, called now."""
    with admin_socket(site) as ws:
        command(ws, {"type": "open_counter", "counter": 4})
        assert command(ws, {"type": "issue_ticket", "service": "N"})["result"]["ticket"] == "N001"
        command(ws, {"type": "call_next", "counter": 4})
    today = site.get("/api/state")["view"]["day"]
    yesterday = (dt.date.fromisoformat(today) - dt.timedelta(days=1)).isoformat()
    old = phone(browser, site, f"N001?d={yesterday}", errors)
    expect(old.locator("p.status")).to_have_text("Không tìm thấy số này hôm nay.")
    expect(old.locator('[data-status="called"]')).to_have_count(0)
    expect(old.locator("#sound")).to_be_empty()  # a number it does not follow: no chime offered
    assert "Đến lượt bạn" not in old.title()
    todays = phone(browser, site, f"N001?d={today}", errors)
    expect(todays.locator('.status[data-status="called"]')).to_contain_text("Đến lượt bạn!")


def test_a_phone_that_cannot_vibrate_is_not_told_it_will(browser: Browser, site: ServerProc, errors: list[str]) -> None:
    """iPhones have no vibration for web pages (no navigator.vibrate): after the tap the page says
    the chime is on, not 'Chuông và rung đã bật'."""
    with admin_socket(site) as ws:
        command(ws, {"type": "open_counter", "counter": 4})
        label = command(ws, {"type": "issue_ticket", "service": "N"})["result"]["ticket"]
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    context.add_init_script("delete Navigator.prototype.vibrate;")
    page = watch(context.new_page(), errors)
    page.goto(f"{site.http}/t/{label}")
    page.locator("#unlock").tap()
    expect(page.locator("#sound")).to_have_text(
        "Chuông đã bật (điện thoại này không rung được). Hãy để trang này mở: khi màn hình tắt, điện thoại có thể không kêu."
    )
    context.close()


# The WCAG contrast ratio of an element's text with what is behind it, its ancestors' opacity
# blended in (opacity fades the text towards the background).
CONTRAST = """el => {
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  let bg = [255, 255, 255];
  for (let e = el; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length < 4 || c[3] > 0) { bg = c.slice(0, 3); break; }
  }
  let opacity = 1;
  for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
  const fg = rgb(getComputedStyle(el).color).slice(0, 3).map((v, i) => v * opacity + bg[i] * (1 - opacity));
  const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
}"""


def test_a_cancelled_step_still_reads(browser: Browser, site: ServerProc, errors: list[str]) -> None:
    """A step the doctor cancelled stays in the visit's list, struck through, and readable
    (4.5:1, WCAG AA for its small text)."""
    with admin_socket(site) as ws:
        for c in (1, 9, 10):
            command(ws, {"type": "open_counter", "counter": c})
        label = command(ws, {"type": "issue_ticket", "service": "A"})["result"]["ticket"]
        command(ws, {"type": "call_next", "counter": 1})
        command(ws, {"type": "send_on", "counter": 1, "steps": [{"service": "X"}, {"service": "H"}]})
        page = phone(browser, site, label, errors)
        lab = page.locator(".step").filter(has_text="Phòng Xét nghiệm")
        expect(lab).to_have_attribute("data-state", "queue")
        step = int(lab.get_attribute("data-step") or "")
        ack = command(ws, {"type": "cancel_step", "label": label, "step": step})
        assert ack["type"] == "ack", ack
        lab = page.locator(f'.step[data-step="{step}"]')
        expect(lab).to_have_attribute("data-state", "cancelled")
        for part in (".place-name", ".state"):
            ratio = lab.locator(part).evaluate(CONTRAST)
            assert ratio >= 4.5, f"{part}: {ratio:.2f}:1"


def test_the_page_fits_a_small_phone_with_larger_text(browser: Browser, site: ServerProc, errors: list[str]) -> None:
    with admin_socket(site) as ws:
        command(ws, {"type": "open_counter", "counter": 5})
        label = command(ws, {"type": "issue_ticket", "service": "NG"})["result"]["ticket"]  # the widest: NG001
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = watch(context.new_page(), errors)
    cdp = context.new_cdp_session(page)
    cdp.send("Page.enable")
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 24}})  # the phone's text made 1.5 times larger
    page.goto(f"{site.http}/t/{label}")
    expect(page.locator(".label")).to_have_text(label)
    expect(page.locator(".status .wait")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "27px"  # the patient's size kept
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # nothing to scroll sideways
    box = page.locator(".label").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, box
    label_width = page.locator(".label").evaluate("e => e.scrollWidth <= e.clientWidth")
    assert label_width, "the number overflows its box"
    context.close()

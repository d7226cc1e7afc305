"""The acceptance test of issue 20: a whole visit on the demo configuration, in headless Chromium
against a real server, every step taken on the pages staff and patients use.

A patient takes a number for reception at the kiosk and follows it on the phone from the
kiosk's QR code; reception sends them on to the internal medicine room (4), whose door screen
shows them; the doctor sends them to the lab and imaging at once with a return; imaging's "call
next" does not get them while they are at the lab (it gets the next patient, and the patient
keeps their place); back at room 4 the door shows them as a returning patient with the results
they bring, and the doctor sees the reason (and, while the patient was away, where they were);
then the cashier and the pharmacy. The phone shows each change within a second of the click
that made it, and rings at each of the seven calls; each floor's TV shows that floor's calls and
no other.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from ..server_harness import ServerProc
from .pages import admin_socket, command, screen_qr, watch
from .test_counter_journey import open_counter, staff
from .test_pages import open_kiosk, take_ticket, tv_url
from .test_phone import RECORD, recorded
from .test_phone_visit import CALL, SIGNATURES

pytestmark = pytest.mark.browser

PATIENT_ID = "001099012345"  # synthetic
DOCTOR = "Phạm Văn Đức"  # fictional, as every name here
REASON = "Xem kết quả xét nghiệm máu và X-quang"
ZONES = ("tang-1", "tang-2")
STAFF = {  # counter: (username, full name)
    1: ("tiepdon", "Hoàng Thị Lan"),
    4: ("bsnoi", DOCTOR),
    9: ("xetnghiem", "Trần Văn Kiên"),
    10: ("cdha", "Lê Thị Hoa"),
    11: ("thungan", "Đỗ Minh Tuấn"),
    12: ("nhathuoc", "Vũ Thị Mai"),
}

# Each call a TV makes (the large panel's number and where to go, in Vietnamese), recorded in the
# page as it shows it, one entry per call (the flow's call, even when it repeats the last one).
TV_CALLS = """
window.__calls = [];
new MutationObserver(() => {
  const call = window.tv && window.tv.state && window.tv.state.nowCalling;
  const label = document.querySelector("#now-label");
  const where = document.querySelector("#now-calling .now-counter");
  if (!call || !label || !where || label.textContent !== call.label) return;
  const last = window.__calls[window.__calls.length - 1];
  if (!last || last.until !== call.until) window.__calls.push({ until: call.until, text: `${label.textContent} ${where.textContent}` });
}).observe(document, { subtree: true, childList: true, characterData: true });
"""

# The number the door screen shows as being seen, with when it first showed it (epoch ms).
DOOR_NUMBER = """
window.__shown = [];
new MutationObserver(() => {
  const sig = document.querySelector("#current-number")?.textContent || "";
  const last = window.__shown[window.__shown.length - 1];
  if (!last || last.sig !== sig) window.__shown.push({ sig, at: Date.now() });
}).observe(document, { subtree: true, childList: true, characterData: true });
"""

timings: dict[str, list[tuple[str, float]]] = {"phone": [], "door": []}  # how long each change took to show (s)


def watched(browser: Browser, url: str, script: str, errors: list[str], width: int, height: int) -> Page:
    """A page that runs ``script`` (what it shows, recorded) before its own, opened at ``url``."""
    page = watch(browser.new_page(viewport={"width": width, "height": height}), errors)
    page.add_init_script(script)
    page.goto(url)
    expect(page.locator(".conn-badge")).to_have_attribute("data-state", "online")
    return page


def shown_after(page: Page, what: str, sig: str, started: float) -> float:
    """Wait until the page has shown ``sig`` (recorded in ``window.__shown``) since ``started``
    (epoch s) and return how long after ``started`` it first did."""
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        at = [r["at"] for r in page.evaluate("window.__shown") if r["sig"] == sig and r["at"] / 1000 >= started]
        if at:
            return float(at[0]) / 1000 - started
        page.wait_for_timeout(20)
    raise AssertionError(f"{what}: {page.url} never showed {sig!r}: {page.evaluate('window.__shown')[-3:]}")


def shows(phone: Page, what: str, sig: str, act: Callable[[], None], door: Page | None = None) -> None:
    """Do ``act`` (a click or key on a staff page) and wait until the phone shows ``sig`` (its
    status, then each step's state) and, given a ``door``, the door screen shows the phone's
    number as being seen; each must within a second (the same machine's clock)."""
    started = time.time()
    act()
    timings["phone"].append((what, shown_after(phone, what, sig, started)))
    if door is not None:
        label = phone.locator(".label").inner_text()
        timings["door"].append((what, shown_after(door, what, label, started)))


def send_to(page: Page, services: list[str], reason: str = "") -> Callable[[], None]:
    """Fill the "Gửi tới…" dialog (the services ticked; come back here with ``reason`` when
    given) and return its submit, for the caller to time."""
    page.click("[data-action=send_on]")
    for code in services:
        page.check(f"#send-{code}")
    if reason:
        page.check("#send-back")
        page.fill("#send-reason", reason)
    return lambda: page.click("dialog button[type=submit]")


def press(page: Page, key: str) -> Callable[[], None]:
    return lambda: page.keyboard.press(key)


def test_a_whole_visit_from_the_kiosk_to_the_pharmacy(browser: Browser, site: ServerProc, errors: list[str]) -> None:
    for counter, (username, name) in STAFF.items():
        staff(site, username, counter, name)
    tokens = site.device_tokens()
    tvs = {zone: watched(browser, tv_url(site, tokens[f"tv-{zone}"]), TV_CALLS, errors, 1280, 720) for zone in ZONES}
    door_url = f"{site.http}/door/#token={tokens['door-4']}"
    door = watched(browser, door_url, DOOR_NUMBER, errors, 768, 1024)  # a portrait tablet
    pages = {counter: open_counter(browser, site, errors, username) for counter, (username, _) in STAFF.items()}
    reception, room, lab, imaging, cashier, pharmacy = (pages[c] for c in (1, 4, 9, 10, 11, 12))
    expect(door.locator("#doctor")).to_contain_text(DOCTOR)

    # the kiosk: a number for reception, and the phone opens the link of its QR code
    kiosk = open_kiosk(browser, site, errors)
    label = take_ticket(kiosk, "A", PATIENT_ID)
    link = screen_qr(kiosk)
    assert link == f"{site.http}/t/{label}?d={site.get('/api/state')['view']['day']}"
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    context.add_init_script(RECORD)
    context.add_init_script(SIGNATURES)
    phone = watch(context.new_page(), errors)
    phone.goto(link)
    status = phone.locator("main .status")
    expect(status).to_have_attribute("data-status", "waiting")
    phone.locator("#unlock").tap()
    expect(phone.locator("#sound")).to_contain_text("Chuông và rung đã bật")
    rang = len(recorded(phone)[0])  # turning the sound on tries it once
    phone.evaluate("window.__still_the_same_page = true")
    expect(reception.locator(f'#waiting-list [data-label="{label}"]')).to_be_visible()

    # reception calls the patient and sends them on to the internal medicine room
    shows(phone, "called at reception", "called", press(reception, " "))
    expect(reception.locator("#current-number")).to_have_text(label)
    expect(status.locator(".counter")).to_have_text("Quầy 1")
    shows(phone, "sent to room 4", "waiting done queue", send_to(reception, ["N"]))
    expect(reception.locator("#current-number")).to_have_text("—")
    expect(phone.locator("main .status .place .place-name")).to_have_text("Phòng khám Nội")
    expect(door.locator(f'#next [data-label="{label}"]')).to_be_visible()

    # room 4 calls: its door shows the number, the phone says where the room is
    shows(phone, "called at room 4", "called done here", press(room, " "), door)
    expect(room.locator("#current-number")).to_have_text(label)
    expect(status.locator(".location")).to_have_text("Tầng 1, phòng 104")
    expect(door.locator("#next li")).to_have_count(0)

    # the doctor sends them to the lab and imaging at once, and back here after
    shows(phone, "sent to lab and imaging", "waiting done done queue queue later", send_to(room, ["X", "H"], REASON))
    expect(room.locator("#toast")).to_contain_text("người bệnh sẽ quay lại phòng này")
    expect(door.locator("#current-number")).to_have_text("—")
    expect(door.locator(f'#next [data-label="{label}"]')).to_have_count(0)  # not before the results
    for page in (lab, imaging):
        expect(page.locator(f'#waiting-list [data-label="{label}"]')).to_be_visible()
    with admin_socket(site) as ws:  # another patient sent to imaging from elsewhere, after ours
        other = command(ws, {"type": "issue_ticket", "service": "H"})["result"]["ticket"]
    expect(imaging.locator("#waiting-list li")).to_have_count(2)

    # the lab calls the patient: imaging keeps their place, and its "call next" takes the other one
    shows(phone, "called at the lab", "called done done here held later", press(lab, " "))
    expect(lab.locator("#current-number")).to_have_text(label)
    expect(imaging.locator(f'#waiting-list [data-label="{label}"]')).to_have_count(0)
    expect(imaging.locator(f'#elsewhere-list [data-label="{label}"]')).to_contain_text("Đang ở Phòng Xét nghiệm")
    away = room.locator(f'#elsewhere-list [data-label="{label}"]')  # the doctor sees where they are now
    expect(away).to_contain_text("Sẽ quay lại · Đang ở Phòng Xét nghiệm — Tầng 2, phòng 201")
    expect(away).to_contain_text(REASON)
    imaging.keyboard.press(" ")
    expect(imaging.locator("#current-number")).to_have_text(other)
    assert site.get(f"/api/tickets/{label}")["counter"] == 9, "called at the lab only"
    expect(status).to_have_attribute("data-status", "called")
    expect(status.locator(".counter-name")).to_have_text("Phòng Xét nghiệm")
    imaging.keyboard.press("f")
    expect(imaging.locator("#current-number")).to_have_text("—")

    shows(phone, "lab done", "waiting done done done queue later", press(lab, "f"))
    expect(imaging.locator(f'#waiting-list [data-label="{label}"]')).to_be_visible()
    shows(phone, "called at imaging", "called done done done here later", press(imaging, " "))
    expect(imaging.locator("#current-number")).to_have_text(label)
    shows(phone, "imaging done: back to room 4", "waiting done done done done queue", press(imaging, "f"))
    expect(phone.locator("main .status .place .returning")).to_have_text("Quay lại khám")

    # the door shows the returning patient with the results they bring; the doctor, the reason
    back = door.locator(f'#next li[data-label="{label}"]')
    expect(back.locator(".returning")).to_have_text("Quay lại / Returning")
    expect(back.locator(".return-reason")).to_have_text(
        "Có kết quả: Xét nghiệm, Chẩn đoán hình ảnh / Results: Laboratory, Imaging"
    )
    expect(room.locator(f'#waiting-list [data-label="{label}"]')).to_contain_text("↩ Quay lại")
    shows(phone, "called back to room 4", "called done done done done here", press(room, " "), door)
    expect(door.locator("#current .returning")).to_contain_text("Quay lại")
    expect(door.locator("#current .return-reason")).to_contain_text("Xét nghiệm, Chẩn đoán hình ảnh")
    expect(room.locator("#returning-line")).to_have_text(f"Quay lại: {REASON}")
    assert REASON not in door.locator("body").inner_text(), "the doctor's words stay with staff"

    # the cashier, then the pharmacy
    shows(phone, "sent to the cashier", "waiting done done done done done queue", send_to(room, ["TN"]))
    expect(door.locator("#current-number")).to_have_text("—")
    expect(phone.locator("main .status .place .place-name")).to_have_text("Quầy Thu ngân")
    shows(phone, "called at the cashier", "called done done done done done here", press(cashier, " "))
    expect(cashier.locator("#current-number")).to_have_text(label)  # (the page's keys act on what it shows)
    shows(phone, "sent to the pharmacy", "waiting done done done done done done queue", send_to(cashier, ["TH"]))
    expect(phone.locator("main .status .place .location")).to_have_text("Tầng 2, cạnh cầu thang")
    shows(phone, "called at the pharmacy", "called done done done done done done here", press(pharmacy, " "))
    expect(pharmacy.locator("#current-number")).to_have_text(label)
    shows(phone, "visit over", "done done done done done done done done", press(pharmacy, "f"))
    assert site.get(f"/api/tickets/{label}")["status"] == "done"

    # the phone: one page all along, a ring at each of the seven calls, never the doctor's words
    vibrations, _ = recorded(phone)
    assert vibrations[rang:] == [CALL] * 7, vibrations
    assert phone.evaluate("window.__still_the_same_page") is True, "no reload"
    assert REASON not in phone.content()

    # each floor's TV: that floor's calls, and no other
    ground = [f"{label} đến Quầy 1 - Tiếp nhận", f"{label} vào Phòng khám Nội · Tầng 1, phòng 104"]
    first = [f"{label} đến Phòng Xét nghiệm", f"{other} đến Phòng Chẩn đoán hình ảnh"]
    first += [f"{label} đến {name}" for name in ("Phòng Chẩn đoán hình ảnh", "Quầy Thu ngân", "Nhà thuốc")]
    calls = {zone: [c["text"] for c in tv.evaluate("window.__calls")] for zone, tv in tvs.items()}
    assert calls == {"tang-1": [*ground, ground[1]], "tang-2": first}, calls

    for who, times in timings.items():
        for what, took in times:
            print(f"{who}: {what} shown {took * 1000:.0f} ms after the click")
    slow = [(who, what, took) for who, times in timings.items() for what, took in times if took >= 1.0]
    assert not slow, slow

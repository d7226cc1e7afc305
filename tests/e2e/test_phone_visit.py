"""The patient's phone page follows a whole visit (issue 20): reception → the exam room → the
lab and imaging at once → back to the same room. Each change (a call at any step, steps added,
a step ended) shows on the page within a second, without a reload; the page says where to go
(the room's name and where it is: "Tầng 2, phòng 201"), people ahead and the wait in each queue
it waits in, what comes after, ticks what is done, rings at each call, and never shows the
doctor's reason for the return."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import Browser, Page, expect
from websockets.sync.client import ClientConnection

from ..server_harness import ServerProc
from .pages import admin_socket, command
from .test_phone import open_phone, recorded

REASON = "Xem kết quả xét nghiệm máu và X-quang"
CALL = [300, 150, 300, 150, 300]
shown: list[tuple[str, float]] = []  # a test's changes and how long the page took to show each (s)


# Each state the page shows (the status and each step's), with when it first showed it (epoch
# ms), recorded in the page as it renders (the page's policy forbids evaluated strings).
SIGNATURES = """
window.__shown = [];
new MutationObserver(() => {
  const status = document.querySelector("main .status");
  if (!status) return;
  const steps = [...document.querySelectorAll(".steps .step")].map((e) => e.dataset.state);
  const sig = [status.dataset.status, ...steps].join(" ");
  const last = window.__shown[window.__shown.length - 1];
  if (!last || last.sig !== sig) window.__shown.push({ sig, at: Date.now() });
}).observe(document, { subtree: true, childList: true, attributes: true });
"""


def changed(phone: Page, ws: ClientConnection, what: str, body: dict[str, Any], sig: str) -> None:
    """Send ``body`` and wait until the page shows ``sig`` (the status, then each step's state):
    it must within a second of sending the command (the same machine's clock)."""
    sent = time.time()
    ack = command(ws, body)
    assert ack["type"] == "ack", ack
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        at = [r["at"] for r in phone.evaluate("window.__shown") if r["sig"] == sig and r["at"] / 1000 >= sent]
        if at:
            shown.append((what, at[0] / 1000 - sent))
            return
        phone.wait_for_timeout(20)
    raise AssertionError(f"{what}: the page never showed {sig!r}: {phone.evaluate('window.__shown')[-3:]}")


def test_the_phone_follows_a_visit_through_reception_the_room_the_tests_and_back(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    shown.clear()
    with admin_socket(site) as ws:
        for c in (1, 4, 9, 10):
            command(ws, {"type": "open_counter", "counter": c})
        command(ws, {"type": "issue_ticket", "service": "X"})  # someone at the lab before the patient
        label = command(ws, {"type": "issue_ticket", "service": "A"})["result"]["ticket"]
        _, phone = open_phone(browser, site, label, errors)
        phone.add_init_script(SIGNATURES)
        phone.reload()
        status = phone.locator("main .status")
        expect(status).to_have_attribute("data-status", "waiting")
        expect(phone.locator(".steps")).to_have_count(0)  # one queue so far: the page of old
        expect(phone.locator("#unlock")).to_contain_text("Bật âm thanh / Turn on sound")
        phone.locator("#unlock").tap()
        expect(phone.locator("#sound")).to_contain_text("Chuông và rung đã bật")
        phone.evaluate("window.__still_the_same_page = true")

        # reception calls the patient, then sends them on to the internal medicine room (4)
        changed(phone, ws, "called at reception", {"type": "call_next", "counter": 1}, "called")
        expect(status.locator(".counter")).to_have_text("Quầy 1")
        changed(
            phone,
            ws,
            "sent to the room",
            {"type": "send_on", "counter": 1, "steps": [{"service": "N", "counter": 4}]},
            "waiting done queue",
        )
        place = status.locator(".place")
        expect(place.locator(".place-name")).to_have_text("Phòng khám Nội")
        expect(place.locator(".location")).to_have_text("Tầng 1, phòng 104")
        expect(place.locator(".ahead")).to_contain_text("Không có ai chờ trước bạn")
        expect(phone.locator(".step").first).to_contain_text("Đã xong")

        # the room calls: where it is, and the phone rings
        changed(phone, ws, "called at the room", {"type": "call_next", "counter": 4}, "called done here")
        expect(status.locator(".counter")).to_have_text("Phòng khám Nội")
        expect(status.locator(".location")).to_have_text("Tầng 1, phòng 104")
        rings = len(recorded(phone)[0])

        # the doctor sends the patient to the lab and imaging at once, and back here after
        send = {"type": "send_on", "counter": 4, "steps": [{"service": "X"}, {"service": "H"}], "come_back": True}
        changed(
            phone, ws, "sent to the lab and imaging", {**send, "reason": REASON}, "waiting done done queue queue later"
        )
        expect(status).to_contain_text("Bạn đang chờ ở 2 nơi cùng lúc")
        expect(place).to_have_count(2)
        expect(place.nth(0).locator(".place-name")).to_have_text("Phòng Xét nghiệm")
        expect(place.nth(0).locator(".location")).to_have_text("Tầng 2, phòng 201")
        expect(place.nth(0).locator(".ahead")).to_contain_text("1 người chờ trước bạn")
        expect(place.nth(1).locator(".place-name")).to_have_text("Phòng Chẩn đoán hình ảnh")
        expect(place.nth(1).locator(".location")).to_have_text("Tầng 2, phòng 202")
        expect(place.nth(1).locator(".ahead")).to_contain_text("Không có ai chờ trước bạn")
        back = phone.locator(".step").nth(4)
        expect(back).to_contain_text("Phòng khám Nội")
        expect(back).to_contain_text("Quay lại khám")
        expect(back).to_contain_text("Sau khi xong Phòng Xét nghiệm, Phòng Chẩn đoán hình ảnh")

        # imaging calls first; the lab keeps the patient's place meanwhile
        changed(
            phone, ws, "called at imaging", {"type": "call_next", "counter": 10}, "called done done held here later"
        )
        expect(status.locator(".counter-name")).to_have_text("Phòng Chẩn đoán hình ảnh")
        expect(status.locator(".location")).to_have_text("Tầng 2, phòng 202")
        expect(phone.locator(".step").nth(2)).to_contain_text("Vẫn giữ chỗ cho bạn trong hàng chờ")
        changed(
            phone, ws, "imaging done", {"type": "finish_service", "counter": 10}, "waiting done done queue done later"
        )
        expect(place).to_have_count(1)
        expect(place.locator(".place-name")).to_have_text("Phòng Xét nghiệm")

        # the lab: the one before the patient, then the patient
        command(ws, {"type": "call_next", "counter": 9})
        changed(
            phone,
            ws,
            "called at the lab",
            {"type": "finish_and_call_next", "counter": 9},
            "called done done here done later",
        )
        expect(status.locator(".location")).to_have_text("Tầng 2, phòng 201")
        changed(
            phone,
            ws,
            "lab done: back to the room",
            {"type": "finish_service", "counter": 9},
            "waiting done done done done queue",
        )
        expect(place.locator(".place-name")).to_have_text("Phòng khám Nội")
        expect(place.locator(".returning")).to_have_text("Quay lại khám")
        expect(place.locator(".location")).to_have_text("Tầng 1, phòng 104")

        # back in the room with the results
        changed(
            phone, ws, "called back to the room", {"type": "call_next", "counter": 4}, "called done done done done here"
        )
        expect(status.locator(".counter")).to_have_text("Phòng khám Nội")
        expect(status.locator(".returning")).to_have_text("Quay lại khám")
        changed(
            phone,
            ws,
            "visit over",
            {"type": "finish_service", "counter": 4},
            "done done done done done done",
        )
    vibrations, tones = recorded(phone)
    assert vibrations[rings - 1 :] == [CALL] * 4, "it rang at the room, imaging, the lab and the return"
    assert tones == 3 + 5 * 3, "the sample when sound was turned on, then three tones at each of the five calls"
    assert phone.evaluate("window.__still_the_same_page") is True, "no reload"
    assert REASON not in phone.content(), "the doctor's words stay with the staff"
    phone.click("#lang")
    expect(phone.locator(".visit h2")).to_have_text("Your visit")
    expect(phone.locator(".step").first).to_contain_text("Done")
    for what, took in shown:
        print(f"{what}: on the phone {took * 1000:.0f} ms after the command was sent")
    assert all(took < 1.0 for _, took in shown), shown


def test_the_phone_says_it_waits_for_results_until_the_his_sends_them(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    """A test the HIS ordered is served; the return to the room waits for its result: the page
    says "Chờ kết quả…" until the result comes, then where to go back."""
    shown.clear()
    with admin_socket(site) as ws:
        for c in (4, 9):
            command(ws, {"type": "open_counter", "counter": c})
        label = command(ws, {"type": "issue_ticket", "service": "N"})["result"]["ticket"]
        day = site.get(f"/api/tickets/{label}")["day"]
        key = f"site1-{day.replace('-', '')}-1"  # the first ticket of a new server
        _, phone = open_phone(browser, site, label, errors)
        phone.add_init_script(SIGNATURES)
        phone.reload()
        expect(phone.locator("main .status")).to_have_attribute("data-status", "waiting")
        changed(phone, ws, "called at the room", {"type": "call_next", "counter": 4}, "called")
        order = {"type": "order_step", "key": key, "order": "XN-0001", "service": "X", "come_back": True}
        changed(phone, ws, "the HIS orders a test", {**order, "reason": REASON}, "waiting done queue later")
        command(ws, {"type": "call_next", "counter": 9})
        changed(phone, ws, "the test done", {"type": "finish_service", "counter": 9}, "results done results later")
        where = phone.locator("main .status")
        expect(where.locator(".big")).to_have_text("Chờ kết quả…")
        expect(where).to_contain_text("Bạn sẽ được gọi lại khi có kết quả.")
        expect(phone.locator(".step").nth(1)).to_contain_text("Chờ kết quả…")
        result = {"type": "order_result", "key": key, "order": "XN-0001", "outcome": "done"}
        changed(phone, ws, "the result in", result, "waiting done done queue")
        expect(where.locator(".place-name")).to_have_text("Phòng khám Nội")
    assert REASON not in phone.content()
    for what, took in shown:
        print(f"{what}: on the phone {took * 1000:.0f} ms after the command was sent")
    assert all(took < 1.0 for _, took in shown), shown

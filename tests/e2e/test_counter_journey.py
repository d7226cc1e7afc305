"""A visit of several steps on the counter and room pages (issue 20), in headless Chromium against
a real server with the demo configuration: the internal medicine room (4) sends a patient to the
lab (9) and imaging (10) with a return; the lab sees them, imaging keeps their place while they
are at the lab; the return is called at room 4 with the doctor's reason; a step's result marked
in and a step cancelled from the room's day list."""

from __future__ import annotations

import json

from playwright.sync_api import Browser, Page, expect
from websockets.sync.client import connect

from ..server_harness import ServerProc
from .pages import admin_socket, command, watch

pytestmark = __import__("pytest").mark.browser

DOCTOR = "Nguyễn Thị Minh"  # fictional


def staff(site: ServerProc, username: str, counter: int, full_name: str) -> None:
    body = {
        "username": username,
        "full_name": full_name,
        "role": "counter",
        "counters": [counter],
        "password": f"{username}-password",
    }
    status, answer = site.post("/api/staff", body, site.login())
    assert status == 201, answer


def open_counter(browser: Browser, site: ServerProc, errors: list[str], username: str) -> Page:
    """Sign in (one counter assigned: no choice) and open the counter."""
    page = watch(browser.new_page(viewport={"width": 1280, "height": 800}), errors)
    page.goto(f"{site.http}/counter/")
    page.fill("#username", username)
    page.fill("#password", f"{username}-password")
    page.click("button[type=submit]")
    expect(page.locator("[data-action=open]")).to_be_visible()
    page.keyboard.press(" ")
    expect(page.locator("#counter-status")).to_have_attribute("data-status", "open")
    return page


def send_on(page: Page, services: list[str], reason: str) -> None:
    """The room's "Gửi tới…" dialog: the services ticked, come back here with the reason."""
    page.click("[data-action=send_on]")
    for code in services:
        page.check(f"#send-{code}")
    if reason:
        page.check("#send-back")
        page.fill("#send-reason", reason)
    page.click("dialog button[type=submit]")


def scene(browser: Browser, site: ServerProc, errors: list[str]) -> tuple[Page, Page, Page]:
    """Room 4 (a doctor), the lab and imaging open; N001 waits for room 4."""
    staff(site, "bsnoi", 4, DOCTOR)
    staff(site, "xetnghiem", 9, "Trần Văn Kiên")
    staff(site, "cdha", 10, "Lê Thị Hoa")
    with admin_socket(site) as ws:
        assert command(ws, {"type": "issue_ticket", "service": "N"})["type"] == "ack"
    room = open_counter(browser, site, errors, "bsnoi")
    lab = open_counter(browser, site, errors, "xetnghiem")
    imaging = open_counter(browser, site, errors, "cdha")
    return room, lab, imaging


def test_sent_to_lab_and_imaging_and_back_to_the_room(browser: Browser, site: ServerProc, errors: list[str]) -> None:
    room, lab, imaging = scene(browser, site, errors)
    # a room's header names where it is and the doctor signed in; a counter's does not
    expect(room.locator("#room-line")).to_have_text(f"Tầng 1, phòng 104 · Bác sĩ: {DOCTOR}")
    expect(lab.locator("#room-line")).to_have_text("")

    room.keyboard.press(" ")
    expect(room.locator("#current-number")).to_have_text("N001")
    send_on(room, ["X", "H"], "Xem kết quả xét nghiệm")
    expect(room.locator("#toast")).to_have_text(
        "Đã gửi số N001 tới Xét nghiệm, Chẩn đoán hình ảnh; người bệnh sẽ quay lại phòng này."
    )
    expect(room.locator("#current-number")).to_have_text("—")
    # the room's day list: where the patient is now and what comes next; they come back here
    row = room.locator('#history-list [data-label="N001"]')
    expect(row).to_contain_text("Đang chờ: Xét nghiệm")
    expect(row).to_contain_text("tiếp theo: Chẩn đoán hình ảnh, ↩ Khám Nội (Phòng khám Nội — Tầng 1, phòng 104)")
    expect(room.locator('#elsewhere-list [data-label="N001"]')).to_contain_text("Sẽ quay lại")
    expect(room.locator('#elsewhere-list [data-label="N001"]')).to_contain_text("Xem kết quả xét nghiệm")

    # both the lab and imaging have the patient in their queues
    expect(lab.locator('#waiting-list [data-label="N001"]')).to_be_visible()
    expect(imaging.locator('#waiting-list [data-label="N001"]')).to_be_visible()

    lab.keyboard.press(" ")
    expect(lab.locator("#current-number")).to_have_text("N001")
    expect(lab.locator('#visit [data-step="1"]')).to_have_attribute("data-status", "active")
    expect(lab.locator('#visit [data-step="2"]')).to_contain_text("Đang chờ")
    # imaging keeps the place of a patient who is at the lab, and says where they are
    expect(imaging.locator('#waiting-list [data-label="N001"]')).to_have_count(0)
    held = imaging.locator('#elsewhere-list [data-label="N001"]')
    expect(held).to_contain_text("Giữ chỗ · Đang ở Phòng Xét nghiệm — Tầng 2, phòng 201")
    expect(room.locator('#history-list [data-label="N001"]')).to_contain_text(
        "Đang ở Phòng Xét nghiệm — Tầng 2, phòng 201"
    )

    # one place in each queue: the lab cannot send the patient to imaging a second time
    send_on(lab, ["H"], "")
    expect(lab.locator("#toast")).to_have_attribute("data-kind", "error")
    expect(lab.locator("#toast")).to_have_text("Số N001 đã có bước Chẩn đoán hình ảnh đang chờ.")  # named, not "H"
    expect(lab.locator("#current-number")).to_have_text("N001")

    lab.keyboard.press("f")
    expect(lab.locator("#current-number")).to_have_text("—")
    expect(imaging.locator('#elsewhere-list [data-label="N001"]')).to_have_count(0)
    expect(imaging.locator('#waiting-list [data-label="N001"]')).to_be_visible()
    imaging.keyboard.press(" ")
    expect(imaging.locator("#current-number")).to_have_text("N001")
    imaging.keyboard.press("f")
    expect(imaging.locator("#current-number")).to_have_text("—")

    # back at room 4: in its list as a return, called with the doctor's reason and the rule
    back = room.locator('#waiting-list [data-label="N001"]')
    expect(back).to_contain_text("↩ Quay lại")
    room.keyboard.press(" ")
    expect(room.locator("#current-number")).to_have_text("N001")
    expect(room.locator("#returning-line")).to_have_text("Quay lại: Xem kết quả xét nghiệm")
    current = room.locator("section.current")
    expect(current).to_contain_text("Lý do chọn: Đến lượt bệnh nhân quay lại (có kết quả)")
    expect(room.locator('#visit [data-step="1"]')).to_have_attribute("data-status", "done")
    room.click("#lang")
    expect(room.locator("#returning-line")).to_have_text("Returning: Xem kết quả xét nghiệm")
    expect(room.locator("#room-line")).to_have_text(f"Floor 1, room 104 · Doctor: {DOCTOR}")
    room.keyboard.press("f")
    expect(room.locator("#current-number")).to_have_text("—")
    assert site.get("/api/tickets/N001")["status"] == "done"


def test_a_result_marked_in_and_a_step_cancelled_from_the_day_list(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    room, lab, imaging = scene(browser, site, errors)
    room.keyboard.press(" ")
    expect(room.locator("#current-number")).to_have_text("N001")
    send_on(room, ["X", "H"], "Xem kết quả")
    expect(imaging.locator('#waiting-list [data-label="N001"]')).to_be_visible()

    # the doctor cancels imaging: asked first, then gone from imaging's queue
    room.click('#history-list [data-label="N001"] [data-action=visit]')
    dialog = room.locator("#visit-dialog")
    expect(dialog).to_contain_text("Lượt khám của số N001")
    dialog.locator('[data-step="2"] [data-step-action=cancel]').click()
    expect(room.locator("dialog h2")).to_have_text("Hủy bước Chẩn đoán hình ảnh của số N001?")
    room.fill("#step-reason", "Không cần chụp nữa")
    room.click("dialog button[type=submit]")
    expect(room.locator("#toast")).to_have_text("Đã hủy bước Chẩn đoán hình ảnh của số N001.")
    expect(imaging.locator('#waiting-list [data-label="N001"]')).to_have_count(0)
    expect(lab.locator('#waiting-list [data-label="N001"]')).to_be_visible()

    # the lab's result comes by hand: cancelling the confirmation changes nothing
    room.click('#history-list [data-label="N001"] [data-action=visit]')
    room.locator('#visit-dialog [data-step="1"] [data-step-action=complete]').click()
    expect(room.locator("dialog h2")).to_have_text("Xác nhận đã có kết quả Xét nghiệm của số N001?")
    room.click("dialog button[value=cancel]")
    expect(lab.locator('#waiting-list [data-label="N001"]')).to_be_visible()
    room.click('#history-list [data-label="N001"] [data-action=visit]')
    room.locator('#visit-dialog [data-step="1"] [data-step-action=complete]').click()
    room.click("dialog button[type=submit]")
    expect(room.locator("#toast")).to_have_text("Đã ghi nhận có kết quả: Xét nghiệm (số N001).")
    # nothing left to wait for: the return opens in the room's queue, gone from the lab's
    expect(lab.locator('#waiting-list [data-label="N001"]')).to_have_count(0)
    expect(room.locator('#waiting-list [data-label="N001"]')).to_contain_text("↩ Quay lại")
    room.click('#history-list [data-label="N001"] [data-action=visit]')
    expect(room.locator('#visit-dialog [data-step="2"]')).to_have_attribute("data-status", "cancelled")
    expect(room.locator('#visit-dialog [data-step="1"]')).to_have_attribute("data-status", "done")
    expect(room.locator('#visit-dialog [data-step="3"]')).to_have_attribute("data-status", "open")


def test_step_buttons_only_where_the_counter_may_use_them(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    """Staff saw "Đã có kết quả" and "Hủy bước" on every step of every visit, pressed, confirmed
    and were refused (forbidden_step). Now imaging, which neither performs the lab's step nor
    sent the patient, sees no such buttons; the lab (which performs it) and room 4 (which sent
    the patient) do. The steps came by an event after each page's snapshot."""
    room, lab, imaging = scene(browser, site, errors)
    room.keyboard.press(" ")
    send_on(room, ["X", "H"], "Xem kết quả")
    expect(imaging.locator('#waiting-list [data-label="N001"]')).to_be_visible()
    imaging.keyboard.press(" ")
    expect(imaging.locator("#current-number")).to_have_text("N001")
    # imaging: the lab's step (open), the return to room 4 (pending), its own (active): no buttons
    expect(imaging.locator('#visit [data-step="1"]')).to_have_attribute("data-status", "open")
    expect(imaging.locator('#visit [data-step="3"]')).to_have_attribute("data-status", "pending")
    expect(imaging.locator("#visit [data-step-action]")).to_have_count(0)

    # the lab, the patient held while at imaging: its own step's two buttons, nothing else
    lab.click('#elsewhere-list [data-label="N001"] [data-action=visit]')
    steps = lab.locator("#visit-dialog")
    expect(steps.locator('[data-step="1"] [data-step-action=complete]')).to_have_text("Đã có kết quả")
    expect(steps.locator('[data-step="1"] [data-step-action=cancel]')).to_have_text("Hủy bước")
    expect(steps.locator("[data-step-action]")).to_have_count(2)

    # room 4 sent the patient: the lab's step, and its own return (cancelled, not marked)
    room.click('#history-list [data-label="N001"] [data-action=visit]')
    sent = room.locator("#visit-dialog")
    expect(sent.locator('[data-step="1"] [data-step-action]')).to_have_count(2)
    expect(sent.locator('[data-step="3"] [data-step-action=cancel]')).to_be_visible()
    expect(sent.locator("[data-step-action]")).to_have_count(3)  # imaging's step: the patient is there


def test_a_stale_page_is_still_refused(site: ServerProc) -> None:
    """The buttons follow the server's rule; a page that shows one it should not (stale) is still
    refused, in words: the lab may not mark imaging's result in."""
    staff(site, "bsnoi", 4, DOCTOR)
    staff(site, "xetnghiem", 9, "Trần Văn Kiên")
    with admin_socket(site) as ws:
        assert command(ws, {"type": "issue_ticket", "service": "N"})["type"] == "ack"
        assert command(ws, {"type": "open_counter", "counter": 4})["type"] == "ack"
        assert command(ws, {"type": "call_next", "counter": 4})["type"] == "ack"
        sent = {"type": "send_on", "counter": 4, "steps": [{"service": "X"}, {"service": "H"}], "come_back": False}
        assert command(ws, sent)["type"] == "ack"
    with connect(site.ws_url) as lab:
        token = site.login("xetnghiem", "xetnghiem-password")
        lab.send(json.dumps({"type": "hello", "role": "counter", "counter": 9, "token": token}))
        while json.loads(lab.recv(timeout=10))["type"] != "snapshot":
            pass
        answer = command(lab, {"type": "complete_step", "label": "N001", "step": 2})
    assert answer["code"] == "forbidden_step", answer
    assert "Quầy 9 không thực hiện bước Chẩn đoán hình ảnh của số N001" in answer["message_vi"]

"""Steps sent on in order (issue 20 follow-up), in headless Chromium against a real server with the
demo configuration: the internal medicine room (4) sends a patient to the cashier (11) and THEN
the pharmacy (12). Sent together, the pharmacy could call the patient before they paid; in
order, the pharmacy neither lists nor can call them until the cashier is done, and its page
shows them as coming after the cashier, as the patient's phone does. Then it calls them.

And an administrator signed in at a counter page may end any step of its visits (as the
commands allow): the view's ``may_end`` follows who reads it, not the page's counter."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Browser, Page, expect
from websockets.sync.client import ClientConnection, connect

from ..server_harness import ServerProc
from .pages import admin_socket, command
from .test_counter_journey import open_counter, staff
from .test_phone import open_phone

pytestmark = __import__("pytest").mark.browser


def send_in_order(room: Page) -> None:
    """The room's "Gửi tới…" dialog: one after another, the cashier then the pharmacy (ticked in
    another order first: the order is the one ticked, shown as it is chosen)."""
    room.keyboard.press("d")
    expect(room.locator("#send-together")).to_be_checked()  # at the same time by default
    room.check("#send-in-order")
    room.check("#send-TH")
    room.check("#send-TN")
    expect(room.locator("#send-order")).to_have_text("Thứ tự: 1. Nhà thuốc → 2. Thu ngân")
    room.uncheck("#send-TH")
    room.check("#send-TH")
    expect(room.locator("#send-order")).to_have_text("Thứ tự: 1. Thu ngân → 2. Nhà thuốc")
    expect(room.locator('[data-rank-of="TN"]')).to_have_text(" (1)")
    expect(room.locator('[data-rank-of="TH"]')).to_have_text(" (2)")
    room.click("dialog button[type=submit]")


def test_the_pharmacy_calls_the_patient_only_once_the_cashier_is_done(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    staff(site, "bsnoi", 4, "Nguyễn Thị Minh")  # fictional
    staff(site, "thungan", 11, "Phạm Văn Bình")
    staff(site, "nhathuoc", 12, "Đỗ Thị Lan")
    with admin_socket(site) as ws:
        assert command(ws, {"type": "issue_ticket", "service": "N"})["type"] == "ack"
    room = open_counter(browser, site, errors, "bsnoi")
    cashier = open_counter(browser, site, errors, "thungan")
    pharmacy = open_counter(browser, site, errors, "nhathuoc")

    room.keyboard.press(" ")
    expect(room.locator("#current-number")).to_have_text("N001")
    send_in_order(room)
    expect(room.locator("#toast")).to_have_text("Đã gửi số N001 tới Thu ngân → Nhà thuốc.")
    steps = site.get("/api/tickets/N001")["steps"]
    assert [(s["service"], s["status"], s["after"]) for s in steps] == [
        ("N", "done", []),
        ("TN", "open", []),
        ("TH", "pending", [1]),
    ]

    # the patient's phone: go to the cashier; the pharmacy after it
    _, phone = open_phone(browser, site, "N001", errors)
    expect(phone.locator("main .status .place .place-name")).to_have_text("Quầy Thu ngân")
    expect(phone.locator('.step[data-step="2"]')).to_have_attribute("data-state", "later")
    expect(phone.locator('.step[data-step="2"] .state')).to_have_text("Sau khi xong Quầy Thu ngân")

    # the room's view of the visit: the pharmacy comes after the cashier
    room.click('#history-list [data-label="N001"] [data-action=visit]')
    expect(room.locator('#visit-dialog [data-step="2"] .step-status')).to_have_text("Sau khi Thu ngân xong")
    room.click("#visit-dialog button.primary")

    # the cashier has them; the pharmacy does not list them, shows them as coming later
    expect(cashier.locator('#waiting-list [data-label="N001"]')).to_be_visible()
    later = pharmacy.locator('#elsewhere-list [data-label="N001"]')
    expect(later).to_contain_text("Sẽ đến sau · Đang chờ: Thu ngân · Sau khi Thu ngân xong")
    expect(pharmacy.locator('#waiting-list [data-label="N001"]')).to_have_count(0)
    # calling them by number is refused, saying after what
    pharmacy.keyboard.press(" ")
    expect(pharmacy.locator("#current-number")).to_have_text("—")
    pharmacy.keyboard.press("g")
    pharmacy.fill("#n-label", "N001")
    pharmacy.click("dialog button[type=submit]")
    expect(pharmacy.locator("#toast")).to_have_text("Số N001 sẽ đến đây sau khi xong: Thu ngân; chưa gọi được.")
    expect(pharmacy.locator("#current-number")).to_have_text("—")

    # the cashier is done: now the pharmacy has them in its queue and calls them
    cashier.keyboard.press(" ")
    expect(cashier.locator("#current-number")).to_have_text("N001")
    expect(pharmacy.locator('#elsewhere-list [data-label="N001"]')).to_contain_text("Đang ở Quầy Thu ngân")
    cashier.keyboard.press("f")
    expect(cashier.locator("#current-number")).to_have_text("—")
    expect(pharmacy.locator('#waiting-list [data-label="N001"]')).to_be_visible()
    expect(pharmacy.locator('#elsewhere-list [data-label="N001"]')).to_have_count(0)
    pharmacy.keyboard.press(" ")
    expect(pharmacy.locator("#current-number")).to_have_text("N001")
    pharmacy.keyboard.press("f")
    expect(pharmacy.locator("#current-number")).to_have_text("—")
    assert site.get("/api/tickets/N001")["status"] == "done"


def _snapshot_at(site: ServerProc, token: str, counter: int) -> dict[int, bool]:
    """The steps of N001 as a counter page's connection gets them first: may_end by step."""
    with connect(site.ws_url) as ws:
        ws.send(json.dumps({"type": "hello", "role": "counter", "counter": counter, "token": token}))
        while (msg := json.loads(ws.recv(timeout=10)))["type"] != "snapshot":
            pass
        asked = command_query(ws)
    (t,) = [t for t in msg["view"]["tickets"] if t["label"] == "N001"]
    (again,) = [t for t in asked["view"]["tickets"] if t["label"] == "N001"]
    assert again["steps"] == t["steps"], "the snapshot asked again (after steps are added) says the same"
    return {s["id"]: s["may_end"] for s in t["steps"]}


def command_query(ws: ClientConnection) -> dict[str, Any]:
    """The snapshot asked again, as the page does when a visit it holds gets steps."""
    ws.send(json.dumps({"type": "query", "id": "q1", "what": "snapshot"}))
    while (msg := json.loads(ws.recv(timeout=10)))["type"] != "reply":
        pass
    return dict(msg["result"])


def test_an_admin_at_a_counter_page_may_end_any_step(site: ServerProc) -> None:
    """Before, an admin at the pharmacy's page got may_end only for the pharmacy's own step (the
    view judged the page's counter, not the admin), so "Đã có kết quả" and "Hủy bước" were
    missing on the cashier's step that the admin may end."""
    staff(site, "nhathuoc", 12, "Đỗ Thị Lan")
    with admin_socket(site) as ws:
        assert command(ws, {"type": "issue_ticket", "service": "N"})["type"] == "ack"
        assert command(ws, {"type": "open_counter", "counter": 4})["type"] == "ack"
        assert command(ws, {"type": "call_next", "counter": 4})["type"] == "ack"
        sent = {"type": "send_on", "counter": 4, "steps": [{"service": "TN"}, {"service": "TH"}], "in_order": True}
        assert command(ws, sent)["type"] == "ack"
    assert _snapshot_at(site, site.login(), 12) == {0: True, 1: True, 2: True}
    assert _snapshot_at(site, site.login("nhathuoc", "nhathuoc-password"), 12) == {0: False, 1: False, 2: True}
    with connect(site.ws_url) as ws:  # and the admin's command is taken
        ws.send(json.dumps({"type": "hello", "role": "counter", "counter": 12, "token": site.login()}))
        while json.loads(ws.recv(timeout=10))["type"] != "snapshot":
            pass
        assert command(ws, {"type": "cancel_step", "label": "N001", "step": 1, "reason": "đã thu"})["type"] == "ack"
    assert [s["status"] for s in site.get("/api/tickets/N001")["steps"]] == ["done", "cancelled", "open"]

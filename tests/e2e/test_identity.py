"""The rules of the numbers and VNeID, as a patient and as staff see them (issue 19, items 3-4)."""

from __future__ import annotations

import json

from playwright.sync_api import Browser, expect

from ..server_harness import ServerProc
from .pages import admin_socket, command
from .test_counter import sign_in
from .test_pages import open_kiosk


def test_a_typed_number_with_a_wrong_part_is_refused_naming_it(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    """003 is no province code: the kiosk says which digits are wrong, in both languages, and
    the patient stays on the number to fix it."""
    kiosk = open_kiosk(browser, site, errors)
    kiosk.click('[data-service="A"]')
    kiosk.locator("#id-input").fill("003099012345")
    kiosk.click("[data-action=next]")
    error = kiosk.locator("#id-error")
    expect(error).to_contain_text("3 chữ số đầu (003) không phải mã tỉnh nơi đăng ký khai sinh")
    expect(kiosk.locator("#id-input")).to_be_visible()
    kiosk.click("#lang")
    expect(kiosk.locator("#id-error")).to_contain_text(
        "its first 3 digits (003) are not a province-of-registration code"
    )
    kiosk.locator("#id-input").fill("000000000000")
    kiosk.click("[data-action=next]")
    expect(kiosk.locator("#id-error")).to_contain_text("one digit repeated")


def test_vneid_at_the_kiosk(browser: Browser, site: ServerProc, errors: list[str]) -> None:
    """The VNeID tab: the identity QR with the card's fields gives a ticket of source vneid; a
    code that cannot be read offline, with no verifier configured, sends the patient to the
    counter."""
    kiosk = open_kiosk(browser, site, errors)
    kiosk.click('[data-service="A"]')
    kiosk.click('[data-method="vneid"]')
    expect(kiosk.locator(".keypad")).to_have_count(0)
    kiosk.locator("#id-input").press_sequentially("VNEID:8f1c2a-session")
    kiosk.keyboard.press("Enter")
    expect(kiosk.locator("#id-error")).to_have_text("Vui lòng đưa mã VNeID cho nhân viên tại quầy.")
    kiosk.click('[data-method="vneid"]')
    kiosk.locator("#id-input").press_sequentially("079300000001||Trần Thị Bình|04032000|Nữ|Hòa An|01072021")
    kiosk.keyboard.press("Enter")
    expect(kiosk.locator("#who")).to_have_text("Xin chào Trần Thị Bình")
    kiosk.click("[data-action=take]")
    expect(kiosk.locator("#ticket-number")).to_have_text("A001")
    with admin_socket(site) as ws:
        ws.send(json.dumps({"type": "query", "id": "s", "what": "snapshot"}))
        snapshot = next(m for m in (json.loads(ws.recv(timeout=5)) for _ in range(5)) if m.get("id") == "s")
    ticket = next(t for t in snapshot["result"]["view"]["tickets"] if t["label"] == "A001")
    assert ticket["identity"]["source"] == "vneid" and ticket["identity"]["dob"] == "2000-03-04"


def test_staff_see_a_card_that_disagrees_and_record_a_vneid_check(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    """A card whose ID number says a man born in 1999 for a woman born in 1998 is not refused:
    the counter shows why to look again; staff record they checked the VNeID health book, and
    the audit log says who."""
    site.create_staff(site.login(), "quay1", [1])
    card = {"source": "qr", "id_number": "001099012345", "name": "Lê Thị C", "dob": "1998-01-02", "sex": "female"}
    with admin_socket(site) as ws:
        assert command(ws, {"type": "issue_ticket", "service": "A", "identity": card})["type"] == "ack"
    page = sign_in(browser, site, errors, "quay1", "quay1-password")
    expect(page.locator("#counter-status")).to_have_attribute("data-status", "closed")
    page.keyboard.press(" ")
    page.locator('#waiting-list li[data-label="A001"] button').click()
    expect(page.locator("#current-number")).to_have_text("A001")
    warning = page.locator("#id-warnings")
    expect(warning).to_contain_text("không khớp năm sinh")
    expect(warning).to_contain_text("không khớp giới tính")
    button = page.locator('#id-checks [data-check="vneid_health_book"]')
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(page.locator('#id-checks [data-check="vneid_health_book"]')).to_have_attribute("aria-pressed", "true")
    rows = site.get_json_auth("/api/audit?limit=5", site.login())["events"]
    checked = next(r for r in rows if r["event"]["type"] == "identity_checked")
    assert checked["actor"] == "staff:quay1"
    assert checked["event"]["label"] == "A001" and checked["event"]["document"] == "vneid_health_book"

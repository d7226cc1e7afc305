"""The kiosk with its hardware bridge, everything real but the card: the queue server, the
bridge process, pcscd with the virtual reader holding the project's card emulator, emupos as
the printer, and the kiosk page in headless Chromium. The patient lays the ID card on the
reader, types the ID number; the chip is read and verified, the ticket issued with the card's
identity and printed, its QR pointing at the phone page. Without a bridge the kiosk works as
before (the other browser tests)."""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, expect
from websockets.sync.client import connect

from hw_bridge.cccd import testcard, testpassport
from hw_bridge.cccd.emulator import EmulatedCard
from hw_bridge.cccd.vpcd import VirtualCard, start_pcscd

from ..bridge_harness import running_bridge
from ..emupos_harness import running_emupos, wait_receipts
from ..server_harness import ServerProc
from .pages import screen_qr, watch, write_config

pytestmark = pytest.mark.browser
TOKEN = "kiosk-bridge-pairing-token"


@pytest.fixture
def box(tmp_path: Path) -> Iterator[tuple[ServerProc, str, object]]:
    try:
        pcscd = start_pcscd()
    except FileNotFoundError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    site = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(write_config(tmp_path / "config")))
    try:
        site.start(timeout=60)
        with (
            running_emupos(tmp_path / "emupos") as printer,
            running_bridge(tmp_path, TOKEN, site.http, BRIDGE_PRINTER=f"tcp://127.0.0.1:{printer.port}") as url,
        ):
            yield site, url, printer
    finally:
        site.kill()
        if pcscd is not None:
            pcscd.terminate()
            pcscd.wait(timeout=10)


def test_card_tap_typed_id_and_printed_ticket(browser: Browser, box: tuple[ServerProc, str, object]) -> None:
    import zxingcpp

    site, bridge_url, printer = box
    errors: list[str] = []
    contents = testcard.make_card(testcard.Person(id_number="001099012345", full_name="Nguyễn Văn An"))
    card = VirtualCard(EmulatedCard.of(contents))
    kiosk = watch(browser.new_page(viewport={"width": 1080, "height": 1920}), errors)
    token = site.device_tokens()["kiosk-1"]
    kiosk.goto(f"{site.http}/kiosk/?bridge={bridge_url}#token={token}&bridge={TOKEN}")
    deadline = time.monotonic() + 15
    while not kiosk.evaluate("window.kiosk.bridge.available"):
        assert time.monotonic() < deadline, "the kiosk did not find its bridge"
        time.sleep(0.1)
    assert TOKEN not in kiosk.url  # the pairing token left the address bar once stored
    for _attempt in range(3):  # vpcd may miss a card right after another (see vpcd.py)
        card.insert()
        deadline = time.monotonic() + 5
        while not kiosk.evaluate("window.kiosk.bridge.hasCard()") and time.monotonic() < deadline:
            time.sleep(0.1)
        if kiosk.evaluate("window.kiosk.bridge.hasCard()"):
            break
        card.remove()
    try:
        before = len(printer.receipts_list())  # type: ignore[attr-defined]
        kiosk.click('[data-service="A"]')
        expect(kiosk.locator("#card-hint")).to_contain_text("Đã thấy thẻ CCCD trên đầu đọc")
        kiosk.locator("#id-input").fill("001099012345")
        kiosk.click("[data-action=next]")
        expect(kiosk.locator("#who")).to_contain_text("Xin chào Nguyễn Văn An", timeout=20_000)
        expect(kiosk.locator("#chip-ok")).to_contain_text("Đã xác thực thẻ CCCD")
        kiosk.click("[data-action=take]")
        kiosk.click("[data-action=face-no]")  # the face check is offered (tests/e2e/test_kiosk_face.py)
        expect(kiosk.locator("#ticket-number")).to_have_text("A001")
        expect(kiosk.locator("#printed")).to_be_visible(timeout=20_000)
        screen_link = screen_qr(kiosk)
        # the same card again: read from the chip, the person is here, so the kiosk names the
        # ticket they hold and offers the other services (a typed number is told less: test_pages)
        kiosk.click("[data-action=done]")
        kiosk.click('[data-service="A"]')
        kiosk.locator("#id-input").fill("001099012345")
        kiosk.click("[data-action=next]")
        expect(kiosk.locator("section.duplicate .ticket-number")).to_have_text("A001", timeout=20_000)
        expect(kiosk.locator("#dup-body")).to_contain_text("Bạn đang giữ số A001")
        expect(kiosk.locator('section.duplicate [data-service="B"]')).to_be_visible()
    finally:
        card.remove()
    receipts = wait_receipts(printer, before + 1)  # type: ignore[arg-type]
    png = printer.api("GET", f"/devices/front/receipts/{receipts[-1]['id']}/image")  # type: ignore[attr-defined]
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    assert [c.text for c in codes] == [f"{site.http}/t/A001?d={site.get('/api/state')['view']['day']}"]
    assert screen_link == codes[0].text  # the ticket screen shows the printed link (issue 16, item 5)
    with connect(site.ws_url) as ws:
        ws.send(json.dumps({"type": "hello", "role": "admin", "token": site.login()}))
        snapshot = next(m for m in (json.loads(ws.recv(timeout=5)) for _ in range(3)) if m["type"] == "snapshot")
    ticket = next(t for t in snapshot["view"]["tickets"] if t["label"] == "A001")
    assert ticket["identity"]["source"] == "chip" and ticket["identity"]["name"] == "Nguyễn Văn An"
    assert "elderly_75" in ticket["priority"]  # the chip's date of birth

    # paper out: the kiosk shows the number and the error, staff are alerted, nothing prints later
    site.create_staff(site.login(), "quay1", [1])
    counter = watch(browser.new_page(viewport={"width": 1280, "height": 800}), errors)
    counter.goto(f"{site.http}/counter/")
    counter.fill("#username", "quay1")
    counter.fill("#password", "quay1-password")
    counter.click("button[type=submit]")
    expect(counter.locator("#counter-status")).to_have_attribute("data-status", "closed")
    printer.api("PUT", "/devices/front/faults/paper-out")  # type: ignore[attr-defined]
    try:
        kiosk.click("[data-action=done]")
        kiosk.click('[data-service="B"]')
        kiosk.click("[data-action=no-id]")
        kiosk.click("[data-action=take]")
        kiosk.click("[data-action=face-no]")
        expect(kiosk.locator("#ticket-number")).to_have_text("B001")
        expect(kiosk.locator("#print-error")).to_contain_text("giấy", timeout=20_000)
        alert = counter.locator("#alerts")
        expect(alert).to_contain_text("kiosk-1: Máy in vé — hết giấy: thay cuộn giấy")
        expect(alert).to_contain_text("Số B001 chưa được in")
        kiosk.reload()  # a power cut: the reloaded page must still clear the fault it left open
        expect(kiosk.locator('[data-service="B"]')).to_be_visible(timeout=20_000)
    finally:
        printer.api("DELETE", "/devices/front/faults/paper-out")  # type: ignore[attr-defined]
    kiosk.click('[data-service="B"]')
    kiosk.click("[data-action=no-id]")
    kiosk.click("[data-action=take]")
    kiosk.click("[data-action=face-no]")
    expect(kiosk.locator("#ticket-number")).to_have_text("B002")
    expect(kiosk.locator("#printed")).to_be_visible(timeout=20_000)
    expect(counter.locator("#alerts")).to_be_hidden()
    wait_receipts(printer, before + 2)  # type: ignore[arg-type]
    assert len(printer.receipts_list()) == before + 2, "B001 never printed late"  # type: ignore[attr-defined]
    assert not errors, errors


def test_a_passport_on_the_reader_and_its_mrz_typed(browser: Browser, box: tuple[ServerProc, str, object]) -> None:
    """A foreign patient: "Hộ chiếu / Passport", the number, birth and expiry dates typed on the
    keypad; a wrong date is told about the passport's data; the right one reads the chip."""
    site, bridge_url, _printer = box
    errors: list[str] = []
    contents = testpassport.make_passport()
    card = VirtualCard(EmulatedCard.of(contents))
    kiosk = watch(browser.new_page(viewport={"width": 1080, "height": 1920}), errors)
    kiosk.goto(f"{site.http}/kiosk/?bridge={bridge_url}#token={site.device_tokens()['kiosk-1']}&bridge={TOKEN}")
    deadline = time.monotonic() + 15
    while not kiosk.evaluate("window.kiosk.bridge.available"):
        assert time.monotonic() < deadline, "the kiosk did not find its bridge"
        time.sleep(0.1)
    kiosk.click('[data-service="A"]')
    kiosk.click('[data-method="passport"]')
    expect(kiosk.locator("#card-hint")).to_contain_text("Đặt trang có ảnh của hộ chiếu lên đầu đọc")
    for key in "ZP4815162":  # on the keypad, into the number field (in focus first)
        kiosk.click(f'.keypad [data-key="{key}"]')
    kiosk.click("#pp-birth")
    for key in "14031988":
        kiosk.click(f'.keypad [data-key="{key}"]')
    kiosk.locator("#pp-expiry").fill("30072031")  # a month off
    kiosk.click("[data-action=next]")
    expect(kiosk.locator("#id-error")).to_contain_text("Vui lòng đặt trang có ảnh của hộ chiếu lên đầu đọc thẻ")
    for _attempt in range(3):  # vpcd may miss a card right after another (see vpcd.py)
        card.insert()
        deadline = time.monotonic() + 5
        while not kiosk.evaluate("window.kiosk.bridge.hasCard()") and time.monotonic() < deadline:
            time.sleep(0.1)
        if kiosk.evaluate("window.kiosk.bridge.hasCard()"):
            break
        card.remove()
    try:
        kiosk.click("[data-action=next]")
        expect(kiosk.locator("#id-error")).to_contain_text(
            "Số hộ chiếu, ngày sinh hoặc ngày hết hạn không khớp với chip.", timeout=20_000
        )
        assert kiosk.input_value("#pp-number") == "ZP4815162" and kiosk.input_value("#pp-birth") == "14031988"
        kiosk.locator("#pp-expiry").fill("30062031")
        kiosk.click("[data-action=next]")
        expect(kiosk.locator("#who")).to_contain_text("Xin chào MARTIN CLAIRE ELISE", timeout=20_000)
        expect(kiosk.locator("#chip-ok")).to_contain_text("Đã xác thực chip hộ chiếu")
    finally:
        card.remove()
    chip = kiosk.evaluate("window.kiosk.state.chip")
    assert (chip["source"], chip["document_number"], chip["nationality"], chip["expiry"]) == (
        "passport",
        "ZP4815162",
        "UTO",
        "2031-06-30",
    )
    # the passport is an identity of its own: the ticket is issued with it, one per person
    kiosk.click("[data-action=take]")
    face_no = kiosk.locator("[data-action=face-no]")
    if face_no.is_visible():
        face_no.click()
    expect(kiosk.locator("#ticket-number")).not_to_be_empty(timeout=20_000)
    label = kiosk.locator("#ticket-number").inner_text()
    site = box[0]
    with connect(site.ws_url) as ws:
        ws.send(json.dumps({"type": "hello", "role": "admin", "token": site.login()}))
        snapshot = next(m for m in (json.loads(ws.recv(timeout=5)) for _ in range(3)) if m["type"] == "snapshot")
    ticket = next(t for t in snapshot["view"]["tickets"] if t["label"] == label)
    ident = ticket["identity"]
    assert (ident["source"], ident["passport_number"], ident["nationality"]) == ("passport", "ZP4815162", "UTO")
    assert not errors

"""Printing without the bridge, as staff see it in headless Chromium: the administrator sets a
kiosk's printer in the devices tab (a bad address refused in Vietnamese), the kiosk page, with
no bridge on its box, takes a number, and the server prints the ticket on the ESC/POS printer
(emupos); with the printer out of paper, the admin's devices tab shows the fault."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from PIL import Image
from playwright.sync_api import Browser, expect

from ..emupos_harness import Emupos, running_emupos, wait_receipts
from ..server_harness import ADMIN_PASSWORD, ServerProc
from .pages import screen_qr
from .test_admin import sign_in
from .test_pages import open_kiosk, take_ticket

pytestmark = pytest.mark.browser

ID_1 = "001099012345"  # synthetic
ID_2 = "079188000123"  # synthetic


@pytest.fixture
def emupos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emupos]:
    with running_emupos(tmp_path_factory.mktemp("emupos")) as emu:
        yield emu


def test_the_admin_sets_a_kiosk_printer_and_the_server_prints_its_tickets(
    browser: Browser, site: ServerProc, emupos: Emupos
) -> None:
    import zxingcpp

    errors: list[str] = []
    kiosk = open_kiosk(browser, site, errors)  # open before its printer is set: it is told to reload
    kiosk.evaluate("window.__not_reloaded = true")
    admin = browser.new_page(viewport={"width": 1600, "height": 1000})
    sign_in(admin, site, "admin", ADMIN_PASSWORD)
    admin.click('[data-tab="devices"]')
    form = admin.locator('form[data-printer="kiosk-1"]')
    expect(form.locator("[name=printer-kind]")).to_have_value("bridge")
    expect(admin.locator('#fleet tr[data-device="tv-tang-1"] form')).to_have_count(0)  # kiosks only

    form.locator("[name=printer-kind]").select_option("escpos")
    form.locator("[name=printer-target]").fill("127.0.0.1:99999")
    form.locator("button[type=submit]").click()
    expect(admin.locator("#devices-error")).to_contain_text("escpos:MÁY:CỔNG")

    form.locator("[name=printer-kind]").select_option("escpos")
    form.locator("[name=printer-target]").fill(f"127.0.0.1:{emupos.port}")
    form.locator("button[type=submit]").click()
    expect(admin.locator("#devices-message")).to_contain_text(f"escpos:127.0.0.1:{emupos.port}")
    expect(form.locator("[name=printer-target]")).to_have_value(f"127.0.0.1:{emupos.port}")

    kiosk.wait_for_function("!window.__not_reloaded", timeout=15_000)  # reloaded: now knows the server prints
    expect(kiosk.locator(".conn-badge")).to_have_attribute("data-state", "online")
    before = len(emupos.receipts_list())
    label = take_ticket(kiosk, "A", ID_1)
    # the screen says the ticket is being printed, not "remember your number"
    expect(kiosk.locator("#printed-by-server")).to_have_text(
        "Vé đang được gửi tới máy in. Vui lòng lấy vé ở khe máy in; nếu không thấy vé, hãy ghi nhớ số trên màn hình."
    )
    receipts = wait_receipts(emupos, before + 1)
    assert len(receipts) == before + 1
    png = emupos.api("GET", f"/devices/front/receipts/{receipts[-1]['id']}/image")
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    # the kiosk page's own address, with the day: another day's same number is another patient
    assert len(codes) == 1 and re.fullmatch(
        rf"{re.escape(site.http)}/t/{label}\?d=\d{{4}}-\d{{2}}-\d{{2}}", codes[0].text
    ), codes
    assert screen_qr(kiosk) == codes[0].text  # the ticket screen shows the printed link

    emupos.api("PUT", "/devices/front/faults/paper-out")
    try:
        kiosk.click("[data-action=done]")
        take_ticket(kiosk, "A", ID_2)
        row = admin.locator('#fleet tr[data-device="kiosk-1"]')
        expect(row.locator(".faults")).to_have_text("Máy in vé — hết giấy: thay cuộn giấy", timeout=15_000)
    finally:
        emupos.api("DELETE", "/devices/front/faults/paper-out")
    assert not errors, errors

"""The device fleet in headless Chromium (M1): the admin sees which kiosk, TV and rating
screen is connected, what each reports of itself (version, bridge, audio), a printer fault;
reloads a screen remotely; registers a device (token shown once) and a staff account, and
switches the account off."""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import Browser, Route, expect
from playwright.sync_api import Error as PlaywrightError
from websockets.sync.client import connect

from ..server_harness import ADMIN_PASSWORD, ServerProc
from .pages import watch
from .test_admin import sign_in
from .test_admin_settings import upload

pytestmark = pytest.mark.browser


def poster() -> bytes:
    """A small PNG made here (a health-education poster stand-in)."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (320, 180), (30, 120, 200)).save(buf, format="PNG")
    return buf.getvalue()


def test_the_fleet_and_a_remote_reload(browser: Browser, site: ServerProc) -> None:
    import urllib.request

    errors: list[str] = []
    tokens = site.device_tokens()
    req = urllib.request.Request(
        f"{site.http}/api/media", data=poster(), method="POST", headers={"authorization": f"Bearer {site.login()}"}
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        media_name = json.loads(r.read())["name"]
    kiosk = watch(browser.new_page(viewport={"width": 1080, "height": 1920}), errors)
    kiosk.goto(f"{site.http}/kiosk/#token={tokens['kiosk-1']}")
    expect(kiosk.locator(".conn-badge")).to_have_attribute("data-state", "online")
    kiosk.evaluate("window.__not_reloaded = true")
    tv = watch(browser.new_page(viewport={"width": 1280, "height": 720}), errors)
    tv.goto(f"{site.http}/tv/?audio=1#token={tokens['tv-tang-1']}")
    expect(tv.locator(".conn-badge")).to_have_attribute("data-state", "online")

    admin = watch(browser.new_page(viewport={"width": 1440, "height": 1000}), errors)
    sign_in(admin, site, "admin", ADMIN_PASSWORD)
    admin.click('[data-tab="devices"]')
    row = admin.locator('#fleet tr[data-device="kiosk-1"]')
    expect(row).to_have_attribute("data-online", "1")
    expect(row).to_contain_text("0.1.0")
    expect(row).to_contain_text("bridge: false")
    expect(admin.locator('#fleet tr[data-device="tv-tang-1"]')).to_contain_text("audio: 1")
    expect(admin.locator('#fleet tr[data-device="tv-tang-2"]')).to_have_attribute("data-online", "0")
    expect(admin.locator('#fleet tr[data-device="rating-1"]')).to_contain_text("Mất kết nối")

    with connect(site.ws_url) as ws:  # the kiosk's printer runs out of paper (as the kiosk reports it)
        ws.send(json.dumps({"type": "hello", "role": "kiosk", "token": tokens["kiosk-1"]}))
        ws.send(
            json.dumps({"type": "report", "id": "r", "what": "device_fault", "part": "printer", "detail": "paper_out"})
        )
        expect(row.locator(".faults")).to_have_text("Máy in vé — hết giấy: thay cuộn giấy", timeout=10_000)

    tv_row = admin.locator('#fleet tr[data-device="tv-tang-1"]')  # play a poster now on one TV (B2)
    tv_row.locator('select[data-play="tv-tang-1"]').select_option(media_name)
    tv_row.locator("[data-action=play]").click()
    expect(admin.locator("#devices-message")).to_contain_text("Đã gửi lệnh phát tới 1 màn hình")
    expect(tv.locator("#play-now img")).to_be_visible()
    for _ in range(50):
        if tv.evaluate("window.tv.media.played").count(f"now:{media_name}"):
            break
        tv.wait_for_timeout(100)
    assert tv.evaluate("window.tv.media.played") == [f"now:{media_name}"]

    row.locator("[data-action=reload]").click()
    expect(admin.locator("#devices-message")).to_contain_text("Đã yêu cầu 1 màn hình tải lại")
    deadline = time.monotonic() + 10
    while True:
        try:
            if not kiosk.evaluate("window.__not_reloaded === true"):
                break
        except PlaywrightError:  # the page is navigating: reloading
            pass
        assert time.monotonic() < deadline, "the kiosk did not reload"
        time.sleep(0.1)
    expect(kiosk.locator(".conn-badge")).to_have_attribute("data-state", "online")

    form = admin.locator("#register-device")
    form.locator("[name=device]").fill("kiosk-2")
    form.locator("[name=name]").fill("Kiosk tầng 2")
    form.locator("button[type=submit]").click()
    expect(admin.locator("#device-token")).to_contain_text(f"{site.http}/kiosk/#token=")
    expect(admin.locator('#fleet tr[data-device="kiosk-2"]')).to_have_count(1)

    staff = admin.locator("#create-staff")
    staff.locator("[name=username]").fill("quay7")
    staff.locator("[name=full_name]").fill("Lê Thị Bảy")
    staff.locator("[name=counters]").fill("7")
    staff.locator("[name=password]").fill("mat-khau-quay7")
    staff.locator("button[type=submit]").click()
    expect(admin.locator("#devices-message")).to_contain_text("Đã tạo tài khoản quay7")
    expect(admin.locator('#staff tr[data-username="quay7"]')).to_contain_text("Lê Thị Bảy")
    site.login("quay7", "mat-khau-quay7")  # can sign in
    # locking asks first (a dismissed question locks nothing), and nobody's own row can be locked
    asked: list[str] = []
    admin.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    admin.locator('#staff tr[data-username="quay7"] [data-action=disable]').click()
    expect(admin.locator('#staff tr[data-username="quay7"] [data-action=disable]')).to_be_visible()
    assert asked and "quay7" in asked[0]
    admin.once("dialog", lambda d: d.accept())
    admin.locator('#staff tr[data-username="quay7"] [data-action=disable]').click()
    expect(admin.locator('#staff tr[data-username="quay7"] [data-action=enable]')).to_be_visible()
    expect(admin.locator('#staff tr[data-username="admin"] [data-action=disable]')).to_have_count(0)
    status, _ = site.post("/api/login", {"username": "quay7", "password": "mat-khau-quay7"})
    assert status == 401, "a disabled account cannot sign in"
    assert not errors, errors


def test_the_devices_tab_opening_keeps_what_is_typed_in_its_forms(browser: Browser, site: ServerProc) -> None:
    """The devices tab draws the fleet and the media list when they arrive; an administrator
    already typing in the registration form keeps what is typed (the fields hold it, a redraw
    emptied them: a fast typist, or a browser test, lost the device's id)."""
    assert upload(site, site.login(), b"\x89PNG\r\n\x1a\n" + bytes(100))[0] == 201  # a media list of one
    errors: list[str] = []
    admin = watch(browser.new_page(viewport={"width": 1440, "height": 1000}), errors)
    held: list[Route] = []
    admin.route("**/api/fleet", lambda route: held.append(route), times=1)
    admin.route("**/api/media", lambda route: held.append(route), times=1)
    sign_in(admin, site, "admin", ADMIN_PASSWORD)
    admin.click('[data-tab="devices"]')
    form = admin.locator("#register-device")
    form.locator("[name=device]").fill("kiosk-sanh-b")
    for _ in range(100):
        if len(held) == 2:
            break
        admin.wait_for_timeout(50)
    before = form.element_handle()
    for route in held:
        route.continue_()
    admin.wait_for_function(
        "() => window.admin.ui.devices.fleet.length > 0 && window.admin.ui.devices.media.length === 1"
    )
    assert before.evaluate("e => e.isConnected"), "the form was redrawn under the typing"
    expect(form.locator("[name=device]")).to_have_value("kiosk-sanh-b")
    form.locator("[name=name]").fill("Kiosk sảnh B")
    form.locator("button[type=submit]").click()
    expect(admin.locator("#device-token")).to_contain_text("/kiosk/#token=")
    expect(admin.locator('#fleet tr[data-device="kiosk-sanh-b"]')).to_contain_text("Kiosk sảnh B")
    assert not errors, errors

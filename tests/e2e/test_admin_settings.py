"""The administrator edits the configuration in headless Chromium and the screens follow
without a reload: a service's name and colour on the kiosk, a new counter on the TV of its
zone, a video clip uploaded to the media library and played in the TV's media area; a bad
upload and an invalid configuration are refused with clear messages."""

from __future__ import annotations

import unicodedata
import urllib.error
import urllib.request
from pathlib import Path

import cv2
import numpy as np
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from ..server_harness import ADMIN_PASSWORD, ServerProc
from .pages import watch
from .test_admin import sign_in


def clip(path: Path) -> Path:
    """A 1-second VP9 clip in MP4 (a codec Chromium plays), made here, never committed."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"vp09"), 10, (160, 120))
    for i in range(10):
        frame = np.full((120, 160, 3), (40 * (i % 5), 120, 200), np.uint8)
        writer.write(frame)
    writer.release()
    assert path.stat().st_size > 200
    return path


@pytest.mark.browser
def test_edits_reach_the_screens_live(browser: Browser, site: ServerProc, tmp_path: Path) -> None:
    errors: list[str] = []
    tokens = site.device_tokens()
    kiosk = marked_after_load(
        watch(browser.new_page(viewport={"width": 1080, "height": 1920}), errors),
        f"{site.http}/kiosk/#token={tokens['kiosk-1']}",
    )
    tv = marked_after_load(
        watch(browser.new_page(viewport={"width": 1920, "height": 1080}), errors),
        f"{site.http}/tv/#token={tokens['tv-tang-1']}",
    )
    cells_before = tv.locator("#grid .cell").count()
    upstairs = watch(browser.new_page(viewport={"width": 1920, "height": 1080}), errors)
    upstairs.goto(f"{site.http}/tv/#token={tokens['tv-tang-2']}")
    admin = watch(browser.new_page(viewport={"width": 1440, "height": 1000}), errors)
    sign_in(admin, site, "admin", ADMIN_PASSWORD)
    admin.click('[data-tab="settings"]')

    row = admin.locator('#s-services tr[data-service="N"]')
    row.locator('[data-field="name"]').fill("Khám Nội tổng quát")
    row.locator('[data-field="colour"]').fill("#aa2233")
    admin.click("#add-counter")
    new_row = admin.locator("#s-counters tbody tr").last
    new_row.locator('[data-field="name"]').fill("Phòng khám Nội 2")
    new_row.locator('[data-code="N"]').check()
    admin.click("#save")
    expect(admin.locator("#settings-message")).to_contain_text("Đã lưu")

    button = kiosk.locator('[data-service="N"]')
    expect(button).to_contain_text("Khám Nội tổng quát")
    assert (
        kiosk.evaluate("getComputedStyle(document.querySelector('[data-service=N]')).getPropertyValue('--c').trim()")
        == "#aa2233"
    )
    expect(tv.locator("#grid .cell")).to_have_count(cells_before + 1)
    expect(tv.locator("#grid .cell").last).to_contain_text("Phòng khám Nội 2")

    admin.set_input_files("#upload", str(clip(tmp_path / "gioi-thieu.mp4")))
    expect(admin.locator("#settings-message")).to_contain_text("Đã tải lên")
    # this TV only: a media area with its own playlist, one column of counters
    admin.select_option('select[data-screen="tv-tang-1"][data-field="media_area"]', "right")
    admin.locator('input[data-screen="tv-tang-1"]').first.check()
    admin.select_option('select[data-screen="tv-tang-1"][data-field="columns"]', "1")
    admin.click("#save")
    expect(admin.locator("#settings-message")).to_contain_text("Đã lưu")
    expect(tv.locator("#media video")).to_have_count(1)
    expect(tv.locator("#grid")).to_have_attribute("data-cols", "1")
    expect(upstairs.locator(".conn-badge")).to_have_attribute("data-state", "online")
    assert upstairs.locator("#media").count() == 0, "the other TV keeps the common layout"
    for _ in range(100):
        if tv.evaluate("window.tv.media.played.length") > 0:
            break
        tv.wait_for_timeout(100)
    assert tv.evaluate("window.tv.media.played") == [tv.evaluate("window.tv.media.playlist[0]")], "not played"
    assert kiosk.evaluate("window.__not_reloaded") and tv.evaluate("window.__not_reloaded")

    # a holiday today, added in the hours form: the kiosk closes at once
    import datetime as dt
    import zoneinfo

    today = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    admin.click("#add-holiday")
    holiday = admin.locator("#holidays tr").last
    holiday.locator('input[type="date"]').fill(today)
    holiday.locator("input").nth(1).fill("Nghỉ đột xuất")
    admin.click("#save")
    expect(admin.locator("#settings-message")).to_contain_text("Đã lưu")
    expect(kiosk.locator("section.closed")).to_contain_text("Ngoài giờ làm việc", timeout=20_000)
    expect(tv.locator("#closed")).to_be_visible(timeout=20_000)

    bad = tmp_path / "anh.png"
    bad.write_text("<script>alert(1)</script>")
    admin.set_input_files("#upload", str(bad))
    expect(admin.locator("#settings-error")).to_contain_text("Chỉ nhận ảnh PNG, JPEG, WebP hoặc video MP4")

    admin.locator("#unit-name").fill("")
    admin.click("#save")
    expect(admin.locator("#settings-error")).to_contain_text("unit.name")

    admin.click('[data-tab="audit"]')  # the changes are in the audit log, with who made them
    changes = admin.locator('#audit tr[data-type="config_replaced"]')
    expect(changes.first).to_contain_text("admin")
    assert changes.count() >= 3  # the start, and the two saves
    # in words, with the fields each save changed, before and after
    expect(changes.first.locator("td.what")).to_have_text("Thay đổi cấu hình")
    holiday_save = changes.nth(0)
    expect(holiday_save.locator("ul.changes")).to_contain_text(
        f'hours.holidays[{today}]: (mới) {{"date": "{today}", "name": "Nghỉ đột xuất"'
    )
    first_save = changes.nth(2)
    expect(first_save.locator("ul.changes")).to_contain_text('services[N].name: "Khám Nội" → "Khám Nội tổng quát"')
    expect(first_save.locator("ul.changes")).to_contain_text('services[N].colour: "#2e7d32" → "#aa2233"')
    expect(first_save.locator("ul.changes")).to_contain_text("counters[13]: (mới)")
    expect(admin.locator('#audit tr[data-type="device_registered"] td.what').first).to_have_text("Đăng ký thiết bị")
    assert not errors, errors


def marked_after_load(page: Page, url: str) -> Page:
    page.goto(url)
    expect(page.locator(".conn-badge")).to_have_attribute("data-state", "online")
    page.evaluate("window.__not_reloaded = true")  # gone if the page reloads
    return page


def upload(site: ServerProc, token: str | None, body: bytes) -> tuple[int, bytes]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    req = urllib.request.Request(f"{site.http}/api/media", data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_uploads_are_checked(site: ServerProc, tmp_path: Path) -> None:
    admin = site.login()
    site.create_staff(admin, "quay1", [1])
    staff = site.login("quay1", "quay1-password")
    png = b"\x89PNG\r\n\x1a\n" + bytes(100)
    assert upload(site, None, png)[0] == 401
    assert upload(site, staff, png)[0] == 403
    for body in (b"", b"GIF89a....", b"<svg onload=alert(1)>", b"\x00\x00\x00\x18ftypqt  ", b"MZ\x90\x00"):
        status, answer = upload(site, admin, body)
        assert status == 400 and (b"media_type" in answer or b"media_empty" in answer), body
    status, answer = upload(site, admin, b"\xff\xd8\xff" + bytes(6 * 1024 * 1024))
    assert status == 413 and b"media_too_large" in answer
    status, answer = upload(site, admin, png)
    assert status == 201
    name = answer.decode().split('"name":"')[1].split('"')[0]
    with urllib.request.urlopen(f"{site.http}/media/{name}", timeout=5) as r:
        assert r.headers["content-type"] == "image/png" and r.headers["x-content-type-options"] == "nosniff"
        assert r.read() == png
    for bad in ("../queue.sqlite3", "0123456789abcdef.html", "zzzz.png"):
        try:
            urllib.request.urlopen(f"{site.http}/media/{bad}", timeout=5)
            raise AssertionError(bad)
        except urllib.error.HTTPError as err:
            assert err.code == 404
    # the media folder cannot be written (here: a file stands where the folder should be; root
    # ignores a read-only mode): the upload is refused with storage_error, not a 500
    media = site.data_dir / "media"
    for item in media.iterdir():
        item.unlink()
    media.rmdir()
    media.write_bytes(b"not a folder")
    status, answer = upload(site, admin, png + b"another")
    assert status == 503 and b"storage_error" in answer, answer
    assert site.get("/api/health")["status"] == "ok"


def test_the_settings_read_as_words_in_fonts_with_every_vietnamese_letter(browser: Browser, site: ServerProc) -> None:
    errors: list[str] = []
    admin = watch(browser.new_page(viewport={"width": 1440, "height": 1000}), errors)
    sign_in(admin, site, "admin", ADMIN_PASSWORD)
    admin.click('[data-tab="settings"]')
    admin.click("#lang")  # English: the choices are words, not the values behind them
    size = admin.locator('#s-services tr[data-service="N"] [data-field="size"] option')
    expect(size).to_have_text(["Normal", "Large", "Wide (two columns)"])
    texts = admin.locator("#view select option").all_text_contents()
    for raw in ("wide", "large", "multi", "mono", "bottom", "top"):
        assert raw not in texts, raw
    # the JSON editor: composed letters, in a font that holds them ("Y tế", not "Y tê ́")
    editor = admin.locator("#config-json")
    text = editor.input_value()
    assert "Y tế huyện" in text and unicodedata.normalize("NFC", text) == text
    family = editor.evaluate("t => getComputedStyle(t).fontFamily")
    assert family.startswith('"Noto Sans Mono"'), family
    # the controls are styled: a border and rounded corners, a focus ring
    name = admin.locator("#unit-name")
    assert name.evaluate("e => getComputedStyle(e).borderTopLeftRadius") != "0px"
    name.focus()
    admin.keyboard.press("End")
    assert name.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    assert not errors, errors


def test_a_redraw_while_typing_keeps_the_field_and_the_keystrokes(browser: Browser, site: ServerProc) -> None:
    """The settings tab redraws when its media list arrives (and on a reconnect's snapshot): a
    field being typed into keeps the focus and its selection, so the next keystrokes land in it.
    They went nowhere before; Playwright's fill (select, then type) lost its text the same way
    when the list arrived in between, and the first save kept the old service name (the CI
    flake of test_edits_reach_the_screens_live)."""
    errors: list[str] = []
    admin = watch(browser.new_page(viewport={"width": 1440, "height": 1000}), errors)
    held: list[Route] = []
    admin.route("**/api/media", lambda route: held.append(route), times=1)  # the media list: when the test says
    sign_in(admin, site, "admin", ADMIN_PASSWORD)
    admin.click('[data-tab="settings"]')
    name = admin.locator('#s-services tr[data-service="N"] [data-field="name"]')
    name.focus()
    name.select_text()
    before = name.element_handle()
    for _ in range(100):
        if held:
            break
        admin.wait_for_timeout(50)
    held.pop().continue_()
    admin.wait_for_function("e => !e.isConnected", arg=before)  # redrawn: a new field in its place
    admin.keyboard.insert_text("Khám Nội tổng quát")
    expect(name).to_have_value("Khám Nội tổng quát")
    admin.click("#save")
    expect(admin.locator("#settings-message")).to_contain_text("Đã lưu")
    assert admin.evaluate("window.admin.board.service('N').name") == "Khám Nội tổng quát"
    assert not errors, errors

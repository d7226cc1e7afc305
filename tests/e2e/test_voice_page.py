"""Staff record a clip of the call voice in the browser (S5): Chromium's fake microphone,
record, listen, save; the server keeps the clip (trimmed, levelled) and the next calls use it.
Bad uploads and non-administrators are refused."""

from __future__ import annotations

import os
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from ..server_harness import ServerProc
from .pages import chromium, chromium_path, watch, write_config

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium with a fake microphone (a beep) that needs no permission prompt."""
    if chromium_path() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required under CI=true")
        pytest.skip("chromium not installed")
    with chromium("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream") as b:
        yield b


@pytest.fixture
def site(tmp_path: Path) -> Iterator[ServerProc]:
    config = write_config(tmp_path / "config")
    proc = ServerProc(
        tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(config), QUEUE_VOICE_PACKS=str(tmp_path / "packs")
    ).start(timeout=60)
    yield proc
    proc.kill()


def put(site: ServerProc, path: str, body: bytes, token: str) -> int:
    req = urllib.request.Request(
        site.http + path, data=body, method="PUT", headers={"authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        with e:
            return e.code


def test_record_listen_and_save_a_clip(browser: Browser, site: ServerProc) -> None:
    errors: list[str] = []
    page = watch(browser.new_page(), errors)
    page.goto(f"{site.http}/voice/")
    page.fill("#username", "admin")
    page.fill("#password", site.env["QUEUE_ADMIN_PASSWORD"])
    page.click("button[type=submit]")
    row = page.locator('[data-key="vi.num.3"]')
    expect(row).to_contain_text("ba")
    expect(row.locator(".state")).to_have_attribute("data-state", "missing")
    row.locator("[data-action=record]").click()
    expect(row.locator("[data-action=record]")).to_have_class("recording")
    time.sleep(1.5)
    row.locator("[data-action=record]").click()
    expect(row.locator(".state")).to_have_attribute("data-state", "taken")
    expect(row.locator("[data-action=play]")).to_be_enabled()
    row.locator("[data-action=save]").click()
    expect(row.locator(".state")).to_have_attribute("data-state", "saved")
    packs = {p["id"]: p for p in site.get_json_auth("/api/voice-packs", site.login())["packs"]}
    assert packs["ghi-am-vi"]["source"] == "recorded" and packs["ghi-am-vi"]["clips"] == ["vi.num.3"]
    assert (Path(site.env["QUEUE_VOICE_PACKS"]) / "ghi-am-vi" / "vi.num.3.wav").stat().st_size > 10_000
    assert not errors, errors


def test_bad_uploads_and_other_staff_are_refused(site: ServerProc) -> None:
    admin = site.login()
    assert put(site, "/api/voice-packs/p1/clips/vi.num.3", b"<script>alert(1)</script>", admin) == 400
    assert put(site, "/api/voice-packs/p1/clips/vi.not-a-clip", b"RIFF", admin) == 400
    assert put(site, "/api/voice-packs/../clips/vi.num.3", b"RIFF", admin) in (400, 404)
    assert put(site, "/api/voice-packs/p1/clips/vi.num.3", bytes(5 * 1024 * 1024), admin) == 400
    counter = site.create_staff(admin, "quay1", [1])
    assert put(site, "/api/voice-packs/p1/clips/vi.num.3", b"RIFF", counter) == 403
    assert put(site, "/api/voice-packs/p1/clips/vi.num.3", b"RIFF", "") == 401
    assert not (Path(site.env["QUEUE_VOICE_PACKS"]) / "p1").exists()

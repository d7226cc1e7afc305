"""The face check at the kiosk, everything real: the queue server, the bridge process with
dlib's models, and the kiosk page in headless Chromium whose fake camera plays a video made
from a real photo (PyPI packages' test images, tests/face_photos.py). The patient agrees, the
face is taken and the ticket issued; the same face again for the same service is refused with
the first number shown; a patient who declines still gets a number; another person gets one."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from playwright.sync_api import Browser, Page, expect
from websockets.sync.client import connect

from ..bridge_harness import running_bridge
from ..face_photos import kiosk_frame, photos
from ..server_harness import ServerProc
from .pages import chromium, chromium_path, watch, write_config

pytestmark = pytest.mark.browser
TOKEN = "kiosk-face-pairing-token"


def write_y4m(path: Path, rgb: np.ndarray, frames: int = 2) -> Path:
    """A raw YUV 4:2:0 video, the format Chromium's fake camera reads."""
    h, w = rgb.shape[:2]
    i420 = cv2.cvtColor(np.ascontiguousarray(rgb[:, :, ::-1]), cv2.COLOR_BGR2YUV_I420).tobytes()
    with path.open("wb") as f:
        f.write(f"YUV4MPEG2 W{w} H{h} F15:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            f.write(b"FRAME\n" + i420)
    return path


@contextlib.contextmanager
def camera_browser(video: Path) -> Iterator[Browser]:
    if chromium_path() is None:
        pytest.fail("Chromium is required for the browser tests")
    args = (
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    )
    with chromium(*args) as browser:
        yield browser


@pytest.fixture
def box(tmp_path: Path) -> Iterator[tuple[ServerProc, str]]:
    site = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(write_config(tmp_path / "config")))
    try:
        site.start(timeout=60)
        with running_bridge(tmp_path, TOKEN, site.http) as url:
            yield site, url
    finally:
        site.kill()


def open_kiosk(browser: Browser, site: ServerProc, bridge: str, errors: list[str]) -> Page:
    page = watch(browser.new_page(viewport={"width": 1080, "height": 1920}), errors)
    token = site.device_tokens()["kiosk-1"]
    page.goto(f"{site.http}/kiosk/?bridge={bridge}#token={token}&bridge={TOKEN}")
    deadline = time.monotonic() + 20
    while not page.evaluate("window.kiosk.bridge.available && window.kiosk.bridge.devices.face?.ok"):
        assert time.monotonic() < deadline, "the kiosk did not find its bridge with faces"
        time.sleep(0.1)
    return page


def to_consent(page: Page, service: str = "A") -> None:
    page.click(f'[data-service="{service}"]')
    page.click("[data-action=no-id]")
    page.click("[data-action=take]")
    expect(page.locator("section.consent")).to_contain_text("dữ liệu sinh trắc học")


def tickets(site: ServerProc) -> dict[str, dict[str, Any]]:
    with connect(site.ws_url) as ws:
        ws.send(json.dumps({"type": "hello", "role": "admin", "token": site.login()}))
        snapshot = next(m for m in (json.loads(ws.recv(timeout=5)) for _ in range(3)) if m["type"] == "snapshot")
    return {t["label"]: t for t in snapshot["view"]["tickets"]}


def test_one_ticket_per_face_through_the_fake_camera(box: tuple[ServerProc, str], tmp_path: Path) -> None:
    site, bridge = box
    pics = photos()
    me = write_y4m(tmp_path / "me.y4m", kiosk_frame(pics["obama2.jpg"]))
    someone = write_y4m(tmp_path / "someone.y4m", kiosk_frame(pics["biden.jpg"], upper=0.4))
    errors: list[str] = []
    with camera_browser(me) as browser:
        kiosk = open_kiosk(browser, site, bridge, errors)
        to_consent(kiosk)
        kiosk.click("[data-action=face-yes]")
        expect(kiosk.locator("section.camera video")).to_be_attached()
        expect(kiosk.locator("#ticket-number")).to_have_text("A001", timeout=20_000)
        assert kiosk.evaluate("document.querySelector('video') === null"), "the camera is off after the picture"
        kiosk.click("[data-action=done]")

        to_consent(kiosk)  # the same person again
        kiosk.click("[data-action=face-yes]")
        expect(kiosk.locator("section.duplicate .ticket-number")).to_have_text("A001", timeout=20_000)
        expect(kiosk.locator("#dup-body")).to_contain_text("Khuôn mặt của bạn đã có số A001")
        kiosk.click("section.duplicate button")

        to_consent(kiosk)  # declining still gives a number (the non-biometric way)
        kiosk.click("[data-action=face-no]")
        expect(kiosk.locator("#ticket-number")).to_have_text("A002")
        kiosk.click("[data-action=done]")

        to_consent(kiosk, "B")  # another service: the same face may hold one there too
        kiosk.click("[data-action=face-yes]")
        expect(kiosk.locator("#ticket-number")).to_have_text("B001", timeout=20_000)
    with camera_browser(someone) as browser:
        kiosk = open_kiosk(browser, site, bridge, errors)
        to_consent(kiosk)
        kiosk.click("[data-action=face-yes]")
        expect(kiosk.locator("#ticket-number")).to_have_text("A003", timeout=20_000)
    by_label = tickets(site)
    assert by_label["A001"]["face"] and not by_label["A002"]["face"] and by_label["A003"]["face"]
    assert not by_label["A003"]["face_review"], "another person is not even doubtful"
    assert not errors, errors

"""The door screen of a room in headless Chromium (issue 20): the door of room 4 shows the room,
its doctor, the number called there within a second, the next numbers, a returning patient with
the results they bring, a pause; and never another room's calls."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, expect
from websockets.sync.client import ClientConnection, connect

from ..server_harness import ServerProc
from .pages import admin_socket, command, watch

pytestmark = pytest.mark.browser


@contextmanager
def room_socket(site: ServerProc, token: str, counter: int) -> Iterator[ClientConnection]:
    """A websocket signed in at a counter or room as a member of staff."""
    with connect(site.ws_url) as ws:
        ws.send(json.dumps({"type": "hello", "role": "counter", "token": token, "counter": counter}))
        while json.loads(ws.recv(timeout=10))["type"] != "snapshot":
            pass
        yield ws


def ok(ws: ClientConnection, body: dict[str, object]) -> None:
    reply = command(ws, body)
    assert reply["type"] == "ack", reply


def test_the_door_of_room_4_shows_its_calls_next_numbers_returns_and_pause_only(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    admin = site.login()
    status, body = site.post(
        "/api/staff",
        {
            "username": "bs.an",
            "full_name": "Nguyễn Văn An",
            "role": "counter",
            "counters": [4],
            "password": "bs.an-password",
        },
        admin,
    )
    assert status == 201, body
    doctor = site.login("bs.an", "bs.an-password")
    with admin_socket(site) as ws, room_socket(site, doctor, 4) as room:
        for service in ("N", "N", "N", "NG"):
            ok(ws, {"type": "issue_ticket", "service": service})
        ok(room, {"type": "open_counter", "counter": 4})
        for n in (5, 9, 10):
            ok(ws, {"type": "open_counter", "counter": n})

        door = watch(browser.new_page(viewport={"width": 1280, "height": 800}), errors)
        door.goto(f"{site.http}/door/#token={site.device_tokens()['door-4']}")
        expect(door.locator(".room-name")).to_contain_text("Phòng khám Nội")
        expect(door.locator(".room-name")).to_contain_text("Internal medicine room")
        expect(door.locator(".room-location")).to_contain_text("Tầng 1, phòng 104")
        expect(door.locator("#doctor")).to_contain_text("Nguyễn Văn An")
        expect(door.locator("#next .next-number")).to_have_text(["N001", "N002", "N003"])
        expect(door.locator("#current-number")).to_have_text("—")

        ok(ws, {"type": "call_next", "counter": 5})  # NG001 at room 5: not for this door
        t0 = time.monotonic()
        ok(room, {"type": "call_next", "counter": 4})
        door.wait_for_function("document.querySelector('#current-number')?.textContent === 'N001'", timeout=1000)
        shown = time.monotonic() - t0
        print(f"door: call shown {shown * 1000:.0f} ms after the command was sent")
        assert shown < 1.0, f"the call was shown after {shown:.3f} s"
        expect(door.locator("#current")).to_have_class("current flash")
        expect(door.locator("#next .next-number")).to_have_text(["N002", "N003"])

        # N001 goes to the lab and imaging and comes back with the results
        ok(
            room,
            {
                "type": "send_on",
                "counter": 4,
                "steps": [{"service": "X"}, {"service": "H"}],
                "come_back": True,
                "reason": "Xem kết quả xét nghiệm máu",
            },
        )
        expect(door.locator("#current-number")).to_have_text("—")
        for n in (9, 10):
            ok(ws, {"type": "call_next", "counter": n})
            ok(ws, {"type": "finish_service", "counter": n})
        back = door.locator('#next li[data-label="N001"]')
        expect(back.locator(".returning")).to_have_text("Quay lại / Returning")
        expect(back.locator(".return-reason")).to_have_text(
            "Có kết quả: Xét nghiệm, Chẩn đoán hình ảnh / Results: Laboratory, Imaging"
        )
        ok(room, {"type": "call_number", "counter": 4, "label": "N001"})
        expect(door.locator("#current-number")).to_have_text("N001")
        expect(door.locator("#current .returning")).to_contain_text("Quay lại")
        expect(door.locator("#current .return-reason")).to_contain_text("Xét nghiệm")
        assert "Xem kết quả xét nghiệm máu" not in door.locator("body").inner_text(), (
            "the doctor's words stay with staff"
        )

        ok(room, {"type": "pause_counter", "counter": 4, "reason": "Hội chẩn"})
        expect(door.locator("#banner")).to_contain_text("Tạm dừng: Hội chẩn")
        expect(door.locator("#banner")).to_contain_text("Paused: Hội chẩn")
        ok(room, {"type": "resume_counter", "counter": 4})
        expect(door.locator("#banner")).to_have_count(0)

        ok(ws, {"type": "recall", "counter": 5})  # room 5 again: still nothing of it here
        ok(room, {"type": "recall", "counter": 4})
        door.wait_for_function("window.door.socket.lastSeq !== null")
        text = door.locator("body").inner_text()
        assert "NG001" not in text and "Phòng khám Ngoại" not in text
        calls = door.evaluate("window.door.state.flash")
        assert calls["label"] == "N001"

        door.set_viewport_size({"width": 600, "height": 1024})  # portrait: one column, still all there
        number = door.locator("#current-number").bounding_box()
        nxt = door.locator(".next").bounding_box()
        assert number is not None and nxt is not None and nxt["y"] > number["y"], (number, nxt)
        assert nxt["y"] + 20 < 1024

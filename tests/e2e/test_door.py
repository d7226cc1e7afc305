"""The door screen of a room in headless Chromium (issue 20): the door of room 4 shows the room,
its doctor, the number called there within a second, the next numbers, a returning patient with
the results they bring, a pause; and never another room's calls. Back from an absence it gets
the calls it missed and says each recent one once; a reconnect or a restart says none again."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from websockets.sync.client import ClientConnection, connect

from ..server_harness import ADMIN_PASSWORD, ServerProc
from .pages import admin_socket, command, watch
from .test_admin import sign_in

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


def test_the_admin_page_registers_a_door_screen_for_a_room_and_it_shows_that_room(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    admin = watch(browser.new_page(viewport={"width": 1440, "height": 1000}), errors)
    sign_in(admin, site, "admin", ADMIN_PASSWORD)
    admin.click('[data-tab="devices"]')
    form = admin.locator("#register-device")
    form.locator("[name=device]").fill("cua-phong-5")
    form.locator("[name=kind]").select_option("door")
    form.locator("[name=name]").fill("Cửa phòng khám Ngoại")
    form.locator("[name=counter]").select_option("5")
    form.locator("button[type=submit]").click()
    token = admin.locator("#device-token code")
    expect(token).to_contain_text(f"{site.http}/door/#token=")
    url = token.inner_text()

    door = watch(browser.new_page(viewport={"width": 768, "height": 1024}), errors)  # a portrait tablet
    door.goto(url)
    expect(door.locator(".room-name")).to_contain_text("Phòng khám Ngoại")
    expect(door.locator(".room-location")).to_contain_text("Tầng 1, phòng 105")
    expect(door.locator("#banner")).to_contain_text("Phòng chưa mở")
    with admin_socket(site) as ws:
        ok(ws, {"type": "issue_ticket", "service": "NG"})
        ok(ws, {"type": "open_counter", "counter": 5})
        ok(ws, {"type": "call_next", "counter": 5})
    expect(door.locator("#current-number")).to_have_text("NG001")
    expect(door.locator("#doctor")).to_contain_text("Quản trị viên")  # whoever is signed in at the room

    form.locator("[name=device]").fill("cua-phong-6")  # a door screen without its room: refused, and said why
    form.locator("[name=kind]").select_option("door")
    form.locator("[name=name]").fill("Cửa phòng 6")
    form.locator("[name=counter]").select_option("")
    form.locator("button[type=submit]").click()
    expect(admin.locator("#devices-error")).to_contain_text("màn hình cửa phòng")


def test_a_door_with_a_speaker_says_its_own_rooms_calls_only(
    browser: Browser, site: ServerProc, errors: list[str]
) -> None:
    door = watch(browser.new_page(viewport={"width": 1280, "height": 800}), errors)
    door.goto(f"{site.http}/door/?audio=1#token={site.device_tokens()['door-4']}")
    expect(door.locator(".conn-badge")).to_have_attribute("data-state", "online")
    with admin_socket(site) as ws:
        for service in ("NG", "N"):
            ok(ws, {"type": "issue_ticket", "service": service})
        for n in (5, 4):
            ok(ws, {"type": "open_counter", "counter": n})
        ok(ws, {"type": "call_next", "counter": 5})
        ok(ws, {"type": "call_next", "counter": 4})
    deadline = time.monotonic() + 60
    while door.evaluate("window.door.announcer.log.filter(e => e.end > 0).length") < 1:
        assert time.monotonic() < deadline, door.evaluate("window.door.announcer.log")
        time.sleep(0.2)
    time.sleep(0.5)
    log = door.evaluate("window.door.announcer.log")
    assert [label for e in log for label in e["labels"]] == ["N001"], log
    assert all("calls=N001-4&" in e["url"] for e in log), log  # in Vietnamese, then in English
    health = site.get("/api/health")
    assert health["doors"] == 1 and health["calls_played"] == 1, health


def said(door: Page) -> list[str]:
    """The calls the door's speaker has begun to say (each once: its second language is not
    counted), with nothing left to say: the speaker idle and no call waiting."""
    deadline = time.monotonic() + 60
    while door.evaluate("window.door.announcer.playing || window.door.announcer.pending.length > 0"):
        assert time.monotonic() < deadline, door.evaluate("window.door.announcer.log")
        time.sleep(0.2)
    return list(door.evaluate("window.door.announcer.log.flatMap((e) => e.labels)"))


def welcomes(door: Page, n: int) -> list[bool]:
    """The ``resumed`` of the door's welcomes since the test began to count, once there are n."""
    deadline = time.monotonic() + 30
    while len(seen := door.evaluate("window.__welcomes")) < n:
        assert time.monotonic() < deadline, seen
        time.sleep(0.1)
    return list(seen)


def test_a_door_back_from_an_absence_says_each_missed_call_once_and_never_an_old_one_again(
    browser: Browser, site: ServerProc, errors: list[str], tmp_path: Path
) -> None:
    site.kill()  # the database as it is before the day: restored at the end
    backup = tmp_path / "backup"
    shutil.copytree(site.data_dir, backup)
    site.start()
    status, body = site.post(
        "/api/staff",
        {
            "username": "bs.an",
            "full_name": "Nguyễn Văn An",
            "role": "counter",
            "counters": [4],
            "password": "bs.an-password",
        },
        site.login(),
    )
    assert status == 201, body
    door = watch(browser.new_page(viewport={"width": 1280, "height": 800}), errors)
    door.goto(f"{site.http}/door/?audio=1#token={site.device_tokens()['door-4']}")
    with admin_socket(site) as ws, room_socket(site, site.login("bs.an", "bs.an-password"), 4) as room:
        for _ in range(3):
            ok(ws, {"type": "issue_ticket", "service": "N"})
        ok(room, {"type": "open_counter", "counter": 4})
        expect(door.locator("#doctor")).to_contain_text("Nguyễn Văn An")
        expect(door.locator("#next .next-number")).to_have_text(["N001", "N002", "N003"])
        door.evaluate("""window.__notReloaded = true; window.__welcomes = [];
            window.door.socket.on("welcome", (m) => window.__welcomes.push(m.resumed));""")

        # 1. away while two numbers are called at its room and the doctor pauses
        door.evaluate("window.door.socket.stop()")
        ok(room, {"type": "call_next", "counter": 4})  # N001
        ok(room, {"type": "finish_and_call_next", "counter": 4})  # N002
        ok(room, {"type": "pause_counter", "counter": 4, "reason": "Hội chẩn"})
        assert door.locator("#current-number").inner_text() == "—", "the door was away"
        door.evaluate("window.door.socket.start()")
        assert welcomes(door, 1) == [True]
        expect(door.locator("#current-number")).to_have_text("N002")
        expect(door.locator("#next .next-number")).to_have_text(["N003"])
        expect(door.locator("#banner")).to_contain_text("Tạm dừng: Hội chẩn")
        expect(door.locator("#doctor")).to_contain_text("Nguyễn Văn An")
        assert said(door) == ["N001", "N002"], "each missed call said once, in order"

        # 2. away again, no call meanwhile (the room resumes): nothing is said again
        door.evaluate("window.door.socket.stop()")
        ok(room, {"type": "resume_counter", "counter": 4})
        ok(ws, {"type": "issue_ticket", "service": "N"})
        door.evaluate("window.door.socket.start()")
        assert welcomes(door, 2) == [True, True]
        expect(door.locator("#next .next-number")).to_have_text(["N003", "N004"])
        expect(door.locator("#banner")).to_have_count(0)
        time.sleep(1.0)
        assert said(door) == ["N001", "N002"]

    # 3. the server restarts on its own database: the door resumes, says nothing again
    site.kill()
    site.start()
    assert welcomes(door, 3) == [True, True, True]
    expect(door.locator(".conn-badge")).to_have_attribute("data-state", "online")
    expect(door.locator("#current-number")).to_have_text("N002")
    expect(door.locator("#doctor")).to_contain_text("Nguyễn Văn An")
    time.sleep(1.0)
    assert said(door) == ["N001", "N002"]

    # 4. the server restarts on the database of the morning (a restore; its seq is behind the
    # door's): a fresh view, nothing said; its new calls, with seqs the door saw before, are said
    site.kill()
    shutil.rmtree(site.data_dir)
    shutil.copytree(backup, site.data_dir)
    site.start()
    assert welcomes(door, 4) == [True, True, True, False]
    expect(door.locator("#current-number")).to_have_text("—")
    expect(door.locator("#banner")).to_contain_text("Phòng chưa mở")
    expect(door.locator("#doctor")).to_have_count(0)
    time.sleep(1.0)
    assert said(door) == ["N001", "N002"]
    heard = door.evaluate("window.door.state.heard.seq")  # the seq of the last call the door heard
    with admin_socket(site) as ws:
        ok(ws, {"type": "issue_ticket", "service": "N"})
        ok(ws, {"type": "open_counter", "counter": 4})
        call = command(ws, {"type": "call_next", "counter": 4})
    assert call["seq"] < heard, "the restored log counts from behind the door's seq"
    expect(door.locator("#current-number")).to_have_text("N001")
    expect(door.locator("#current")).to_have_class("current flash")
    assert said(door) == ["N001", "N002", "N001"]
    assert door.evaluate("window.__notReloaded") is True

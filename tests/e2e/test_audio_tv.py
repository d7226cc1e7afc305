"""A TV that speaks the calls of its zone (?audio=1), in headless Chromium with autoplay
allowed (as deployed): calls arriving together are played without overlapping, a burst merged
into one sentence and a recall replacing its unspoken call (decision 0010), each call reported
to the server as played or skipped."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from ..server_harness import ServerProc
from .pages import admin_socket, command, watch, write_config

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tmp_path: Path) -> Iterator[ServerProc]:
    config = write_config(tmp_path / "config")
    config.write_text(config.read_text().replace('languages = ["vi", "en"]', 'languages = ["vi"]'))
    proc = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(config)).start(timeout=60)
    yield proc
    proc.kill()


def test_three_calls_together_play_in_turn(browser: Browser, site: ServerProc) -> None:
    """The first call is said at once; the two that came while it was said, in one sentence."""
    errors: list[str] = []
    tv = watch(browser.new_page(viewport={"width": 1280, "height": 720}), errors)
    tv.goto(f"{site.http}/tv/?audio=1#token={site.device_tokens()['tv-tang-1']}")
    expect(tv.locator(".conn-badge")).to_have_attribute("data-state", "online")
    with admin_socket(site) as ws:
        for service in ("N", "NG", "S"):
            assert command(ws, {"type": "issue_ticket", "service": service})["type"] == "ack"
        for counter in (4, 5, 6):
            command(ws, {"type": "open_counter", "counter": counter})
        for counter in (4, 5, 6):  # three calls within a few milliseconds
            assert command(ws, {"type": "call_next", "counter": counter})["type"] == "ack"
    deadline = time.monotonic() + 60
    while tv.evaluate("window.tv.announcer.log.filter(e => e.end > 0).length") < 2:
        assert time.monotonic() < deadline, tv.evaluate("window.tv.announcer.log")
        time.sleep(0.2)
    log = tv.evaluate("window.tv.announcer.log")
    assert [e["labels"] for e in log] == [["N001"], ["NG001", "S001"]]
    for before, after in zip(log, log[1:], strict=False):
        assert after["start"] >= before["end"], (before, after)  # never two at once
    for e in log:
        assert 2.0 < e["seconds"] < 15.0 and (e["end"] - e["start"]) / 1000 >= e["seconds"] * 0.9
    health = site.get("/api/health")
    assert health["calls_played"] == 3 and health["calls_play_failed"] == 0
    assert not errors, errors


def test_a_burst_is_merged_and_a_recall_replaces_its_unspoken_call(browser: Browser, tmp_path: Path) -> None:
    """Five counters call within milliseconds, then counter 5 recalls: in both languages (the
    demo's), the old TV queued six full calls (about 50 s of speech); now the first is said
    alone, the recall replaces counter 5's unspoken call, the rest are merged, and every call's
    first sample comes within 10 s of its call."""
    site = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(write_config(tmp_path / "config")))
    site.start(timeout=60)
    errors: list[str] = []
    try:
        tv = watch(browser.new_page(viewport={"width": 1280, "height": 720}), errors)
        tv.goto(f"{site.http}/tv/?audio=1#token={site.device_tokens()['tv-tang-1']}")
        expect(tv.locator(".conn-badge")).to_have_attribute("data-state", "online")
        called: dict[str, float] = {}  # label -> when its last call was acknowledged (ms)
        with admin_socket(site) as ws:
            services = {4: "N", 5: "NG", 6: "S", 7: "NH", 8: "T"}
            for counter, service in services.items():
                assert command(ws, {"type": "issue_ticket", "service": service})["type"] == "ack"
                command(ws, {"type": "open_counter", "counter": counter})
            for counter, service in services.items():
                assert command(ws, {"type": "call_next", "counter": counter})["type"] == "ack"
                called[f"{service}001"] = time.time() * 1000
            assert command(ws, {"type": "recall", "counter": 5})["type"] == "ack"
            called["NG001"] = time.time() * 1000
        deadline = time.monotonic() + 40
        said_js = "window.tv.announcer.log.filter(e => e.end > 0).map(e => ({...e, labels: e.labels || [e.label]}))"
        while len({label for e in tv.evaluate(said_js) for label in e["labels"]}) < 5:
            assert time.monotonic() < deadline, tv.evaluate(said_js)
            time.sleep(0.2)
        log = tv.evaluate(said_js)
        said = [label for e in log for label in e["labels"]]
        assert sorted(said) == sorted(called), log  # every ticket once: NG001's first call was replaced
        assert log[0]["labels"] == ["N001"] and len(log) <= 3 and max(len(e["labels"]) for e in log) >= 2, log
        for before, after in zip(log, log[1:], strict=False):
            assert after["start"] >= before["end"], (before, after)  # never two at once
        for e in log:
            for label in e["labels"]:
                assert e["wall"] - called[label] < 10_000, (label, e, called)
        health = site.get("/api/health")
        assert (health["calls_played"], health["calls_skipped"], health["calls_play_failed"]) == (5, 1, 0)
    finally:
        site.kill()
    assert not errors, errors


def test_a_quiet_hall_hears_both_languages_and_a_busy_one_the_compact_form(browser: Browser, tmp_path: Path) -> None:
    """Both languages (the demo's): a call after a silence is said in full with the chime, in
    Vietnamese, then in English as its own utterance because nothing waits (reported once); a
    call right after it is said busy (no chime, Vietnamese, compact and faster: busy=1)."""
    site = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(write_config(tmp_path / "config")))
    site.start(timeout=60)
    errors: list[str] = []
    done_js = "window.tv.announcer.log.filter(e => e.end > 0).length"
    try:
        tv = watch(browser.new_page(viewport={"width": 1280, "height": 720}), errors)
        tv.goto(f"{site.http}/tv/?audio=1#token={site.device_tokens()['tv-tang-1']}")
        expect(tv.locator(".conn-badge")).to_have_attribute("data-state", "online")
        with admin_socket(site) as ws:
            for counter, service in ((4, "N"), (5, "NG")):
                assert command(ws, {"type": "issue_ticket", "service": service})["type"] == "ack"
                command(ws, {"type": "open_counter", "counter": counter})
            assert command(ws, {"type": "call_next", "counter": 4})["type"] == "ack"
            deadline = time.monotonic() + 30
            while tv.evaluate(done_js) < 2:
                assert time.monotonic() < deadline, tv.evaluate("window.tv.announcer.log")
                time.sleep(0.05)
            assert command(ws, {"type": "call_next", "counter": 5})["type"] == "ack"
        while tv.evaluate(done_js) < 3:
            assert time.monotonic() < deadline + 20, tv.evaluate("window.tv.announcer.log")
            time.sleep(0.2)
        log = tv.evaluate("window.tv.announcer.log")
        assert [(e["label"], e["labels"]) for e in log] == [("N001", ["N001"]), ("N001", []), ("NG001", ["NG001"])]
        assert log[0]["url"].endswith("calls=N001-4&lang=vi&chime=1"), log[0]
        assert log[1]["url"].endswith("calls=N001-4&lang=en&chime=0"), log[1]
        assert log[2]["url"].endswith("calls=NG001-5&lang=vi&chime=0&busy=1"), log[2]
        for before, after in zip(log, log[1:], strict=False):
            assert after["start"] >= before["end"], (before, after)
        assert log[2]["seconds"] < log[0]["seconds"] - 1.1  # no chime, and compact
        health = site.get("/api/health")
        assert (health["calls_played"], health["calls_skipped"]) == (2, 0)  # N001 reported once
    finally:
        site.kill()
    assert not errors, errors


def test_a_tv_box_without_sound_speaks_through_its_bridge(browser: Browser, site: ServerProc, tmp_path: Path) -> None:
    """?audio=bridge: the box's bridge plays the calls (miniaudio's null device here, in real
    time), one after another, each reported as played."""
    from ..bridge_harness import running_bridge

    errors: list[str] = []
    with running_bridge(tmp_path / "bridge", "tv-bridge-token", site.http) as bridge:
        tv = watch(browser.new_page(viewport={"width": 1280, "height": 720}), errors)
        tv.goto(
            f"{site.http}/tv/?audio=bridge&bridge={bridge}#token={site.device_tokens()['tv-tang-1']}&bridge=tv-bridge-token"
        )
        expect(tv.locator(".conn-badge")).to_have_attribute("data-state", "online")
        assert "tv-bridge-token" not in tv.url
        # the page's two links open side by side: calls made before the bridge's welcome are
        # reported play_failed (bridge_gone) at once, as a box whose bridge is down reports them
        tv.wait_for_function("() => window.tv.bridge.available", timeout=30_000)
        with admin_socket(site) as ws:
            for service in ("N", "NG"):
                assert command(ws, {"type": "issue_ticket", "service": service})["type"] == "ack"
            for counter in (4, 5):
                command(ws, {"type": "open_counter", "counter": counter})
            for counter in (4, 5):
                assert command(ws, {"type": "call_next", "counter": counter})["type"] == "ack"
        deadline = time.monotonic() + 60
        while tv.evaluate("window.tv.announcer.log.filter(e => e.end > 0).length") < 2:
            assert time.monotonic() < deadline, (tv.evaluate("window.tv.announcer.log"), site.get("/api/health"))
            time.sleep(0.2)
        log = tv.evaluate("window.tv.announcer.log")
        assert [e["label"] for e in log] == ["N001", "NG001"]
        assert log[1]["start"] >= log[0]["end"]
        for e in log:  # NG001 right after N001: the busy form, "Mời số en-nờ giê một, quầy năm", 1.9 s
            assert 1.5 < e["seconds"] < 15.0 and (e["end"] - e["start"]) / 1000 >= e["seconds"] * 0.9
        assert tv.evaluate("window.tv.announcer.ctx") is None, "the browser itself played nothing"
    health = site.get("/api/health")
    assert health["calls_played"] == 2 and health["calls_play_failed"] == 0
    assert not errors, errors


def test_a_scheduled_announcement_reaches_its_zone(browser: Browser, tmp_path: Path) -> None:
    tz = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    if dt.datetime.now(tz).second >= 45:  # leave the server and the screens time to start
        time.sleep(62 - dt.datetime.now(tz).second)
    now = dt.datetime.now(tz) + dt.timedelta(minutes=1)  # announced at the start of the next minute
    config = write_config(tmp_path / "config")
    announcement = (
        f'[[announcements]]\ntext = "Nhà thuốc sẽ đóng cửa sau 15 phút"\n'
        f'text_en = "The pharmacy closes in 15 minutes"\ntimes = ["{now:%H:%M}"]\n'
        f'days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]\nzones = ["tang-1"]\n'
    )
    config.write_text(config.read_text().replace('languages = ["vi", "en"]', 'languages = ["vi"]') + announcement)
    site = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(config), QUEUE_ANNOUNCE_CHECK="0.5")
    errors: list[str] = []
    site.start(timeout=60)
    try:
        tokens = site.device_tokens()
        ground = watch(browser.new_page(viewport={"width": 1280, "height": 720}), errors)
        ground.goto(f"{site.http}/tv/?audio=1#token={tokens['tv-tang-1']}")
        upstairs = watch(browser.new_page(viewport={"width": 1280, "height": 720}), errors)
        upstairs.goto(f"{site.http}/tv/#token={tokens['tv-tang-2']}")
        expect(ground.locator(".conn-badge")).to_have_attribute("data-state", "online")
        expect(upstairs.locator(".conn-badge")).to_have_attribute("data-state", "online")
        expect(ground.locator("#notice")).to_contain_text("Nhà thuốc sẽ đóng cửa sau 15 phút", timeout=80_000)
        expect(ground.locator("#notice")).to_contain_text("The pharmacy closes in 15 minutes")
        deadline = time.monotonic() + 30
        while not ground.evaluate("window.tv.announcer.log.some(e => e.end > 0)"):
            assert time.monotonic() < deadline, "the announcement was not played"
            time.sleep(0.2)
        played = ground.evaluate("window.tv.announcer.log")[0]
        assert played["label"] == f"announce:{now:%H:%M}" and played["seconds"] > 2
        assert upstairs.locator("#notice").is_hidden()  # another zone
        assert site.get("/api/health")["calls_played"] == 1
    finally:
        site.kill()
    assert not errors, errors

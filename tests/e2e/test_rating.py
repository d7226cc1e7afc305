"""Satisfaction rating in headless Chromium (M3): the counter finishes a patient and asks; the
rating screen bound to that counter shows the question; the patient rates; the counter sees it;
once more on the counter's own screen turned to the patient; both appear in the report."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
import zoneinfo

import pytest
from playwright.sync_api import Browser, expect

from ..server_harness import ServerProc
from .pages import admin_socket, command, watch
from .test_counter import sign_in

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

pytestmark = pytest.mark.browser


def test_a_counter_asks_and_the_patient_rates(browser: Browser, site: ServerProc) -> None:
    errors: list[str] = []
    site.create_staff(site.login(), "quay1", [1])
    with admin_socket(site) as ws:
        for _ in range(2):
            assert command(ws, {"type": "issue_ticket", "service": "A"})["type"] == "ack"
    screen = watch(browser.new_page(viewport={"width": 1280, "height": 800}), errors)
    screen.goto(f"{site.http}/rating/#token={site.device_tokens()['rating-1']}")
    expect(screen.locator(".idle-title")).to_have_text("Cảm ơn quý khách đã đến khám.")

    counter = sign_in(browser, site, errors, "quay1", "quay1-password")
    expect(counter.locator("#counter-status")).to_have_attribute("data-status", "closed")
    counter.keyboard.press(" ")  # open
    expect(counter.locator("#counter-status")).to_have_attribute("data-status", "open")
    counter.keyboard.press(" ")  # call A001
    expect(counter.locator("#current-number")).to_have_text("A001")
    counter.keyboard.press("f")
    expect(counter.locator("#current-number")).to_have_text("—")
    counter.click("[data-action=ask_rating]")
    expect(counter.locator("#rating-status")).to_contain_text("A001")

    expect(screen.locator("h1")).to_contain_text("Quý khách hài lòng với")
    # on a 1280x800 screen the logo keeps a bounded size and the five faces, drawn as SVG (no
    # emoji font needed), stand above the fold with the send button
    logo = screen.locator(".unit-logo").bounding_box()
    assert logo is not None and logo["height"] <= 64, logo
    faces = screen.locator(".score svg.face")
    expect(faces).to_have_count(5)
    for i in range(5):
        box = faces.nth(i).bounding_box()
        assert box is not None and box["width"] >= 40 and box["y"] + box["height"] <= 800, box
        assert faces.nth(i).evaluate("svg => svg.querySelectorAll('circle, path').length >= 4")
    send = screen.locator("[data-action=send]").bounding_box()
    assert send is not None and send["y"] + send["height"] <= 800, send
    screen.click("#lang")  # the English question names the counter in English
    expect(screen.locator("h1")).to_have_text("How satisfied are you with Counter 1 - Reception?")
    screen.click("#lang")
    expect(screen.locator("h1")).to_have_text("Quý khách hài lòng với Quầy 1 - Tiếp nhận như thế nào?")
    screen.click('[data-score="4"]')
    screen.click('[data-reason="wait"]')
    screen.click("[data-action=send]")
    expect(screen.locator("#thanks")).to_have_text("Cảm ơn quý khách!")
    expect(counter.locator("#rating-status")).to_have_count(0)
    expect(counter.locator("#toast")).to_contain_text("A001 đã đánh giá: 4/5")

    counter.keyboard.press(" ")  # call A002, finish, rate on the counter's own screen
    expect(counter.locator("#current-number")).to_have_text("A002")
    counter.keyboard.press("f")
    expect(counter.locator("#current-number")).to_have_text("—")
    counter.click("[data-action=ask_rating]")
    counter.click("[data-action=rate_here]")
    counter.click('#dialog [data-score="2"]')
    counter.click("#dialog [data-action=send-rating]")
    expect(counter.locator("#rating-status")).to_have_count(0)

    today = dt.datetime.now(TZ).date()
    req = urllib.request.Request(
        f"{site.http}/api/reports?from={today}", headers={"authorization": f"Bearer {site.login()}"}
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        report = json.loads(r.read())
    by_counter = {row["key"]: row for row in report["by_counter"]}
    assert by_counter["1"]["rating"] == {"n": 2, "mean": 3.0}
    assert report["by_staff"][0]["key"] == "staff:quay1" and report["by_staff"][0]["rating"]["n"] == 2
    assert not errors, errors

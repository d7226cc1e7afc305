"""The admin's HIS link tab in headless Chromium, against a real server and a real webhook
receiver that refuses: the link's health and the dead letter show, in Vietnamese; once the
receiver is fixed, "Gửi lại" delivers it (and the ticket's held messages after it)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from ..his_receiver import Receiver
from ..server_harness import ADMIN_PASSWORD, ServerProc
from .pages import admin_socket, command, watch, write_config
from .test_admin import sign_in

pytestmark = pytest.mark.browser
SECRET = "a-webhook-secret-for-the-tests-only"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(SECRET).start()
    yield r
    r.stop()


@pytest.fixture
def his_site(tmp_path: Path, receiver: Receiver) -> Iterator[ServerProc]:
    links = tmp_path / "his.toml"
    links.write_text(
        f'[[link]]\nname = "his"\nform = "webhook"\nsite = "70001"\nurl = "{receiver.url}"\nsecret = "{SECRET}"\n'
    )
    config = write_config(tmp_path / "config")
    proc = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(config), QUEUE_HIS=str(links))
    yield proc.start()
    proc.kill()


def test_the_admin_sees_a_refused_message_and_retries_it(
    browser: Browser, his_site: ServerProc, receiver: Receiver, errors: list[str]
) -> None:
    receiver.answer = 400
    with admin_socket(his_site) as ws:
        identity = {"source": "typed", "id_number": "001099000001", "name": "Người Thử"}
        assert command(ws, {"type": "issue_ticket", "service": "N", "identity": identity})["type"] == "ack"
        command(ws, {"type": "open_counter", "counter": 4})
        command(ws, {"type": "call_next", "counter": 4})
    deadline = time.monotonic() + 10
    while receiver.posts == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    page = watch(browser.new_page(viewport={"width": 1440, "height": 900}), errors)
    sign_in(page, his_site, "admin", ADMIN_PASSWORD)
    page.click('[data-tab="his"]')
    row = page.locator('#his-links tr[data-link="his"]')
    expect(row).to_contain_text("Webhook có chữ ký")
    expect(row.locator("td.dead")).to_have_text("1")
    expect(row.locator("td.depth")).to_have_text("1")  # "called" waits behind the refused "issued"
    expect(row).to_contain_text("HTTP 400")
    expect(row).to_have_attribute("data-health", "refused")  # not "messages waiting": the admin must act
    expect(row).to_contain_text("Có tin HIS từ chối")
    letter = page.locator("#his-dead tbody tr")
    expect(letter).to_have_count(1)
    expect(letter).to_contain_text("N001")
    expect(letter).to_contain_text("Lấy số")
    receiver.answer = 200
    letter.locator('[data-action="retry"]').click()
    expect(page.locator("#his-message")).to_have_text("Đã đưa tin vào hàng đợi gửi lại.")
    expect(page.locator("#his-no-dead")).to_be_visible()
    deadline = time.monotonic() + 10
    while len(receiver.taken) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [e["kind"] for e in receiver.taken] == ["issued", "called"]
    page.click("#his-refresh")
    expect(row.locator("td.depth")).to_have_text("0")
    expect(row).to_contain_text("Bình thường")

"""The counter page shows whether the current ticket's registration reached the HIS, in headless
Chromium against a real server with a signed-webhook link to a real receiver (tests/his_receiver.py):
a receiver answering 503 is "not sent" with its answer; once it is fixed the status turns
"sent" by itself; "Gửi lại HIS" (after a question, since it was delivered) sends it once more
under a new message id; a receiver refusing (400) is "refused by the HIS"."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from ..his_receiver import Receiver
from ..server_harness import ServerProc
from .pages import admin_socket, command, write_config
from .test_counter import sign_in

pytestmark = pytest.mark.browser
SECRET = "a-webhook-secret-for-the-tests-only"
TIMEOUT = 15_000  # ms: the receiver's retry (QUEUE_HIS_RETRY_MAX 0.5 s) plus the page's poll (3 s)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(SECRET).start()
    yield r
    r.stop()


@pytest.fixture
def his_site(tmp_path: Path, receiver: Receiver) -> Iterator[ServerProc]:
    links = tmp_path / "his.toml"
    links.write_text(
        f'[[link]]\nname = "web"\nform = "webhook"\nsite = "70001"\nurl = "{receiver.url}"\nsecret = "{SECRET}"\n'
    )
    config = write_config(tmp_path / "config")
    proc = ServerProc(
        tmp_path / "data",
        QUEUE_SYNC="NORMAL",
        QUEUE_CONFIG=str(config),
        QUEUE_HIS=str(links),
        QUEUE_HIS_RETRY_MAX="0.5",
        QUEUE_HIS_PROBE="0.3",
    )
    yield proc.start()
    proc.kill()


def issue(site: ServerProc, id_number: str) -> None:
    with admin_socket(site) as ws:
        identity = {"source": "typed", "id_number": id_number, "name": "Người Thử"}
        assert command(ws, {"type": "issue_ticket", "service": "A", "identity": identity})["type"] == "ack"


def until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.05)


def test_the_counter_sees_the_registration_reach_the_his_and_sends_it_again(
    browser: Browser, his_site: ServerProc, receiver: Receiver, errors: list[str]
) -> None:
    receiver.answer = 503
    his_site.create_staff(his_site.login(), "quay1", [1])
    issue(his_site, "001099000001")
    page = sign_in(browser, his_site, errors, "quay1", "quay1-password")
    expect(page.locator("#counter-status")).to_have_attribute("data-status", "closed")
    page.keyboard.press(" ")  # open
    expect(page.locator("#counter-status")).to_have_attribute("data-status", "open")
    page.keyboard.press(" ")  # call A001
    expect(page.locator("#current-number")).to_have_text("A001")
    status = page.locator('#his-delivery .his-status[data-link="web"]')
    expect(status).to_have_text("Chưa gửi được HIS: HTTP 503: {}", timeout=TIMEOUT)
    expect(status).to_have_attribute("data-status", "failed")
    expect(page.locator('[data-action="his_resend"]')).to_have_text("Gửi lại HIS")

    receiver.answer = 200  # the HIS is back: the outbox delivers, the page sees it by itself
    expect(status).to_have_text("Đã gửi HIS", timeout=TIMEOUT)
    until(lambda: [e["kind"] for e in receiver.taken] == ["issued", "called"])
    ids = {e["id"] for e in receiver.taken}

    page.click('[data-action="his_resend"]')  # delivered: staff are asked first
    dialog = page.locator("#dialog")
    expect(dialog).to_contain_text("Số A001 đã được gửi sang HIS. Vẫn gửi lại?")
    dialog.locator("button.primary").click()
    expect(page.locator("#his-note")).to_have_text("Đã đưa số A001 vào hàng gửi lại HIS.")
    until(lambda: len(receiver.taken) == 3)
    again = receiver.taken[-1]
    assert again["kind"] == "called" and again["id"] not in ids and again["id"].endswith("-r1"), again
    assert again["ticket"]["key"] == receiver.taken[1]["ticket"]["key"]
    expect(status).to_have_text("Đã gửi HIS", timeout=TIMEOUT)
    assert receiver.bad_signatures == 0

    page.keyboard.press("f")  # A001 done: the day list marks it sent
    expect(page.locator("#current-number")).to_have_text("—")
    expect(page.locator("#his-delivery")).to_have_count(0)
    until(lambda: [e["kind"] for e in receiver.taken][-1] == "finished")
    mark = page.locator('#history-list li[data-label="A001"] .his-mark')
    expect(mark).to_have_text("HIS ✓")
    expect(mark).to_have_attribute("title", "Đã gửi HIS")

    receiver.answer = 400  # the HIS refuses the next registration for good
    issue(his_site, "001099000002")
    page.keyboard.press(" ")
    expect(page.locator("#current-number")).to_have_text("A002")
    expect(status).to_have_text("HIS từ chối: HTTP 400: {}", timeout=TIMEOUT)
    expect(status).to_have_attribute("data-status", "dead")
    page.click("#lang")  # the same in English
    expect(status).to_have_text("Refused by the HIS: HTTP 400: {}")
    expect(page.locator('[data-action="his_resend"]')).to_have_text("Send to the HIS again")
    page.click("#lang")

    receiver.answer = 200  # fixed at the HIS: no question, the dead letter goes again
    posts = receiver.posts
    page.click('[data-action="his_resend"]')
    expect(page.locator("#his-note")).to_have_text("Đã đưa số A002 vào hàng gửi lại HIS.")
    expect(status).to_have_text("Đã gửi HIS", timeout=TIMEOUT)
    assert receiver.posts > posts
    assert [e["kind"] for e in receiver.by_ticket()[receiver.taken[-1]["ticket"]["key"]]][-1] == "called"

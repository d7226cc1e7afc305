"""The health-insurance check as a patient and as staff see it (issue 19, items 1 and 6): a typed
ID number at the kiosk, the social-insurance gateway (a local server written from its contract,
tests/insurance_gateway.py) answering at once, slowly, or never. The kiosk's time to ticket stays
within its budget; past it the ticket says "to be checked", and the counter sees the answer when
the slow gateway gives it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from ..insurance_gateway import PASSWORD, STAFF, USERNAME, Gateway
from ..server_harness import ServerProc
from .pages import config_text
from .test_pages import open_counter, open_kiosk

BUDGET = 2.0  # the kiosk's budget in this test (seconds)
MARGIN = 1.5  # the page's own work: the screens before and after the command
STAFF_ID, STAFF_NAME = next(iter(STAFF.items()))
CARD = {"maKetQua": "000", "gtTheTu": "01/01/2026", "gtTheDen": "31/12/2026", "maDKBD": "70001"}


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    g = Gateway().start()
    yield g
    g.stop()


@pytest.fixture
def checked_site(tmp_path: Path, gateway: Gateway) -> Iterator[ServerProc]:
    """The demo site, open all day, with the check on through the local gateway (its account in
    insurance.toml; a request times out after 6 s)."""
    text = config_text().replace('check = "none"\nbudget_seconds = 3.0', f'check = "bhxh"\nbudget_seconds = {BUDGET}')
    assert 'check = "bhxh"' in text
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text(text)
    account = tmp_path / "insurance.toml"
    account.write_text(
        f'[bhxh]\nurl = "{gateway.url}"\nusername = "{USERNAME}"\npassword = "{PASSWORD}"\n'
        f'staff_name = "{STAFF_NAME}"\nstaff_id_number = "{STAFF_ID}"\ntimeout = 6.0\n'
    )
    proc = ServerProc(
        tmp_path / "data",
        QUEUE_SYNC="NORMAL",
        QUEUE_CONFIG=str(tmp_path / "config" / "config.toml"),
        QUEUE_INSURANCE=str(account),
    ).start()
    yield proc
    proc.kill()


def take(kiosk: Page, number: str) -> tuple[str, float]:
    """A typed ID number for the internal-medicine clinic: the label and the seconds from the last
    tap ("take a number") to the ticket on the screen."""
    kiosk.click('[data-service="N"]')
    kiosk.locator("#id-input").fill(number)
    kiosk.click("[data-action=next]")
    t0 = time.monotonic()
    kiosk.click("[data-action=take]")
    expect(kiosk.locator("#ticket-number")).to_be_visible(timeout=(BUDGET + MARGIN + 5) * 1000)
    return kiosk.locator("#ticket-number").inner_text(), time.monotonic() - t0


def new_patient(kiosk: Page) -> None:
    kiosk.click("[data-action=done]")
    expect(kiosk.locator('[data-service="N"]')).to_be_visible()


def test_the_check_within_the_kiosks_budget_and_after_it(
    browser: Browser, checked_site: ServerProc, gateway: Gateway, errors: list[str]
) -> None:
    site = checked_site
    for n in ("001099012345", "001099012346", "001099012347"):
        gateway.cards[n] = CARD
    kiosk = open_kiosk(browser, site, errors)
    counter = open_counter(browser, site, errors, 4)
    counter.click("[data-action=open]")
    expect(counter.locator("#counter-status")).to_have_attribute("data-status", "open")

    # a gateway that answers at once: the patient's line on the ticket screen
    label, seconds = take(kiosk, "001099012345")
    flag = counter.locator(f'#waiting-list li[data-label="{label}"] .bhyt-flag')
    expect(flag).to_have_attribute("data-state", "insured")
    print(f"time to ticket, gateway answering at once: {seconds * 1000:.0f} ms")
    line = kiosk.locator("#ticket-insurance")
    expect(line).to_have_attribute("data-outcome", "bhyt_valid")
    expect(line).to_contain_text("Thẻ BHYT còn hạn đến 31/12/2026. Nơi đăng ký KCB ban đầu: 70001.")
    expect(line).to_contain_text("valid until 31/12/2026")
    assert seconds < BUDGET + MARGIN

    # a slow gateway (5 s: the 60 s of a bad day, shortened): the ticket within the budget, to be checked
    gateway.delay = 5.0
    new_patient(kiosk)
    label, seconds = take(kiosk, "001099012346")
    print(f"time to ticket, gateway answering in 5 s: {seconds * 1000:.0f} ms")
    assert seconds < BUDGET + MARGIN, f"the ticket took {seconds:.2f} s with a budget of {BUDGET} s"
    line = kiosk.locator("#ticket-insurance")
    expect(line).to_have_attribute("data-outcome", "bhyt_pending")
    expect(line).to_contain_text("chờ kiểm tra")
    expect(counter.locator(f'#waiting-list li[data-label="{label}"] .bhyt-flag')).to_have_attribute(
        "data-state", "pending"
    )
    counter.locator(f'#waiting-list li[data-label="{label}"] button').click()
    expect(counter.locator("#current-number")).to_have_text(label)
    staff = counter.locator("#insurance-line")
    answered_by = time.monotonic() + 5.0  # the gateway's 5 s, counted from the call at the latest
    expect(staff).to_have_attribute("data-state", "pending")
    expect(staff).to_have_attribute("data-state", "insured", timeout=8000)
    expect(staff).to_contain_text("BHXH 000: thẻ đúng, hạn 01/01/2026–31/12/2026, ĐKBD 70001.")
    assert time.monotonic() < answered_by + 3

    # a gateway that never answers (past the account's 6 s timeout): to be checked, then the reason
    gateway.delay = 30.0
    counter.click("[data-action=finish]")
    new_patient(kiosk)
    label, seconds = take(kiosk, "001099012347")
    print(f"time to ticket, gateway never answering: {seconds * 1000:.0f} ms")
    assert seconds < BUDGET + MARGIN
    expect(kiosk.locator("#ticket-insurance")).to_have_attribute("data-outcome", "bhyt_pending")
    counter.locator(f'#waiting-list li[data-label="{label}"] button').click()
    expect(counter.locator("#current-number")).to_have_text(label)
    expect(staff).to_have_attribute("data-state", "unknown", timeout=10000)
    expect(staff).to_contain_text("Chưa kiểm tra được thẻ BHYT: không có trả lời (timeout)")
    # every lookup was the configured staff member's, and the account is nowhere in the page
    assert all((b["hoTenCb"], b["cccdCb"]) == (STAFF_NAME, STAFF_ID) for b in gateway.lookups)
    for page in (kiosk, counter):
        assert PASSWORD not in page.content() and USERNAME not in page.content()
    assert PASSWORD not in site.log_path.read_text()

"""The admin's HIS tab shows a FHIR link's polling (headless Chromium, a real server polling the
real FHIR peer): how often, the changes taken, the last poll; and the error once the HIS is gone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from ..fhir_harness import FhirPeer, running_fhir_peer
from ..server_harness import ADMIN_PASSWORD, ServerProc
from .pages import watch, write_config
from .test_admin import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def peer() -> Iterator[FhirPeer]:
    with running_fhir_peer() as p:
        yield p


@pytest.fixture
def polling_site(tmp_path: Path, peer: FhirPeer) -> Iterator[ServerProc]:
    links = tmp_path / "his.toml"
    links.write_text(f'[[link]]\nname = "his"\nform = "fhir"\nsite = "70001"\nurl = "{peer.base}"\npoll_seconds = 1\n')
    config = write_config(tmp_path / "config")
    proc = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(config), QUEUE_HIS=str(links))
    yield proc.start()
    proc.kill()


def test_the_admin_sees_the_polling_of_the_his(
    browser: Browser, polling_site: ServerProc, peer: FhirPeer, errors: list[str]
) -> None:
    page = watch(browser.new_page(viewport={"width": 1440, "height": 900}), errors)
    sign_in(page, polling_site, "admin", ADMIN_PASSWORD)
    page.click('[data-tab="his"]')
    line = page.locator('#his-links tr[data-link="his"] small.poll')
    expect(line).to_contain_text("Đọc thay đổi từ HIS mỗi 1 giây: 0 thay đổi, 0 bị từ chối")
    page.click("#his-refresh")
    expect(line).to_contain_text("giây trước")  # the last poll, a moment ago
    peer.stop()  # the HIS is gone
    page.wait_for_timeout(2500)
    page.click("#his-refresh")
    expect(line).to_contain_text("lỗi:")
    expect(line).to_have_class("poll error")

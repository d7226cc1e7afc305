"""The HIS drives the queue, seen in the browser: it records a patient code and a room, which the
counter shows; it sends the ticket to the laboratory, where it waits with the same number and
the floor's TV shows it, with the HIS's room, when the laboratory calls it; it ends the episode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from ..server_harness import ADMIN_PASSWORD, ServerProc
from ..test_his_inbound import SITE, call, write_links
from .pages import admin_socket, command, config_text, watch
from .test_admin import sign_in
from .test_pages import open_counter, open_page, tv_url

pytestmark = pytest.mark.browser


@pytest.fixture
def his_site(tmp_path: Path) -> Iterator[ServerProc]:
    """The demo site, open at any hour, its boards showing the HIS's rooms, with one HIS link."""
    folder = tmp_path / "config"
    folder.mkdir()
    config = folder / "config.toml"
    config.write_text(config_text() + "\n[display]\nhis_room = true\n")
    links = write_links(tmp_path / "etc")
    proc = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(config), QUEUE_HIS=str(links)).start()
    yield proc
    proc.kill()


def test_the_his_registers_sends_to_the_lab_and_ends(browser: Browser, his_site: ServerProc, errors: list[str]) -> None:
    site = his_site
    with admin_socket(site) as ws:
        ack = command(ws, {"type": "issue_ticket", "service": "N"})
        assert ack["type"] == "ack", ack
    label, day = ack["result"]["ticket"], ack["result"]["day"].replace("-", "")
    key = f"70001-{day}-1"  # the site's first ticket

    clinic = open_counter(browser, site, errors, 4)
    clinic.click("[data-action=open]")
    expect(clinic.locator("#waiting-list")).to_contain_text(label)

    mapping = {"message_id": "map-1", "rooms": [{"his_room": "P.XN-01", "counter": 9}]}
    assert call(site, "PUT", f"{SITE}/mapping", mapping)[0] == 200
    body = {"message_id": "reg-1", "patient_code": "BN-THU-0001", "episode": "LK-THU-1", "room": 4, "his_room": "P.105"}
    status, _, answer = call(site, "PUT", f"{SITE}/tickets/{key}/registration", body)
    assert status == 200 and answer["label"] == label, answer
    row = clinic.locator(f'#waiting-list [data-label="{label}"]')
    expect(row).to_contain_text("Mã BN (HIS): BN-THU-0001")
    expect(row).to_contain_text("Phòng: P.105 · Phòng khám Nội")
    clinic.click("[data-action=next]")
    expect(clinic.locator("#current-number")).to_have_text(label)
    expect(clinic.locator("#his-line")).to_have_text("Mã BN (HIS): BN-THU-0001 — Phòng: P.105 · Phòng khám Nội")

    # the HIS sends the patient to the laboratory's room (its own room code): the same number waits there
    upstairs = open_page(browser, tv_url(site, site.device_tokens()["tv-tang-2"]), errors)
    lab = open_counter(browser, site, errors, 9)
    lab.click("[data-action=open]")
    status, _, sent = call(
        site,
        "POST",
        f"{SITE}/tickets/{key}/send",
        {"message_id": "send-1", "his_room": "P.XN-01", "reason": "Xét nghiệm máu"},
    )
    assert status == 200 and (sent["service"], sent["target_counter"], sent["label"]) == ("X", 9, label), sent
    expect(clinic.locator("#current-number")).to_have_text("—")
    expect(lab.locator("#waiting-list")).to_contain_text(label)
    expect(upstairs.locator('[data-service="X"] .wait-n')).to_have_text("1")
    lab.click("[data-action=next]")
    expect(lab.locator("#current-number")).to_have_text(label)
    expect(upstairs.locator("#now-label")).to_have_text(label)
    expect(upstairs.locator(".now-counter")).to_have_text("đến Phòng Xét nghiệm · P.XN-01")
    expect(upstairs.locator('[data-counter="9"] .cell-number')).to_have_text(label)

    # the HIS ends the episode while the laboratory has the patient: finished there
    status, _, ended = call(site, "POST", f"{SITE}/tickets/{key}/end", {"message_id": "end-1", "outcome": "finished"})
    assert status == 200 and ended["status"] == "done", ended
    expect(lab.locator("#current-number")).to_have_text("—")
    expect(lab.locator("#history-list")).to_contain_text(label)


def test_the_admin_sets_a_services_kind_of_care(browser: Browser, site: ServerProc, errors: list[str]) -> None:
    admin = watch(browser.new_page(viewport={"width": 1600, "height": 1000}), errors)
    sign_in(admin, site, "admin", ADMIN_PASSWORD)
    admin.click('[data-tab="settings"]')
    kinds = admin.locator('#s-services tr[data-service="N"] [data-field="care_kind"]')
    expect(kinds).to_have_value("01")
    expect(kinds.locator("option:checked")).to_have_text("01 — Khám bệnh")
    admin.select_option('#s-services tr[data-service="TH"] [data-field="care_kind"]', "07")
    admin.click("#save")
    expect(admin.locator("#settings-message")).to_contain_text("Đã lưu")
    services = {s["code"]: s for s in site.get("/api/state")["view"]["config"]["services"]}
    assert services["TH"]["care_kind"] == "07" and services["N"]["care_kind"] == "01"
    assert not admin.locator("#his-room").is_checked()  # the boards show no HIS room unless asked

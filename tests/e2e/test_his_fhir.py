"""The HIS link as a user sees it (issue 18), in headless Chromium against a real server and a real
HIS peer: a patient types their ID number at the kiosk and takes a ticket; within 2 s the FHIR peer
(Medplum's router) holds their Patient and an Encounter ``arrived`` for the ticket, and the
counter's buttons move it to ``in-progress`` and ``finished``; the same visit reaches the HL7 v2
peer (hl7apy) as A04 ... A03, each acknowledged AA. With the FHIR peer down, the admin's HIS tab
shows the link's last error and the messages waiting; once it is back, they are delivered."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from ..fhir_harness import FhirPeer, require_fhir_peer, running_fhir_peer, start_fhir_peer
from ..peers.hl7_harness import Hl7Peer, hl7_peer
from ..server_harness import ADMIN_PASSWORD, ServerProc, free_port
from .pages import admin_socket, command, watch, write_config
from .test_admin import sign_in
from .test_pages import open_counter, open_kiosk

pytestmark = pytest.mark.browser
__all__ = ["hl7_peer"]  # the fixture

CCCD = "http://fhir.hl7.org.vn/core/sid/cccd"
TICKET = "urn:hospital-queue:ticket"
ID = "001099034567"  # synthetic


def his_site(tmp_path: Path, link: str) -> ServerProc:
    """The demo site, open at any hour, with one outbound HIS link (``link``: its TOML lines)."""
    links = tmp_path / "his.toml"
    links.write_text(f'[[link]]\nname = "his"\nsite = "70001"\ntimeout = 2.0\n{link}')
    config = write_config(tmp_path / "config")
    return ServerProc(
        tmp_path / "data",
        QUEUE_SYNC="NORMAL",
        QUEUE_CONFIG=str(config),
        QUEUE_HIS=str(links),
        QUEUE_HIS_RETRY_MAX="0.5",  # retried within 0.5 s, an open breaker probed every 0.3 s
        QUEUE_HIS_PROBE="0.3",
    )


@pytest.fixture
def stop() -> Iterator[list[ServerProc]]:
    servers: list[ServerProc] = []
    yield servers
    for s in servers:
        s.kill()


def until(check: Callable[[], Any], timeout: float = 10.0, every: float = 0.02) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(every)


def outbox(site: ServerProc) -> list[tuple[str, str, str, str]]:
    """(ticket, kind, status, receipt) of every message to the HIS, in the order they were written."""
    db = f"file:{site.data_dir / 'queue.sqlite3'}?mode=ro"
    with contextlib.closing(sqlite3.connect(db, uri=True)) as c:
        return c.execute("SELECT ticket, kind, status, receipt FROM his_outbox ORDER BY id").fetchall()


def tap_ticket(kiosk: Page, service: str, number: str) -> float:
    """The patient picks a service, types their ID number and takes the ticket: when they tapped."""
    kiosk.click(f'[data-service="{service}"]')
    kiosk.locator("#id-input").fill(number)
    kiosk.click("[data-action=next]")
    take = kiosk.locator("[data-action=take]")
    expect(take).to_be_visible()
    t0 = time.monotonic()
    take.click()
    expect(kiosk.locator("#ticket-number")).to_be_visible()
    return t0


def the_encounter(peer: FhirPeer) -> dict[str, Any] | None:
    """The one Encounter of the patient with ID, once the peer holds both."""
    patients = peer.search("Patient", identifier=f"{CCCD}|{ID}")
    if not patients:
        return None
    assert len(patients) == 1, patients
    encounters = peer.search("Encounter", subject=f"Patient/{patients[0]['id']}")
    return encounters[0] if encounters else None


def oldest_first(history: dict[str, Any]) -> list[dict[str, Any]]:
    """A resource's versions from a _history bundle (newest first; version ids are UUIDs)."""
    versions = [e["resource"] for e in reversed(history["entry"])]
    stamps = [v["meta"]["lastUpdated"] for v in versions]
    assert stamps == sorted(stamps), stamps
    return versions


def test_a_kiosk_check_in_becomes_a_fhir_encounter_that_follows_the_counter(
    browser: Browser, tmp_path: Path, stop: list[ServerProc], errors: list[str]
) -> None:
    with running_fhir_peer() as peer:
        site = his_site(tmp_path, f'form = "fhir"\nurl = "{peer.base}"\n').start()
        stop.append(site)
        kiosk = open_kiosk(browser, site, errors)
        t0 = tap_ticket(kiosk, "N", ID)
        label = kiosk.locator("#ticket-number").inner_text()
        encounter = until(lambda: the_encounter(peer), timeout=5)
        took = time.monotonic() - t0
        print(f"kiosk tap -> Patient and Encounter at the FHIR peer: {took * 1000:.0f} ms")
        assert took < 2.0, f"the Encounter took {took:.2f} s to reach the HIS"
        [key] = [i["value"] for i in encounter["identifier"] if i["system"] == TICKET]
        assert key.startswith("70001-") and key.endswith("-1"), key  # the site's first ticket today
        assert encounter["status"] == "arrived" and encounter["class"]["code"] == "AMB"
        assert len(peer.search("Encounter", identifier=f"{TICKET}|{key}")) == 1

        def status() -> tuple[str, int]:
            [e] = peer.search("Encounter", identifier=f"{TICKET}|{key}")
            return e["status"], int(e["meta"]["versionId"] != encounter["meta"]["versionId"])

        counter = open_counter(browser, site, errors, 4)
        counter.click("[data-action=open]")
        expect(counter.locator("#waiting-list")).to_contain_text(label)
        counter.click("[data-action=next]")
        expect(counter.locator("#current-number")).to_have_text(label)
        until(lambda: status() == ("arrived", 1))  # called: still arrived, now at the counter
        [called] = peer.search("Encounter", identifier=f"{TICKET}|{key}")
        [place] = called["location"]
        assert place["status"] == "active" and place["location"]["display"] == "Phòng khám Nội", place
        counter.click("[data-action=start]")
        until(lambda: status()[0] == "in-progress")
        counter.click("[data-action=finish]")
        expect(counter.locator("#current-number")).to_have_text("—")
        until(lambda: status()[0] == "finished")
        assert len(peer.search("Patient", identifier=f"{CCCD}|{ID}")) == 1
        assert len(peer.search("Encounter", identifier=f"{TICKET}|{key}")) == 1
        versions = oldest_first(peer.call("GET", f"Encounter/{encounter['id']}/_history"))
        assert [v["status"] for v in versions] == ["arrived", "arrived", "in-progress", "finished"]
        until(lambda: all(s == "delivered" for (_, _, s, _) in outbox(site)))  # marked once answered
        assert [(k, s) for (_, k, s, _) in outbox(site)] == [
            (k, "delivered") for k in ("issued", "called", "started", "finished")
        ]


def test_a_kiosk_check_in_becomes_an_hl7_registration_ended_at_the_counter(
    browser: Browser, tmp_path: Path, stop: list[ServerProc], hl7_peer: Hl7Peer, errors: list[str]
) -> None:
    site = his_site(tmp_path, f'form = "hl7"\nurl = "{hl7_peer.url}"\n').start()
    stop.append(site)
    kiosk = open_kiosk(browser, site, errors)
    t0 = tap_ticket(kiosk, "N", ID)
    label = kiosk.locator("#ticket-number").inner_text()
    [(key, reg)] = until(lambda: list(hl7_peer.registrations().items()), timeout=5)
    took = time.monotonic() - t0
    print(f"kiosk tap -> ADT^A04 registered at the HL7 peer: {took * 1000:.0f} ms")
    assert took < 2.0, f"the registration took {took:.2f} s to reach the HIS"
    assert key.startswith("70001-") and key.endswith("-1"), key
    assert reg["events"] == ["A04"] and reg["status"] == "registered"
    assert {"id": ID, "authority": "CCCD", "type": "NI"} in reg["identifiers"]
    assert reg["label"] == label

    counter = open_counter(browser, site, errors, 4)
    counter.click("[data-action=open]")
    expect(counter.locator("#waiting-list")).to_contain_text(label)
    counter.click("[data-action=next]")
    expect(counter.locator("#current-number")).to_have_text(label)
    counter.click("[data-action=start]")
    counter.click("[data-action=finish]")
    expect(counter.locator("#current-number")).to_have_text("—")
    until(lambda: hl7_peer.registrations()[key]["status"] == "discharged")
    regs = hl7_peer.registrations()
    assert list(regs) == [key], "one visit for the ticket"
    assert regs[key]["events"] == ["A04", "A08", "A08", "A03"]
    assert regs[key]["location_name"] == "Phòng khám Nội"
    until(lambda: all(s == "delivered" for (_, _, s, _) in outbox(site)))  # marked once the ACK is read
    kinds = ("issued", "called", "started", "finished")
    assert outbox(site) == [(key, kind, "delivered", "AA") for kind in kinds], "each acknowledged AA"


def test_the_admin_sees_the_fhir_peer_down_and_its_return(
    browser: Browser, tmp_path: Path, stop: list[ServerProc], errors: list[str]
) -> None:
    require_fhir_peer()  # it starts mid-way
    port = free_port()  # the HIS's address, where nothing listens yet
    site = his_site(tmp_path, f'form = "fhir"\nurl = "http://127.0.0.1:{port}/fhir"\n').start()
    stop.append(site)
    with admin_socket(site) as ws:
        for i in range(3):
            identity = {"source": "typed", "id_number": f"00109904000{i}", "name": "Người Thử"}
            assert command(ws, {"type": "issue_ticket", "service": "N", "identity": identity})["type"] == "ack"
    page = watch(browser.new_page(viewport={"width": 1440, "height": 900}), errors)
    sign_in(page, site, "admin", ADMIN_PASSWORD)
    page.click('[data-tab="his"]')
    row = page.locator('#his-links tr[data-link="his"]')
    expect(row).to_contain_text("FHIR")
    expect(row.locator("td.depth")).to_have_text("3")
    expect(row.locator("td.error")).not_to_have_text("—")
    error = row.locator("td.error").inner_text()
    print(f"the admin's HIS tab while the FHIR peer is down: {error!r}")
    page.click("#his-refresh")  # the breaker opens after five failures in a row
    expect(row).to_have_attribute("data-health", "down", timeout=10_000)
    expect(row).to_contain_text("Không kết nối được")
    peer = start_fhir_peer(port)
    try:
        until(lambda: {s for (_, _, s, _) in outbox(site)} == {"delivered"}, timeout=15, every=0.1)
        page.click("#his-refresh")
        expect(row.locator("td.depth")).to_have_text("0")
        expect(row).to_contain_text("Bình thường")
        assert len(peer.search("Encounter", status="arrived")) == 3
    finally:
        peer.stop()

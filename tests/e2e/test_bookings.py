"""A booked check-in in headless Chromium against a real server (issue 18): a booking for 09:00
is loaded, the patient types their ID at the kiosk, the ticket shows the slot and waits in the
booked place, ahead of a walk-in who came after 09:00.

The site's clock is the real one; the site's time zone is chosen so that it is 09:xx there now
(``Etc/GMT-N``: whole hours, no summer time), which is how the harness sets the time of day."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from ..server_harness import ServerProc
from .pages import admin_socket, command, write_config
from .test_pages import ID_1, ID_2, open_counter, open_kiosk, take_ticket

pytestmark = pytest.mark.browser


def nine_oclock_zone() -> str:
    """A time zone where it is now between 09:00 and 09:57 (waiting out the hour's last minutes)."""
    now = dt.datetime.now(dt.UTC)
    if now.minute >= 57:
        time.sleep(60 * (60 - now.minute) - now.second + 1)
        now = dt.datetime.now(dt.UTC)
    offset = (9 - now.hour) % 24
    offset = offset - 24 if offset > 14 else offset
    return f"Etc/GMT{-offset:+d}"  # Etc/GMT-10 is ten hours ahead of UTC


@pytest.fixture
def nine_oclock_site(tmp_path: Path) -> Iterator[tuple[ServerProc, str]]:
    zone = nine_oclock_zone()
    config = write_config(tmp_path / "config")
    text = config.read_text()
    assert 'timezone = "Asia/Ho_Chi_Minh"' in text
    config.write_text(text.replace('timezone = "Asia/Ho_Chi_Minh"', f'timezone = "{zone}"'))
    proc = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(config)).start()
    yield proc, zone
    proc.kill()


def test_a_booked_patient_checks_in_by_id_and_waits_in_the_booked_place(
    browser: Browser, nine_oclock_site: tuple[ServerProc, str], errors: list[str]
) -> None:
    site, zone = nine_oclock_site
    local = dt.datetime.now(zoneinfo.ZoneInfo(zone))
    assert local.hour == 9
    booking = {"id": "HIS-0900-1", "service": "N", "slot_start": "09:00", "slot_end": "10:00", "id_number": ID_1}
    with admin_socket(site) as ws:
        ack = command(ws, {"type": "load_bookings", "day": local.date().isoformat(), "bookings": [booking]})
        assert ack["type"] == "ack", ack

    kiosk = open_kiosk(browser, site, errors)
    walk_in = take_ticket(kiosk, "N", ID_2)  # came at 09:xx, after the slot's start
    assert walk_in == "N001"
    assert kiosk.locator("#ticket-booked").count() == 0
    kiosk.click("[data-action=done]")

    booked = take_ticket(kiosk, "N", ID_1)
    assert booked == "N002"
    slot = kiosk.locator("#ticket-booked")
    expect(slot).to_have_text("Lịch hẹn 09:00–10:00 / Booked 09:00–10:00")
    expect(kiosk.locator("section.ticket")).to_contain_text("Số người chờ trước bạn: 0")  # ahead of N001

    counter = open_counter(browser, site, errors, 4)
    counter.click("[data-action=open]")
    expect(counter.locator("#counter-status")).to_have_attribute("data-status", "open")
    counter.click("[data-action=next]")
    expect(counter.locator("#current-number")).to_have_text("N002")  # the booked place
    counter.click("[data-action=finish]")
    counter.click("[data-action=next]")
    expect(counter.locator("#current-number")).to_have_text("N001")


def test_a_booked_patient_early_for_the_slot_is_told_the_booked_time_not_a_wait(
    browser: Browser, nine_oclock_site: tuple[ServerProc, str], errors: list[str]
) -> None:
    """Booked for 10:00 and here at 09:xx: walk-ins until 10:00 go ahead, so the ticket screen
    shows no "people ahead: 0" nor a wait, but the booked time to be back by."""
    site, zone = nine_oclock_site
    local = dt.datetime.now(zoneinfo.ZoneInfo(zone))
    booking = {"id": "HIS-1000-1", "service": "N", "slot_start": "10:00", "slot_end": "10:30", "id_number": ID_1}
    with admin_socket(site) as ws:
        ack = command(ws, {"type": "load_bookings", "day": local.date().isoformat(), "bookings": [booking]})
        assert ack["type"] == "ack", ack

    kiosk = open_kiosk(browser, site, errors)
    take_ticket(kiosk, "N", ID_1)
    expect(kiosk.locator("#ticket-booked")).to_have_text("Lịch hẹn 10:00–10:30 / Booked 10:00–10:30")
    expect(kiosk.locator("#ticket-by-slot")).to_have_text(
        "Bạn sẽ được gọi theo giờ hẹn 10:00–10:30. Vui lòng có mặt trước giờ hẹn."
        " / You will be called by your booked time 10:00–10:30. Please be here before it."
    )
    assert kiosk.locator(".ticket-ahead").count() == 0
    assert kiosk.locator(".ticket-wait").count() == 0
    kiosk.click("[data-action=done]")

    take_ticket(kiosk, "N", ID_2)  # a walk-in: the queue as it stands
    expect(kiosk.locator(".ticket-ahead")).to_be_visible()
    assert kiosk.locator("#ticket-by-slot").count() == 0

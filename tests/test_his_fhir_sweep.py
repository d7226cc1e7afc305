"""The day's sweep of an FHIR-only HIS's bookings (server/his/fhir_intake.py): Appointments made
before today never change on their day, so polling alone would miss them. A real hub and event
log in this process, the real FHIR peer as the HIS."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

from server.domain.state import booking_key
from server.his import fhir_map as fm
from server.his.fhir_client import FhirClient
from server.his.fhir_intake import FhirIntake
from server.his.fhir_poll import FhirChange
from server.his.links import Link
from server.hub import Hub
from server.sqlite_log import SqliteLog

from . import fhir_harness
from .domain.sim import small_config
from .fhir_harness import FhirPeer

fhir_peer = fhir_harness.fhir_peer  # the fixture


def appointment(peer: FhirPeer, day: dt.date, patient: str, status: str = "booked") -> dict[str, object]:
    tz = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    return peer.create(
        {
            "resourceType": "Appointment",
            "status": status,
            "start": dt.datetime.combine(day, dt.time(9, 0), tz).isoformat(),
            "end": dt.datetime.combine(day, dt.time(9, 30), tz).isoformat(),
            "serviceType": [{"coding": [{"code": "A"}]}],
            "participant": [{"status": "accepted", "actor": {"reference": patient}}],
        }
    )


async def test_the_days_booked_appointments_are_loaded_once_a_day(fhir_peer: FhirPeer, tmp_path: Path) -> None:
    log = SqliteLog(tmp_path / "q.sqlite3")
    await log.open()
    hub = Hub(log, small_config())
    await hub.start()
    await hub.tick()
    link = Link(name="his", form="fhir", site="70001", url=fhir_peer.base, poll_seconds=1)
    intake = FhirIntake(link, hub, FhirClient(link))
    try:
        today = dt.date.fromisoformat(hub.state.day)
        person = fhir_peer.create(
            {"resourceType": "Patient", "identifier": [{"system": fm.CCCD, "value": "001099000505"}]}
        )
        ref = f"Patient/{person['id']}"
        booked = appointment(fhir_peer, today, ref)
        appointment(fhir_peer, today + dt.timedelta(days=1), ref)  # tomorrow's
        appointment(fhir_peer, today, ref, status="cancelled")
        await intake.sweep()
        assert list(hub.state.bookings) == [booking_key("his:his", str(booked["id"]))]
        b = hub.state.bookings[booking_key("his:his", str(booked["id"]))]
        assert (b.service, b.slot_start, b.slot_end, b.id_number) == ("A", "09:00", "09:30", "001099000505")
        seq = hub.state.seq
        await intake.sweep()  # once a day
        assert hub.state.seq == seq
        cancelled = fhir_peer.update({**booked, "status": "cancelled"})
        version = cancelled["meta"]["versionId"]
        change = FhirChange("his", "Appointment", str(booked["id"]), version, "", "", cancelled)
        await intake(change)
        assert hub.state.bookings == {} and intake.applied == 2
    finally:
        await intake.client.close()
        await hub.stop()
        await log.close()

"""An HIS that offers only FHIR drives the queue through polling (server/his/fhir_intake.py), end
to end: a real server process with a FHIR link polling every second, the real FHIR peer, and the
test acting as the HIS on the peer. Each change the HIS makes becomes one command of the link
(actor ``his:his``); our own writes never come back."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from server.his import fhir_map as fm

from . import fhir_harness
from .fhir_harness import FhirPeer
from .server_harness import Client, ServerProc
from .test_his_inbound import call

fhir_peer = fhir_harness.fhir_peer  # the fixture
TOKEN = "his-token-0123456789abcdefghij"
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")  # config/demo.toml


@pytest.fixture
def server(tmp_path: Path, fhir_peer: FhirPeer) -> Iterator[ServerProc]:
    data = tmp_path / "data"
    data.mkdir()
    links = tmp_path / "his.toml"
    links.write_text(
        f'[[link]]\nname = "his"\nform = "fhir"\nsite = "70001"\nurl = "{fhir_peer.base}"\n'
        f'inbound_token = "{TOKEN}"\npoll_seconds = 1\ntimeout = 2.0\n',
        encoding="utf-8",
    )
    proc = ServerProc(data, QUEUE_SYNC="NORMAL", QUEUE_HIS=str(links), QUEUE_HIS_RETRY_MAX="0.5").start()
    yield proc
    proc.kill()


async def until(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        await asyncio.sleep(0.2)
    raise AssertionError(f"not within {timeout} s")


def his_events(server: ServerProc) -> list[dict[str, Any]]:
    events = server.get_json_auth("/api/audit?limit=200", server.login())["events"]
    return [e["event"] for e in reversed(events) if e["actor"] == "his:his"]


def of_type(server: ServerProc, kind: str) -> list[dict[str, Any]]:
    return [e for e in his_events(server) if e["type"] == kind]


def latest(peer: FhirPeer, encounter_id: str) -> dict[str, Any]:
    return dict(peer.call("GET", f"Encounter/{encounter_id}"))


async def test_the_his_registers_orders_ends_and_books_over_fhir_alone(server: ServerProc, fhir_peer: FhirPeer) -> None:
    # the HIS's code for the laboratory, mapped to ours (config/demo.toml: X, Xét nghiệm)
    status, _, _ = call(
        server,
        "PUT",
        "/api/his/v1/sites/70001/mapping",
        {"message_id": "map-1", "services": [{"his_code": "XN", "service": "X"}]},
        TOKEN,
    )
    assert status == 200
    kiosk = await Client.connect(server.ws_url)
    await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
    identity = {"source": "typed", "id_number": "001099000101", "name": "Người Thử"}
    ack = await kiosk.command({"type": "issue_ticket", "service": "A", "identity": identity})
    assert ack["type"] == "ack", ack
    label = ack["result"]["ticket"]

    # the adapter made the ticket's Encounter; the HIS records its episode key on it
    [encounter] = await until(lambda: fhir_peer.search("Encounter"))
    key = fm.ticket_key(encounter)
    encounter["identifier"].append({"system": fm.MA_LK, "value": "LK-20261207-0001"})
    fhir_peer.update(encounter)
    [recorded] = await until(lambda: of_type(server, "his_registration_recorded"))
    assert recorded["episode"] == "LK-20261207-0001" and recorded["label"] == label
    assert recorded["patient_code"] == encounter["subject"]["reference"].split("/")[1]  # Patient.id by default

    # the HIS orders a blood test for that Encounter: the visit gains a laboratory step, same number
    fhir_peer.create(
        {
            "resourceType": "ServiceRequest",
            "status": "active",
            "intent": "order",
            "code": {"coding": [{"system": "urn:his:dv", "code": "XN", "display": "Xét nghiệm máu"}]},
            "subject": encounter["subject"],
            "encounter": {"reference": f"Encounter/{encounter['id']}"},
        }
    )
    [added] = await until(lambda: of_type(server, "steps_added"))
    [request] = fhir_peer.search("ServiceRequest")
    assert added["label"] == label
    assert [(n["service"], n["order"]) for n in added["steps"]] == [("X", request["id"])]
    assert server.get(f"/api/tickets/{label}")["status"] == "waiting"

    # the HIS ends the episode (once the link has told it of the new step: nothing left to send)
    def told() -> bool:
        [link] = server.get_json_auth("/api/his/links", server.login())["links"]
        return bool(link["depth"] == 0)

    await until(told)
    fhir_peer.update({**latest(fhir_peer, encounter["id"]), "status": "finished"})
    await until(lambda: server.get(f"/api/tickets/{label}")["status"] == "cancelled")  # it was waiting: it leaves

    # a booking for today at the HIS: the patient checks in by ID and gets the booked slot
    patient = fhir_peer.create(
        {"resourceType": "Patient", "identifier": [{"system": fm.CCCD, "value": "001099000202"}]}
    )
    now = dt.datetime.now(TZ).replace(second=0, microsecond=0)
    start = min(now + dt.timedelta(minutes=20), now.replace(hour=23, minute=30))
    end = min(start + dt.timedelta(minutes=30), now.replace(hour=23, minute=59))
    appointment = fhir_peer.create(
        {
            "resourceType": "Appointment",
            "status": "booked",
            "start": start.isoformat(),
            "end": end.isoformat(),
            "serviceType": [{"coding": [{"system": fm.SERVICE, "code": "A"}]}],
            "participant": [{"status": "accepted", "actor": {"reference": f"Patient/{patient['id']}"}}],
        }
    )
    [loaded] = await until(lambda: of_type(server, "bookings_loaded"))
    assert [b["id"] for b in loaded["bookings"]] == [appointment["id"]]
    booked = await kiosk.command(
        {"type": "issue_ticket", "service": "A", "identity": {"source": "typed", "id_number": "001099000202"}}
    )
    assert booked["result"]["booking"] == appointment["id"], booked
    assert booked["result"]["slot"] == f"{start:%H:%M}-{end:%H:%M}"
    await until(lambda: fhir_peer.call("GET", f"Appointment/{appointment['id']}")["status"] == "arrived")
    await kiosk.close()

    # our own writes (the Encounters after each step, the Appointment arrived) never came back
    await asyncio.sleep(3)  # three polls
    assert [e["type"] for e in his_events(server)] == [
        "his_mapping_loaded",
        "his_registration_recorded",
        "steps_added",
        "ticket_cancelled",
        "bookings_loaded",
    ]
    assert key == f"70001-{ack['result']['day'].replace('-', '')}-1"
    [link] = server.get_json_auth("/api/his/links", server.login())["links"]
    poll = link["poll"]
    assert poll["last_error"] == "" and poll["last_success"] > 0 and poll["refused"] == 0, poll
    assert (poll["changes"], poll["applied"]) == (4, 4), poll  # the MA_LK, the order, the end, the booking


def poll_of(server: ServerProc) -> dict[str, Any]:
    [link] = server.get_json_auth("/api/his/links", server.login())["links"]
    return dict(link["poll"])


async def test_a_restart_keeps_the_days_bookings_and_a_refused_change_is_not_retried(
    server: ServerProc, fhir_peer: FhirPeer
) -> None:
    def book(identifier: dict[str, str]) -> dict[str, Any]:
        patient = fhir_peer.create({"resourceType": "Patient", "identifier": [identifier]})
        today = dt.datetime.now(TZ).date()
        return fhir_peer.create(
            {
                "resourceType": "Appointment",
                "status": "booked",
                "start": dt.datetime.combine(today, dt.time(0, 0), TZ).isoformat(),
                "end": dt.datetime.combine(today, dt.time(23, 59), TZ).isoformat(),
                "serviceType": [{"coding": [{"code": "A"}]}],
                "participant": [{"status": "accepted", "actor": {"reference": f"Patient/{patient['id']}"}}],
            }
        )

    first = book({"system": fm.CCCD, "value": "001099000303"})
    await until(lambda: of_type(server, "bookings_loaded"))
    server.kill()  # SIGKILL: the bookings the intake held in memory are gone with it
    server.start()
    second = book({"system": fm.BHYT, "value": "DN4797912345678"})
    loads = await until(lambda: len(of_type(server, "bookings_loaded")) == 2 and of_type(server, "bookings_loaded"))
    assert sorted(b["id"] for b in loads[-1]["bookings"]) == sorted([first["id"], second["id"]])

    # an order for a service the queue does not have: refused, counted, not tried again
    kiosk = await Client.connect(server.ws_url)
    await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
    identity = {"source": "typed", "id_number": "001099000404"}
    assert (await kiosk.command({"type": "issue_ticket", "service": "B", "identity": identity}))["type"] == "ack"
    await kiosk.close()
    [encounter] = await until(lambda: fhir_peer.search("Encounter"))
    order = {
        "resourceType": "ServiceRequest",
        "status": "active",
        "intent": "order",
        "code": {"coding": [{"code": "ZZ"}]},
    }
    fhir_peer.create(
        {**order, "subject": encounter["subject"], "encounter": {"reference": f"Encounter/{encounter['id']}"}}
    )
    refused = await until(lambda: (p := poll_of(server))["refused"] == 1 and p)
    assert refused["last_refusal"].startswith("fhir:ServiceRequest/") and "unknown_service" in refused["last_refusal"]
    await asyncio.sleep(2.5)
    assert poll_of(server)["refused"] == 1
    assert [e["type"] for e in his_events(server)] == ["bookings_loaded", "bookings_loaded"]

"""The FHIR form of the HIS link against a real FHIR server (Medplum's router and in-memory
repository, tests/peers/fhir_peer.mjs): what the HIS holds after a ticket's messages."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import msgspec
import pytest

from server.domain.his import HisMessage, HisPatient, HisTicket
from server.his import Refused, Retryable
from server.his import fhir_map as fm
from server.his.fhir import FhirAdapter
from server.his.links import Link

from . import fhir_harness
from .fhir_harness import FhirPeer, running_fhir_peer

fhir_peer = fhir_harness.fhir_peer  # the fixture

CCCD = "001099012345"  # synthetic
BHYT = "DN4797912345678"  # synthetic
T0 = 1_796_000_000.0


def ticket(n: int = 1, **kw: Any) -> HisTicket:
    base: dict[str, Any] = {
        "key": f"70001-20261207-{n}",
        "site": "70001",
        "ticket": n,
        "label": f"A{n:03d}",
        "day": "2026-12-07",
        "service": "KB",
        "service_name": "Khám bệnh",
        "care_kind": "01",
        "status": "waiting",
        "issued_at": T0,
        "patient": HisPatient(source="chip", id_number=CCCD, name="Nguyễn Văn Thử", dob="1980-02-03", sex="male"),
    }
    return HisTicket(**{**base, **kw})


def journey(n: int = 1, **kw: Any) -> list[HisMessage]:
    """A ticket issued, called to counter 3, started, finished."""
    steps = [
        ("issued", {"status": "waiting"}),
        ("called", {"status": "called", "counter": 3, "counter_name": "Quầy 3"}),
        ("started", {"status": "serving", "counter": 3, "counter_name": "Quầy 3"}),
        ("finished", {"status": "done", "counter": 3, "counter_name": "Quầy 3"}),
    ]
    return [
        HisMessage(
            id=f"70001-20261207-{n}-{10 + i}", seq=10 + i, at=T0 + 60 * i, kind=kind, ticket=ticket(n, **{**kw, **s})
        )  # type: ignore[arg-type]
        for i, (kind, s) in enumerate(steps)
    ]


def link(peer: FhirPeer | None = None, **kw: Any) -> Link:
    return Link(name="his", form="fhir", site="70001", url=peer.base if peer else "http://127.0.0.1:9/fhir", **kw)


async def test_a_journey_gives_one_patient_and_one_encounter_ending_finished(fhir_peer: FhirPeer) -> None:
    adapter = FhirAdapter(link(fhir_peer))
    statuses = []
    for message in journey():
        receipt = await adapter.send(message)
        encounter = fhir_peer.call("GET", receipt)
        statuses.append(encounter["status"])
    await adapter.close()
    assert statuses == ["arrived", "arrived", "in-progress", "finished"]
    patients = fhir_peer.search("Patient", identifier=f"{fm.CCCD}|{CCCD}")
    assert len(patients) == 1
    assert patients[0]["name"][0]["family"] == "Nguyễn" and patients[0]["birthDate"] == "1980-02-03"
    [encounter] = fhir_peer.search("Encounter", identifier=f"{fm.TICKET}|70001-20261207-1")
    assert receipt == f"Encounter/{encounter['id']}"
    assert encounter["subject"]["reference"] == f"Patient/{patients[0]['id']}"
    assert encounter["class"]["code"] == "AMB"
    assert encounter["serviceType"]["coding"][0]["code"] == "KB"
    assert encounter["period"]["end"]
    [place] = encounter["location"]
    assert place["status"] == "completed"
    [location] = fhir_peer.search("Location", identifier=f"{fm.COUNTER}|70001-3")
    assert location["name"] == "Quầy 3" and place["location"]["reference"] == f"Location/{location['id']}"


async def test_every_message_twice_still_one_patient_one_encounter(fhir_peer: FhirPeer) -> None:
    adapter = FhirAdapter(link(fhir_peer))
    fresh = FhirAdapter(link(fhir_peer))  # no cache: as after a restart
    for message in journey(2):
        first = await adapter.send(message)
        assert await adapter.send(message) == first
        assert await fresh.send(message) == first
    await adapter.close()
    await fresh.close()
    assert len(fhir_peer.search("Patient", identifier=f"{fm.CCCD}|{CCCD}")) == 1
    [encounter] = fhir_peer.search("Encounter", identifier=f"{fm.TICKET}|70001-20261207-2")
    assert encounter["status"] == "finished"
    history = fhir_peer.call("GET", f"Encounter/{encounter['id']}/_history")
    assert len(history["entry"]) == 4  # one version per message, none for the repeats


async def test_an_old_message_after_a_newer_one_changes_nothing(fhir_peer: FhirPeer) -> None:
    adapter = FhirAdapter(link(fhir_peer))
    issued, called, started, _ = journey(3)
    for message in (issued, called, started):
        await adapter.send(message)
    fresh = FhirAdapter(link(fhir_peer))  # no cache: reads the Encounter, sees seq 12 > 11
    await fresh.send(called)
    await fresh.close()
    [encounter] = fhir_peer.search("Encounter", identifier=f"{fm.TICKET}|70001-20261207-3")
    assert encounter["status"] == "in-progress"
    await adapter.close()


async def test_a_bhyt_only_patient_is_found_by_the_card(fhir_peer: FhirPeer) -> None:
    person = HisPatient(source="typed", bhyt_number=BHYT)
    adapter = FhirAdapter(link(fhir_peer))
    for message in journey(4, patient=person)[:2]:
        await adapter.send(message)
    await adapter.close()
    [patient] = fhir_peer.search("Patient", identifier=f"{fm.BHYT}|{BHYT}")
    assert patient["identifier"] == [{"system": fm.BHYT, "value": BHYT}]
    assert "name" not in patient and "gender" not in patient
    [encounter] = fhir_peer.search("Encounter", identifier=f"{fm.TICKET}|70001-20261207-4")
    assert encounter["subject"]["reference"] == f"Patient/{patient['id']}"


async def test_a_passport_holder_is_found_by_the_passport(fhir_peer: FhirPeer) -> None:
    person = HisPatient(source="passport", passport_number="ZP4815162", nationality="UTO", name="MARTIN CLAIRE")
    adapter = FhirAdapter(link(fhir_peer))
    for message in journey(5, patient=person)[:2] * 2:
        await adapter.send(message)
    await adapter.close()
    [patient] = fhir_peer.search("Patient", identifier=f"{fm.PASSPORT}|ZP4815162")
    assert patient["identifier"] == [{"system": fm.PASSPORT, "value": "ZP4815162", "assigner": {"display": "UTO"}}]
    [encounter] = fhir_peer.search("Encounter", identifier=f"{fm.TICKET}|70001-20261207-5")
    assert encounter["subject"]["reference"] == f"Patient/{patient['id']}"


async def test_the_his_record_of_the_person_is_used_not_overwritten(fhir_peer: FhirPeer) -> None:
    theirs = fhir_peer.create(
        {"resourceType": "Patient", "identifier": [{"system": fm.CCCD, "value": CCCD}], "name": [{"text": "Tên HIS"}]}
    )
    adapter = FhirAdapter(link(fhir_peer))
    receipt = await adapter.send(journey(5)[0])
    await adapter.close()
    assert fhir_peer.call("GET", receipt)["subject"]["reference"] == f"Patient/{theirs['id']}"
    assert fhir_peer.call("GET", f"Patient/{theirs['id']}")["name"] == [{"text": "Tên HIS"}]


async def test_priority_episode_and_transfer(fhir_peer: FhirPeer) -> None:
    adapter = FhirAdapter(link(fhir_peer))
    issued, called, *_ = journey(6, priority=["emergency", "elderly_75"])
    await adapter.send(issued)
    await adapter.send(called)
    moved = HisMessage(
        id="m-transfer",
        seq=99,
        at=T0 + 300,
        kind="transferred",
        reason="xét nghiệm",
        ticket=ticket(
            6,
            status="waiting",
            service="XN",
            service_name="Xét nghiệm",
            counter=5,
            counter_name="Phòng 5",
            episode="LK0001",
            priority=["emergency"],
        ),
    )
    receipt = await adapter.send(moved)
    sent_on = fhir_peer.call("GET", receipt)
    assert [(p["location"]["display"], p["status"]) for p in sent_on["location"]] == [
        ("Quầy 3", "completed"),
        ("Phòng 5", "planned"),
    ]
    there = msgspec.structs.replace(moved, id="m-call-5", seq=100, kind="called")
    await adapter.send(msgspec.structs.replace(there, ticket=msgspec.structs.replace(moved.ticket, status="called")))
    await adapter.close()
    encounter = fhir_peer.call("GET", receipt)
    assert encounter["priority"]["coding"][0]["code"] == "EM"
    assert [r["coding"][0]["code"] for r in encounter["reasonCode"]] == ["emergency"]
    assert {"system": fm.MA_LK, "value": "LK0001"} in encounter["identifier"]
    assert encounter["serviceType"]["coding"][0]["code"] == "XN"
    assert [(p["location"]["display"], p["status"]) for p in encounter["location"]] == [
        ("Quầy 3", "completed"),
        ("Phòng 5", "active"),
    ]


async def test_a_booking_is_set_arrived(fhir_peer: FhirPeer) -> None:
    def appointment(number: str) -> dict[str, Any]:
        return fhir_peer.create(
            {
                "resourceType": "Appointment",
                "status": "booked",
                "start": "2026-12-07T09:00:00+07:00",
                "end": "2026-12-07T09:15:00+07:00",
                "identifier": [{"system": "urn:his:booking", "value": number}],
                "participant": [{"status": "accepted", "actor": {"display": "BN"}}],
            }
        )

    booked = appointment("B-77")
    adapter = FhirAdapter(link(fhir_peer))
    by_id = await adapter.send(journey(7, booking=booked["id"])[0])
    assert fhir_peer.call("GET", f"Appointment/{booked['id']}")["status"] == "arrived"
    assert fhir_peer.call("GET", by_id)["appointment"] == [{"reference": f"Appointment/{booked['id']}"}]
    other = appointment("B-78")
    await adapter.send(journey(8, booking="urn:his:booking|B-78")[0])
    assert fhir_peer.call("GET", f"Appointment/{other['id']}")["status"] == "arrived"
    await adapter.close()


@pytest.mark.parametrize("booking", ["no-such-appointment", "urn:his:booking|NO-SUCH"])
async def test_a_booking_the_his_does_not_know_does_not_hold_back_the_encounter(
    fhir_peer: FhirPeer, booking: str, caplog: pytest.LogCaptureFixture
) -> None:
    adapter = FhirAdapter(link(fhir_peer))
    receipt = await adapter.send(journey(9, booking=booking)[0])
    encounter = fhir_peer.call("GET", receipt)
    assert encounter["status"] == "arrived" and "appointment" not in encounter
    assert f"no Appointment {booking}" in caplog.text
    await adapter.close()


async def test_bearer_token_is_required_and_sent() -> None:
    with running_fhir_peer(token="static-token-for-tests") as peer:
        anonymous = FhirAdapter(link(peer))
        with pytest.raises(Retryable, match="401"):
            await anonymous.send(journey(1)[0])
        await anonymous.close()
        adapter = FhirAdapter(link(peer, bearer="static-token-for-tests"))
        assert (await adapter.send(journey(1)[0])).startswith("Encounter/")
        await adapter.close()


async def test_oauth2_client_credentials_token_cached_and_refreshed() -> None:
    with running_fhir_peer(client=("queue", "s3cret-for-tests"), ttl=3600) as peer:
        auth = {
            "token_url": peer.token_url,
            "client_id": "queue",
            "client_secret": "s3cret-for-tests",
            "scope": "system/*.write",
        }
        adapter = FhirAdapter(link(peer, **auth))
        for message in journey(1):
            await adapter.send(message)
        assert peer.stats()["tokens"] == 1  # one token for the whole journey
        peer.control("revoke")  # the HIS revoked it early: 401, a new token, the request again
        await adapter.send(journey(2)[0])
        assert peer.stats()["tokens"] == 2
        await adapter.close()
        # a wrong secret is Retryable: the link is misconfigured, not the message (fhir_client.py)
        wrong = FhirAdapter(link(peer, **{**auth, "client_secret": "wrong"}))
        with pytest.raises(Retryable, match="invalid_client"):
            await wrong.send(journey(3)[0])
        await wrong.close()
        assert peer.search("Encounter", identifier=f"{fm.TICKET}|70001-20261207-3") == []


async def test_short_lived_tokens_are_fetched_again_before_expiry() -> None:
    with running_fhir_peer(client=("queue", "s3cret-for-tests"), ttl=2) as peer:
        adapter = FhirAdapter(link(peer, token_url=peer.token_url, client_id="queue", client_secret="s3cret-for-tests"))
        await adapter.send(journey(1)[0])
        await asyncio.sleep(1.2)  # past half of the 2 s lifetime: fetched again, never a 401
        await adapter.send(journey(1)[1])
        assert peer.stats()["tokens"] == 2
        assert peer.stats()["unauthorised"] == 0  # fetched before it expired, not after a 401
        await adapter.close()


async def test_peer_down_is_retryable_and_quick() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: connection refused
        adapter = FhirAdapter(
            Link(name="his", form="fhir", site="70001", url=f"http://127.0.0.1:{port}/fhir", timeout=2)
        )
        started = time.monotonic()
        with pytest.raises(Retryable, match="ConnectError"):
            await adapter.send(journey(1)[0])
        assert time.monotonic() - started < 2
        await adapter.close()


@pytest.mark.parametrize("status", [408, 429, 500, 503])
async def test_busy_or_broken_his_is_retryable(fhir_peer: FhirPeer, status: int) -> None:
    adapter = FhirAdapter(link(fhir_peer))
    fhir_peer.fail_next(status)
    with pytest.raises(Retryable, match=str(status)):
        await adapter.send(journey(1)[0])
    assert (await adapter.send(journey(1)[0])).startswith("Encounter/")  # the retry goes through
    await adapter.close()


@pytest.mark.parametrize("status", [400, 404, 409, 422])
async def test_a_4xx_is_refused_with_the_reason(fhir_peer: FhirPeer, status: int) -> None:
    adapter = FhirAdapter(link(fhir_peer))
    fhir_peer.fail_next(status)
    with pytest.raises(Refused, match=f"HTTP {status} injected {status}"):
        await adapter.send(journey(1)[0])
    await adapter.close()


async def test_two_his_records_of_one_person_is_refused(fhir_peer: FhirPeer) -> None:
    for _ in range(2):
        fhir_peer.create({"resourceType": "Patient", "identifier": [{"system": fm.CCCD, "value": CCCD}]})
    adapter = FhirAdapter(link(fhir_peer))
    with pytest.raises(Refused, match="412.*[Mm]ultiple"):
        await adapter.send(journey(1)[0])
    await adapter.close()


async def test_concurrent_change_at_the_his_is_merged(fhir_peer: FhirPeer) -> None:
    adapter = FhirAdapter(link(fhir_peer))
    issued, called, started, _ = journey(10)
    await adapter.send(issued)
    [encounter] = fhir_peer.search("Encounter", identifier=f"{fm.TICKET}|70001-20261207-10")
    encounter["identifier"].append({"system": "urn:his:visit", "value": "V-1"})
    fhir_peer.update(encounter)  # the HIS adds its visit number: our cached version is stale
    await adapter.send(called)
    receipt = await adapter.send(started)
    await adapter.close()
    after = fhir_peer.call("GET", receipt)
    assert after["status"] == "in-progress"
    assert {"system": "urn:his:visit", "value": "V-1"} in after["identifier"]


async def test_a_cancel_ends_the_encounter_and_an_anonymous_ticket_has_no_patient(fhir_peer: FhirPeer) -> None:
    adapter = FhirAdapter(link(fhir_peer))
    issued = journey(11, patient=None)[0]
    cancelled = HisMessage(
        id="m-cancel",
        seq=50,
        at=T0 + 90,
        kind="cancelled",
        reason="bỏ về",
        ticket=ticket(11, patient=None, status="cancelled"),
    )
    rated = HisMessage(
        id="m-rate", seq=51, at=T0 + 95, kind="rated", score=5, ticket=ticket(11, patient=None, status="cancelled")
    )
    await adapter.send(issued)
    receipt = await adapter.send(cancelled)
    assert await adapter.send(rated) == "-"  # ratings are not sent over FHIR
    await adapter.close()
    encounter = fhir_peer.call("GET", receipt)
    assert encounter["status"] == "cancelled" and encounter["period"]["end"]
    assert "subject" not in encounter and "location" not in encounter
    assert fhir_peer.search("Patient") == []


async def test_an_encounter_made_without_a_patient_gets_one_when_the_identity_comes(fhir_peer: FhirPeer) -> None:
    adapter = FhirAdapter(link(fhir_peer))
    await adapter.send(journey(12, patient=None)[0])
    changed = HisMessage(id="m-changed", seq=60, at=T0 + 30, kind="changed", ticket=ticket(12))
    receipt = await adapter.send(changed)
    await adapter.close()
    [patient] = fhir_peer.search("Patient", identifier=f"{fm.CCCD}|{CCCD}")
    assert fhir_peer.call("GET", receipt)["subject"] == {"reference": f"Patient/{patient['id']}"}


def test_a_missing_peer_fails_under_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setattr(fhir_harness, "ROUTER", tmp_path / "no-such-package.json")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required under CI=true"):
        fhir_harness.start_fhir_peer()
    with pytest.raises(pytest.fail.Exception, match="required under CI=true"):
        fhir_harness.require_fhir_peer()  # as a test that starts the peer mid-way checks first
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        fhir_harness.start_fhir_peer()

"""Polling an HIS that offers only FHIR (server/his/fhir_poll.py) against the real FHIR peer: the
test acts as the HIS, creating and changing resources; the poller reports each change once and
never our own writes."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Any

from server.his import fhir_map as fm
from server.his.fhir import FhirAdapter
from server.his.fhir_map import OwnWrites
from server.his.fhir_poll import FhirChange, FhirPoller
from server.his.links import Link

from . import fhir_harness
from .fhir_harness import FhirPeer
from .test_his_fhir import journey

fhir_peer = fhir_harness.fhir_peer  # the fixture


class Recorder:
    def __init__(self) -> None:
        self.changes: list[FhirChange] = []
        self.fail = False

    async def __call__(self, change: FhirChange) -> None:
        if self.fail:
            raise RuntimeError("the inbound command failed")
        self.changes.append(change)

    def take(self) -> list[tuple[str, str]]:
        out = [(c.kind, c.resource.get("status", "")) for c in self.changes]
        self.changes.clear()
        return out


def link(peer: FhirPeer) -> Link:
    return Link(name="his", form="fhir", site="70001", url=peer.base, poll_seconds=1)


async def poller(peer: FhirPeer, path: Path, recorder: Recorder, own: OwnWrites | None = None) -> FhirPoller:
    p = FhirPoller(link(peer), path, recorder, since=time.time() - 60, own=own)
    await p.open()
    return p


def his_encounter(**kw: Any) -> dict[str, Any]:
    return {
        "resourceType": "Encounter",
        "status": "planned",
        "class": {"system": fm.ACT_CODE, "code": "AMB"},
        "identifier": [{"system": "urn:his:visit", "value": "V-9"}],
        **kw,
    }


async def test_an_his_encounter_is_reported_once_per_change(fhir_peer: FhirPeer, tmp_path: Path) -> None:
    recorder = Recorder()
    p = await poller(fhir_peer, tmp_path / "his-poll.sqlite3", recorder)
    created = fhir_peer.create(his_encounter())
    assert await p.poll_once() == 1
    [change] = recorder.changes
    assert (change.kind, change.id, change.ticket_key) == ("Encounter", created["id"], "")
    assert change.message_id == f"Encounter/{created['id']}/_history/{created['meta']['versionId']}"
    recorder.take()
    assert await p.poll_once() == 0  # nothing new
    fhir_peer.update({**created, "status": "arrived"})
    assert await p.poll_once() == 1
    assert recorder.take() == [("Encounter", "arrived")]
    latest = fhir_peer.call("GET", f"Encounter/{created['id']}")
    fhir_peer.update({**latest, "length": {"value": 5, "unit": "min"}})  # a field we do not act on
    assert await p.poll_once() == 0
    await p.close()


async def test_our_own_writes_do_not_loop_back(fhir_peer: FhirPeer, tmp_path: Path) -> None:
    recorder = Recorder()
    own = OwnWrites()
    p = await poller(fhir_peer, tmp_path / "his-poll.sqlite3", recorder, own)
    adapter = FhirAdapter(link(fhir_peer), own=own)
    issued, called, started, _ = journey(21)
    receipt = await adapter.send(issued)
    assert await p.poll_once() == 0
    ours = fhir_peer.call("GET", receipt)
    ours["identifier"].append({"system": fm.MA_LK, "value": "LK-21"})
    fhir_peer.update(ours)  # the HIS records the episode on our Encounter (copying our meta.source)
    assert await p.poll_once() == 1
    [change] = recorder.changes
    assert change.ticket_key == "70001-20261207-21"
    await adapter.send(called)
    await adapter.send(started)
    assert await p.poll_once() == 0  # our updates (they keep the HIS's identifier): silent
    encounter = fhir_peer.call("GET", receipt)
    assert encounter["status"] == "in-progress" and {"system": fm.MA_LK, "value": "LK-21"} in encounter["identifier"]
    await adapter.close()
    await p.close()


async def test_appointments_and_service_requests_are_polled(fhir_peer: FhirPeer, tmp_path: Path) -> None:
    recorder = Recorder()
    p = await poller(fhir_peer, tmp_path / "his-poll.sqlite3", recorder)
    patient = fhir_peer.create(
        {"resourceType": "Patient", "identifier": [{"system": fm.CCCD, "value": "001099000777"}]}
    )
    fhir_peer.create(
        {
            "resourceType": "Appointment",
            "status": "booked",
            "start": "2026-12-07T09:00:00+07:00",
            "end": "2026-12-07T09:15:00+07:00",
            "participant": [{"status": "accepted", "actor": {"reference": f"Patient/{patient['id']}"}}],
        }
    )
    fhir_peer.create(
        {
            "resourceType": "ServiceRequest",
            "status": "active",
            "intent": "order",
            "code": {"text": "Xét nghiệm máu"},
            "subject": {"reference": f"Patient/{patient['id']}"},
        }
    )
    assert await p.poll_once() == 2
    assert recorder.take() == [("Appointment", "booked"), ("ServiceRequest", "active")]
    await p.close()


async def test_the_cursor_survives_a_restart_and_a_failed_callback_is_retried(
    fhir_peer: FhirPeer, tmp_path: Path
) -> None:
    path = tmp_path / "his-poll.sqlite3"
    recorder = Recorder()
    p = await poller(fhir_peer, path, recorder)
    fhir_peer.create(his_encounter())
    assert await p.poll_once() == 1
    await p.close()
    again = await poller(fhir_peer, path, recorder)  # as after a restart
    assert await again.poll_once() == 0
    second = fhir_peer.create(his_encounter(status="arrived"))
    recorder.fail = True
    try:
        await again.poll_once()
        raise AssertionError("the callback's failure should stop the poll")
    except RuntimeError:
        pass
    recorder.fail = False
    recorder.take()
    assert await again.poll_once() == 1
    assert [c.id for c in recorder.changes] == [second["id"]]
    await again.close()


async def test_without_the_shared_registry_meta_source_marks_our_writes(fhir_peer: FhirPeer, tmp_path: Path) -> None:
    recorder = Recorder()
    p = await poller(fhir_peer, tmp_path / "his-poll.sqlite3", recorder)  # no OwnWrites
    adapter = FhirAdapter(link(fhir_peer))
    for message in journey(22):
        await adapter.send(message)
    fhir_peer.create(his_encounter())
    assert await p.poll_once() == 1
    assert recorder.take() == [("Encounter", "planned")]
    await adapter.close()
    await p.close()


async def test_run_polls_until_cancelled_and_keeps_the_last_error(tmp_path: Path) -> None:
    recorder = Recorder()
    with fhir_harness.running_fhir_peer() as peer:
        p = FhirPoller(
            Link(name="his", form="fhir", site="70001", url=peer.base, poll_seconds=0.2, timeout=1),
            tmp_path / "his-poll.sqlite3",
            recorder,
        )
        await p.open()
        task = asyncio.create_task(p.run())
        peer.create(his_encounter())
        for _ in range(50):
            if recorder.changes and p.last_success:
                break
            await asyncio.sleep(0.1)
        assert recorder.take() == [("Encounter", "planned")]
        assert p.last_success > 0 and p.last_error == ""
    for _ in range(50):  # the peer is gone
        if p.last_error:
            break
        await asyncio.sleep(0.1)
    assert "ConnectError" in p.last_error
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await p.close()

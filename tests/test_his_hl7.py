"""The HL7 v2 link (server/his/hl7.py) against a real HIS peer: hl7apy's MLLPServer in a
subprocess (tests/peers/hl7_peer.py), killed, restarted, told to refuse or to stall."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import msgspec
import pytest

from server.domain.his import HisMessage, HisPatient, HisTicket, Kind
from server.his import Refused, Retryable
from server.his.hl7 import Hl7Adapter
from server.his.links import Link

from .peers import hl7_harness
from .peers.hl7_harness import Hl7Peer, running_hl7_peer

SITE = "70001"
AT = 1_796_530_000.0  # 2026-12-06 11:06:40 in Hà Nội
PATIENT = HisPatient(
    source="chip",
    id_number="001099012345",  # synthetic
    bhyt_number="DN4010199012345",
    name="Nguyễn Thị Minh Khai",
    dob="1990-05-17",
    sex="female",
)


hl7_peer = hl7_harness.hl7_peer  # the fixture: a running peer with an empty store


def ticket(n: int = 12, **kw: object) -> HisTicket:
    fields: dict[str, object] = {
        "key": f"{SITE}-20261206-{n}",
        "site": SITE,
        "ticket": n,
        "label": f"A{n:03d}",
        "day": "2026-12-06",
        "service": "KB",
        "service_name": "Khám bệnh",
        "care_kind": "01",
        "status": "waiting",
        "issued_at": AT,
        "patient": PATIENT,
    }
    return HisTicket(**{**fields, **kw})  # type: ignore[arg-type]


def message(kind: Kind, seq: int, t: HisTicket, **kw: object) -> HisMessage:
    return HisMessage(id=f"{t.key}-{seq}", seq=seq, at=AT + seq, kind=kind, ticket=t, **kw)  # type: ignore[arg-type]


def adapter(peer: Hl7Peer, timeout: float = 3.0) -> Hl7Adapter:
    return Hl7Adapter(Link(name="his", form="hl7", site=SITE, url=peer.url, timeout=timeout))


def visit(t: HisTicket) -> list[tuple[Kind, HisTicket]]:
    """A check-in, the call at counter 3, the start and the end."""
    at3 = msgspec.structs.replace(t, counter=3, counter_name="Phòng khám 3")
    return [
        ("issued", t),
        ("called", msgspec.structs.replace(at3, status="called")),
        ("started", msgspec.structs.replace(at3, status="serving")),
        ("finished", msgspec.structs.replace(at3, status="done")),
    ]


async def test_a_visit_from_check_in_to_the_end_is_one_registration_at_the_his(hl7_peer: Hl7Peer) -> None:
    a = adapter(hl7_peer)
    t = ticket()
    receipts = [await a.send(message(kind, seq, tk)) for seq, (kind, tk) in enumerate(visit(t), start=101)]
    await a.close()
    assert receipts == ["AA", "AA", "AA", "AA"]
    regs = hl7_peer.registrations()
    assert list(regs) == [t.key]
    reg = regs[t.key]
    assert reg["events"] == ["A04", "A08", "A08", "A03"]
    assert reg["status"] == "discharged"
    assert reg["identifiers"] == [
        {"id": "001099012345", "authority": "CCCD", "type": "NI"},
        {"id": "DN4010199012345", "authority": "BHYT", "type": "HC"},
    ]
    assert reg["name"] == "Nguyễn Thị Minh Khai"
    assert (reg["dob"], reg["sex"], reg["facility"]) == ("19900517", "F", SITE)
    assert (reg["location"], reg["location_name"]) == ("3", "Phòng khám 3")
    assert (reg["service"], reg["service_name"], reg["care_kind"]) == ("KB", "Khám bệnh", "01")
    assert (reg["label"], reg["queue_event"]) == ("A012", "finished")
    assert reg["admitted"] == "20261206110640+0700" and reg["discharged"] == "20261206110824+0700"
    assert a.connections == 1 and hl7_peer.state()["connections"] == 1  # one persistent connection


async def test_the_same_message_twice_registers_once(hl7_peer: Hl7Peer) -> None:
    a = adapter(hl7_peer)
    m = message("issued", 7, ticket())
    assert [await a.send(m), await a.send(m)] == ["AA", "AA"]
    await a.close()
    state = hl7_peer.state()
    assert state["registrations"][m.ticket.key]["events"] == ["A04"]
    assert (state["received"], state["duplicates"]) == (2, 1)


async def test_an_application_error_is_retryable_and_the_retry_lands(hl7_peer: Hl7Peer) -> None:
    a = adapter(hl7_peer)
    m = message("issued", 7, ticket())
    hl7_peer.answer("AE", "HIS đang bận, gửi lại sau")
    with pytest.raises(Retryable) as caught:
        await a.send(m)
    assert caught.value.reason == "HL7 AE: HIS đang bận, gửi lại sau"
    assert hl7_peer.registrations() == {}
    hl7_peer.answer("AA")
    assert await a.send(m) == "AA"
    await a.close()
    assert hl7_peer.registrations()[m.ticket.key]["events"] == ["A04"]


async def test_a_rejection_is_refused_with_the_his_reason(hl7_peer: Hl7Peer) -> None:
    a = adapter(hl7_peer)
    hl7_peer.answer("AR", "Số thẻ BHYT không hợp lệ | ^ & ~")
    with pytest.raises(Refused) as caught:
        await a.send(message("issued", 7, ticket()))
    await a.close()
    assert caught.value.reason == "HL7 AR: Số thẻ BHYT không hợp lệ | ^ & ~"
    assert hl7_peer.registrations() == {}


async def test_a_his_killed_and_restarted_is_reconnected(hl7_peer: Hl7Peer) -> None:
    a = adapter(hl7_peer)
    t = ticket()
    assert await a.send(message("issued", 1, t)) == "AA"
    hl7_peer.kill()
    started = time.monotonic()
    with pytest.raises(Retryable, match="cannot connect|broke"):
        await a.send(message("called", 2, t))
    assert time.monotonic() - started < 1.0  # a refused connection is known at once
    hl7_peer.start()
    assert await a.send(message("called", 2, t)) == "AA"
    await a.close()
    assert hl7_peer.registrations()[t.key]["events"] == ["A04", "A08"]
    assert a.connections == 2


async def test_a_stalled_his_is_retryable_within_the_timeout(hl7_peer: Hl7Peer) -> None:
    a = adapter(hl7_peer, timeout=0.5)
    t = ticket()
    hl7_peer.answer("stall", seconds=3)
    started = time.monotonic()
    with pytest.raises(Retryable, match="no ACK .* within 0.5 s"):
        await a.send(message("issued", 1, t))
    assert 0.5 <= time.monotonic() - started < 1.0
    hl7_peer.answer("AA")
    assert await a.send(message("issued", 1, t)) == "AA"  # on a new connection: a late ACK answers nothing
    await a.close()
    assert a.connections == 2


async def test_an_ack_for_another_message_is_retryable_and_drops_the_connection(hl7_peer: Hl7Peer) -> None:
    a = adapter(hl7_peer)
    t = ticket()
    assert await a.send(message("issued", 1, t)) == "AA"
    hl7_peer.answer("wrong-id")
    with pytest.raises(Retryable, match="answers message '70001-2-other'"):
        await a.send(message("called", 2, t))
    hl7_peer.answer("AA")
    assert await a.send(message("called", 2, t)) == "AA"
    await a.close()
    assert a.connections == 2


async def test_a_connection_closed_without_an_answer_is_retryable(hl7_peer: Hl7Peer) -> None:
    a = adapter(hl7_peer)
    t = ticket()
    hl7_peer.answer("close")
    with pytest.raises(Retryable, match="broke"):
        await a.send(message("issued", 1, t))
    assert hl7_peer.state()["connections"] == 1  # a new connection that breaks is not tried again
    hl7_peer.answer("AA")
    assert await a.send(message("issued", 1, t)) == "AA"
    hl7_peer.answer("close")
    with pytest.raises(Retryable, match="broke"):
        await a.send(message("called", 2, t))
    await a.close()
    assert a.connections == hl7_peer.state()["connections"] == 3  # the used one broke: once more on a new one


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("junk", "the answer has no MSH segment"),
        ("unframed", "the answer is not an MLLP frame"),
        ("flood", "an answer longer than 65536 bytes is not an ACK"),
    ],
)
async def test_an_answer_that_is_not_an_ack_is_retryable(hl7_peer: Hl7Peer, answer: str, reason: str) -> None:
    a = adapter(hl7_peer)
    t = ticket()
    hl7_peer.answer(answer)
    with pytest.raises(Retryable) as caught:
        await a.send(message("issued", 1, t))
    assert caught.value.reason == f"HL7: {reason}"
    hl7_peer.answer("AA")
    assert await a.send(message("issued", 1, t)) == "AA"
    await a.close()
    assert a.connections == 2  # what came after the bad answer is never read as the next ACK


async def test_delimiters_in_the_text_survive_the_round_trip(hl7_peer: Hl7Peer) -> None:
    a = adapter(hl7_peer)
    name = "Trần |Thị^ ~Bé\\ &Con"
    t = ticket(patient=msgspec.structs.replace(PATIENT, name=name), counter=2, counter_name="P.2 | Nội^")
    assert await a.send(message("issued", 1, t)) == "AA"
    assert await a.send(message("transferred", 2, t, reason="sang Xét nghiệm | máu^ & ~\\")) == "AA"
    await a.close()
    reg = hl7_peer.registrations()[t.key]
    assert reg["name"] == name
    assert reg["location_name"] == "P.2 | Nội^"
    assert reg["reason"] == "sang Xét nghiệm | máu^ & ~\\"


async def test_a_his_that_closes_after_each_answer_costs_no_retry(tmp_path: Path) -> None:
    with running_hl7_peer(tmp_path / "his.jsonl", close_each=True) as peer:  # hl7apy's own handler
        a = adapter(peer)
        t = ticket()
        receipts = [await a.send(message(kind, seq, tk)) for seq, (kind, tk) in enumerate(visit(t), start=1)]
        await a.close()
        assert receipts == ["AA"] * 4
        assert peer.registrations()[t.key]["status"] == "discharged"
        assert a.connections == peer.state()["connections"] == 4


async def test_a_connection_the_his_closed_while_idle_is_replaced_within_one_send(tmp_path: Path) -> None:
    with running_hl7_peer(tmp_path / "his.jsonl", idle=0.2) as peer:
        a = adapter(peer)
        t = ticket()
        assert await a.send(message("issued", 1, t)) == "AA"
        await asyncio.sleep(0.5)  # the peer closes the idle connection
        assert await a.send(message("called", 2, t)) == "AA"
        await a.close()
        assert a.connections == 2
        assert peer.registrations()[t.key]["events"] == ["A04", "A08"]


async def test_a_rating_is_not_sent(hl7_peer: Hl7Peer) -> None:
    a = adapter(hl7_peer)
    receipt = await a.send(message("rated", 9, ticket(), score=5))
    await a.close()
    assert receipt == "not sent: HL7 v2 has no message for rated"
    assert hl7_peer.state()["received"] == 0 and a.connections == 0


async def test_messages_sent_at_once_take_turns_on_the_one_connection(hl7_peer: Hl7Peer) -> None:
    a = adapter(hl7_peer)
    tickets = [ticket(n) for n in range(1, 6)]
    receipts = await asyncio.gather(*(a.send(message("issued", t.ticket, t)) for t in tickets))
    await a.close()
    assert receipts == ["AA"] * 5
    assert sorted(hl7_peer.registrations()) == sorted(t.key for t in tickets)
    assert a.connections == hl7_peer.state()["connections"] == 1

"""The commands of a hospital information system (domain/his_inbound.py): registration, sending
a patient on, ending the episode, the mapping of its codes; who may send them; the ticket key."""

from __future__ import annotations

import msgspec
import pytest

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.access import Actor
from server.domain.fold import fold
from server.domain.handle import handle
from server.domain.his import ticket_key
from server.domain.his_inbound import end_events, parse_ticket_key
from server.domain.lifecycle import Status
from server.domain.state import HisMap, QueueState, Ticket

from .sim import Sim
from .test_decide import refused

HIS = Actor(name="his:his", role="his")
OTHER = Actor(name="his:lab", role="his")


@pytest.fixture
def sim() -> Sim:
    s = Sim()
    s.open(1, 2, 3)
    return s


def key(sim: Sim, t: Ticket) -> str:
    return ticket_key("70001", sim.state.day, t.id)


def test_the_key_is_made_and_read_back() -> None:
    assert ticket_key("70001", "2026-11-23", 12) == "70001-20261123-12"
    assert parse_ticket_key("70001-20261123-12") == ("70001", "2026-11-23", 12)
    for bad in ("", "70001-2026112-12", "70001-20261123-0", "70001-20261123-x", "a-b-20261123-1", "70001-20261123"):
        assert parse_ticket_key(bad) is None, bad


def test_registration_is_recorded_on_the_ticket_and_replaced_by_the_next(sim: Sim) -> None:
    t = sim.issue("A")
    events = sim.do(cmd.RecordRegistration(key=key(sim, t), patient_code=" BN0001 ", episode="LK-1", room=2), HIS)
    assert events == [
        ev.HisRegistrationRecorded(ticket=t.id, label=t.label, patient_code="BN0001", episode="LK-1", room=2)
    ]
    assert (t.patient_code, t.episode, t.room, t.his_room) == ("BN0001", "LK-1", 2, "")
    sim.do(cmd.RecordRegistration(key=key(sim, t), patient_code="BN0002", his_room="P.105"), HIS)
    assert (t.patient_code, t.episode, t.room, t.his_room) == ("BN0002", "", None, "P.105")


def test_unknown_other_day_or_malformed_keys_are_404(sim: Sim) -> None:
    t = sim.issue("A")
    for k in ("70001-20261122-1", f"70001-20261123-{t.id + 5}", "nonsense"):
        err = refused(sim, cmd.RecordRegistration(key=k, patient_code="BN1"), "unknown_ticket", HIS)
        assert err.status == 404 and err.field == "key"


def test_an_unknown_room_is_refused(sim: Sim) -> None:
    t = sim.issue("A")
    err = refused(sim, cmd.RecordRegistration(key=key(sim, t), room=99), "unknown_counter", HIS)
    assert err.field == "room"


def test_the_mapping_turns_the_his_codes_into_ours(sim: Sim) -> None:
    mapping = cmd.LoadHisMapping(
        departments=[ev.HisDepartment(his_code="K01", department="d1")],
        rooms=[ev.HisRoom(his_room="P.105", counter=3)],
        services=[ev.HisService(his_code="DV-KB", service="B")],
    )
    assert sim.do(mapping, HIS)[0] == ev.HisMappingLoaded(
        link="his:his", departments=mapping.departments, rooms=mapping.rooms, services=mapping.services
    )
    assert sim.state.his_maps["his:his"].rooms == {"P.105": 3}
    t = sim.issue("A")
    sim.do(cmd.RecordRegistration(key=key(sim, t), his_room="P.105"), HIS)
    assert (t.room, t.his_room) == (3, "P.105")
    # another link's codes are its own: "P.105" means nothing to it
    sim.do(cmd.RecordRegistration(key=key(sim, t), his_room="P.105"), OTHER)
    assert t.room is None
    # the HIS's service code, then its room, on a send
    sent = sim.do(cmd.SendTicket(key=key(sim, t), service="DV-KB", reason="khám chuyên khoa"), HIS)[0]
    assert isinstance(sent, ev.TicketTransferred) and sent.to_service == "B" and sent.reason == "khám chuyên khoa"
    sent, moved = sim.do(cmd.SendTicket(key=key(sim, t), his_room="P.105"), HIS)
    assert isinstance(sent, ev.TicketTransferred) and (sent.to_service, sent.to_counter) == ("B", 3)
    assert isinstance(moved, ev.HisRegistrationRecorded) and (moved.room, moved.his_room) == (3, "P.105")
    assert (t.room, t.his_room) == (3, "P.105")
    # sent on again to the same room: nothing more to record; to a service alone: the room is left behind
    assert [type(e) for e in sim.do(cmd.SendTicket(key=key(sim, t), his_room="P.105", position="front"), HIS)] == [
        ev.TicketTransferred
    ]
    sim.do(cmd.SendTicket(key=key(sim, t), service="A"), HIS)
    assert (t.room, t.his_room, t.service) == (None, "", "A")


def test_a_mapping_to_a_room_the_configuration_no_longer_has_is_refused_on_use(sim: Sim) -> None:
    sim.state.his_maps["his:his"] = HisMap(rooms={"P.9": 9})  # loaded before counter 9 was removed
    t = sim.issue("A")
    err = refused(sim, cmd.RecordRegistration(key=key(sim, t), his_room="P.9"), "unknown_counter", HIS)
    assert err.field == "his_room"


@pytest.mark.parametrize(
    ("table", "rows", "field"),
    [
        ("departments", [ev.HisDepartment(his_code="K", department="nope")], "departments[0].department"),
        ("rooms", [ev.HisRoom(his_room="P1", counter=1), ev.HisRoom(his_room="P1", counter=2)], "rooms[1]"),
        ("rooms", [ev.HisRoom(his_room="P1", counter=42)], "rooms[0].counter"),
        ("services", [ev.HisService(his_code="S", service="Z")], "services[0].service"),
    ],
)
def test_a_mapping_must_name_what_we_have_each_code_once(sim: Sim, table: str, rows: list, field: str) -> None:
    err = refused(sim, cmd.LoadHisMapping(**{table: rows}), "his_mapping_invalid", HIS)
    assert err.field == field and field in err.message_en


def test_send_keeps_the_number_and_waits_in_the_other_service(sim: Sim) -> None:
    t = sim.issue("A")
    sim.call(1)
    sim.do(cmd.SendTicket(key=key(sim, t), service="B", reason="xét nghiệm máu"), HIS)
    assert (t.label, t.service, t.status, t.counter) == ("A001", "B", Status.WAITING, None)
    assert sim.state.counters[1].current is None
    assert sim.call(3).label == "A001"


def test_send_to_a_room_alone_keeps_the_service_it_serves_or_takes_the_rooms_first(sim: Sim) -> None:
    t = sim.issue("A")
    sim.do(cmd.SendTicket(key=key(sim, t), counter=2), HIS)
    assert (t.service, t.target_counter) == ("A", 2)
    sim.do(cmd.SendTicket(key=key(sim, t), counter=3), HIS)
    assert (t.service, t.target_counter) == ("B", 3)


def test_send_refusals_name_the_his_fields(sim: Sim) -> None:
    t = sim.issue("A")
    assert refused(sim, cmd.SendTicket(key=key(sim, t)), "his_send_target", HIS).field == "service"
    assert refused(sim, cmd.SendTicket(key=key(sim, t), service="Q"), "unknown_service", HIS).field == "service"
    assert refused(sim, cmd.SendTicket(key=key(sim, t), counter=77), "unknown_counter", HIS).field == "counter"
    err = refused(sim, cmd.SendTicket(key=key(sim, t), service="A", counter=3), "wrong_counter", HIS)
    assert err.field == "counter"
    assert refused(sim, cmd.SendTicket(key=key(sim, t), service="A"), "transfer_to_same", HIS).field == "service"


@pytest.mark.parametrize(
    ("status", "outcome", "expected"),
    [
        ("waiting", "finished", ev.TicketCancelled),
        ("waiting", "cancelled", ev.TicketCancelled),
        ("called", "finished", ev.ServiceFinished),
        ("called", "cancelled", ev.TicketCancelled),
        ("serving", "finished", ev.ServiceFinished),
        ("serving", "cancelled", ev.ServiceFinished),
        ("parked", "finished", ev.TicketCancelled),
        ("missed", "cancelled", ev.TicketCancelled),
        ("done", "finished", None),
    ],
)
def test_end_does_what_the_status_allows(sim: Sim, status: str, outcome: str, expected: type | None) -> None:
    t = sim.issue("A")
    if status != "waiting":
        sim.call(1)
    steps = {
        "serving": [cmd.StartService(counter=1)],
        "parked": [cmd.ParkTicket(counter=1)],
        "missed": [cmd.MarkMissed(counter=1)],
        "done": [cmd.FinishService(counter=1)],
    }
    for c in steps.get(status, []):
        sim.do(c)
    assert t.status.value == status
    events = sim.do(cmd.EndEpisode(key=key(sim, t), outcome=outcome, reason=""), HIS)  # type: ignore[arg-type]
    assert [type(e) for e in events] == ([expected] if expected else [])
    assert t.status in (Status.DONE, Status.CANCELLED)
    if expected is ev.TicketCancelled:
        assert events[0].reason == f"HIS: {outcome}"  # type: ignore[union-attr]
    assert sim.state.counters[1].current is None


def test_end_keeps_the_his_reason() -> None:
    t = Ticket(
        id=1, label="A001", service="A", number=1, day="2026-11-23", status=Status.WAITING, issued_at=0, queue_key=0
    )
    assert end_events(t, "cancelled", " bỏ về ") == [ev.TicketCancelled(ticket=1, label="A001", reason="bỏ về")]


def test_an_his_may_send_its_commands_and_nothing_else(sim: Sim) -> None:
    t = sim.issue("A")
    refused(sim, cmd.CallNext(counter=1), "forbidden", HIS)
    refused(sim, cmd.CancelTicket(label=t.label), "forbidden", HIS)
    counter = Actor(name="staff:lan", role="counter", counters=[1])
    refused(sim, cmd.RecordRegistration(key=key(sim, t), patient_code="BN1"), "forbidden", counter)


def test_the_answer_is_the_ticket_after_the_command(sim: Sim) -> None:
    t = sim.issue("A")
    k = key(sim, t)
    step = handle(sim.state, cmd.RecordRegistration(key=k, patient_code="BN7", room=1), sim.now, HIS)
    assert step.result == {
        "key": k,
        "label": "A001",
        "status": "waiting",
        "service": "A",
        "counter": None,
        "target_counter": None,
        "patient_code": "BN7",
        "episode": "",
        "room": 1,
        "his_room": "",
        "steps": [],
    }
    step = handle(sim.state, cmd.LoadHisMapping(rooms=[ev.HisRoom(his_room="P1", counter=1)]), sim.now, HIS)
    assert step.result == {"departments": 0, "rooms": 1, "services": 0}


def test_old_transfer_events_decode_without_a_reason() -> None:
    old = b'{"type":"ticket_transferred","v":1,"ticket":1,"label":"A001","from_counter":1,"to_service":"B","to_counter":null,"position":"back"}'
    e = msgspec.json.decode(old, type=ev.AnyEvent)
    assert isinstance(e, ev.TicketTransferred) and e.reason == ""


def test_his_events_survive_the_log_and_a_snapshot(sim: Sim) -> None:
    t = sim.issue("A")
    sim.do(cmd.LoadHisMapping(rooms=[ev.HisRoom(his_room="P1", counter=1)]), HIS)
    sim.do(cmd.RecordRegistration(key=key(sim, t), patient_code="BN1", his_room="P1"), HIS)
    records = msgspec.json.decode(msgspec.json.encode(sim.records), type=list[ev.Record])
    again = fold(sim.state.config, records)
    assert again.tickets[t.id].patient_code == "BN1" and again.tickets[t.id].room == 1
    assert msgspec.msgpack.decode(msgspec.msgpack.encode(again), type=QueueState).his_maps["his:his"].rooms == {"P1": 1}

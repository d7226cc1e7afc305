"""Today's bookings: loading them, and a booked patient's place (server/domain/bookings.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.access import Actor
from server.domain.config_check import config_from_builtins
from server.domain.errors import DomainError, ForbiddenError
from server.domain.estimate import estimate
from server.domain.fold import fold
from server.domain.handle import handle
from server.domain.identity import Identity, PriorityGroup
from server.domain.reports import build, local_range
from server.domain.state import QueueState, booking_key

from .sim import VN, Sim, small_config, small_config_data

ID = "001090000001"
ID2 = "001090000002"
BHYT = "DN4010123456789"
HIS = Actor(name="his:main", role="system")


def at(hh: int, mm: int) -> float:
    return dt.datetime(2026, 11, 23, hh, mm, tzinfo=VN).timestamp()


def booking(**kw: Any) -> cmd.BookingIn:
    fields: dict[str, Any] = {"id": "BK1", "service": "A", "slot_start": "09:00", "slot_end": "09:30", "id_number": ID}
    return cmd.BookingIn(**{**fields, **kw})


def load(sim: Sim, *bookings: cmd.BookingIn, actor: Actor = HIS, day: str = "2026-11-23") -> ev.BookingsLoaded:
    e = sim.do(cmd.LoadBookings(day=day, bookings=list(bookings)), actor=actor)[-1]
    assert isinstance(e, ev.BookingsLoaded)
    return e


def person(id_number: str = ID, bhyt: str = "") -> Identity:
    return Identity(source="typed", id_number=id_number, bhyt_number=bhyt)


def sim_at(hh: int, mm: int, **service: Any) -> Sim:
    data = small_config_data()
    data["services"][0].update(service)
    sim = Sim(config_from_builtins(data), start=dt.datetime(2026, 11, 23, hh, mm, tzinfo=VN))
    sim.open(1)
    return sim


def called(sim: Sim, counter: int, n: int) -> list[str]:
    out = []
    for _ in range(n):
        out.append(sim.label(sim.call(counter).ticket))
        sim.do(cmd.FinishService(counter=counter))
    return out


def test_a_load_is_normalised_and_names_its_sender() -> None:
    sim = Sim()
    e = load(
        sim,
        booking(id=" BK1 ", id_number="0010 9000 0001", name="  Nguyễn   Văn  An "),
        booking(id="BK2", id_number="", bhyt_number="dn4010123456789"),
    )
    assert e.source == "his:main" and e.day == "2026-11-23"
    assert [(b.id, b.id_number, b.bhyt_number, b.name) for b in e.bookings] == [
        ("BK1", ID, "", "Nguyễn Văn An"),
        ("BK2", "", BHYT, ""),
    ]
    assert set(sim.state.booked) == {f"id:{ID}", f"bhyt:{BHYT}"}


@pytest.mark.parametrize(
    ("change", "key", "field"),
    [
        ({"id": "  "}, "bookings_missing_id", "bookings[1].id"),
        ({"service": "Z"}, "unknown_service", "bookings[1].service"),
        ({"id_number": ""}, "identity_missing", "bookings[1].id_number"),
        ({"id_number": "123"}, "invalid_id_number", "bookings[1].id_number"),
        ({"id_number": "", "bhyt_number": "XX"}, "invalid_bhyt_number", "bookings[1].bhyt_number"),
        ({"slot_start": "9:00"}, "bookings_invalid_slot", "bookings[1].slot_end"),
        ({"slot_end": "25:00"}, "bookings_invalid_slot", "bookings[1].slot_end"),
        ({"slot_end": "09:00"}, "bookings_invalid_slot", "bookings[1].slot_end"),
        ({"id": "BK0"}, "bookings_duplicate_id", "bookings[1].id"),
    ],
)
def test_a_bad_booking_refuses_the_load_and_names_its_field(change: dict[str, Any], key: str, field: str) -> None:
    sim = Sim()
    with pytest.raises(DomainError) as err:
        load(sim, booking(id="BK0"), booking(**change))
    assert (err.value.key, err.value.field) == (key, field)
    assert sim.state.bookings == {}


def test_only_todays_bookings_and_only_staff_or_the_his_load_them() -> None:
    sim = Sim()
    with pytest.raises(DomainError) as err:
        load(sim, booking(), day="2026-11-24")
    assert err.value.key == "bookings_wrong_day" and "2026-11-23" in err.value.message_en
    with pytest.raises(ForbiddenError):
        load(sim, booking(), actor=Actor(name="device:kiosk-1", role="kiosk"))
    assert load(sim, booking(slot_end="24:00"), actor=Actor(name="staff:admin", role="admin")).source == "staff:admin"


def test_a_load_is_bounded() -> None:
    body = {"day": "2026-11-23", "bookings": [msgspec.to_builtins(booking(id=f"B{i}")) for i in range(5001)]}
    with pytest.raises(msgspec.ValidationError, match="length <= 5000"):
        msgspec.convert(body, cmd.LoadBookings)
    body["bookings"] = body["bookings"][:1]
    assert msgspec.json.decode(msgspec.json.encode(body), type=cmd.LoadBookings).bookings == [booking(id="B0")]
    with pytest.raises(msgspec.ValidationError, match="length <= 64"):
        msgspec.convert({**body, "bookings": [{**body["bookings"][0], "id": "x" * 65}]}, cmd.LoadBookings)


def test_a_load_replaces_its_senders_bookings_and_an_honoured_one_stays_honoured() -> None:
    sim = sim_at(9, 5)
    other = Actor(name="his:lab", role="system")
    load(sim, booking(id="BK1"), booking(id="BK2", id_number=ID2))
    load(sim, booking(id="LAB1", service="B"), actor=other)
    t = sim.issue("A", identity=person())
    assert t.booking == "BK1" and sim.state.bookings_used == {booking_key("his:main", "BK1"): t.id}
    load(sim, booking(id="BK1"), booking(id="BK3", id_number=ID2, slot_start="10:00", slot_end="10:30"))
    assert set(sim.state.bookings) == {"his:main|BK1", "his:main|BK3", "his:lab|LAB1"}
    assert sim.state.booked == {f"id:{ID}": ["his:lab|LAB1", "his:main|BK1"], f"id:{ID2}": ["his:main|BK3"]}
    sim.do(cmd.CallNext(counter=1))
    sim.do(cmd.FinishService(counter=1))
    again = sim.issue("A", identity=person())
    assert again.booking == "" and again.queue_key == again.issued_at  # honoured once


def test_slot_rule_places_the_ticket_at_the_slot_start() -> None:
    sim = sim_at(8, 50)
    load(sim, booking())
    before = sim.issue("A")  # 08:50: came before the slot began
    sim.advance(15)
    after = sim.issue("A")  # 09:05: after it began
    sim.advance(5)
    step = handle(sim.state, cmd.IssueTicket(service="A", identity=person()), sim.now, HIS)
    booked = sim.state.by_label(step.result["ticket"])
    assert booked is not None and booked.queue_key == at(9, 0) and booked.booking == "BK1"
    assert (step.result["slot"], step.result["booking"], step.result["booking_late"]) == ("09:00-09:30", "BK1", False)
    assert step.result["ahead"] == 1 == estimate(sim.state, booked.id, sim.now).ahead
    issued = step.records[-1].event
    assert isinstance(issued, ev.TicketIssued) and issued.booking_source == "his:main" and issued.queue_at == at(9, 0)
    assert called(sim, 1, 3) == [before.label, booked.label, after.label]


def test_slot_rule_an_early_patient_gains_nothing_a_late_one_is_a_walk_in() -> None:
    sim = sim_at(8, 0)
    load(sim, booking(), booking(id="BK2", id_number=ID2))
    early = sim.issue("A", identity=person())  # 08:00, an hour before the slot
    sim.advance(30)
    walk_in = sim.issue("A")  # 08:30
    sim.advance(70)  # 09:40: after the slot's end
    late = sim.issue("A", identity=person(ID2))
    assert early.queue_key == at(9, 0) and (late.booking, late.booking_late, late.queue_key) == ("BK2", True, at(9, 40))
    assert called(sim, 1, 3) == [walk_in.label, early.label, late.label]


def test_arrival_rule_is_bounded_by_the_early_minutes() -> None:
    sim = sim_at(7, 50, booking_rule="arrival", booking_early_minutes=30)
    load(sim, booking(), booking(id="BK2", id_number=ID2))
    sim.advance(10)
    early = sim.issue("A", identity=person())  # 08:00: counts as 08:30
    sim.advance(20)
    walk_in = sim.issue("A")  # 08:20
    sim.advance(25)
    in_window = sim.issue("A", identity=person(ID2))  # 08:45: by arrival
    assert early.queue_key == at(8, 30) and in_window.queue_key == at(8, 45) == in_window.issued_at
    assert early.slot == "09:00-09:30" and not early.booking_late
    assert called(sim, 1, 3) == [walk_in.label, early.label, in_window.label]


def test_only_the_booked_service_and_the_matching_number_honour_it() -> None:
    sim = sim_at(9, 0)
    load(sim, booking(id_number="", bhyt_number=BHYT))
    other_service = sim.issue("B", identity=person("", BHYT))
    other_person = sim.issue("A", identity=person(ID2))
    assert other_service.booking == other_person.booking == "" and sim.state.bookings_used == {}
    by_bhyt = sim.issue("A", identity=person(ID, BHYT))
    assert by_bhyt.booking == "BK1"
    assert sim.issue("A").booking == ""  # no identity: a walk-in


def test_of_several_bookings_the_earliest_still_open_is_honoured() -> None:
    sim = sim_at(10, 0)
    load(
        sim,
        booking(id="BK-8", slot_start="08:00", slot_end="08:30"),
        booking(id="BK-11", slot_start="11:00", slot_end="11:30"),
        booking(id="BK-10", slot_start="10:00", slot_end="10:30"),
    )
    first = sim.issue("A", identity=person())
    assert first.booking == "BK-10"
    sim.do(cmd.CancelTicket(label=first.label))
    assert sim.issue("A", identity=person()).booking == "BK-11"
    sim.do(cmd.CancelTicket(label=sim.label(sim.state.next_ticket - 1)))
    assert sim.issue("A", identity=person()).booking_late  # only the ended one is left


def test_priority_groups_and_the_maximum_wait_still_rule_booked_tickets() -> None:
    data = small_config_data(priority={"mode": "ratio", "ratio_priority": 1, "ratio_normal": 1, "max_wait_minutes": 60})
    sim = Sim(config_from_builtins(data), start=dt.datetime(2026, 11, 23, 9, 10, tzinfo=VN))
    sim.open(1)
    load(sim, booking(), booking(id="BK2", id_number=ID2, slot_start="07:30", slot_end="09:30"))
    prio = sim.issue("A", declared=[PriorityGroup.PREGNANT])  # 09:10
    booked = sim.issue("A", identity=person())  # keyed 09:00
    emergency = sim.issue("A", declared=[PriorityGroup.EMERGENCY])
    starving = sim.issue("A", identity=person(ID2))  # keyed 07:30: "waited" 100 minutes
    assert booked.klass(True) == "normal" and starving.queue_key == at(7, 30)
    assert called(sim, 1, 4) == [emergency.label, starving.label, prio.label, booked.label]


def test_a_new_day_forgets_the_bookings() -> None:
    sim = sim_at(9, 0)
    load(sim, booking())
    sim.issue("A", identity=person())
    sim.advance(24 * 60)
    sim.tick()
    assert (sim.state.bookings, sim.state.bookings_used, sim.state.booked) == ({}, {}, {})


def test_the_fold_of_the_log_gives_the_same_bookings() -> None:
    sim = sim_at(9, 0)
    load(sim, booking(), booking(id="BK2", id_number=ID2))
    sim.issue("A", identity=person())
    again = fold(small_config(), sim.records)
    assert isinstance(again, QueueState)
    assert (again.bookings, again.bookings_used, again.booked) == (
        sim.state.bookings,
        sim.state.bookings_used,
        sim.state.booked,
    )
    assert [t.queue_key for t in again.tickets.values()] == [at(9, 0)]


def test_an_old_log_without_booking_fields_still_decodes() -> None:
    old = b'{"type":"ticket_issued","v":1,"ticket":1,"service":"A","number":1,"label":"A001","day":"2026-11-23"}'
    e = msgspec.json.decode(old, type=ev.AnyEvent)
    assert isinstance(e, ev.TicketIssued) and (e.booking, e.slot, e.booking_late, e.queue_at) == ("", "", False, None)


def test_the_early_minutes_are_bounded_in_the_configuration() -> None:
    data = small_config_data()
    data["services"][0]["booking_early_minutes"] = 241
    with pytest.raises(DomainError) as err:
        config_from_builtins(data)
    assert err.value.field == "services[0].booking_early_minutes"


def test_the_reports_count_booked_check_ins_late_ones_and_no_shows_once_the_day_ends() -> None:
    sim = sim_at(9, 0)
    load(sim, booking(), booking(id="BK2", id_number=ID2), booking(id="BK3", id_number="", bhyt_number=BHYT))
    load(sim, booking(id="LAB", service="B", slot_start="10:00", slot_end="10:30"), actor=Actor("his:lab", "system"))
    sim.issue("A", identity=person())  # in time
    sim.advance(45)
    sim.issue("A", identity=person(ID2))  # late
    sim.issue("A")  # a walk-in

    def report(first: dt.date, last: dt.date) -> dict[str, Any]:
        start, end = local_range(first, last, sim.state.config.tzinfo())
        return build(sim.records, start, end, sim.now, sim.state.config)

    day = dt.date(2026, 11, 23)
    assert report(day, day)["total"]["booked"] == {"honoured": 1, "late": 1, "no_show": 0}  # the day goes on
    sim.advance(24 * 60)
    sim.tick()
    ended = report(day, day)
    assert ended["total"]["booked"] == {"honoured": 1, "late": 1, "no_show": 2}
    by_service = {row["key"]: row["booked"] for row in ended["by_service"]}
    assert by_service == {
        "A": {"honoured": 1, "late": 1, "no_show": 1},
        "B": {"honoured": 0, "late": 0, "no_show": 1},
    }
    assert [row["booked"]["no_show"] for row in ended["by_day"]] == [2]
    assert report(day + dt.timedelta(days=1), day + dt.timedelta(days=1))["total"]["booked"]["no_show"] == 0

"""The mapping of the queue's events to what the HIS is told (domain/his.py): one message per
ticket event it must hear of, the ticket as it stood after the step, a stable id per message."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.access import Actor
from server.domain.config import Unit
from server.domain.config_check import validate_config
from server.domain.errors import ConfigError
from server.domain.his import HisMessage, message_for, messages_for, ticket_key
from server.domain.identity import Identity, PriorityGroup
from server.domain.state import Ticket

from .sim import VN, Sim, small_config

SITE = "70001"
ID = Identity(source="chip", id_number="001090000001", name="Nguyễn Văn Thử", dob=dt.date(1990, 1, 2), sex="male")
BHYT = Identity(source="typed", bhyt_number="DN4797912345678")


def step(sim: Sim, command: cmd.AnyCommand, anonymous: bool = False) -> list[HisMessage]:
    """Run one command; the messages its records give, computed on the state right after it."""
    before = sim.state.tickets
    n = len(sim.records)
    sim.do(command)
    return [m for r in sim.records[n:] for m in messages_for(sim.state, r, SITE, anonymous, before)]


@pytest.fixture
def sim() -> Sim:
    s = Sim()
    s.open(1, 2)
    return s


def test_a_ticket_with_an_identity_is_told_from_issue_to_rating(sim: Sim) -> None:
    (issued,) = step(sim, cmd.IssueTicket(service="A", identity=ID))
    t = issued.ticket
    assert t.key == ticket_key(SITE, "2026-11-23", t.ticket) == f"70001-20261123-{t.ticket}"
    assert issued.id == f"{t.key}-{issued.seq}" and issued.kind == "issued"
    assert (t.site, t.label, t.day, t.service, t.service_name, t.care_kind) == (
        SITE,
        "A001",
        "2026-11-23",
        "A",
        "Khám A",
        "01",
    )
    assert t.status == "waiting" and t.counter is None and t.counter_name == ""
    assert t.patient is not None and t.patient.id_number == "001090000001" and t.patient.dob == "1990-01-02"
    assert (t.patient.name, t.patient.sex, t.patient.source) == ("Nguyễn Văn Thử", "male", "chip")
    (called,) = step(sim, cmd.CallNext(counter=1))
    assert (called.kind, called.ticket.status, called.ticket.counter, called.ticket.counter_name) == (
        "called",
        "called",
        1,
        "Quầy 1",
    )
    assert called.id != issued.id and called.ticket.key == t.key
    assert step(sim, cmd.Recall(counter=1)) == []  # a recall: nothing the HIS must hear of
    (started,) = step(sim, cmd.StartService(counter=1))
    assert (started.kind, started.ticket.status) == ("started", "serving")
    (finished,) = step(sim, cmd.FinishService(counter=1))
    assert (finished.kind, finished.ticket.status, finished.ticket.counter) == ("finished", "done", 1)
    (rated,) = step(sim, cmd.RateTicket(label="A001", score=4))
    assert (rated.kind, rated.score) == ("rated", 4)
    assert finished.score is None


def test_missed_transferred_reactivated_reviewed_and_cancelled(sim: Sim) -> None:
    step(sim, cmd.IssueTicket(service="A", identity=BHYT, declared=[PriorityGroup.PREGNANT]))
    (reviewed,) = step(sim, cmd.ReviewPriority(label="A001", confirmed=True))
    assert reviewed.kind == "changed" and reviewed.ticket.priority == ["pregnant"]
    assert reviewed.ticket.patient is not None and reviewed.ticket.patient.dob == ""
    step(sim, cmd.CallNext(counter=1))
    (missed,) = step(sim, cmd.MarkMissed(counter=1))
    assert (missed.kind, missed.reason, missed.ticket.status) == ("missed", "no_show", "missed")
    (back,) = step(sim, cmd.Reactivate(label="A001"))
    assert (back.kind, back.ticket.status) == ("changed", "waiting")
    step(sim, cmd.CallNext(counter=2))
    (moved,) = step(sim, cmd.Transfer(counter=2, to_service="B"))
    assert (moved.kind, moved.ticket.service, moved.ticket.service_name, moved.reason) == (
        "transferred",
        "B",
        "Khám B",
        "",
    )
    (cancelled,) = step(sim, cmd.CancelTicket(label="A001", reason="left"))
    assert (cancelled.kind, cancelled.reason, cancelled.ticket.status) == ("cancelled", "left", "cancelled")


def test_tickets_without_identity_only_for_a_link_that_asks(sim: Sim) -> None:
    assert step(sim, cmd.IssueTicket(service="A")) == []
    (issued,) = step(sim, cmd.IssueTicket(service="A"), anonymous=True)
    assert issued.ticket.patient is None and issued.ticket.label == "A002"


def test_counter_and_configuration_events_tell_nothing(sim: Sim) -> None:
    assert step(sim, cmd.PauseCounter(counter=1, reason="break")) == []
    assert step(sim, cmd.CloseCounter(counter=2)) == []


def test_a_new_day_cancels_what_it_expired_with_the_reason_expired(sim: Sim) -> None:
    step(sim, cmd.IssueTicket(service="A", identity=ID))
    step(sim, cmd.IssueTicket(service="A"))
    first = sim.state.tickets[1]
    sim.now = dt.datetime(2026, 11, 24, 8, 0, tzinfo=VN).timestamp()
    before = sim.state.tickets
    n = len(sim.records)
    sim.tick()
    (day,) = sim.records[n:]
    assert isinstance(day.event, ev.DayStarted) and day.event.expired == [1, 2]
    (expired,) = messages_for(sim.state, day, SITE, False, before)
    assert (expired.kind, expired.reason, expired.ticket.status, expired.ticket.day) == (
        "cancelled",
        "expired",
        "expired",
        "2026-11-23",
    )
    assert expired.ticket.key == ticket_key(SITE, "2026-11-23", first.id)
    assert len(messages_for(sim.state, day, SITE, True, before)) == 2
    # without the tickets from before the day started, and for a ticket gone from them: nothing
    assert messages_for(sim.state, day, SITE, True) == []
    assert messages_for(sim.state, day, SITE, True, {2: before[2]})[0].ticket.ticket == 2


def test_a_ticket_gone_from_the_state_or_of_an_unknown_service(sim: Sim) -> None:
    record = ev.Record(seq=99, at=sim.now, actor="x", event=ev.TicketCancelled(ticket=42, label="Z042"))
    assert message_for(sim.state, record, SITE) is None
    sim.state.tickets[42] = Ticket(
        id=42,
        label="Z042",
        service="Z",
        number=42,
        day="2026-11-23",
        status="cancelled",
        issued_at=sim.now,
        queue_key=0.0,
        identity=ID,
        last_counter=9,  # type: ignore[arg-type]
    )
    found = message_for(sim.state, record, SITE)
    assert found is not None and found.ticket.service_name == "" and found.ticket.counter == 9
    assert found.ticket.counter_name == ""


def test_the_facility_code_is_five_digits_or_empty() -> None:
    base = small_config()
    assert validate_config(base).unit.facility_code == ""
    ok = msgspec.structs.replace(base, unit=Unit(name="T", facility_code="70001"))
    assert validate_config(ok).unit.facility_code == "70001"
    for bad in ("7000", "700011", "7000a"):
        wrong = msgspec.structs.replace(base, unit=Unit(name="T", facility_code=bad))
        with pytest.raises(ConfigError) as exc:
            validate_config(wrong)
        assert exc.value.field == "unit.facility_code"


def test_an_identity_checked_by_staff_is_told_with_the_document_and_who(sim: Sim) -> None:
    (issued,) = step(sim, cmd.IssueTicket(service="A", identity=ID))
    assert issued.ticket.identity_checks == [] and issued.actor == "staff:admin"
    (checked,) = step(sim, cmd.RecordIdentityCheck(label="A001", document="vneid_health_book"))
    assert (checked.kind, checked.reason, checked.actor) == (
        "changed",
        "identity_checked:vneid_health_book",
        "staff:admin",
    )
    assert checked.ticket.identity_checks == ["vneid_health_book"]


def test_a_booking_goes_only_to_the_link_that_loaded_it() -> None:
    sim = Sim(start=dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    sim.open(1)
    load = cmd.LoadBookings(
        day="2026-11-23",
        bookings=[cmd.BookingIn(id="BK1", service="A", slot_start="09:00", slot_end="09:30", id_number=ID.id_number)],
    )
    sim.do(load, actor=Actor(name="his:lab", role="system"))
    n = len(sim.records)
    sim.do(cmd.IssueTicket(service="A", identity=ID))
    (record,) = [r for r in sim.records[n:] if isinstance(r.event, ev.TicketIssued)]
    assert sim.state.tickets[1].booking == "BK1"
    for actor, booking in (("his:lab", "BK1"), ("his:main", ""), (None, "BK1")):
        (m,) = messages_for(sim.state, record, SITE, False, None, actor)
        assert m.ticket.booking == booking, actor

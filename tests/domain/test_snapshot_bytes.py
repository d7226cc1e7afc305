"""A snapshot of the state is bytes on disk (server/replay.py: ``msgspec.msgpack.encode(state)``):
a snapshot written by the code as it was must still decode and encode to the same bytes, and the
same records must still fold to it. The fixture is a small day of visits written on 7 December
2026, before ``state.py`` was split into the records, the waiting index and the folds.

A change to ``QueueState``'s shape on purpose (a new field) changes these bytes: write the
fixture again with ``.venv/bin/python -m tests.domain.test_snapshot_bytes``, and bump
``SNAPSHOT_VERSION`` in server/replay.py unless an older snapshot still decodes to the right
state (a new field with a default that is right for it: ``Timing.spread``, written again on 7
December 2026, starts empty and is learned again)."""

from __future__ import annotations

from pathlib import Path

import msgspec

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.fold import fold
from server.domain.his import ticket_key
from server.domain.identity import Identity, PriorityGroup
from server.domain.state import QueueState

from .journeys import HIS_ACTOR, hospital
from .sim import Sim

HERE = Path(__file__).parent / "fixtures"
RECORDS = HERE / "day.records.msgpack"
SNAPSHOT = HERE / "day.snapshot.msgpack"


def a_day() -> Sim:
    """A small hospital's day, after a day whose tickets it expires: visits of several steps,
    transfers, parking, misses, reviews, ratings, HIS codes, bookings, staff and devices."""
    sim = hospital()
    sim.issue("E")
    sim.call(2)
    sim.issue("X")
    sim.advance(24 * 60)  # the next day: what was open the day before expires
    sim.do(
        cmd.CreateStaff(username="lan", full_name="Nguyễn Thị Lan", role="counter", counters=[1, 2], password_hash="x")
    )
    sim.do(cmd.SetStaffPassword(username="lan", password_hash="y"))
    sim.do(cmd.SetStaffActive(username="lan", active=False))
    sim.do(cmd.RegisterDevice(device="k1", kind="kiosk", name="Ki-ốt 1", zone="z1", token_hash="t"))
    sim.do(cmd.SetDevicePrinter(device="k1", printer="none"))
    sim.do(cmd.RegisterDevice(device="k2", kind="kiosk", name="Ki-ốt 2", zone="z1", token_hash="u"))
    sim.do(cmd.RevokeDevice(device="k2"))
    sim.do(cmd.LoadHisMapping(rooms=[ev.HisRoom(his_room="P1", counter=1)]), HIS_ACTOR)
    sim.do(
        cmd.LoadBookings(
            day=sim.state.day,
            bookings=[
                cmd.BookingIn(id="B1", service="E", slot_start="08:00", slot_end="08:30", id_number="001099000001")
            ],
        ),
        HIS_ACTOR,
    )
    people = [Identity(source="typed", id_number=f"0010990000{i:02d}") for i in range(1, 9)]
    a = sim.issue("E", identity=people[0])
    b = sim.issue("E", identity=people[1], declared=[PriorityGroup.PREGNANT])
    c = sim.issue("X", identity=people[2])
    sim.issue("H")
    e = sim.issue("C", declared=[PriorityGroup.ELDERLY_75])
    sim.advance(3)
    sim.do(cmd.ReviewPriority(label=b.label, confirmed=True))
    sim.do(cmd.ReviewPriority(label=e.label, confirmed=False))
    sim.do(
        cmd.RecordRegistration(key=ticket_key("70001", sim.state.day, a.id), patient_code="BN1", episode="LK1"),
        HIS_ACTOR,
    )
    sim.do(cmd.RecordIdentityCheck(label=a.label, document="card"))
    visit = sim.call(1)
    sim.advance(2)
    sim.do(cmd.StartService(counter=1))
    sim.advance(4)
    sim.do(
        cmd.SendOn(
            counter=1, steps=[cmd.StepIn(service="X"), cmd.StepIn(service="H")], come_back=True, reason="Xem kết quả"
        )
    )
    v = sim.state.tickets[visit.ticket]
    other = next(s for s in v.steps if s.status == "open" and s.id != v.step)
    sim.do(cmd.CompleteStep(label=v.label, step=other.id))
    parked = sim.call(2)
    sim.do(cmd.Recall(counter=2))
    sim.do(cmd.ParkTicket(counter=2))
    sim.call(3)
    sim.advance(5)
    sim.do(cmd.FinishService(counter=3))
    missed = sim.call(4)
    sim.do(cmd.MarkMissed(counter=4))
    sim.do(cmd.Reactivate(label=missed.label, position="front"))
    sim.call(5)
    sim.do(cmd.Transfer(counter=5, to_service="E", to_counter=2))
    sim.do(cmd.UnparkTicket(counter=2, label=parked.label))
    sim.do(cmd.FinishService(counter=2))
    sim.do(cmd.RequestRating(counter=2, label=parked.label))
    sim.do(cmd.RateTicket(label=parked.label, score=5))
    sim.do(cmd.PauseCounter(counter=4, reason="Nghỉ"))
    sim.do(cmd.ResumeCounter(counter=4))
    sim.do(cmd.CancelTicket(label=c.label, reason="Về"))
    sim.issue("E", identity=people[3])
    sim.do(cmd.CloseCounter(counter=3))
    return sim


def test_a_snapshot_of_before_decodes_and_encodes_to_the_same_bytes() -> None:
    old = SNAPSHOT.read_bytes()
    state = msgspec.msgpack.decode(old, type=QueueState)
    assert msgspec.msgpack.encode(state) == old


def test_the_day_folds_to_the_snapshot_of_before() -> None:
    old = SNAPSHOT.read_bytes()
    records = msgspec.msgpack.decode(RECORDS.read_bytes(), type=list[ev.Record])
    config = msgspec.msgpack.decode(old, type=QueueState).config
    assert len(records) > 40
    assert msgspec.msgpack.encode(fold(config, records)) == old


if __name__ == "__main__":
    day = a_day()
    HERE.mkdir(exist_ok=True)
    RECORDS.write_bytes(msgspec.msgpack.encode(day.records))
    SNAPSHOT.write_bytes(msgspec.msgpack.encode(day.state))
    print(len(day.records), "records;", len(SNAPSHOT.read_bytes()), "bytes of snapshot")

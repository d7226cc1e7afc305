import datetime as dt

import msgspec

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.identity import Identity, PriorityGroup
from server.domain.state import RECENT_SERVICE_TIMES, QueueState, fold

from .sim import Sim, small_config

CONFIG = small_config(
    services=[
        {"code": "A", "name": "Khám A", "department": "d1"},
        {"code": "B", "name": "Khám B", "department": "d1", "digits": 2, "number_end": 99},
    ]
)


def busy_day() -> Sim:
    sim = Sim(CONFIG)
    sim.open(1, 2, 3)
    for i in range(30):
        ident = Identity(source="typed", id_number=f"0010990{i:05d}")
        sim.issue("A" if i % 3 else "B", identity=ident, declared=[PriorityGroup.PREGNANT] if i % 5 == 0 else [])
        sim.advance(0.5)
    for _ in range(8):
        sim.call(1)
        sim.advance(2)
        sim.do(cmd.FinishAndCallNext(counter=1))
        sim.do(cmd.MarkMissed(counter=1))
        sim.call(3)
        sim.do(cmd.Transfer(counter=3, to_service="A", position="front"))
    sim.call(2)
    sim.do(cmd.ParkTicket(counter=2))
    sim.do(cmd.PauseCounter(counter=2, reason="Họp giao ban"))
    return sim


def test_replaying_the_log_gives_the_same_state() -> None:
    sim = busy_day()
    encoded = [msgspec.json.encode(r) for r in sim.records]
    decoded = [msgspec.json.decode(b, type=ev.Record) for b in encoded]
    assert decoded == sim.records
    replayed = fold(CONFIG, decoded)
    assert msgspec.json.encode(replayed) == msgspec.json.encode(sim.state)


def test_state_keeps_only_today() -> None:
    sim = busy_day()
    sim.advance(24 * 60)
    sim.issue("A")
    assert [t.label for t in sim.state.tickets.values()] == ["A001"]
    assert sim.state.active_by_person == {} and sim.state.last_calls == []
    assert all(c.current is None and c.parked == [] and c.served == 0 for c in sim.state.counters.values())
    assert sim.state.counters[2].status == "paused"  # counter status survives the night


def test_service_times_keep_the_recent_ones() -> None:
    sim = Sim()
    sim.open(1)
    for _ in range(RECENT_SERVICE_TIMES + 5):
        sim.issue("A")
        sim.call(1)
        sim.advance(1)
        sim.do(cmd.FinishService(counter=1))
    assert len(sim.state.service_times["A"]) == RECENT_SERVICE_TIMES


def test_new_state_has_a_closed_counter_per_configured_counter() -> None:
    state = QueueState(config=small_config())
    assert sorted(state.counters) == [1, 2, 3]
    assert all(c.status == "closed" for c in state.counters.values())
    assert state.local_day(dt.datetime(2026, 11, 23, 17, 30, tzinfo=dt.UTC).timestamp()) == "2026-11-24"

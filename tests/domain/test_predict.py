"""The wait predictor (domain/predict.py, domain/timing.py): a forward simulation of the
ordering policy, checked against the calls the real policy makes."""

from __future__ import annotations

import datetime as dt
from collections import deque

import pytest

from server.domain import commands as cmd
from server.domain.config import Config, JourneyPolicy, PriorityPolicy
from server.domain.estimate import estimate, estimates
from server.domain.identity import PriorityGroup
from server.domain.predict import PAUSE_SECONDS, Lane, at_work, forecast, pick, working_day
from server.domain.state import Ticket
from server.domain.timing import RATE_WINDOW, Timing, arrival_rate, observe_arrival, observe_service, service_seconds

from .sim import VN, Sim, small_config

ELDERLY = [PriorityGroup.ELDERLY_75]
EMERGENCY = [PriorityGroup.EMERGENCY]
MEAN = {"A": 240.0, "B": 300.0, "C": 360.0}  # small_config: A 4 minutes, B the default 5; C (visits) 6


def drive(sim: Sim, counters: tuple[int, ...]) -> dict[int, float]:
    """Let the counters call every waiting ticket, each service taking exactly its configured
    mean; the counter free first calls first (the lower number on a tie). Returns call times."""
    free = dict.fromkeys(counters, sim.now)
    called: dict[int, float] = {}
    while free:
        n = min(free, key=lambda c: (free[c], c))
        sim.now = free[n]
        if sim.state.counters[n].current is not None:
            sim.do(cmd.FinishService(counter=n))
        try:
            e = sim.call(n)
        except Exception:
            del free[n]
            continue
        called.setdefault(e.ticket, sim.now)  # a visit's first call (the one forecast)
        free[n] = sim.now + MEAN[sim.state.tickets[e.ticket].service]
    return called


@pytest.mark.parametrize(
    "policy",
    [
        {"mode": "ratio", "ratio_priority": 1, "ratio_normal": 2},
        {"mode": "ratio", "ratio_priority": 2, "ratio_normal": 1},
        {"mode": "strict"},
        {"mode": "fifo"},
        {"mode": "ratio", "max_wait_minutes": 12},
    ],
)
def test_forecast_is_the_real_order_when_services_take_their_mean(policy: dict[str, object]) -> None:
    counters = [
        {"number": 1, "name": "Quầy 1", "zone": "z1", "services": [{"code": "A"}]},
        {"number": 2, "name": "Quầy 2", "zone": "z1", "services": [{"code": "A", "weight": 2}, {"code": "B"}]},
        {"number": 3, "name": "Quầy 3", "zone": "z2", "services": [{"code": "B"}]},
    ]
    sim = Sim(
        small_config(
            priority=policy,
            counters=counters,
            services=[
                {"code": "A", "name": "Khám A", "department": "d1", "mean_service_minutes": 4},
                {"code": "B", "name": "Khám B", "department": "d1"},
            ],
        )
    )
    sim.open(1, 2, 3)
    for i in range(14):
        sim.issue("AB"[i % 3 == 0], declared=ELDERLY if i % 4 == 1 else EMERGENCY if i == 9 else [])
        sim.advance(0.5)
    moved = sim.issue("B")
    sim.do(cmd.CallNumber(counter=3, label=moved.label))
    sim.do(cmd.Transfer(counter=3, to_service="A", to_counter=1))  # waits for counter 1 only
    sim.state.timing.arrivals.clear()  # nobody else will come: no expected priority arrivals
    expected = forecast(sim.state, sim.now)
    assert all(at is not None for at in expected.values())
    assert drive(sim, (1, 2, 3)) == expected


def test_one_ticket_forecast_stops_at_it() -> None:
    sim = Sim()
    sim.open(1)
    tickets = [sim.issue("A") for _ in range(3)]
    times = forecast(sim.state, sim.now, until=tickets[1].id)
    assert times == {tickets[0].id: sim.now, tickets[1].id: sim.now + 240, tickets[2].id: None}


def test_nobody_is_called_during_the_break() -> None:
    sim = Sim(start=dt.datetime(2026, 11, 23, 11, 20, tzinfo=VN))  # break 11:30-13:00
    sim.open(1)
    tickets = [sim.issue("A") for _ in range(4)]
    times = forecast(sim.state, sim.now)
    after_break = dt.datetime(2026, 11, 23, 13, 0, tzinfo=VN).timestamp()
    assert [times[t.id] for t in tickets] == [sim.now, sim.now + 240, sim.now + 480, after_break]


def test_a_counter_closed_for_the_break_is_expected_back_after_it() -> None:
    sim = Sim(start=dt.datetime(2026, 11, 23, 11, 0, tzinfo=VN))
    sim.open(1, 2)
    sim.issue("A")
    sim.call(1)
    sim.do(cmd.FinishService(counter=1))
    sim.do(cmd.CloseCounter(counter=1))
    sim.do(cmd.CloseCounter(counter=2))  # served nobody today: not expected back
    sim.advance(40)  # 11:40, in the break
    t = sim.issue("A")
    after_break = dt.datetime(2026, 11, 23, 13, 0, tzinfo=VN).timestamp()
    assert forecast(sim.state, sim.now) == {t.id: after_break}
    est = estimate(sim.state, t.id, sim.now)
    assert est.call_at == after_break and est.wait_minutes == 80 and est.open_counters == 0


def test_after_closing_time_there_is_no_time_and_the_estimate_says_late() -> None:
    sim = Sim(start=dt.datetime(2026, 11, 23, 16, 50, tzinfo=VN))  # closes 17:00
    sim.open(1)
    tickets = [sim.issue("A") for _ in range(4)]
    times = forecast(sim.state, sim.now)
    assert [times[t.id] is None for t in tickets] == [False, False, False, True]
    est = estimates(sim.state, [tickets[3].id], sim.now)[tickets[3].id]
    assert est.late and est.wait_minutes is None and est.open_counters == 1


def test_no_open_counter_still_means_no_estimate() -> None:
    sim = Sim()
    t = sim.issue("A")
    est = estimate(sim.state, t.id, sim.now)
    assert est.wait_minutes is None and not est.late and est.call_at is None


def test_a_paused_counter_is_expected_back_later() -> None:
    sim = Sim()
    sim.open(1)
    sim.do(cmd.PauseCounter(counter=1, reason="Họp"))
    t = sim.issue("A")
    assert forecast(sim.state, sim.now) == {t.id: sim.now + PAUSE_SECONDS}


def test_the_patient_at_the_counter_keeps_it_for_the_rest_of_the_mean() -> None:
    sim = Sim()
    sim.open(1)
    sim.issue("A")
    sim.call(1)
    sim.advance(1)
    t = sim.issue("A")
    assert forecast(sim.state, sim.now)[t.id] == sim.now + 180  # 4 minutes, 1 gone
    sim.advance(5)  # longer than the mean: half of it more
    assert forecast(sim.state, sim.now)[t.id] == sim.now + 120


def test_expected_priority_patients_go_ahead_of_a_normal_ticket() -> None:
    sim = Sim()
    sim.open(1)
    normals = [sim.issue("A") for _ in range(8)]  # the last called in 28 minutes
    before = forecast(sim.state, sim.now)[normals[-1].id]
    for _ in range(3):  # three priority patients an hour...
        sim.do(cmd.CancelTicket(label=sim.issue("A", declared=ELDERLY).label))
    rate = arrival_rate(sim.state.timing, "A", "priority", sim.now)
    assert rate == 3 / RATE_WINDOW
    after = forecast(sim.state, sim.now)[normals[-1].id]
    assert before is not None and after == before + 240  # ...one is expected in 20 minutes, and called first


def test_a_service_with_nobody_waiting_still_gets_its_expected_arrivals() -> None:
    sim = Sim()
    sim.open(2)  # serves A and B
    for _ in range(2):
        sim.do(cmd.CancelTicket(label=sim.issue("B", declared=EMERGENCY).label))
    t = sim.issue("A")
    assert forecast(sim.state, sim.now)[t.id] == sim.now


def test_working_day_of_a_day_without_hours() -> None:
    sunday = dt.datetime(2026, 11, 22, 9, 0, tzinfo=VN).timestamp()
    assert working_day(small_config(), sunday) == ([], None)
    assert at_work(sunday, [], None) == sunday


def lanes(*heads: tuple[int, float, int], back: bool = False) -> list[Lane]:
    """One lane per (class, queue key, id) head, weight 1; of patients coming back with ``back``."""
    out: list[Lane] = []
    for k, qk, tid in heads:
        q: tuple[deque[tuple[float, int]], ...] = (deque(), deque(), deque())
        q[k].append((qk, tid))
        out.append((("A", None, back), 1.0, (q[0], q[1], q[2])))
    return out


def test_pick_gives_patients_coming_back_their_turns() -> None:
    policy, journeys = PriorityPolicy(), JourneyPolicy(return_mode="ratio", returning=1, new=2)
    mixed = lanes((2, 0.0, 1)) + lanes((2, 50.0, 2), back=True)
    assert pick(mixed, 100.0, (0, 0), policy, (0, 0), journeys) == (1, 2)  # a return turn
    assert pick(mixed, 100.0, (0, 0), policy, (1, 0), journeys) == (0, 2)  # a new patient's turn
    assert pick(mixed, 100.0, (0, 0), policy, (3, 3), journeys) == (1, 2)  # a full cycle: a new one
    assert pick(lanes((2, 50.0, 2), back=True), 100.0, (0, 0), policy, (1, 0), journeys) == (0, 2)  # nobody new
    by_arrival = JourneyPolicy(return_mode="arrival")
    assert pick(mixed, 100.0, (0, 0), policy, (0, 0), by_arrival) == (0, 2)  # its place: when its results came


def test_pick_follows_the_policy() -> None:
    both = lanes((1, 10.0, 2), (2, 0.0, 1))
    assert pick(both, 100.0, (0, 0), PriorityPolicy(mode="fifo")) == (1, 2)
    assert pick(lanes((1, 0.0, 1), (2, 10.0, 2)), 100.0, (0, 0), PriorityPolicy(mode="fifo")) == (0, 1)
    assert pick(both, 100.0, (0, 0), PriorityPolicy(mode="strict")) == (0, 1)
    ratio = PriorityPolicy(mode="ratio", ratio_priority=1, ratio_normal=2)
    assert pick(both, 100.0, (0, 0), ratio) == (0, 1)
    assert pick(both, 100.0, (1, 1), ratio) == (1, 2)
    assert pick(both, 100.0, (3, 5), ratio) == (0, 1)  # a full cycle under a ratio lowered since
    assert pick(both, 4000.0, (0, 0), ratio) == (1, 2)  # waited past the maximum: oldest first
    assert pick(lanes((2, 0.0, 1)), 100.0, (0, 0), ratio) == (0, 2)
    assert pick(lanes((1, 0.0, 1)), 100.0, (0, 0), ratio) == (0, 1)
    assert pick(lanes(), 100.0, (0, 0), ratio) is None


def test_service_times_lean_on_the_general_mean_until_samples_come() -> None:
    timing = Timing()
    assert service_seconds(timing, "A", 1, 9, 240.0) == 240.0
    for _ in range(10):
        observe_service(timing, "A", 1, 9, 480.0)
    # each level halfway (10 samples against a prior of 10), most general first
    assert service_seconds(timing, "A", 1, 9, 240.0) == pytest.approx(480 - 240 / 16)
    assert service_seconds(timing, "A", 2, 9, 240.0) == pytest.approx(480 - 240 / 4)
    for _ in range(200):
        observe_service(timing, "A", 1, 9, 120.0)
    assert timing.means["A"].mean == pytest.approx(120.0, abs=1)  # the old samples fade


def test_arrival_rate_forgets_the_older_arrivals() -> None:
    timing = Timing()
    observe_arrival(timing, "A", "priority", 0.0)
    observe_arrival(timing, "A", "priority", 100.0)
    assert arrival_rate(timing, "A", "priority", 200.0) == 2 / RATE_WINDOW
    observe_arrival(timing, "A", "priority", RATE_WINDOW + 50)
    assert timing.arrivals["A|priority"] == [100.0, RATE_WINDOW + 50]
    assert arrival_rate(timing, "A", "priority", RATE_WINDOW + 150) == 0.0  # one is not a rate


def visit_config(**journeys: object) -> Config:
    """Reception and exam (A) in room 2, the lab (B) in room 1, imaging (C) in room 3."""
    return small_config(
        services=[
            {"code": "A", "name": "Khám", "department": "d1", "mean_service_minutes": 4},
            {"code": "B", "name": "Xét nghiệm", "department": "d1"},
            {"code": "C", "name": "Chụp X-quang", "department": "d1", "mean_service_minutes": 6},
        ],
        counters=[
            {"number": 1, "name": "Phòng xét nghiệm", "zone": "z1", "services": [{"code": "B"}]},
            {"number": 2, "name": "Phòng khám", "zone": "z1", "services": [{"code": "A"}]},
            {"number": 3, "name": "Phòng X-quang", "zone": "z2", "services": [{"code": "C"}]},
        ],
        journeys=journeys,
    )


def send_to_tests(sim: Sim, *services: str) -> Ticket:
    """A patient seen in room 2 (4 minutes) and sent to ``services``, to come back with the results."""
    t = sim.issue("A")
    sim.call(2)
    sim.advance(4)
    sim.do(cmd.SendOn(counter=2, steps=[cmd.StepIn(service=s) for s in services], come_back=True))
    return t


def test_a_visit_waiting_in_two_queues_is_called_at_the_first_free_and_only_once() -> None:
    sim = Sim(visit_config())
    sim.open(1, 2, 3)
    ahead = sim.issue("B")
    x = send_to_tests(sim, "B", "C")  # waits for the lab and imaging at once
    behind = sim.issue("B")
    times = forecast(sim.state, sim.now)
    assert times == {ahead.id: sim.now, x.id: sim.now, behind.id: sim.now + 300}  # imaging is free: x goes there
    assert drive(sim, (1, 2, 3)) == {**times, x.id: times[x.id]}


@pytest.mark.parametrize("mode", ["ratio", "arrival"])
def test_patients_back_with_their_results_are_ordered_as_the_room_orders_them(mode: str) -> None:
    sim = Sim(visit_config(return_mode=mode, returning=1, new=3))
    sim.open(1, 2, 3)
    back = [send_to_tests(sim, "B") for _ in range(2)]  # two patients seen and sent to the lab...
    new = [sim.issue("A") for _ in range(4)]  # (new patients, in the queue before they come back)
    for _ in back:  # ...come back to the room's queue with their results
        sim.call(1)
        sim.advance(5)
        sim.do(cmd.FinishService(counter=1))
    assert all(sim.state.tickets[t.id].steps[-1].returning for t in back)
    sim.state.timing.arrivals.clear()
    expected = forecast(sim.state, sim.now)
    assert set(expected) == {t.id for t in back + new}
    called = drive(sim, (1, 2, 3))
    assert {tid: called[tid] for tid in expected} == expected


def test_past_the_horizon_the_simple_wait_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("server.domain.predict.MAX_CALLS", 3)  # a queue of thousands, in small
    sim = Sim()
    sim.open(1)
    tickets = [sim.issue("A") for _ in range(5)]
    times = forecast(sim.state, sim.now)
    assert times == {t.id: sim.now + 240 * i for i, t in enumerate(tickets[:3])}  # the rest: not known
    est = estimates(sim.state, [tickets[2].id, tickets[4].id], sim.now)
    assert (est[tickets[2].id].wait_minutes, est[tickets[4].id].wait_minutes) == (8, 16)  # 4 ahead x 4 min
    assert est[tickets[4].id].call_at == sim.now + 16 * 60 and not est[tickets[4].id].late


def test_past_the_horizon_with_no_counter_open_now_there_is_no_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("server.domain.predict.MAX_CALLS", 3)
    sim = Sim(start=dt.datetime(2026, 11, 23, 11, 0, tzinfo=VN))
    sim.open(1)
    sim.issue("A")
    sim.call(1)
    sim.do(cmd.FinishService(counter=1))
    sim.do(cmd.CloseCounter(counter=1))  # closed for lunch: expected back at 13:00
    sim.advance(40)
    tickets = [sim.issue("A") for _ in range(5)]
    assert estimate(sim.state, tickets[0].id, sim.now).wait_minutes == 80
    last = estimate(sim.state, tickets[4].id, sim.now)
    assert last.wait_minutes is None and last.call_at is None and not last.late

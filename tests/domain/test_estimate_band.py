"""The band a call is expected in (domain/spread.py) and the spread of service times it learns
(domain/timing.py): what widens it, what does not."""

import math

import msgspec
import pytest

from server.domain import commands as cmd
from server.domain.estimate import estimate
from server.domain.identity import PriorityGroup
from server.domain.spread import BAND_Z, Spread, band, per_call, spread_of
from server.domain.timing import PRIOR, SPREAD_FROM, SPREAD_WINDOW, Timing, cv2, observe_arrival, observe_service

from .sim import Sim, small_config


def test_the_spread_of_service_times_is_learned_against_each_counters_mean() -> None:
    timing = Timing()
    assert cv2(timing, "A") == 1.0  # nothing known: exponential times
    for _ in range(SPREAD_FROM):  # the counter's mean first: these do not count in the spread
        observe_service(timing, "A", 1, 9, 300.0)
    assert "A" not in timing.spread
    for _ in range(SPREAD_WINDOW):  # as regular as a clock
        observe_service(timing, "A", 1, 9, 300.0)
    assert timing.spread["A"].mean == pytest.approx(1.0)
    assert cv2(timing, "A") == pytest.approx(PRIOR / (SPREAD_WINDOW + PRIOR))  # shrunk towards 1
    for _ in range(10 * SPREAD_WINDOW):  # half the services short, half three times as long
        observe_service(timing, "A", 1, 9, 150.0)
        observe_service(timing, "A", 1, 9, 450.0)
    assert 0.3 < cv2(timing, "A") < 0.7  # E[(x/m)^2] - 1 = 0.25 for these about a mean of 300
    assert cv2(timing, "B") == 1.0


def test_a_counter_mean_of_zero_teaches_no_spread() -> None:
    timing = Timing()
    for _ in range(2 * SPREAD_FROM):
        observe_service(timing, "A", 1, 9, 0.0)
    assert timing.spread == {}


def test_a_timing_stored_before_the_spread_loads_without_it() -> None:
    old = msgspec.msgpack.encode({"means": {"A": {"n": 3, "mean": 240.0}}, "arrivals": {}})
    timing = msgspec.msgpack.decode(old, type=Timing)
    assert timing.spread == {} and timing.means["A"].mean == 240.0 and cv2(timing, "A") == 1.0


def test_the_band_widens_with_the_spread_and_the_arrivals_that_go_ahead() -> None:
    now, at = 1000.0, 1000.0 + 3600
    plain = band(now, at, Spread(120.0))
    assert plain[1] - at == pytest.approx(at - plain[0]) == pytest.approx(BAND_Z * math.sqrt(3600 * 120))
    regular = band(now, at, Spread(120.0, cv2=0.25))
    assert regular[1] - at == pytest.approx((plain[1] - at) / 2)
    # one patient every 4 minutes goes ahead: each costs an interval, their count is Poisson
    busy = band(now, at, Spread(120.0, ahead_rate=1 / 240))
    assert busy[1] - at == pytest.approx(BAND_Z * math.sqrt(3600 * 120 * (1 + 120 / 240)))
    # an hour of which half is a break: only the half hour of work spreads
    lunch = band(now, at, Spread(120.0), pause=1800.0)
    assert lunch[1] - at == pytest.approx(BAND_Z * math.sqrt(1800 * 120))
    assert band(now, at, Spread(120.0), pause=7200.0) == (at, at)  # never less than no spread


def test_the_band_takes_the_simulations_time_per_call_only_when_longer() -> None:
    s = Spread(120.0, cv2=0.5, ahead_rate=0.01)
    assert per_call(s, 1800.0, 9) == Spread(180.0, cv2=0.5, ahead_rate=0.01)  # 10 calls in 30 minutes
    assert per_call(s, 600.0, 9) is s  # a service due to end soon is no more regular


def test_the_arrivals_that_go_ahead_depend_on_the_class_and_the_policy() -> None:
    timing = Timing()
    for at in (0.0, 100.0):
        observe_arrival(timing, "A", "priority", at)
        observe_arrival(timing, "A", "emergency", at)
    rate = 2 / 3600
    assert spread_of(timing, "A", "normal", False, 120.0, 200.0).ahead_rate == pytest.approx(2 * rate)
    assert spread_of(timing, "A", "priority", False, 120.0, 200.0).ahead_rate == pytest.approx(rate)
    assert spread_of(timing, "A", "emergency", False, 120.0, 200.0).ahead_rate == 0.0
    assert spread_of(timing, "A", "normal", True, 120.0, 200.0).ahead_rate == 0.0  # by arrival: none go ahead


def test_a_normal_ticket_behind_arriving_priority_patients_is_given_a_wider_band() -> None:
    sim = Sim()
    sim.open(1)
    for _ in range(3):  # priority patients came this hour and were served, 4 minutes each
        sim.issue("A", declared=[PriorityGroup.PREGNANT])
        sim.call(1)
        sim.advance(4)
        sim.do(cmd.FinishService(counter=1))
    tickets = [sim.issue("A") for _ in range(6)]
    est = estimate(sim.state, tickets[-1].id, sim.now)
    assert est.call_at is not None and est.call_to is not None and est.call_from is not None
    wait = est.call_at - sim.now
    interval = max(240.0, wait / 6)  # 4 minutes a call, or the simulation's time per call
    rate = 3 / 3600  # priority patients a second, who go ahead of it
    assert est.call_to - est.call_at == pytest.approx(BAND_Z * math.sqrt(wait * interval * (1 + rate * interval)))
    assert est.call_at - est.call_from == pytest.approx(est.call_to - est.call_at)


def test_the_band_of_a_call_after_the_break_spreads_over_the_work_only() -> None:
    sim = Sim(config=small_config())
    sim.open(1)
    sim.now += 3 * 3600 + 10 * 60  # 11:10: the break is 11:30-13:00
    tickets = [sim.issue("A") for _ in range(8)]
    est = estimate(sim.state, tickets[-1].id, sim.now)
    assert est.call_at is not None and est.call_from is not None and est.call_to is not None
    assert est.call_at > sim.now + 90 * 60  # after the break
    # an hour and a half of break adds no spread: the band is that of the minutes of work
    work = est.call_at - sim.now - 90 * 60
    assert est.call_to - est.call_at == pytest.approx(BAND_Z * math.sqrt(work * max(240.0, work / 8)))

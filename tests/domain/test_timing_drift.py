"""Today's drift (domain/timing.py ``drift``, issue 22's slow morning): the pace of the last half
hour against the learned means raises (or lowers) the forecast's near future, bounded by its
prior, and fades back to the learned pace further ahead."""

from __future__ import annotations

import copy
import math

import pytest

from server.domain import commands as cmd
from server.domain.predict import forecast
from server.domain.timing import (
    DRIFT_HORIZON,
    DRIFT_PRIOR,
    DRIFT_WINDOW,
    Timing,
    drift,
    drifted,
    observe_pace,
    observe_service,
)

from .sim import Sim


def test_no_recent_service_is_the_learned_pace() -> None:
    timing = Timing()
    assert drift(timing, "A", 1000.0) == 1.0
    observe_pace(timing, "A", 1, 9, 240.0, 1000.0, 240.0)  # as expected
    assert drift(timing, "A", 1000.0) == 1.0
    assert drift(timing, "B", 1000.0) == 1.0


def test_the_prior_bounds_a_few_slow_patients() -> None:
    timing = Timing()
    for i in range(3):  # three patients twice as long as the configured mean (nothing learned)
        observe_pace(timing, "A", 1, 9, 480.0, 1000.0 + i, 240.0)
    assert drift(timing, "A", 1010.0) == pytest.approx((3 * 2 + DRIFT_PRIOR) / (3 + DRIFT_PRIOR))
    assert drift(timing, "A", 1010.0) < 1.25  # not twice the forecast
    for i in range(100):
        observe_pace(timing, "A", 1, 9, 480.0, 1100.0 + i, 240.0)
    assert 1.9 < drift(timing, "A", 1200.0) < 2.0  # many of them: nearly the whole of it


def test_the_drift_is_against_what_the_means_expected_then() -> None:
    timing = Timing()
    for _ in range(20):
        observe_service(timing, "A", 1, 9, 480.0)  # learned: this counter takes 8 minutes
    for i in range(10):
        observe_pace(timing, "A", 1, 9, 480.0, 1000.0 + i, 240.0)
    assert drift(timing, "A", 1010.0) == pytest.approx(1.0, abs=0.05)  # its usual pace, not a drift


def test_the_drift_forgets_the_services_older_than_its_window() -> None:
    timing = Timing()
    observe_pace(timing, "A", 1, 9, 720.0, 0.0, 240.0)
    assert drift(timing, "A", DRIFT_WINDOW - 1) > 1.0
    assert drift(timing, "A", DRIFT_WINDOW + 1) == 1.0  # the morning's slowness is not this afternoon's
    assert drift(timing, "A", -1.0) == 1.0  # nor counted before it happened
    observe_pace(timing, "A", 1, 9, 240.0, DRIFT_WINDOW + 10, 240.0)
    assert [r[0] for r in timing.recent["A"]] == [DRIFT_WINDOW + 10]  # the old sample is dropped


def test_services_expected_to_take_no_time_give_no_drift() -> None:
    timing = Timing()
    for _ in range(20):
        observe_service(timing, "A", 1, 9, 0.0)
    observe_pace(timing, "A", 1, 9, 0.0, 10.0, 0.0)
    assert drift(timing, "A", 10.0) == 1.0


def test_the_drift_fades_over_the_horizon() -> None:
    assert drifted(1.5, 0.0) == 1.5
    assert drifted(1.5, -300.0) == 1.5  # a service under way: all of it
    assert drifted(1.5, DRIFT_HORIZON) == pytest.approx(1 + 0.5 / math.e)
    assert drifted(0.8, DRIFT_HORIZON) == pytest.approx(1 - 0.2 / math.e)  # a quick hour too
    assert drifted(1.5, 10 * DRIFT_HORIZON) == pytest.approx(1.0, abs=1e-4)


def slow_hour(sim: Sim, minutes: float, patients: int) -> None:
    """Counter 1, which other days took the configured 4 minutes a patient of A at every hour,
    serves ``patients`` of A, each taking ``minutes``."""
    for hour in range(24):
        for _ in range(20):
            observe_service(sim.state.timing, "A", 1, hour, 240.0)
    for _ in range(patients):
        sim.issue("A")
        sim.call(1)
        sim.advance(minutes)
        sim.do(cmd.FinishService(counter=1))


def waiting_calls(sim: Sim, patients: int) -> tuple[list[float], list[float]]:
    """The forecast call times of ``patients`` new tickets of A, with today's drift and without."""
    tids = [sim.issue("A").id for _ in range(patients)]
    with_drift = forecast(sim.state, sim.now)
    calm = copy.copy(sim.state)
    calm.timing = Timing(means=sim.state.timing.means, arrivals=sim.state.timing.arrivals)
    without = forecast(calm, sim.now)
    return [with_drift[t] or 0.0 for t in tids], [without[t] or 0.0 for t in tids]


def test_a_slow_hour_raises_the_forecast_and_it_fades() -> None:
    sim = Sim()
    sim.open(1)
    slow_hour(sim, 8, 6)  # twice the configured 4 minutes, the last 48 minutes (36 in the window)
    assert drift(sim.state.timing, "A", sim.now) > 1.1
    drifted_at, learned_at = waiting_calls(sim, 20)  # before the lunch break (11:30)
    assert drifted_at[0] == learned_at[0] == sim.now  # the counter is free: called at once
    assert all(d >= m for d, m in zip(drifted_at, learned_at, strict=True))  # never earlier
    assert drifted_at[-1] > learned_at[-1] + 6 * 60  # 20 calls: 8 minutes later (6 minutes at least)
    gaps = [b - a for a, b in zip(drifted_at, drifted_at[1:], strict=False)]
    assert learned_at[-1] - learned_at[-2] == pytest.approx(learned_at[-2] - learned_at[-3])  # 9:00's mean
    nine = gaps[-10:]  # calls all after 9:00 (the hour's learned mean: 4.26 minutes) with the drift
    assert all(a > b > learned_at[-1] - learned_at[-2] for a, b in zip(nine, nine[1:], strict=False))  # fading


def test_a_day_at_the_learned_pace_changes_nothing() -> None:
    sim = Sim()
    sim.open(1)
    slow_hour(sim, 4, 6)  # the configured pace
    assert drift(sim.state.timing, "A", sim.now) == pytest.approx(1.0)
    drifted_at, learned_at = waiting_calls(sim, 10)
    assert drifted_at == pytest.approx(learned_at)

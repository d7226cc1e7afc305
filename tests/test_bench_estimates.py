"""The wait estimates' benchmark (bench/estimate_day.py): which day it measures. Nothing here is timed."""

from __future__ import annotations

import dataclasses
import statistics

from bench.estimate_day import Scenario, run_day
from bench.estimates import PREDICTORS

SMALL = Scenario("small", patients=80)


def errors(first_day: bool, who: str) -> list[float]:
    return [x.error for x in run_day(SMALL, 1, {who: PREDICTORS[who]}, first_day=first_day) if x.predictor == who]


def test_the_measured_day_is_the_same_day_after_a_warm_up_that_taught_the_predictor() -> None:
    # the configured mean learns nothing: the same patients and calls give the same errors
    assert errors(True, "configured") == errors(False, "configured")
    # the simulation starts the second day with yesterday's service times learned
    first, second = errors(True, "simulation"), errors(False, "simulation")
    assert len(first) == len(second) > 50
    assert first != second


def test_the_band_is_measured_for_the_simulation_only() -> None:
    samples = run_day(SMALL, 1, {"simulation": PREDICTORS["simulation"], "today": PREDICTORS["today"]})
    banded = [x for x in samples if x.predictor == "simulation"]
    assert banded and all(x.inside is not None and x.width is not None and x.width >= 0 for x in banded)
    assert any(x.inside for x in banded) and any(x.width for x in banded)
    assert all(x.inside is None and x.width is None for x in samples if x.predictor == "today")
    # a real call outside the band is one shown too early or too late
    assert all(x.inside or x.error != 0 for x in banded)


def test_the_point_at_the_bands_median_is_earlier_than_its_mean_by_less_than_the_band() -> None:
    from bench.estimates import at_median
    from server.domain.estimate import Estimate

    now = 0.0
    e = Estimate(ahead=9, wait_minutes=30, open_counters=2, call_at=1800.0, call_from=1200.0, call_to=2400.0)
    minutes, band = at_median(e, now)
    assert band is None and minutes is not None and 27 <= minutes < 30  # right-skewed: the median comes first
    due = Estimate(ahead=0, wait_minutes=0, open_counters=1, call_at=now, call_from=now, call_to=now)
    assert at_median(due, now) == (0, (now, now))  # due now: as it is


def test_the_band_table_counts_the_simulations_band_only() -> None:
    from bench.estimate_day import Sample
    from bench.estimates import band_figures

    theirs = Sample("median", "A", 9, True, 0.0, inside=True, width=0.0)
    ours = [
        Sample("simulation", "A", 9, True, 3.0, inside=False, width=4.0),
        Sample("simulation", "A", 9, True, 0, True, 6),
    ]
    assert band_figures([theirs, *ours]) == (50.0, 50.0, 0.0, 5.0)  # the one outside was called earlier than shown


def test_the_oracle_is_told_each_counters_true_time_per_call_at_every_hour() -> None:
    from bench.estimate_day import CONFIGURED, true_seconds
    from bench.estimates import told
    from server.domain.timing import Timing, service_seconds

    slow = Scenario("slow", slow_until=10.0, counters=[[("A", 1.0), ("C", 1.5)], [("B", 1.0)]])
    pace = {1: 0.8, 2: 1.25}
    timing = Timing(means=told(slow, pace))
    for service, counter, hour, minutes in (("A", 1, 9, 4 * 0.8 * 1.6), ("A", 1, 10, 4 * 0.8), ("C", 1, 14, 6 * 0.8)):
        expected = minutes * 60 + 20  # the true mean x pace x the hour's slowdown, and the walk
        assert abs(true_seconds(slow, pace, service, counter, hour) - expected) < 1e-9
        assert abs(service_seconds(timing, service, counter, hour, CONFIGURED[service] * 60) - expected) < 1e-6
    assert abs(service_seconds(timing, "B", 2, 8, 240.0) - (5 * 1.25 * 1.6 * 60 + 20)) < 1e-6


BUSY = Scenario("busy", patients=200, priority_share=0.0, counters=[[("A", 1.0)]] * 2 + [[("B", 1.0)], [("C", 1.0)]])
BOTH = {"oracle": PREDICTORS["oracle"], "simulation": PREDICTORS["simulation"]}


def test_without_randomness_the_oracle_is_never_early_and_the_learned_simulation_is() -> None:
    # the first day (the configured means 4, 4, 5 against the true 4, 5, 6 x pace), no priority
    # patient going ahead, every service exactly its expected time: the oracle's counters are
    # never free earlier than the real ones, so no call comes later than it shows (beyond the
    # rounding to the minute); it shows some late only by what the forecast keeps for a service
    # under way (at least half its mean: predict.OVERDUE), under 4 minutes here
    samples = run_day(dataclasses.replace(BUSY, exact=True), 1, BOTH, first_day=True)
    oracle = [x.error for x in samples if x.predictor == "oracle"]
    simulation = [x.error for x in samples if x.predictor == "simulation"]
    assert len(oracle) == len(simulation) > 300
    assert min(oracle) >= -0.5 and 0.5 < max(oracle) < 4.5
    assert min(simulation) < -1


def test_with_exponential_service_times_the_oracle_still_errs_but_less_than_the_simulation() -> None:
    samples = run_day(BUSY, 1, BOTH, first_day=True)
    mae = {who: statistics.fmean(abs(x.error) for x in samples if x.predictor == who) for who in BOTH}
    assert 1 < mae["oracle"] < mae["simulation"]
    assert all(x.inside is None for x in samples if x.predictor == "oracle")  # its band is not measured

"""The wait estimates' benchmark (bench/estimate_day.py): which day it measures. Nothing here is timed."""

from __future__ import annotations

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

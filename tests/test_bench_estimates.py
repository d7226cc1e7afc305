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

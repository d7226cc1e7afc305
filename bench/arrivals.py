"""The hospital day's arrival model, shared by ``bench/day.py`` and ``bench/estimate_day.py``."""

from __future__ import annotations

import random


def arrival_times(patients: int, hours: float, day_hours: float = 9.0, seed: int = 7) -> list[float]:
    """Simulated seconds at which patients arrive: Poisson, 3x the rate in the first 3 hours."""
    rng = random.Random(seed)
    weight = 3 * 3 + (day_hours - 3) * 1
    per_hour_peak, per_hour_rest = patients * 3 / weight, patients / weight
    times, t = [], 0.0
    while t < hours * 3600:
        rate = (per_hour_peak if t < 3 * 3600 else per_hour_rest) / 3600
        t += rng.expovariate(rate)
        if t < hours * 3600:
            times.append(t)
    return times

"""The figures of one row of a report (pure): counts, durations summarised in minutes (mean,
median, nearest-rank 90th percentile), ratings and bookings; ``server/domain/reports.py`` keeps
one per group and key (the definitions are there)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0-100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict[str, Any]:
    """n, mean, median and 90th percentile of durations in seconds, given in minutes."""
    if not values:
        return {"n": 0, "mean": None, "median": None, "p90": None}
    ordered = sorted(values)
    mid = len(ordered) // 2
    median = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return {
        "n": len(values),
        "mean": round(sum(values) / len(values) / 60, 2),
        "median": round(median / 60, 2),
        "p90": round(percentile(values, 90) / 60, 2),
    }


def errors(values: list[float]) -> dict[str, Any]:
    """How far the waits shown at issue were from the waits had (shown - had, minutes): n,
    mean absolute error, 90th percentile of the absolute error, bias, the shares within 5 and
    10 minutes."""
    if not values:
        return {"n": 0, "mae": None, "p90": None, "bias": None, "within_5": None, "within_10": None}
    absolute = [abs(v) for v in values]
    return {
        "n": len(values),
        "mae": round(sum(absolute) / len(values), 2),
        "p90": round(percentile(absolute, 90), 2),
        "bias": round(sum(values) / len(values), 2),
        "within_5": round(sum(a <= 5 for a in absolute) / len(values), 4),
        "within_10": round(sum(a <= 10 for a in absolute) / len(values), 4),
    }


@dataclass
class Figures:
    issued: int = 0
    served: int = 0
    missed: int = 0
    transferred: int = 0
    cancelled: int = 0
    priority: int = 0
    idle_seconds: float = 0.0
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)
    estimate_errors: list[float] = field(default_factory=list)  # shown at issue - had, minutes
    booked: list[int] = field(default_factory=lambda: [0, 0, 0])  # honoured, late, no-show

    def as_dict(self, idle: bool = True) -> dict[str, Any]:
        return {
            "issued": self.issued,
            "served": self.served,
            "missed": self.missed,
            "transferred": self.transferred,
            "cancelled": self.cancelled,
            "wait": summary(self.waits),
            "service": summary(self.services),
            "priority_share": round(self.priority / self.issued, 4) if self.issued else None,
            "idle_minutes": round(self.idle_seconds / 60, 2) if idle else None,
            "rating": {
                "n": len(self.ratings),
                "mean": round(sum(self.ratings) / len(self.ratings), 2) if self.ratings else None,
            },
            "booked": dict(zip(("honoured", "late", "no_show"), self.booked, strict=True)),
            "estimate_error": errors(self.estimate_errors),
        }

    def add(self, other: Figures) -> None:
        """Add another's counts (a ticket's own part, counted in its insurance group at the end)."""
        for name in ("issued", "served", "missed", "transferred", "cancelled", "priority"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.idle_seconds += other.idle_seconds
        self.waits += other.waits
        self.services += other.services
        self.ratings += other.ratings
        self.estimate_errors += other.estimate_errors
        self.booked = [a + b for a, b in zip(self.booked, other.booked, strict=True)]

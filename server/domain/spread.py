"""The band a waiting ticket's call is expected in, about 8 calls in 10 (pure; ``estimate.py``
puts it beside the simulated time as ``call_from``/``call_to``).

A wait is the sum of the service times before the call. Its spread comes from three things:
the service times themselves (their learned squared coefficient of variation, ``timing.cv2``:
1 for exponential times), the patients who will arrive meanwhile and go ahead of it (a Poisson
count: the simulation expects their mean, not their spread), and the breaks (none: nobody is
called then, so they add time but no spread). Measured in ``bench/estimates.py`` (decision 0016).
"""

from __future__ import annotations

import math

import msgspec

from .events import Klass
from .timing import Timing, arrival_rate, cv2

BAND_Z = 1.2816  # the 10th and 90th percentiles of a normal distribution
AHEAD_OF: dict[Klass, tuple[Klass, ...]] = {
    "normal": ("priority", "emergency"),
    "priority": ("emergency",),
    "emergency": (),
}


class Spread(msgspec.Struct, frozen=True):
    """What a wait's band is drawn from: ``interval``, the seconds of work between two calls of
    its queue on average, the squared coefficient of variation ``cv2`` of its service times, and
    ``ahead_rate``, the arrivals per second of the patients who would go ahead of it."""

    interval: float
    cv2: float = 1.0
    ahead_rate: float = 0.0


def band(now: float, call_at: float, spread: Spread, pause: float = 0.0) -> tuple[float, float]:
    """The band a call expected at ``call_at`` is likely in. Over ``W`` seconds of work, the
    calls ``interval`` seconds apart on average, a wait's variance is ``W x interval x CV^2`` (a
    renewal count's); the arrivals that go ahead add a Poisson count of intervals, ``rate x W x
    interval^2``. ``pause``: seconds of the wait in a break. Symmetric about ``call_at`` (a
    right-skewed gamma band was measured and covered fewer calls: decision 0016); never before
    ``now``."""
    wait = max(0.0, call_at - now)
    work = max(0.0, wait - pause)
    interval = max(spread.interval, 0.0)
    sd = BAND_Z * math.sqrt(work * interval * (spread.cv2 + spread.ahead_rate * interval))
    return now + max(0.0, wait - sd), now + wait + sd


def per_call(spread: Spread, work: float, ahead: int) -> Spread:
    """``spread`` with the simulation's own seconds of work per call of the ticket's queue (its
    ``ahead + 1`` calls over ``work``) when longer than the service's mean over its open
    counters: counters that also serve other queues call it less often, and each call then
    stands for more service time. Never shorter: a service the simulation expects to end soon
    (it has run long) is no more regular for that (an exponential time has no memory)."""
    per = work / (ahead + 1)
    return msgspec.structs.replace(spread, interval=per) if per > spread.interval else spread


def spread_of(timing: Timing, service: str, klass: Klass, fifo: bool, interval: float, now: float) -> Spread:
    """What the band of a ticket of ``service`` and ``klass`` is drawn from, ``interval`` seconds
    between two calls of its queue: its service's learned spread, and the arrival rate of the
    classes that go ahead of it (none when the policy calls by arrival, ``fifo``)."""
    ahead = () if fifo else AHEAD_OF[klass]
    return Spread(
        interval=interval,
        cv2=cv2(timing, service),
        ahead_rate=sum(arrival_rate(timing, service, k, now) for k in ahead),
    )

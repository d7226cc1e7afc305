"""What the wait predictor (``predict.py``) learns as the day goes (pure, kept in the state).

- **Service times** per service, per service and counter, per service and hour of the day, and
  per service, counter and hour: the time a counter is taken by a ticket, from its call to the
  end of its service (walking to the counter included, since the counter waits for it too).
  Each is a running mean that follows change: the plain mean of the first ``WINDOW`` samples,
  then an exponentially weighted one (weight ``1/WINDOW``); kept across days, since a counter's
  pace at 9:00 yesterday says something about 9:00 today.
- **The spread of service times** per service: the running mean of the square of each service
  time over its counter's mean before it (``E[(x/m)^2] = 1 + CV^2``), i.e. the squared
  coefficient of variation a wait's band is drawn from (``spread.band``). Measured against the
  learned mean rather than the true one, it counts the mean's own error too: what the band must
  cover. Second moments are noisy (an exponential time's square has a variance of 20 in these
  units), so it is averaged over ``SPREAD_WINDOW`` samples and starts from 1 (exponential times).
- **Arrivals of priority and emergency patients** per service: their issue times in the last
  ``RATE_WINDOW`` seconds, from which the predictor expects the next ones (they go ahead of
  the normal tickets already waiting).
"""

from __future__ import annotations

import datetime as dt
import functools

import msgspec

WINDOW = 20  # samples of a running mean before it forgets the oldest
PRIOR = 10.0  # samples a more general mean counts for when a specific one is estimated
RATE_WINDOW = 3600.0  # seconds of arrivals the rate is learned from
SPREAD_WINDOW = 200  # samples of the spread's running mean before it forgets the oldest
SPREAD_FROM = 5  # samples a counter's mean needs before its services count in the spread


class Mean(msgspec.Struct):
    """A running mean (``observe_service`` updates it): n samples seen, the mean."""

    n: int = 0
    mean: float = 0.0


class Timing(msgspec.Struct):
    means: dict[str, Mean] = {}  # "service|counter|hour", "service|counter|", "service||hour", "service"
    arrivals: dict[str, list[float]] = {}  # "service|klass" -> issue times in the last RATE_WINDOW
    spread: dict[str, Mean] = {}  # service -> running mean of (service time / its counter's mean)^2


def local_hour(tz: dt.tzinfo, at: float) -> int:
    """The local hour of ``at``, from a cache by quarter hour (every UTC offset is whole quarter
    hours): the replay at start folds a service time per finished ticket."""
    return _hour(tz, int(at // 900))


@functools.lru_cache(maxsize=4096)
def _hour(tz: dt.tzinfo, quarter: int) -> int:
    return dt.datetime.fromtimestamp(quarter * 900, tz).hour


def keys(service: str, counter: int, hour: int) -> tuple[str, str, str, str]:
    """The means a sample counts in, the most specific first (the order ``service_seconds`` tries)."""
    return f"{service}|{counter}|{hour}", f"{service}|{counter}|", f"{service}||{hour}", service


def observe_service(timing: Timing, service: str, counter: int, hour: int, seconds: float) -> None:
    means = timing.means
    here = f"{service}|{counter}|"
    m = means.get(here)
    if m is not None and m.n >= SPREAD_FROM and m.mean > 0:
        s = timing.spread.get(service)
        if s is None:
            s = timing.spread[service] = Mean()
        n = s.n = s.n + 1
        s.mean += ((seconds / m.mean) ** 2 - s.mean) / (n if n < SPREAD_WINDOW else SPREAD_WINDOW)
    for key in (f"{here}{hour}", here, f"{service}||{hour}", service):  # keys(), built cheaper (the replay)
        m = means.get(key)
        if m is None:
            m = means[key] = Mean()
        n = m.n = m.n + 1
        m.mean += (seconds - m.mean) / (n if n < WINDOW else WINDOW)


def observe_arrival(timing: Timing, service: str, klass: str, at: float) -> None:
    times = timing.arrivals.setdefault(f"{service}|{klass}", [])
    times.append(at)
    while times[0] < at - RATE_WINDOW:
        del times[0]


def service_seconds(timing: Timing, service: str, counter: int, hour: int, configured: float) -> float:
    """The expected time ``counter`` is taken by a ticket of ``service`` at ``hour`` (seconds):
    from the configured mean to the most specific one, each mean moves the estimate by the
    weight of its samples against ``PRIOR`` for the estimate so far (a counter's three quick
    patients do not make it twice as fast: a noisy mean would make the queue look short)."""
    est = configured
    means = timing.means
    for key in reversed(keys(service, counter, hour)):
        m = means.get(key)
        if m is not None:
            n = min(m.n, WINDOW)
            est = (n * m.mean + PRIOR * est) / (n + PRIOR)
    return est


def cv2(timing: Timing, service: str) -> float:
    """The squared coefficient of variation of ``service``'s times (``spread``), shrunk towards
    1 (exponential) by ``PRIOR`` samples: a few samples do not make a service regular."""
    s = timing.spread.get(service)
    if s is None:
        return 1.0
    n = min(s.n, SPREAD_WINDOW)
    return max(0.0, (n * (s.mean - 1.0) + PRIOR * 1.0) / (n + PRIOR))


def arrival_rate(timing: Timing, service: str, klass: str, now: float) -> float:
    """Arrivals of ``klass`` per second for ``service``, from those of the last RATE_WINDOW
    seconds before ``now`` (0 with fewer than two: one patient is not a rate)."""
    times = timing.arrivals.get(f"{service}|{klass}", [])
    recent = sum(1 for t in times if now - RATE_WINDOW < t <= now)
    return recent / RATE_WINDOW if recent >= 2 else 0.0

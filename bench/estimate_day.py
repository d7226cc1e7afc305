"""The days the wait estimates are measured on (``bench/estimates.py``), simulated in-process.

A day is the domain's application step (``handle``) driven by a simulated clock: patients
arrive by ``bench/day.py``'s arrival model (Poisson, three times the rate in the first three
hours, 07:00-16:00), take a ticket at the kiosk, and the counters call, serve (an exponential
time around the service's true mean, times the counter's own pace and the hour's) and call
again (``--exact``: exactly that product, no randomness). Staff pause at the lunch break and resume after; a counter closing at 10:00 finishes
its patient first. Every 5 minutes and at every issue, each predictor gives its wait for the
waiting tickets; the first call of each ticket is the truth they are compared with.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.access import Actor
from server.domain.config import Config
from server.domain.config_check import config_from_builtins
from server.domain.handle import handle, start_day
from server.domain.identity import PriorityGroup
from server.domain.state import QueueState

from .arrivals import arrival_times

VN = dt.timezone(dt.timedelta(hours=7))
ADMIN = Actor(name="staff:admin", role="admin")
OPEN_AT = dt.datetime(2026, 11, 23, 7, 0, tzinfo=VN).timestamp()  # a Monday
UPDATE_EVERY = 300.0  # seconds between two updates of every waiting ticket's estimate
TRUE_MEAN = {"A": 4.0, "B": 5.0, "C": 6.0}  # minutes; the configuration says 4, 4, 5
CONFIGURED = {"A": 4.0, "B": 4.0, "C": 5.0}
WALK = 20.0  # seconds for the patient to walk to the counter (the counter waits for it too)


@dataclass
class Scenario:
    name: str
    patients: int = 900
    counters: list[list[tuple[str, float]]] = field(
        default_factory=lambda: [[("A", 1.0)]] * 5 + [[("B", 1.0)]] * 3 + [[("C", 1.0)]] * 2
    )
    lunch: bool = False
    close_at_10: bool = False
    priority_share: float = 0.12
    surge: tuple[float, float, float] | None = None  # (from hour, to hour, priority share)
    slow_until: float = 0.0  # hour of the day until which service is slower
    slow_factor: float = 1.6
    exact: bool = False  # every service takes exactly its expected time (``true_seconds``): no randomness


SCENARIOS = [
    Scenario("hospital day"),
    Scenario("lunch break", lunch=True),
    Scenario("counter closes 10:00", close_at_10=True),
    Scenario("priority surge", surge=(8.5, 10.0, 0.5)),
    Scenario(
        "shared counters",
        counters=[[("A", 1.0)]] * 3 + [[("A", 1.0), ("B", 1.0)]] * 2 + [[("B", 1.0), ("C", 1.5)]] * 2 + [[("C", 1.0)]],
    ),
    Scenario("slow morning", slow_until=10.0),
]


def config_for(s: Scenario) -> Config:
    day: dict[str, Any] = {"open": "07:00", "close": "17:00"}
    if s.lunch:
        day["breaks"] = [{"start": "11:30", "end": "13:30"}]
    return config_from_builtins(
        {
            "unit": {"name": "Bệnh viện thử nghiệm"},
            "hours": {d: day for d in ("mon", "tue", "wed", "thu", "fri")},
            "zones": [{"code": "z", "name": "Khu khám"}],
            "departments": [{"code": "d", "name": "Khám bệnh"}],
            "services": [
                {"code": c, "name": f"Dịch vụ {c}", "department": "d", "mean_service_minutes": m}
                for c, m in CONFIGURED.items()
            ],
            "counters": [
                {
                    "number": i + 1,
                    "name": f"Quầy {i + 1}",
                    "zone": "z",
                    "services": [{"code": c, "weight": w} for c, w in svcs],
                }
                for i, svcs in enumerate(s.counters)
            ],
        }
    )


# What a predictor shows a ticket: the wait in minutes (or None), and the band its call is
# expected in (epoch seconds, ``Estimate.call_from``/``call_to``) when it gives one.
Shown = tuple[float | None, tuple[float, float] | None]
# A predictor: (state, waiting ticket ids, now) -> {ticket id: what it shows}
Predictor = Callable[[QueueState, list[int], float], dict[int, Shown]]


@dataclass(frozen=True)
class Told:
    """A predictor made for each measured day from what only the bench knows: the scenario and
    each counter's pace (the oracle of ``bench/estimates.py``)."""

    make: Callable[[Scenario, dict[int, float]], Predictor]


def true_seconds(s: Scenario, pace: dict[int, float], service: str, counter: int, hour: int) -> float:
    """The expected time ``counter`` is taken by a call of ``service`` at local ``hour`` on the
    scenario's day (``_day`` draws it exponential around this, or takes it as it is with
    ``exact``): the true mean x the counter's pace x the hour's slowdown, plus the walk. (The
    slowdown ends on the hour in every scenario, so the hour of the call decides it as ``_day``'s
    time of the call does.)"""
    slow = s.slow_factor if hour < s.slow_until else 1.0
    return TRUE_MEAN[service] * 60 * pace[counter] * slow + WALK


@dataclass
class Sample:
    predictor: str
    service: str
    hour: int
    at_issue: bool
    error: float  # predicted - real wait, minutes
    inside: bool | None = None  # the real call inside the band shown (None: no band)
    width: float | None = None  # the band's width, minutes


def run_day(
    s: Scenario, seed: int, predictors: Mapping[str, Predictor | Told], first_day: bool = False
) -> list[Sample]:
    """The scenario's day with ``seed``, measured. By default it is the site's second day: a
    warm-up day (the hospital day on the same counters, arrivals of another seed of the family,
    the same staff's pace) runs first on the same state, unmeasured, so that what a site that
    runs every day has learned (service times per hour, kept across days) is there, as in a
    hospital. ``first_day``: the first day the system ever ran (nothing learned yet). A
    ``Told`` predictor is made for the day from the scenario and the counters' pace."""
    rng = random.Random(seed)
    state = QueueState(config=config_for(s))
    pace = {n: rng.uniform(0.8, 1.25) for n in range(1, len(s.counters) + 1)}
    if not first_day:
        warm = Scenario(f"{s.name}, warm-up", counters=s.counters, exact=s.exact)
        _day(state, warm, seed + WARM_SEED, random.Random(seed + WARM_SEED), pace, OPEN_AT, {})
    day = {who: p.make(s, pace) if isinstance(p, Told) else p for who, p in predictors.items()}
    return _day(state, s, seed, rng, pace, OPEN_AT if first_day else OPEN_AT + DAY, day)


WARM_SEED = 1000  # the warm-up day's seed: the measured day's plus this
DAY = 86400.0  # the measured day after a warm-up: the next day (a Tuesday), same hours


def _day(
    state: QueueState,
    s: Scenario,
    seed: int,
    rng: random.Random,
    pace: dict[int, float],
    open_at: float,
    predictors: dict[str, Predictor],
) -> list[Sample]:
    now = open_at
    start_day(state, now)

    def do(command: cmd.AnyCommand) -> Any:
        step = handle(state, command, now, ADMIN)
        if step.error is not None:
            return None
        for r in step.records:
            if isinstance(r.event, ev.TicketCalled) and r.event.ticket not in called:
                called[r.event.ticket] = r.at
        return step.result

    called: dict[int, float] = {}
    shown: list[tuple[int, str, float, bool, str, Shown]] = []  # ticket, service, at, at_issue, who, shown
    for n in pace:
        do(cmd.OpenCounter(counter=n))
    heap: list[tuple[float, int, str, int]] = []  # (time, order, kind, counter or arrival index)
    order = 0

    def push(at: float, kind: str, data: int) -> None:
        nonlocal order
        order += 1
        heapq.heappush(heap, (at, order, kind, data))

    for i, at in enumerate(arrival_times(s.patients, 9.0, seed=seed)):
        push(open_at + at, "arrive", i)
    for n in pace:
        push(open_at, "free", n)
    update = open_at
    end = open_at + 10 * 3600
    lunch = (open_at + 4.5 * 3600, open_at + 6.5 * 3600)
    idle: set[int] = set()
    closed: set[int] = set()
    weights = [c for svcs in s.counters for c in svcs]
    services = [c for c, _ in weights]

    def measure(tids: list[int], at_issue: bool) -> None:
        for who, predict in predictors.items():
            for tid, what in predict(state, tids, now).items():
                shown.append((tid, state.tickets[tid].service, now, at_issue, who, what))

    while heap:
        at, _, kind, data = heapq.heappop(heap)
        while update <= at and update < end:
            now = update
            waiting = [tid for ids in state.waiting.values() for tid in ids]
            if waiting:
                measure(waiting, False)
            update += UPDATE_EVERY
        now = at
        hour = (now - open_at) / 3600 + 7
        if kind == "arrive":
            share = s.priority_share
            if s.surge and s.surge[0] <= hour < s.surge[1]:
                share = s.surge[2]
            service = rng.choices(["A", "B", "C"], weights=(5, 3, 2))[0]
            if service not in services:
                continue
            declared = [PriorityGroup.ELDERLY_75] if rng.random() < share else []
            result = do(cmd.IssueTicket(service=service, declared=declared))
            if result is None:
                continue
            tid = state.labels[result["ticket"]]
            measure([tid], True)
            for n in sorted(idle):
                idle.discard(n)
                push(now, "free", n)
            continue
        n = data
        if kind == "resume":
            do(cmd.ResumeCounter(counter=n))
            push(now, "free", n)
            continue
        if state.counters[n].current is not None:
            do(cmd.FinishService(counter=n))
        if s.close_at_10 and n == 1 and hour >= 10.0:
            do(cmd.CloseCounter(counter=n))
            closed.add(n)
            continue
        if s.lunch and lunch[0] <= now < lunch[1]:
            do(cmd.PauseCounter(counter=n, reason="Nghỉ trưa"))
            push(lunch[1], "resume", n)
            continue
        if now >= end:  # 17:00: the counters stop calling
            continue
        result = do(cmd.CallNext(counter=n))
        if result is None or "ticket" not in result:
            idle.add(n)
            continue
        t = state.tickets[state.labels[result["ticket"]]]
        slow = s.slow_factor if hour < s.slow_until else 1.0
        drawn = rng.expovariate(1 / TRUE_MEAN[t.service])  # drawn even when exact: the same patients come
        minutes = (TRUE_MEAN[t.service] if s.exact else drawn) * pace[n] * slow
        push(now + WALK + minutes * 60, "free", n)
    out: list[Sample] = []
    for tid, service, at, at_issue, who, (wait, band) in shown:
        if tid not in called or wait is None:
            continue
        x = Sample(who, service, int((at - open_at) // 3600) + 7, at_issue, wait - (called[tid] - at) / 60)
        if band is not None:
            x.inside = band[0] <= called[tid] <= band[1]
            x.width = (band[1] - band[0]) / 60
        out.append(x)
    return out

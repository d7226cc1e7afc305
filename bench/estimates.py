"""How wrong are the wait estimates? ``python -m bench.estimates`` (``scripts/bench estimates``).

Each scenario of ``bench/estimate_day.py`` is simulated in-process (no real time) with several
seeds; for every ticket, the wait each predictor shows at issue and at every 5-minute update is
compared with the wait it really had (until its first call). Each measured day is, by default,
the day after a warm-up day on the same state (``run_day``; ``--first-day``: the first day the
system ever ran):

- ``today``: people ahead x the mean of the last service times / open counters
  (``estimate.estimate_simple``, the predictor before issue 22);
- ``last_call``: the wait the last patient called for that service had;
- ``configured``: people ahead x the configured mean / open counters;
- ``simulation``: the forward simulation of the ordering policy (``predict.forecast``);
- ``oracle``: the same simulation told each counter's true expected time per call (the floor
  of any predictor that knows the queue but not how long each patient will take: ``told``).

Printed (and ``--markdown`` for bench/README.md): MAE, p90 absolute error, bias (predicted
minus real, minutes) and the share within +-5 and +-10 minutes, per scenario and predictor;
then by service and hour for the hospital day; then the cost in microseconds with 500 tickets
waiting (one ticket's estimate, all of them), today's predictor beside. ``--exact``: every
service takes exactly its expected time (the floor without the service times' randomness).
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import statistics
import time
from collections import defaultdict

from server.domain import commands as cmd
from server.domain.estimate import Estimate, estimate, estimate_simple, estimates, estimates_simple
from server.domain.handle import handle, start_day
from server.domain.identity import PriorityGroup
from server.domain.spread import BAND_Z
from server.domain.state import QueueState
from server.domain.timing import PRIOR, WINDOW, Mean, Timing, service_seconds

from .estimate_day import (
    ADMIN,
    CONFIGURED,
    OPEN_AT,
    SCENARIOS,
    Predictor,
    Sample,
    Scenario,
    Shown,
    Told,
    config_for,
    run_day,
    true_seconds,
)


def today(state: QueueState, tids: list[int], now: float) -> dict[int, Shown]:
    return {tid: (e.wait_minutes, None) for tid, e in estimates_simple(state, tids, now).items()}


def shown(e: Estimate) -> Shown:
    """The simulation's wait and its band."""
    band = (e.call_from, e.call_to) if e.call_from is not None and e.call_to is not None else None
    return e.wait_minutes, band


def simulation(state: QueueState, tids: list[int], now: float) -> dict[int, Shown]:
    if len(tids) == 1:  # at issue: what the kiosk shows
        return {tids[0]: shown(estimate(state, tids[0], now))}
    return {tid: shown(e) for tid, e in estimates(state, tids, now).items()}


def at_median(e: Estimate, now: float) -> Shown:
    """The simulation's wait moved from its mean to the median of a gamma distribution of the
    band's spread (right-skewed: a wait can run long, not below zero), by Wilson-Hilferty's
    approximation: the point that minimises the absolute error if the wait is so distributed."""
    if e.wait_minutes is None or e.call_at is None or e.call_to is None or e.call_at <= now:
        return shown(e)
    wait, sd = e.call_at - now, (e.call_to - e.call_at) / BAND_Z
    if sd <= 0:
        return shown(e)
    k = (wait / sd) ** 2  # the gamma's shape
    return max(0, round(wait * max(0.0, 1 - 1 / (9 * k)) ** 3 / 60)), None


def median(state: QueueState, tids: list[int], now: float) -> dict[int, Shown]:
    """``simulation`` with the point at the band's median (``--median``, step 3 of the README)."""
    if len(tids) == 1:
        return {tids[0]: at_median(estimate(state, tids[0], now), now)}
    return {tid: at_median(e, now) for tid, e in estimates(state, tids, now).items()}


def configured(state: QueueState, tids: list[int], now: float) -> dict[int, Shown]:
    out: dict[int, Shown] = {}
    for tid, e in estimates_simple(state, tids, now).items():
        mean = CONFIGURED[state.tickets[tid].service]
        out[tid] = (None if e.open_counters == 0 else e.ahead * mean / e.open_counters, None)
    return out


def last_call(state: QueueState, tids: list[int], now: float) -> dict[int, Shown]:
    last: dict[str, float] = {}
    for lc in reversed(state.last_calls):  # the newest last
        last[lc.service] = (lc.at - state.tickets[lc.ticket].issued_at) / 60
    return {tid: (last.get(state.tickets[tid].service), None) for tid in tids}


def told(s: Scenario, pace: dict[int, float]) -> dict[str, Mean]:
    """Learned means that make ``timing.service_seconds`` give each counter's true expected time
    per call at every hour (``true_seconds``), exactly: no product code is changed for the
    oracle. ``service_seconds`` moves the configured mean towards the most specific mean by its
    samples (``WINDOW`` at most) against ``PRIOR``; with that one mean alone, this is the mean
    that lands on the truth. Checked here, so that a change of the blend cannot make the oracle
    quietly less than one."""
    configured = {c: m * 60 for c, m in CONFIGURED.items()}
    means: dict[str, Mean] = {}
    for n, services in enumerate(s.counters, start=1):
        for service, _ in services:
            for hour in range(24):
                truth = true_seconds(s, pace, service, n, hour)
                mean = ((WINDOW + PRIOR) * truth - PRIOR * configured[service]) / WINDOW
                means[f"{service}|{n}|{hour}"] = Mean(n=WINDOW, mean=mean)
    check = Timing(means=means)
    for key, m in means.items():
        code, counter, h = key.split("|")
        got = service_seconds(check, code, int(counter), int(h), configured[code])
        assert m.mean > 0 and abs(got - true_seconds(s, pace, code, int(counter), int(h))) < 1e-6, key
    return means


def oracle(s: Scenario, pace: dict[int, float]) -> Predictor:
    """``simulation`` on the state as it is, but with the told means (``told``) for service times;
    the arrival rates and the band's spread are the state's own. Its band is not measured."""
    means = told(s, pace)

    def predict(state: QueueState, tids: list[int], now: float) -> dict[int, Shown]:
        knows = copy.copy(state)  # shallow: the same tickets and queues
        knows.timing = Timing(means=means, arrivals=state.timing.arrivals, spread=state.timing.spread)
        return {tid: (wait, None) for tid, (wait, _) in simulation(knows, tids, now).items()}

    return predict


PREDICTORS: dict[str, Predictor | Told] = {
    "today": today,
    "last_call": last_call,
    "configured": configured,
    "simulation": simulation,
    "oracle": Told(oracle),
}


def figures(errors: list[float]) -> dict[str, float]:
    if not errors:
        return {"n": 0, "mae": float("nan"), "p90": float("nan"), "bias": float("nan"), "in5": 0.0, "in10": 0.0}
    absolute = sorted(abs(e) for e in errors)
    return {
        "n": len(errors),
        "mae": statistics.fmean(absolute),
        "p90": absolute[min(len(absolute) - 1, int(0.9 * len(absolute)))],
        "bias": statistics.fmean(errors),
        "in5": 100 * sum(a <= 5 for a in absolute) / len(absolute),
        "in10": 100 * sum(a <= 10 for a in absolute) / len(absolute),
    }


def row(label: str, f: dict[str, float]) -> str:
    return (
        f"| {label} | {f['n']:.0f} | {f['mae']:.1f} | {f['p90']:.1f} | {f['bias']:+.1f} "
        f"| {f['in5']:.0f}% | {f['in10']:.0f}% |"
    )


BAND_HEAD = (
    "| scenario | at issue: inside | called earlier | called later | width (min) "
    "| at updates: inside | earlier | later | width (min) | inside, each seed (issue / updates) |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)


def band_figures(samples: list[Sample]) -> tuple[float, float, float, float]:
    """The simulation's band: share (%) of real calls inside it, before it, after it; its mean width (minutes)."""
    banded = [x for x in samples if x.predictor == "simulation" and x.inside is not None and x.width is not None]
    if not banded:
        return float("nan"), float("nan"), float("nan"), float("nan")
    inside = sum(bool(x.inside) for x in banded)
    earlier = sum(x.inside is False and x.error > 0 for x in banded)  # shown later than it came
    n = len(banded)
    width = statistics.fmean(x.width for x in banded if x.width is not None)
    return 100 * inside / n, 100 * earlier / n, 100 * (n - inside - earlier) / n, width


def band_row(name: str, days: list[list[Sample]]) -> str:
    cells: list[str] = []
    for at_issue in (True, False):
        f = band_figures([x for day in days for x in day if x.at_issue is at_issue])
        cells.append(f"{f[0]:.0f}% | {f[1]:.0f}% | {f[2]:.0f}% | {f[3]:.1f}")
    each = ", ".join(
        f"{band_figures([x for x in day if x.at_issue])[0]:.0f}/{band_figures([x for x in day if not x.at_issue])[0]:.0f}"
        for day in days
    )
    return f"| {name} | {cells[0]} | {cells[1]} | {each} |"


HEAD = "| {} | n | MAE (min) | p90 abs (min) | bias (min) | within ±5 | within ±10 |\n|---|---|---|---|---|---|---|"


def waiting_state(n: int, counters: int = 10) -> QueueState:
    """A state with ``n`` tickets waiting and every counter open and serving, some priority."""
    s = Scenario("cost")
    state = QueueState(config=config_for(s))
    start_day(state, OPEN_AT)
    for c in range(1, counters + 1):
        handle(state, cmd.OpenCounter(counter=c), OPEN_AT, ADMIN)
    for i in range(n + counters):
        declared = [PriorityGroup.ELDERLY_75] if i % 7 == 0 else []
        handle(state, cmd.IssueTicket(service="ABCAB"[i % 5], declared=declared), OPEN_AT + i, ADMIN)
    for c in range(1, counters + 1):
        handle(state, cmd.CallNext(counter=c), OPEN_AT + n + counters, ADMIN)
    return state


def micros(f: object, repeat: int) -> float:
    assert callable(f)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(repeat):
            f()
        best = min(best, (time.perf_counter() - t0) / repeat)
    return best * 1e6


def cost(n: int = 500) -> list[str]:
    state = waiting_state(n)
    now = OPEN_AT + n + 20 + 60
    ids = [tid for ids in state.waiting.values() for tid in ids]
    last, middle = state.next_ticket - 1, ids[len(ids) // 2]
    lines = [
        f"| µs, {len(ids)} tickets waiting | today (estimate_simple) | simulation (predict) |",
        "|---|---|---|",
    ]
    for label, a, b, rep in (
        ("one ticket, just issued", lambda: estimate_simple(state, last, now), lambda: estimate(state, last, now), 200),
        (
            "one ticket, mid-queue",
            lambda: estimate_simple(state, middle, now),
            lambda: estimate(state, middle, now),
            200,
        ),
        ("all waiting tickets", lambda: estimates_simple(state, ids, now), lambda: estimates(state, ids, now), 20),
    ):
        lines.append(f"| {label} | {micros(a, rep):.0f} | {micros(b, rep):.0f} |")
    return lines


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--only", default="", help="run only the scenarios whose name contains this")
    p.add_argument("--median", action="store_true", help="also the simulation with its point at the band's median")
    p.add_argument(
        "--first-day", action="store_true", help="measure the first day the system ever ran (no warm-up day before)"
    )
    p.add_argument("--exact", action="store_true", help="every service takes exactly its expected time (no randomness)")
    a = p.parse_args()
    t0 = time.perf_counter()
    predictors: dict[str, Predictor | Told] = {**PREDICTORS, "median": median} if a.median else PREDICTORS
    by_scenario: dict[str, list[Sample]] = {}
    by_seed: dict[str, list[list[Sample]]] = {}
    for s in SCENARIOS:
        if a.only and a.only not in s.name:
            continue
        day = dataclasses.replace(s, exact=a.exact)
        by_seed[s.name] = [run_day(day, seed, predictors, first_day=a.first_day) for seed in range(1, a.seeds + 1)]
        by_scenario[s.name] = [x for day in by_seed[s.name] for x in day]
    which = "the first day the system ran" if a.first_day else "the day after a warm-up day (the hospital day)"
    exact = ", service times exact (no randomness)" if a.exact else ""
    print(f"{a.seeds} seeds a scenario, {which}{exact}, {time.perf_counter() - t0:.0f} s\n")
    for when, at_issue in (("at issue", True), ("at every update (5 min)", False)):
        print(f"### Estimate {when}\n")
        print(HEAD.format("scenario, predictor"))
        for name, samples in by_scenario.items():
            for who in predictors:
                errs = [x.error for x in samples if x.predictor == who and x.at_issue is at_issue]
                print(row(f"{name}, {who}", figures(errs)))
        print()
    print("### The band (call_from-call_to, the simulation's): share of real calls inside it\n")
    print(BAND_HEAD)
    for name, days in by_seed.items():
        print(band_row(name, days))
    print()
    first = next(iter(by_scenario), None)
    if first is not None:
        print(f"### {first}, at issue, by service and hour: simulation (today's)\n")
        print("| service, hour | n | MAE | p90 abs | bias | within ±5 | within ±10 |\n|---|---|---|---|---|---|---|")
        groups: dict[tuple[str, int, str], list[float]] = defaultdict(list)
        for x in by_scenario[first]:
            if x.at_issue:
                groups[(x.service, x.hour, x.predictor)].append(x.error)
        for service, hour in sorted({(k[0], k[1]) for k in groups}):
            ours, base = figures(groups[(service, hour, "simulation")]), figures(groups[(service, hour, "today")])
            print(
                f"| {service}, {hour:02d}h | {ours['n']:.0f} | {ours['mae']:.1f} ({base['mae']:.1f}) "
                f"| {ours['p90']:.1f} ({base['p90']:.1f}) | {ours['bias']:+.1f} ({base['bias']:+.1f}) "
                f"| {ours['in5']:.0f}% ({base['in5']:.0f}%) | {ours['in10']:.0f}% ({base['in10']:.0f}%) |"
            )
        print()
    print("### Cost\n")
    print("\n".join(cost()))


if __name__ == "__main__":
    main()

"""People ahead of a ticket and its estimated wait (pure).

People ahead is counted at the counter where the ticket stands best, following the ordering
policy's classes (emergencies, then priority and normal interleaved by ratio from the start of
a cycle, or strictly, or by arrival). It is exact when nobody else arrives and no ticket reaches
the maximum wait; ``ordering.queue_order`` gives the exact list at a higher cost.

The wait is the forward simulation of ``predict.py`` (the time it expects the ticket to be
called, ``call_at``, less now, rounded to the minute); ``late`` when no counter is expected to
call it before closing; past the simulation's horizon (thousands waiting ahead), the simple
formula below. Beside it, the band the call is expected in (``call_from``-``call_to``, about 8
calls in 10: ``spread.py``). ``estimate_simple`` is the predictor used before it (issue 22), kept as the
benchmark's baseline: people ahead times the service's mean service time (the last 20 served,
or the configured mean until 3 are known), divided by the open counters serving it.

A visit of several steps (issue 20) waits in the queue of each open step at once: at a counter it
is counted at the step open there (``steps.open_here``), and ``step_estimate`` gives its
place and wait in the queue of any one of its open steps (by the simple formula: the
simulation gives a visit's next call, in whichever of its queues it comes first).
"""

from __future__ import annotations

import math

import msgspec

from .ordering import candidates
from .predict import MAX_CALLS, forecast, working_day
from .spread import Spread, band, per_call, spread_of
from .state import QueueState, Ticket
from .steps import Step, open_here

MIN_SAMPLES = 3
Places = dict[int, dict[int, int]]  # counter -> ticket id -> people ahead of it there (_places_at)


class Estimate(msgspec.Struct, frozen=True):
    ahead: int
    wait_minutes: int | None  # None: no counter serving this service is open, or ``late``
    open_counters: int
    call_at: float | None = None  # when it is expected to be called (epoch seconds)
    late: bool = False  # counters are open but none is expected to call it before closing
    call_from: float | None = None  # the band the call is expected in (``band``), with call_at
    call_to: float | None = None


def mean_service_seconds(state: QueueState, service: str) -> float:
    times = state.service_times.get(service, [])
    if len(times) >= MIN_SAMPLES:
        return sum(times) / len(times)
    svc = state.config.service(service)
    return (svc.mean_service_minutes if svc else 5.0) * 60


def _waited(x: Ticket, counter: int, weights: dict[str, float], now: float) -> tuple[float, int]:
    """How long ``x`` has waited in ``counter``'s queue, weighted (a visit: at its step open there)."""
    here = open_here(x.steps, weights, counter) if x.steps else None
    key, service = (here.queue_key, here.service) if here else (x.queue_key, x.service)
    return ((now - key) * weights.get(service, 1.0), -x.id)


def _ahead_at(state: QueueState, t: Ticket, counter: int, now: float) -> int:
    """People ahead of ``t`` at ``counter``: one pass over the counter's waiting tickets."""
    policy = state.config.priority
    honour = policy.honour_unconfirmed
    cfg = state.config.counter(counter)
    weights = {s.code: s.weight for s in cfg.services} if cfg else {}
    mine = t.klass(honour)
    me = _waited(t, counter, weights, now)
    emergencies = emergencies_longer = longer = same_longer = other_class = 0
    for x in candidates(state, counter):
        if x is t:
            continue
        k = x.klass(honour)
        is_longer = _waited(x, counter, weights, now) > me
        if k == "emergency":
            emergencies += 1
            emergencies_longer += is_longer
            continue
        longer += is_longer
        if k == mine:
            same_longer += is_longer
        else:
            other_class += 1
    if mine == "emergency":
        return emergencies_longer
    if policy.mode == "fifo":
        return emergencies + longer
    return _by_policy(
        policy.mode, policy.ratio_priority, policy.ratio_normal, mine, emergencies, same_longer, other_class
    )


def _ahead_of_newest(state: QueueState, t: Ticket, counter: int) -> int:
    """``_ahead_at`` for the ticket issued last, at the moment it was issued: every other ticket
    has waited longer (or as long, and is older), so counts by class are enough; they come from
    the per-service counts that ``apply`` keeps, without a pass over the waiting tickets."""
    policy = state.config.priority
    honour = policy.honour_unconfirmed
    cfg = state.config.counter(counter)
    services = {s.code for s in cfg.services} if cfg else set()
    count = {"emergency": 0, "priority": 0, "normal": 0}
    for code in services:
        k = state.kinds.get(code)
        if k:
            count["normal"] += k[0] + (0 if honour else k[2] + k[4])
            count["emergency"] += k[1] + (k[2] if honour else 0)
            count["priority"] += k[3] + (k[4] if honour else 0)
    for tid in state.targeted:
        x = state.tickets[tid]
        if x.target_counter == counter and x.service in services:
            count[x.klass(honour)] += 1
    mine = t.klass(honour)
    count[mine] -= 1  # not ahead of itself
    if mine == "emergency":
        return count["emergency"]
    if policy.mode == "fifo":
        return sum(count.values())
    other = count["normal" if mine == "priority" else "priority"]
    return _by_policy(
        policy.mode, policy.ratio_priority, policy.ratio_normal, mine, count["emergency"], count[mine], other
    )


def _by_policy(mode: str, rp: int, rn: int, mine: str, emergencies: int, same_longer: int, other_class: int) -> int:
    if mode == "strict":
        return emergencies + same_longer + (other_class if mine == "normal" else 0)
    # ratio: a cycle is rp priority calls then rn normal calls
    if mine == "priority":
        interleaved = min(other_class, (same_longer // rp) * rn)
    else:
        interleaved = min(other_class, math.ceil((same_longer + 1) / rn) * rp)
    return emergencies + same_longer + interleaved


def _distinct(state: QueueState, counters: list[int]) -> list[int]:
    """One counter per distinct way of choosing (same services and weights, and no ticket
    waiting for that counter alone): they would all give the same answer."""
    targeted = {state.tickets[i].target_counter for i in state.targeted}
    choosing = state.config.choosing()
    seen: dict[object, int] = {}
    for n in counters:
        seen.setdefault((choosing.get(n, ()), n if n in targeted else None), n)
    return list(seen.values())


def _serving(state: QueueState, t: Ticket | Step) -> tuple[list[int], list[int]]:
    """The counters that serve ``t`` (its one counter, when it waits for one), and the open ones."""
    one = t.target_counter if isinstance(t, Ticket) else t.counter
    serving = [one] if one is not None else state.config.counters_for(t.service)
    return serving, [n for n in serving if n in state.counters and state.counters[n].status == "open"]


def _with_wait(state: QueueState, service: str, ahead: int, open_counters: list[int]) -> Estimate:
    if not open_counters:
        return Estimate(ahead=ahead, wait_minutes=None, open_counters=0)
    seconds = ahead * mean_service_seconds(state, service) / len(open_counters)
    return Estimate(ahead=ahead, wait_minutes=math.ceil(seconds / 60), open_counters=len(open_counters))


Breaks = list[tuple[float, float]]  # today's breaks (``predict.working_day``)


def _predicted(
    est: Estimate, times: dict[int, float | None], tid: int, now: float, spread: Spread, breaks: Breaks
) -> Estimate:
    """``est`` (the simple one) with the simulated time of ``tid``; past the simulation's horizon,
    the simple wait, as a time too; with its band (``spread``: what it is drawn from, its
    interval taken from the simulation when it reaches the ticket: ``spread.per_call``)."""
    if tid not in times:
        if est.wait_minutes is None:
            return est
        at = now + est.wait_minutes * 60
        low, high = band(now, at, spread)
        return Estimate(
            ahead=est.ahead,
            wait_minutes=est.wait_minutes,
            open_counters=est.open_counters,
            call_at=at,
            call_from=low,
            call_to=high,
        )
    call_at = times[tid]
    if est.open_counters == 0 and call_at is None:
        return est
    if call_at is None:
        return Estimate(ahead=est.ahead, wait_minutes=None, open_counters=est.open_counters, late=True)
    wait = max(0, round((call_at - now) / 60))
    pause = sum(max(0.0, min(end, call_at) - max(start, now)) for start, end in breaks)
    low, high = band(now, call_at, per_call(spread, call_at - now - pause, est.ahead), pause)
    return Estimate(
        ahead=est.ahead,
        wait_minutes=wait,
        open_counters=est.open_counters,
        call_at=call_at,
        call_from=low,
        call_to=high,
    )


def _spread(
    state: QueueState, t: Ticket, est: Estimate, now: float, known: dict[tuple[str, str, int], Spread]
) -> Spread:
    """What ``t``'s band is drawn from (``spread.spread_of``), its queue's calls its service's
    mean over the open counters apart; ``known``: those already drawn up, by service, class and
    open counters."""
    policy = state.config.priority
    klass = t.klass(policy.honour_unconfirmed)
    key = (t.service, klass, est.open_counters)
    s = known.get(key)
    if s is None:
        interval = mean_service_seconds(state, t.service) / max(1, est.open_counters)
        s = known[key] = spread_of(state.timing, t.service, klass, policy.mode == "fifo", interval, now)
    return s


def estimate(state: QueueState, ticket_id: int, now: float) -> Estimate:
    """People ahead of a waiting ticket and the simulated wait (``predict.forecast`` up to it).
    When the simulation would stop at its horizon (``MAX_CALLS``) before reaching the ticket
    (``_beyond_horizon``), the simple formula at once, without simulating the horizon first: an
    issue behind a queue of hundreds must stay cheap in the writer."""
    simple = estimate_simple(state, ticket_id, now)
    times = {} if _beyond_horizon(state, simple) else forecast(state, now, until=ticket_id)
    breaks = working_day(state.config, now)[0]
    return _predicted(simple, times, ticket_id, now, _spread(state, state.tickets[ticket_id], simple, now, {}), breaks)


def _beyond_horizon(state: QueueState, simple: Estimate) -> bool:
    """Whether the simulation would stop at its horizon (``MAX_CALLS``) before the ticket's call:
    its counters call the people ahead of it while every other open counter with someone to call
    calls about as often (their calls count towards the horizon too)."""
    if not simple.open_counters:  # none open yet: the simulation would only lay out the queue
        return sum(len(w) for w in state.waiting.values()) >= MAX_CALLS
    busy = sum(
        1
        for c in state.config.counters
        if state.counters[c.number].status == "open" and any(state.waiting.get(s.code) for s in c.services)
    )
    return simple.ahead * max(busy, simple.open_counters) >= MAX_CALLS * simple.open_counters


def estimates(state: QueueState, ticket_ids: list[int], now: float) -> dict[int, Estimate]:
    """``estimate`` of many waiting tickets at once (the phones following them): one simulation
    for all of them, and people ahead from each counter's waiting tickets sorted once."""
    times = forecast(state, now)
    breaks = working_day(state.config, now)[0]
    spreads: dict[tuple[str, str, int], Spread] = {}
    return {
        tid: _predicted(est, times, tid, now, _spread(state, state.tickets[tid], est, now, spreads), breaks)
        for tid, est in estimates_simple(state, ticket_ids, now).items()
    }


def estimate_simple(state: QueueState, ticket_id: int, now: float) -> Estimate:
    """People ahead and the wait by the formula used before the simulation (the baseline)."""
    t = state.tickets[ticket_id]
    serving, open_counters = _serving(state, t)
    if not serving:
        return Estimate(ahead=0, wait_minutes=None, open_counters=0)
    if t.queue_key >= now and t.id == state.next_ticket - 1 and not t.booking:  # just issued: the cheap, exact way
        ahead = min(_ahead_of_newest(state, t, n) for n in _distinct(state, open_counters or serving))
    else:
        ahead = min(_ahead_at(state, t, n, now) for n in _distinct(state, open_counters or serving))
    return _with_wait(state, t.service, ahead, open_counters)


def _places_at(state: QueueState, counter: int, now: float) -> dict[int, int]:
    """``_ahead_at`` for every ticket waiting at ``counter``, from one sort of them: the tickets
    that waited longer come first, so counting by class as they pass gives each one's counts."""
    policy = state.config.priority
    honour = policy.honour_unconfirmed
    cfg = state.config.counter(counter)
    weights = {s.code: s.weight for s in cfg.services} if cfg else {}
    keyed = sorted(
        ((_waited(x, counter, weights, now), x.id, x.klass(honour)) for x in candidates(state, counter)),
        reverse=True,
    )
    total = {"emergency": 0, "priority": 0, "normal": 0}
    for _, _, k in keyed:
        total[k] += 1
    longer = {"emergency": 0, "priority": 0, "normal": 0}
    places: dict[int, int] = {}
    for _, tid, k in keyed:
        if k == "emergency":
            places[tid] = longer["emergency"]
        elif policy.mode == "fifo":
            places[tid] = total["emergency"] + longer["priority"] + longer["normal"]
        else:
            other = total["normal" if k == "priority" else "priority"]
            places[tid] = _by_policy(
                policy.mode, policy.ratio_priority, policy.ratio_normal, k, total["emergency"], longer[k], other
            )
        longer[k] += 1
    return places


def estimates_simple(state: QueueState, ticket_ids: list[int], now: float) -> dict[int, Estimate]:
    """``estimate_simple`` of many waiting tickets at once: each counter's waiting tickets are
    sorted once, O(n log n) a counter, instead of a pass over them a ticket."""
    at: dict[int, dict[int, int]] = {}
    out: dict[int, Estimate] = {}
    for tid in ticket_ids:
        t = state.tickets[tid]
        serving, open_counters = _serving(state, t)
        if not serving:
            out[tid] = Estimate(ahead=0, wait_minutes=None, open_counters=0)
            continue
        counters = _distinct(state, open_counters or serving)
        for n in counters:
            if n not in at:
                at[n] = _places_at(state, n, now)
        out[tid] = _with_wait(state, t.service, min(at[n].get(tid, 0) for n in counters), open_counters)
    return out


def step_estimate(state: QueueState, t: Ticket, s: Step, now: float, places: Places | None = None) -> Estimate:
    """``estimate_simple`` of a waiting visit in the queue of one of its open steps (a visit waits in
    the queue of each open step at once: the lab's and imaging's, say). ``places``: each
    counter's places once sorted (``_places_at``), kept across calls: many visits at once cost a
    sort a counter, not a pass over its queue a visit."""
    serving, open_counters = _serving(state, s)
    if not serving:
        return Estimate(ahead=0, wait_minutes=None, open_counters=0)
    counters = _distinct(state, open_counters or serving)
    if places is None:
        ahead = min(_ahead_at(state, t, n, now) for n in counters)
    else:
        for n in counters:
            if n not in places:
                places[n] = _places_at(state, n, now)
        ahead = min(places[n].get(t.id, 0) for n in counters)
    return _with_wait(state, s.service, ahead, open_counters)

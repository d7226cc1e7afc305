"""People ahead of a ticket and its estimated wait (pure, O(waiting tickets)).

People ahead is counted at the counter where the ticket stands best, following the ordering
policy's classes (emergencies, then priority and normal interleaved by ratio from the start of
a cycle, or strictly, or by arrival). It is exact when nobody else arrives and no ticket reaches
the maximum wait; ``ordering.queue_order`` gives the exact list at a higher cost. The wait is people ahead times the service's mean service time (the last 20 served,
or the configured mean until 3 are known), divided by the open counters serving the service.
"""

from __future__ import annotations

import math

import msgspec

from .ordering import candidates
from .state import QueueState, Ticket

MIN_SAMPLES = 3


class Estimate(msgspec.Struct, frozen=True):
    ahead: int
    wait_minutes: int | None  # None: no counter serving this service is open
    open_counters: int


def mean_service_seconds(state: QueueState, service: str) -> float:
    times = state.service_times.get(service, [])
    if len(times) >= MIN_SAMPLES:
        return sum(times) / len(times)
    svc = state.config.service(service)
    return (svc.mean_service_minutes if svc else 5.0) * 60


def _ahead_at(state: QueueState, t: Ticket, counter: int, now: float) -> int:
    """People ahead of ``t`` at ``counter``: one pass over the counter's waiting tickets."""
    policy = state.config.priority
    honour = policy.honour_unconfirmed
    cfg = state.config.counter(counter)
    weights = {s.code: s.weight for s in cfg.services} if cfg else {}
    mine = t.klass(honour)
    me = ((now - t.queue_key) * weights.get(t.service, 1.0), -t.id)
    emergencies = emergencies_longer = longer = same_longer = other_class = 0
    for x in candidates(state, counter):
        if x is t:
            continue
        k = x.klass(honour)
        is_longer = ((now - x.queue_key) * weights.get(x.service, 1.0), -x.id) > me
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
    if policy.mode == "strict":
        return emergencies + same_longer + (other_class if mine == "normal" else 0)
    # ratio: a cycle is rp priority calls then rn normal calls
    rp, rn = policy.ratio_priority, policy.ratio_normal
    if mine == "priority":
        interleaved = min(other_class, (same_longer // rp) * rn)
    else:
        interleaved = min(other_class, math.ceil((same_longer + 1) / rn) * rp)
    return emergencies + same_longer + interleaved


def _distinct(state: QueueState, counters: list[int]) -> list[int]:
    """One counter per distinct way of choosing (same services and weights, and no ticket
    waiting for that counter alone): they would all give the same answer."""
    services = {s.code for n in counters if (c := state.config.counter(n)) for s in c.services}
    targeted = {t.target_counter for code in services for t in state.waiting_in(code) if t.target_counter is not None}
    seen: dict[object, int] = {}
    for n in counters:
        c = state.config.counter(n)
        key = (tuple((s.code, s.weight) for s in c.services) if c else (), n if n in targeted else None)
        seen.setdefault(key, n)
    return list(seen.values())


def estimate(state: QueueState, ticket_id: int, now: float) -> Estimate:
    t = state.tickets[ticket_id]
    serving = state.config.counters_for(t.service)
    if t.target_counter is not None:
        serving = [t.target_counter]
    open_counters = [n for n in serving if n in state.counters and state.counters[n].status == "open"]
    if not serving:
        return Estimate(ahead=0, wait_minutes=None, open_counters=0)
    ahead = min(_ahead_at(state, t, n, now) for n in _distinct(state, open_counters or serving))
    if not open_counters:
        return Estimate(ahead=ahead, wait_minutes=None, open_counters=0)
    seconds = ahead * mean_service_seconds(state, t.service) / len(open_counters)
    return Estimate(ahead=ahead, wait_minutes=math.ceil(seconds / 60), open_counters=len(open_counters))

"""When each waiting ticket will be called: a forward simulation of the ordering policy (pure).

From the current state, the counters call the waiting tickets as ``ordering.py`` would: the
emergencies first, then a ticket past the maximum wait, then by the policy's mode (the ratio
cycle of each counter carried on), the longest weighted wait winning within a class, a ticket
sent to one counter called only there. Each counter is taken by a call for the time learned for
that service, counter and hour (``timing.py``; the configured mean until enough are known):

- an open counter serving a ticket is free when that ticket's expected time is up (a quarter of
  it more if it is already over); a paused counter is expected back after ``PAUSE_SECONDS``; a
  closed counter is counted only during a break, when it served today (it closed for lunch);
- nobody is called during the day's breaks (a counter free at 11:40 calls at 13:30) nor after
  the closing time: a ticket not reached by then gets no time;
- the priority and emergency patients who will come (at the rate of the last hour, per service)
  join the simulation as they would arrive, and go ahead of the normal tickets as they would.

Nobody else is expected to arrive: a normal ticket issued later stands behind. The answer is a
time (epoch seconds) per waiting ticket; ``estimate.py`` turns it into the minutes shown.
Cost: O(n log n) to sort the waiting tickets, then O(lanes of a counter) per simulated call.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import deque

from .config import Config, JourneyPolicy, PriorityPolicy
from .events import Klass
from .state import QueueState
from .timing import arrival_rate, service_seconds
from .waiting import next_cycle

PAUSE_SECONDS = 600.0  # how long a paused counter is expected to stay paused
OVERDUE = 0.5  # of the mean still expected of a service already longer than its mean
MAX_CALLS = 600  # calls simulated at most (expected arrivals included): the cost's bound
VIRTUAL = 1 << 40  # ids of the expected arrivals (above any real ticket's)
KLASSES: tuple[Klass, Klass, Klass] = ("emergency", "priority", "normal")
KLASS_INDEX = {k: i for i, k in enumerate(KLASSES)}

Entry = tuple[float, int]  # (queue_key, ticket id)
Lanes = tuple[deque[Entry], deque[Entry], deque[Entry]]  # by class: emergency, priority, normal
LaneKey = tuple[str, int | None, bool]  # (service, the counter it is meant for, a patient coming back)
Lane = tuple[LaneKey, float, Lanes]  # with the weight of the service at the counter
NO_JOURNEYS = JourneyPolicy()


def working_day(config: Config, now: float) -> tuple[list[tuple[float, float]], float | None]:
    """Today's breaks and closing time (epoch seconds) in the unit's hours; none on a day
    without hours."""
    local = dt.datetime.fromtimestamp(now, config.tzinfo())
    hours = config.hours.day(local.weekday())
    if hours is None:
        return [], None
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()

    def at(hhmm: str) -> float:
        return midnight + (int(hhmm[:2]) * 60 + int(hhmm[3:])) * 60

    return [(at(b.start), at(b.end)) for b in hours.breaks], at(hours.close)


def at_work(t: float, breaks: list[tuple[float, float]], close: float | None) -> float | None:
    """The first moment from ``t`` on when a counter may call: after a break, None once closed."""
    for start, end in breaks:
        if start <= t < end:
            t = end
    return None if close is not None and t >= close else t


def _best(lanes: list[tuple[int, Lane]], k: int, t: float) -> tuple[tuple[float, int], int] | None:
    """The head of class ``k`` with the longest weighted wait across ``lanes``, and its lane."""
    top: tuple[tuple[float, int], int] | None = None
    for i, (_, w, q) in lanes:
        d = q[k]
        if d:
            qk, tid = d[0]
            rank = ((t - qk) * w, -tid)
            if top is None or rank > top[0]:
                top = (rank, i)
    return top


def _oldest(lanes: list[tuple[int, Lane]], t: float, limit: float) -> tuple[Entry, int, int] | None:
    """The head (of a priority or normal class) with the oldest place that waited ``limit`` or
    more, its lane and class."""
    oldest: tuple[Entry, int, int] | None = None
    for i, (_, _, q) in lanes:
        for k in (1, 2):
            if q[k] and t - q[k][0][0] >= limit and (oldest is None or q[k][0] < oldest[0]):
                oldest = (q[k][0], i, k)
    return oldest


def pick(
    lanes: list[Lane],
    t: float,
    cycle: tuple[int, int],
    policy: PriorityPolicy,
    back: tuple[int, int] = (0, 0),
    journeys: JourneyPolicy = NO_JOURNEYS,
    run: int = 0,
) -> tuple[int, int] | None:
    """``ordering._pick`` over sorted lanes: the (lane, class) whose head is called next;
    ``back`` is the counter's cycle of returning and new patients (visits, issue 20), ``run`` its
    returning calls in a row."""
    pool = list(enumerate(lanes))
    e = _best(pool, 0, t)
    if e is not None:
        return e[1], 0
    starving = _oldest(pool, t, policy.max_wait_minutes * 60)
    if starving is not None:
        return starving[1], starving[2]
    back_lanes = [(i, lane) for i, lane in pool if lane[0][2] and (lane[2][1] or lane[2][2])]
    if back_lanes and journeys.return_mode == "ratio":
        new = [(i, lane) for i, lane in pool if not lane[0][2]]
        cr, cn = back
        if cr >= journeys.returning and cn >= journeys.new:
            cr, cn = 0, 0
        if (cr < journeys.returning and run < journeys.returning) or not any(q[1] or q[2] for _, (_, _, q) in new):
            first = _oldest(back_lanes, t, float("-inf"))
            assert first is not None
            return first[1], first[2]
        pool = new
    p, n = _best(pool, 1, t), _best(pool, 2, t)
    if p is None or n is None:
        return (p[1], 1) if p is not None else (n[1], 2) if n is not None else None
    if policy.mode == "fifo":
        return (p[1], 1) if p[0] > n[0] else (n[1], 2)
    if policy.mode == "strict":
        return p[1], 1
    cp, cn = cycle
    if cp >= policy.ratio_priority and cn >= policy.ratio_normal:
        cp, cn = 0, 0
    return (p[1], 1) if cp < policy.ratio_priority else (n[1], 2)  # a priority turn, else cn < ratio_normal


class _Queues:
    """The waiting tickets sorted in lanes (service, counter meant for, returning) by class, and
    the expected arrivals still to join them. A visit waits in a lane for each of its open
    steps (lab and imaging at once), at that step's place; once called in one, its places in
    the others are skipped (``called``)."""

    def __init__(self, state: QueueState, now: float) -> None:
        honour = state.config.priority.honour_unconfirmed
        lists: dict[LaneKey, tuple[list[Entry], list[Entry], list[Entry]]] = {}
        self.real: dict[LaneKey, int] = {}
        self.where: dict[int, list[LaneKey]] = {}  # the lanes of a visit waiting in several
        self.called: set[int] = set()
        seen: set[int] = set()
        for ids in state.waiting.values():
            for tid in ids:
                if tid in seen:
                    continue
                seen.add(tid)
                t = state.tickets[tid]
                k = KLASS_INDEX[t.klass(honour)]
                places = [(s.service, s.counter, s.returning, s.queue_key) for s in t.steps if s.status == "open"]
                if not t.steps:
                    places = [(t.service, t.target_counter, False, t.queue_key)]
                for service, target, returning, qk in places:
                    key = (service, target, returning)
                    lists.setdefault(key, ([], [], []))[k].append((qk, tid))
                    self.real[key] = self.real.get(key, 0) + 1
                if len(places) > 1:
                    self.where[tid] = [(service, target, returning) for service, target, returning, _ in places]
        self.lanes: dict[LaneKey, Lanes] = {
            key: (deque(sorted(e)), deque(sorted(p)), deque(sorted(n))) for key, (e, p, n) in lists.items()
        }
        self.coming: list[list[float]] = []  # [next arrival, period, class index] per (service, class)
        self.coming_to: list[str] = []
        for s in state.config.services:
            for k in (0, 1):
                rate = arrival_rate(state.timing, s.code, KLASSES[k], now)
                if rate > 0:
                    self.coming.append([now + 1 / rate, 1 / rate, k])
                    self.coming_to.append(s.code)
        self.next_id = VIRTUAL

    def lane(self, key: LaneKey) -> Lanes:
        if key not in self.lanes:
            self.lanes[key] = (deque(), deque(), deque())
        return self.lanes[key]

    def arrive(self, t: float) -> None:
        """The expected priority and emergency patients come, up to ``t``."""
        for c, service in zip(self.coming, self.coming_to, strict=True):
            while c[0] <= t:
                self.lane((service, None, False))[int(c[2])].append((c[0], self.next_id))
                self.next_id += 1
                c[0] += c[1]

    def call(self, key: LaneKey, tid: int) -> None:
        """``tid`` is called from lane ``key``: it leaves its other lanes too."""
        for k in self.where.get(tid, [key]):
            self.real[k] -= 1
        if tid in self.where:
            self.called.add(tid)

    def skip_called(self, lanes: list[Lane]) -> None:
        """Drop the heads of ``lanes`` that were called from another lane."""
        for _, _, q in lanes:
            for d in q:
                while d and d[0][1] in self.called:
                    d.popleft()


def forecast(state: QueueState, now: float, until: int | None = None) -> dict[int, float | None]:
    """Each waiting ticket's expected call time (epoch seconds), or None when no counter is
    expected to call it before closing; left out when more than ``MAX_CALLS`` calls come first
    (a queue of thousands: ``estimate.py`` then uses the simple formula). With ``until``, the
    simulation stops once that ticket is called (the tickets after it are left at None)."""
    cfg = state.config
    policy = cfg.priority
    ratio = (policy.ratio_priority, policy.ratio_normal)
    tz = cfg.tzinfo()
    offset = (dt.datetime.fromtimestamp(now, tz).utcoffset() or dt.timedelta()).total_seconds()
    configured = {s.code: s.mean_service_minutes * 60 for s in cfg.services}

    memo: dict[tuple[str, int, int], float] = {}

    def expect(service: str, counter: int, at: float) -> float:
        hour = int((at + offset) // 3600) % 24
        d = memo.get((service, counter, hour))
        if d is None:
            d = memo[service, counter, hour] = service_seconds(
                state.timing, service, counter, hour, configured.get(service, 300.0)
            )
        return d

    queues = _Queues(state, now)
    out: dict[int, float | None] = {tid: None for ids in state.waiting.values() for tid in ids}
    left = len(out)
    breaks, close = working_day(cfg, now)
    in_break = any(start <= now < end for start, end in breaks)
    heap: list[tuple[float, int]] = []
    lanes: dict[int, list[Lane]] = {}
    cycles: dict[int, tuple[int, int]] = {}
    backs: dict[int, tuple[int, int]] = {}
    runs: dict[int, int] = {}  # returning calls in a row (CounterState.run_return)
    journeys = cfg.journeys
    back_ratio = (journeys.returning, journeys.new)
    returns: set[int] = set()  # the counters someone waits to come back to
    for n, choosing in cfg.choosing().items():
        c = state.counters[n]
        if c.status == "open":
            start = now
        elif c.status == "paused":
            start = now + PAUSE_SECONDS
        elif in_break and c.served:
            start = now
        else:
            continue
        if c.current is not None:
            cur = state.tickets[c.current]
            called = cur.called_at or now
            d = expect(cur.service, n, called)
            start = max(start, called + d, now + OVERDUE * d)
        heap.append((start, n))
        cycles[n] = (c.cycle_priority, c.cycle_normal)
        backs[n], runs[n] = (c.cycle_return, c.cycle_new), c.run_return
        lanes[n] = [  # its lanes with tickets (and each service's lane where newcomers join)
            (key, w, queues.lane(key))
            for s, w in choosing
            for key in ((s, None, False), (s, n, False), (s, None, True), (s, n, True))
            if key in queues.lanes or key == (s, None, False)
        ]
        if any(key[2] for key, _, _ in lanes[n]):
            returns.add(n)
    heapq.heapify(heap)
    calls = 0
    while heap and left and calls < MAX_CALLS:
        free, n = heapq.heappop(heap)
        t = at_work(free, breaks, close)
        mine = lanes[n]
        if t is None or not any(queues.real.get(key, 0) for key, _, _ in mine):
            continue  # closed for the day, or nothing of its own left to call
        queues.arrive(t)
        if queues.called:
            queues.skip_called(mine)
        chosen = pick(mine, t, cycles[n], policy, backs[n], journeys, runs[n])
        assert chosen is not None  # a real ticket is waiting in its lanes
        i, k = chosen
        key, _, q = mine[i]
        _, tid = q[k].popleft()
        cycles[n] = next_cycle(cycles[n], KLASSES[k], ratio)
        if n in returns:  # (a counter with nobody coming back gets nobody back in the simulation)
            backs[n] = next_cycle(backs[n], "priority" if key[2] else "normal", back_ratio)
            runs[n] = min(runs[n] + 1, back_ratio[0]) if key[2] else 0
        calls += 1
        if tid < VIRTUAL:
            out[tid] = t
            left -= 1
            queues.call(key, tid)
            if tid == until:
                break
        heapq.heappush(heap, (t + expect(key[0], n, t), n))
    if calls >= MAX_CALLS:  # the horizon, not the closing time: the others are not known
        out = {tid: at for tid, at in out.items() if at is not None}
    return out

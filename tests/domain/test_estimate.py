import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain import commands as cmd
from server.domain.estimate import estimate, mean_service_seconds
from server.domain.identity import PriorityGroup
from server.domain.ordering import queue_order
from server.domain.spread import BAND_Z, Spread, band

from .sim import Sim, small_config

PREGNANT = [PriorityGroup.PREGNANT]


def test_people_ahead_and_wait_with_configured_mean() -> None:
    sim = Sim()
    sim.open(1, 2)
    tickets = [sim.issue("A") for _ in range(5)]
    sim.advance(1)
    est = estimate(sim.state, tickets[4].id, sim.now)
    # 4 ahead, 4 minutes each (configured), 2 open counters serve A
    assert (est.ahead, est.open_counters, est.wait_minutes) == (4, 2, 8)


def test_no_open_counter_means_no_estimate() -> None:
    sim = Sim()
    t = sim.issue("A")
    est = estimate(sim.state, t.id, sim.now)
    assert est.wait_minutes is None and est.open_counters == 0 and est.ahead == 0


def test_mean_learns_from_served_tickets() -> None:
    sim = Sim()
    sim.open(1)
    assert mean_service_seconds(sim.state, "A") == 240
    for minutes in (2, 2, 5):
        sim.issue("A")
        sim.call(1)
        sim.do(cmd.StartService(counter=1))
        sim.advance(minutes)
        sim.do(cmd.FinishService(counter=1))
    assert mean_service_seconds(sim.state, "A") == 180
    assert mean_service_seconds(sim.state, "Z") == 300  # unknown service: 5 minutes


def test_ratio_interleaving_counts_priority_ahead_of_normal() -> None:
    sim = Sim(small_config(priority={"ratio_priority": 1, "ratio_normal": 2}))
    sim.open(1)
    normals = [sim.issue("A") for _ in range(3)]
    prios = [sim.issue("A", declared=PREGNANT) for _ in range(3)]
    sim.advance(1)
    # third normal: 2 normals before it, and 2 priority calls interleave (P N N P N)
    assert estimate(sim.state, normals[2].id, sim.now).ahead == 4
    # second priority: 1 priority before it and 2 normals (P N N P)
    assert estimate(sim.state, prios[1].id, sim.now).ahead == 3
    actual = []
    while True:
        try:
            actual.append(sim.call(1).ticket)
        except Exception:
            break
        sim.do(cmd.FinishService(counter=1))
    assert actual.index(normals[2].id) == 4 and actual.index(prios[1].id) == 3


def test_strict_and_fifo_count_emergencies_first() -> None:
    # expected people ahead of (n1, p, n2, e), issued a minute apart in that order
    for mode, expected in (("strict", (2, 1, 3, 0)), ("fifo", (1, 2, 3, 0))):
        sim = Sim(small_config(priority={"mode": mode}))
        sim.open(1)
        tickets = []
        for declared in ([], PREGNANT, [], [PriorityGroup.EMERGENCY]):
            tickets.append(sim.issue("A", declared=declared))
            sim.advance(1)
        assert tuple(estimate(sim.state, t.id, sim.now).ahead for t in tickets) == expected, mode
        order = []
        for _ in tickets:
            order.append(sim.call(1).ticket)
            sim.do(cmd.FinishService(counter=1))
        assert tuple(order.index(t.id) for t in tickets) == expected, mode


def test_emergency_behind_an_older_emergency() -> None:
    sim = Sim()
    sim.open(1)
    first = sim.issue("A", declared=[PriorityGroup.EMERGENCY])
    sim.advance(1)
    second = sim.issue("A", declared=[PriorityGroup.EMERGENCY])
    assert estimate(sim.state, second.id, sim.now).ahead == 1
    assert estimate(sim.state, first.id, sim.now).ahead == 0


def test_ticket_for_a_specific_counter_uses_that_counter() -> None:
    sim = Sim()
    sim.open(1, 2)
    t = sim.issue("A")
    sim.call(1)
    sim.do(cmd.Transfer(counter=1, to_counter=2))
    est = estimate(sim.state, t.id, sim.now)
    assert est.open_counters == 1 and est.ahead == 0 and est.wait_minutes == 0


def test_service_no_counter_serves() -> None:
    sim = Sim()
    t = sim.issue("A")
    sim.state.tickets[t.id].service = "Z"  # only reachable through a configuration race; be safe
    est = estimate(sim.state, t.id, sim.now)
    assert (est.ahead, est.wait_minutes) == (0, None)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["none", "pregnant", "emergency"]), st.integers(0, 5)), min_size=1, max_size=20),
    st.sampled_from(["ratio", "strict", "fifo"]),
    st.integers(1, 3),
    st.integers(1, 3),
)
def test_estimate_matches_the_exact_order_on_a_fresh_counter(
    spec: list[tuple[str, int]], mode: str, rp: int, rn: int
) -> None:
    policy = {"mode": mode, "ratio_priority": rp, "ratio_normal": rn, "max_wait_minutes": 600}
    sim = Sim(
        small_config(priority=policy, counters=[{"number": 1, "name": "Q", "zone": "z1", "services": [{"code": "A"}]}])
    )
    sim.open(1)
    for kind, gap in spec:
        sim.issue("A", declared={"none": [], "pregnant": PREGNANT, "emergency": [PriorityGroup.EMERGENCY]}[kind])
        sim.advance(gap)
    order = [c.ticket for c in queue_order(sim.state, 1, sim.now)]
    for tid in sim.state.tickets:
        assert estimate(sim.state, tid, sim.now).ahead == order.index(tid)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B"]), st.integers(0, 3), st.booleans()), min_size=1, max_size=15))
def test_grouping_counters_gives_the_same_answer_as_asking_each(spec: list[tuple[str, int, bool]]) -> None:
    from server.domain.estimate import _ahead_at

    counters = [
        {"number": n, "name": f"Q{n}", "zone": "z1", "services": [{"code": "A"}, {"code": "B"}]} for n in (1, 2, 3)
    ] + [{"number": 4, "name": "Q4", "zone": "z1", "services": [{"code": "A"}]}]
    sim = Sim(
        small_config(
            counters=counters,
            services=[{"code": "A", "name": "A", "department": "d1"}, {"code": "B", "name": "B", "department": "d1"}],
        )
    )
    sim.open(1, 2, 3, 4)
    for service, gap, targeted in spec:
        t = sim.issue(service)
        if targeted:
            sim.call(1)
            sim.do(cmd.Transfer(counter=1, to_counter=2))
        sim.advance(gap)
        del t
    for tid, t in sim.state.tickets.items():
        if t.status.value != "waiting":
            continue
        serving = [t.target_counter] if t.target_counter else sim.state.config.counters_for(t.service)
        naive = min(_ahead_at(sim.state, t, n, sim.now) for n in serving)
        assert estimate(sim.state, tid, sim.now).ahead == naive


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["none", "pregnant", "emergency", "targeted"]), st.integers(0, 3)), max_size=15),
    st.sampled_from(["none", "pregnant", "emergency"]),
    st.sampled_from(["ratio", "strict", "fifo"]),
    st.booleans(),
)
def test_the_just_issued_shortcut_agrees_with_the_full_count(
    spec: list[tuple[str, int]], last: str, mode: str, honour: bool
) -> None:
    from server.domain.estimate import _ahead_at, _ahead_of_newest

    policy = {"mode": mode, "honour_unconfirmed": honour, "max_wait_minutes": 600}
    sim = Sim(
        small_config(
            priority=policy,
            services=[{"code": "A", "name": "A", "department": "d1"}, {"code": "B", "name": "B", "department": "d1"}],
        )
    )
    sim.open(1, 2, 3)
    groups = {"none": [], "pregnant": PREGNANT, "emergency": [PriorityGroup.EMERGENCY]}
    for kind, gap in spec:
        if kind == "targeted":
            sim.issue("A")
            sim.call(1)
            sim.do(cmd.Transfer(counter=1, to_counter=2, position="front"))
        else:
            sim.issue("AB"[gap % 2], declared=groups[kind])
        sim.advance(gap)
    t = sim.issue("A", declared=groups[last])
    for n in (1, 2):
        assert _ahead_of_newest(sim.state, t, n) == _ahead_at(sim.state, t, n, sim.now)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["none", "pregnant", "emergency", "targeted"]), st.sampled_from("AB"), st.integers(0, 3)
        ),
        max_size=20,
    ),
    st.sampled_from(["ratio", "strict", "fifo"]),
    st.booleans(),
    st.integers(0, 3),
    st.booleans(),
)
def test_many_estimates_at_once_are_each_ticket_s_estimate(
    spec: list[tuple[str, str, int]], mode: str, honour: bool, called: int, open_all: bool
) -> None:
    """What phones are sent (``estimates``, one sort a counter) is ``estimate`` of each ticket:
    several services and counters with weights, tickets for one counter, every policy."""
    from server.domain.estimate import estimates

    policy = {
        "mode": mode,
        "honour_unconfirmed": honour,
        "ratio_priority": 2,
        "ratio_normal": 1,
        "max_wait_minutes": 600,
    }
    counters = [
        {"number": 1, "name": "Q1", "zone": "z1", "services": [{"code": "A", "weight": 2.0}, {"code": "B"}]},
        {"number": 2, "name": "Q2", "zone": "z1", "services": [{"code": "A"}, {"code": "B", "weight": 3.0}]},
        {"number": 3, "name": "Q3", "zone": "z2", "services": [{"code": "B"}]},
    ]
    services = [{"code": c, "name": c, "department": "d1"} for c in "AB"]
    sim = Sim(small_config(priority=policy, counters=counters, services=services))
    sim.open(1, 2, 3)
    groups = {"none": [], "pregnant": PREGNANT, "emergency": [PriorityGroup.EMERGENCY], "targeted": []}
    for kind, service, gap in spec:
        sim.issue(service, declared=groups[kind])
        if kind == "targeted":
            sim.call(1)
            sim.do(cmd.Transfer(counter=1, to_counter=2, position="front"))
        sim.advance(gap)
    from server.domain.ordering import candidates

    for _ in range(called):
        if candidates(sim.state, 1):
            sim.call(1)
            sim.do(cmd.FinishService(counter=1))
    if not open_all:
        sim.do(cmd.CloseCounter(counter=2))
    waiting = [tid for tid, t in sim.state.tickets.items() if t.status.value == "waiting"]
    assert estimates(sim.state, waiting, sim.now) == {tid: estimate(sim.state, tid, sim.now) for tid in waiting}


def test_many_estimates_of_a_service_no_counter_serves() -> None:
    from server.domain.estimate import estimates

    sim = Sim()
    t = sim.issue("A")
    sim.state.tickets[t.id].service = "Z"  # only reachable through a configuration race; be safe
    assert estimates(sim.state, [t.id], sim.now) == {t.id: estimate(sim.state, t.id, sim.now)}


def test_the_band_holds_the_expected_call_and_widens_as_the_square_root_of_the_wait() -> None:
    sim = Sim()
    sim.open(1, 2)
    tickets = [sim.issue("A") for _ in range(9)]
    sim.advance(1)
    near, far = estimate(sim.state, tickets[1].id, sim.now), estimate(sim.state, tickets[8].id, sim.now)
    for est in (near, far):
        assert est.call_at is not None and est.call_from is not None and est.call_to is not None
        assert sim.now <= est.call_from <= est.call_at <= est.call_to
    # 2 minutes between calls (4 minutes, 2 counters): a wait W spreads by 1.28 x sqrt(W x 120 s)
    wait = far.call_at - sim.now  # type: ignore[operator]
    assert far.call_to - far.call_at == pytest.approx(BAND_Z * math.sqrt(wait * 120))  # type: ignore[operator]
    assert far.call_to - far.call_from > near.call_to - near.call_from  # type: ignore[operator]


def test_the_band_of_a_call_due_now_is_now() -> None:
    assert band(1000.0, 1000.0, Spread(120.0)) == (1000.0, 1000.0)
    assert band(1000.0, 990.0, Spread(120.0)) == (1000.0, 1000.0)  # overdue: now
    low, high = band(1000.0, 1060.0, Spread(120.0))  # a minute away: never before now
    assert low == 1000.0 and high > 1060.0

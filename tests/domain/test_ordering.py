import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain import commands as cmd
from server.domain.identity import Identity, PriorityGroup
from server.domain.ordering import REASONS, choose_next, queue_order

from .sim import Sim, small_config

PREGNANT = [PriorityGroup.PREGNANT]
EMERGENCY = [PriorityGroup.EMERGENCY]


def sim_with(**policy: object) -> Sim:
    sim = Sim(small_config(priority=policy))
    sim.open(1, 2, 3)
    return sim


def calls(sim: Sim, counter: int, n: int) -> list[tuple[str, str, str]]:
    out = []
    for _ in range(n):
        e = sim.call(counter)
        out.append((sim.label(e.ticket), e.klass, e.rule))
        sim.do(cmd.FinishService(counter=counter))
    return out


def test_ratio_one_priority_to_two_normal() -> None:
    sim = sim_with(mode="ratio", ratio_priority=1, ratio_normal=2)
    for i in range(6):
        sim.issue("A")
        sim.advance(1)
        if i % 2 == 0:
            sim.issue("A", declared=PREGNANT)
            sim.advance(1)
    got = calls(sim, 1, 9)
    assert [k for _, k, _ in got] == ["priority", "normal", "normal", "priority", "normal", "normal", "priority"] + [
        "normal",
        "normal",
    ]
    assert [r for _, _, r in got][:3] == ["priority_turn", "normal_turn", "normal_turn"]
    assert got[-1][2] == "only_normal"


def test_ratio_two_to_one_and_only_priority_left() -> None:
    sim = sim_with(ratio_priority=2, ratio_normal=1)
    sim.issue("A")
    for _ in range(4):
        sim.advance(1)
        sim.issue("A", declared=PREGNANT)
    got = calls(sim, 1, 5)
    assert [k for _, k, _ in got] == ["priority", "priority", "normal", "priority", "priority"]
    assert got[-1][2] == "only_priority"


def test_strict_mode_calls_every_priority_first() -> None:
    sim = sim_with(mode="strict")
    sim.issue("A")
    sim.advance(1)
    sim.issue("A", declared=PREGNANT)
    sim.advance(1)
    sim.issue("A", declared=PREGNANT)
    got = calls(sim, 1, 3)
    assert [k for _, k, _ in got] == ["priority", "priority", "normal"]
    assert [r for _, _, r in got] == ["priority_first", "priority_first", "only_normal"]


def test_fifo_mode_ignores_priority_but_not_emergency() -> None:
    sim = sim_with(mode="fifo")
    a = sim.issue("A")
    sim.advance(1)
    sim.issue("A", declared=PREGNANT)
    sim.advance(1)
    e = sim.issue("A", declared=EMERGENCY)
    got = calls(sim, 1, 3)
    assert got[0] == (e.label, "emergency", "emergency")
    assert got[1][0] == a.label and got[1][2] == "arrival_order"


def test_max_wait_beats_priority() -> None:
    sim = sim_with(mode="strict", max_wait_minutes=30)
    old = sim.issue("A")
    sim.advance(31)
    sim.issue("A", declared=PREGNANT)
    e = sim.call(1)
    assert (sim.label(e.ticket), e.rule) == (old.label, "max_wait")
    assert REASONS[e.rule][0] == e.reason_vi


def test_weights_scale_the_wait() -> None:
    cfg = small_config(
        counters=[
            {"number": 1, "name": "Q1", "zone": "z1", "services": [{"code": "A"}, {"code": "B", "weight": 2.0}]},
        ]
    )
    sim = Sim(cfg)
    sim.open(1)
    a = sim.issue("A")
    sim.advance(2)
    b = sim.issue("B")
    sim.advance(3)  # A waited 5 min, B 3 min x 2 = 6
    assert sim.label(sim.call(1).ticket) == b.label
    sim.do(cmd.FinishService(counter=1))
    assert sim.label(sim.call(1).ticket) == a.label


def test_unconfirmed_and_rejected_priority() -> None:
    sim = sim_with(mode="strict", honour_unconfirmed=False)
    n = sim.issue("A")
    sim.advance(1)
    p = sim.issue("A", declared=PREGNANT)
    assert choose_next(sim.state, 1, sim.now).ticket == n.id  # pending declaration is not honoured
    sim.do(cmd.ReviewPriority(label=p.label, confirmed=True))
    assert choose_next(sim.state, 1, sim.now).ticket == p.id
    sim.do(cmd.ReviewPriority(label=p.label, confirmed=False))
    assert choose_next(sim.state, 1, sim.now).ticket == n.id


def test_age_from_birth_date_gives_priority_without_confirmation() -> None:
    sim = sim_with(mode="strict", honour_unconfirmed=False)
    sim.issue("A")
    sim.advance(1)
    old = sim.issue("A", identity=Identity(source="chip", id_number="001045012345", dob=dt.date(1945, 5, 1)))
    assert old.priority == [PriorityGroup.ELDERLY_75] and not old.priority_pending
    assert choose_next(sim.state, 1, sim.now).ticket == old.id


def test_nobody_waiting_and_unknown_counter() -> None:
    sim = sim_with()
    assert choose_next(sim.state, 1, sim.now) is None
    assert queue_order(sim.state, 99, sim.now) == []
    sim.issue("B")
    assert choose_next(sim.state, 1, sim.now) is None  # counter 1 does not serve B
    assert choose_next(sim.state, 3, sim.now) is not None


tickets = st.lists(
    st.tuples(st.sampled_from(["A", "B"]), st.sampled_from(["none", "pregnant", "emergency"]), st.integers(0, 20)),
    min_size=1,
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(tickets, st.sampled_from(["ratio", "strict", "fifo"]), st.integers(1, 3), st.integers(1, 3))
def test_queue_order_predicts_the_calls(spec: list[tuple[str, str, int]], mode: str, rp: int, rn: int) -> None:
    """The waiting list a counter shows is exactly the order in which it will call."""
    services = [
        {"code": "A", "name": "Khám A", "department": "d1"},
        {"code": "B", "name": "Khám B", "department": "d1"},
    ]
    policy = {"mode": mode, "ratio_priority": rp, "ratio_normal": rn, "max_wait_minutes": 90}
    sim = Sim(small_config(priority=policy, services=services))
    sim.open(2)
    for service, kind, gap in spec:
        declared = {"none": [], "pregnant": PREGNANT, "emergency": EMERGENCY}[kind]
        sim.issue(service, declared=declared)
        sim.advance(gap)
    predicted = [c.ticket for c in queue_order(sim.state, 2, sim.now)]
    actual = []
    for _ in spec:
        actual.append(sim.call(2).ticket)
        sim.do(cmd.FinishService(counter=2))
    assert predicted == actual
    assert sorted(actual) == sorted(sim.state.tickets)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3))
def test_ratio_never_starves_normal_tickets(rp: int, rn: int) -> None:
    """Priority patients keep arriving; a normal ticket is still called within rp + 1 calls."""
    sim = Sim(small_config(priority={"ratio_priority": rp, "ratio_normal": rn, "max_wait_minutes": 600}))
    sim.open(1)
    for _ in range(rp + 2):
        sim.issue("A", declared=PREGNANT)
    normal = sim.issue("A")
    for _ in range(rp + 1):
        sim.issue("A", declared=PREGNANT)
        if sim.call(1).ticket == normal.id:
            break
        sim.do(cmd.FinishService(counter=1))
    else:
        raise AssertionError("normal ticket starved")


def test_a_ratio_lowered_mid_cycle_does_not_hide_the_normal_patients() -> None:
    """Counter 1 has made two priority calls and one normal call of a 3:2 cycle when the ratio
    becomes 2:1: its cycle is full under the new ratio, so a new cycle starts. Before, it called
    priority tickets as "only priority patients are waiting" while normal patients waited."""
    sim = sim_with(mode="ratio", ratio_priority=3, ratio_normal=2)
    for declared in (PREGNANT, PREGNANT, [], []):
        sim.issue("A", declared=declared)
        sim.advance(1)
    assert [k for _, k, _ in calls(sim, 1, 3)] == ["priority", "priority", "normal"]
    for declared in (PREGNANT, PREGNANT, [], []):
        sim.issue("A", declared=declared)
        sim.advance(1)
    sim.do(cmd.ReplaceConfig(config=small_config(priority={"mode": "ratio", "ratio_priority": 2, "ratio_normal": 1})))
    order = [(c.klass, c.rule) for c in queue_order(sim.state, 1, sim.now)[:3]]
    assert order == [("priority", "priority_turn"), ("priority", "priority_turn"), ("normal", "only_normal")]
    assert sim.call(1).rule == "priority_turn"

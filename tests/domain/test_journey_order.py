"""Returning patients against new ones at a room (ordering.py, ``[journeys]``): by ratio or by
when their results came; emergency and the maximum wait still come first."""

from __future__ import annotations

from server.domain import commands as cmd
from server.domain.identity import PriorityGroup
from server.domain.ordering import place, queue_order
from server.domain.state import Ticket

from .journeys import assert_replays, hospital, journey_config
from .sim import Sim


def back_from_the_lab(sim: Sim, n: int) -> list[Ticket]:
    """``n`` patients seen in room 1, sent to the lab and back: their returns open at room 1."""
    out = []
    for _ in range(n):
        t = sim.issue("E")
        sim.do(cmd.CallNumber(counter=1, label=t.label))
        sim.do(cmd.SendOn(counter=1, steps=[cmd.StepIn(service="X")], come_back=True))
        sim.call(3)
        sim.do(cmd.FinishService(counter=3))
        out.append(t)
    return out


def calls_at_room_1(sim: Sim, n: int) -> list[tuple[str, str]]:
    """What room 1 calls next, ``n`` times (finishing each): (label, rule); the order it
    announced beforehand first checked against it."""
    announced = [(sim.label(c.ticket), c.rule) for c in queue_order(sim.state, 1, sim.now)][:n]
    calls = []
    for _ in range(n):
        e = sim.call(1)
        calls.append((e.label, e.rule))
        sim.do(cmd.FinishService(counter=1))
    assert calls == announced
    return calls


def test_by_ratio_one_returning_for_two_new_and_never_two_returning_in_a_row() -> None:
    sim = hospital(returning=1, new=2)
    back = back_from_the_lab(sim, 3)  # room 1 called three new patients meanwhile
    sim.advance(1)
    new = [sim.issue("E") for _ in range(4)]
    calls = calls_at_room_1(sim, 7)
    r, n = [t.label for t in back], [t.label for t in new]
    # room 1's cycle had its two new calls (the three patients first seen): a return closes it,
    # and the next cycle, which would start with a return, starts with a new patient instead
    assert calls == [
        (r[0], "return_turn"),
        (n[0], "only_normal"),
        (r[1], "return_turn"),
        (n[1], "only_normal"),
        (r[2], "return_turn"),
        (n[2], "only_normal"),
        (n[3], "only_normal"),
    ]
    assert_replays(sim)


def test_by_ratio_two_returning_then_one_new_and_returning_alone_are_called() -> None:
    sim = hospital(returning=2, new=1)
    back = back_from_the_lab(sim, 3)
    sim.advance(1)
    new = [sim.issue("E") for _ in range(2)]
    r, n = [t.label for t in back], [t.label for t in new]
    assert [label for label, _ in calls_at_room_1(sim, 5)] == [r[0], r[1], n[0], r[2], n[1]]
    # only returning patients waiting: they are called
    more = back_from_the_lab(sim, 1)
    assert calls_at_room_1(sim, 1) == [(more[0].label, "return_turn")]


def test_a_ratio_lowered_mid_cycle_starts_a_new_cycle_with_a_new_patient_after_a_return() -> None:
    sim = hospital(returning=3, new=3)
    back = back_from_the_lab(sim, 4)
    new = [sim.issue("E") for _ in range(2)]
    calls_at_room_1(sim, 1)  # the cycle: three new calls (capped), one return
    lowered = journey_config(returning=1, new=1)
    sim.do(cmd.ReplaceConfig(config=lowered))
    assert [label for label, _ in calls_at_room_1(sim, 2)] == [new[0].label, back[1].label]
    assert_replays(sim, journey_config(returning=3, new=3))


def test_by_arrival_a_return_takes_its_place_by_when_its_results_came() -> None:
    sim = hospital(return_mode="arrival")
    early = sim.issue("E")  # came before the returning patient's results
    sim.advance(1)
    (back,) = back_from_the_lab(sim, 1)
    sim.advance(1)
    late = sim.issue("E")
    assert calls_at_room_1(sim, 3) == [
        (early.label, "only_normal"),
        (back.label, "return_results"),
        (late.label, "only_normal"),
    ]


def test_emergency_and_the_maximum_wait_come_before_a_returning_patient() -> None:
    sim = hospital(returning=2, new=1)
    old = sim.issue("E")
    sim.advance(61)  # the old one has waited more than the maximum (60 minutes)
    back_from_the_lab(sim, 1)
    urgent = sim.issue("E", declared=[PriorityGroup.EMERGENCY])
    calls = calls_at_room_1(sim, 2)
    assert calls == [(urgent.label, "emergency"), (old.label, "max_wait")]


def test_place_of_a_ticket_without_steps_is_its_own_queue() -> None:
    sim = hospital()
    t = sim.issue("E")
    assert place(t, 1, {"E": 1.0}) == (t.queue_key, "E", None)

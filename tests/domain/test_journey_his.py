"""The HIS's orders as steps of a visit (journey.py's order_step and order_result): an order adds
a step whose result marks it done; with come_back, a return to the doctor's room waits for it."""

from __future__ import annotations

import pytest

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.lifecycle import Status

from .journeys import HIS_ACTOR, assert_replays, hospital, key, queues_of, where
from .sim import Sim
from .test_decide import refused


@pytest.fixture
def sim() -> Sim:
    return hospital()


def order(sim: Sim, label: str, order: str, **kw: object) -> list[ev.Event]:
    t = sim.state.by_label(label)
    assert t is not None
    return sim.do(cmd.OrderStep(key=key(sim, t), order=order, **kw), HIS_ACTOR)  # type: ignore[arg-type]


def result(sim: Sim, label: str, order: str, outcome: str = "done", reason: str = "") -> list[ev.Event]:
    t = sim.state.by_label(label)
    assert t is not None
    return sim.do(cmd.OrderResult(key=key(sim, t), order=order, outcome=outcome, reason=reason), HIS_ACTOR)  # type: ignore[arg-type]


def test_an_order_for_a_waiting_patient_adds_a_step_the_same_order_again_nothing(sim: Sim) -> None:
    t = sim.issue("E")
    events = order(sim, t.label, " XN-1 ", service="X", reason=" Công thức máu ")
    step = ev.NewStep(id=1, service="X", order="XN-1", needs_result=True, reason="Công thức máu")
    assert events == [ev.StepsAdded(ticket=t.id, label=t.label, steps=[step])]
    assert where(t) == [(0, "E", "open", None), (1, "X", "open", None)]
    assert (t.step, queues_of(sim.state, t)) == (0, {"E", "X"})
    assert order(sim, t.label, "XN-1", service="X") == []
    assert_replays(sim)


def test_an_order_names_a_room_by_our_number_or_the_his_name(sim: Sim) -> None:
    sim.do(cmd.LoadHisMapping(rooms=[ev.HisRoom(his_room="P.XN", counter=5)], services=[]), HIS_ACTOR)
    t = sim.issue("E")
    order(sim, t.label, "XN-1", his_room="P.XN")  # the room alone: the room's first service
    order(sim, t.label, "CĐHA-1", counter=4)
    assert where(t)[1:] == [(1, "C", "open", 5), (2, "H", "open", 4)]
    assert_replays(sim)


def test_order_refusals(sim: Sim) -> None:
    t = sim.issue("E")
    k = key(sim, t)
    cases = [
        (cmd.OrderStep(key=k, order="1"), "his_send_target", "service"),
        (cmd.OrderStep(key=k, order="1", service="Q"), "unknown_service", "service"),
        (cmd.OrderStep(key=k, order="1", counter=9), "unknown_counter", "counter"),
        (cmd.OrderStep(key=k, order="1", service="X", counter=4), "wrong_counter", "order.counter"),
        (cmd.OrderStep(key=k, order="1", service="E"), "step_duplicate", "steps"),
        (cmd.OrderResult(key=k, order="nope"), "step_order_unknown", "order"),
    ]
    for command, code, field in cases:
        assert refused(sim, command, code, HIS_ACTOR).field == field
    sim.call(1)
    sim.do(cmd.FinishService(counter=1))
    assert refused(sim, cmd.OrderStep(key=k, order="1", service="X"), "step_visit_over", HIS_ACTOR).field == "key"


def test_an_order_with_come_back_in_the_room_sends_the_patient_out_and_back_once_the_result_is_in(sim: Sim) -> None:
    t = sim.issue("E")
    sim.call(1)
    events = order(sim, t.label, "XN-1", service="X", come_back=True)
    assert events == [
        ev.StepsAdded(
            ticket=t.id,
            label=t.label,
            steps=[
                ev.NewStep(id=1, service="X", order="XN-1", needs_result=True),
                ev.NewStep(id=2, service="E", counter=1, after=[1], returning=True),
            ],
            from_counter=1,
        ),
        ev.ServiceFinished(ticket=t.id, label=t.label, counter=1, visit_open=True),
    ]
    sim.call(3)
    sim.do(cmd.FinishService(counter=3))
    # served at the lab, its result not in yet: waiting, for nothing to call
    assert where(t) == [(0, "E", "done", None), (1, "X", "served", None), (2, "E", "pending", 1)]
    assert (t.status, t.step, queues_of(sim.state, t)) == (Status.WAITING, 2, set())
    assert result(sim, t.label, "XN-1") == [ev.StepCompleted(ticket=t.id, label=t.label, step=1)]
    assert where(t)[1:] == [(1, "X", "done", None), (2, "E", "open", 1)] and queues_of(sim.state, t) == {"E"}
    assert result(sim, t.label, "XN-1") == []  # the same result again: nothing
    assert sim.call(1).returning
    assert_replays(sim)


def test_a_second_order_with_come_back_holds_the_same_return(sim: Sim) -> None:
    t = sim.issue("E")
    sim.call(1)
    order(sim, t.label, "XN-1", service="X", come_back=True)
    sim.call(3)
    sim.do(cmd.FinishService(counter=3))  # at the lab, then waiting for its result
    events = order(sim, t.label, "CĐHA-1", service="H", come_back=True)
    assert events == [
        ev.StepsAdded(
            ticket=t.id,
            label=t.label,
            steps=[ev.NewStep(id=3, service="H", order="CĐHA-1", needs_result=True)],
            hold=[2],
            from_counter=1,
        )
    ]
    assert t.steps[2].after == [1, 3] and queues_of(sim.state, t) == {"H"}
    result(sim, t.label, "XN-1")
    assert t.steps[2].status == "pending"  # imaging still to come
    sim.call(4)
    assert refused(sim, cmd.OrderResult(key=key(sim, t), order="CĐHA-1"), "step_active", HIS_ACTOR)
    sim.do(cmd.FinishService(counter=4))
    assert result(sim, t.label, "CĐHA-1", "cancelled", " huỷ ") == [
        ev.StepCancelled(ticket=t.id, label=t.label, step=3, reason="huỷ")
    ]
    assert where(t)[1:] == [(1, "X", "done", None), (2, "E", "open", 1), (3, "H", "cancelled", None)]
    assert_replays(sim)


def test_an_order_with_come_back_while_at_the_lab_holds_the_return_and_the_lab_goes_on(sim: Sim) -> None:
    t = sim.issue("E")
    sim.call(1)
    sim.do(cmd.SendOn(counter=1, steps=[cmd.StepIn(service="X")], come_back=True))
    sim.call(3)
    events = order(sim, t.label, "CĐHA-1", service="H", come_back=True)
    assert [type(e) for e in events] == [ev.StepsAdded]  # not sent out of the lab
    assert events[0] == ev.StepsAdded(
        ticket=t.id,
        label=t.label,
        steps=[ev.NewStep(id=3, service="H", order="CĐHA-1", needs_result=True)],
        hold=[2],
        from_counter=1,
    )
    assert (t.status, t.counter, t.steps[2].after) == (Status.CALLED, 3, [1, 3])
    assert_replays(sim)


def test_come_back_for_a_waiting_patient_returns_to_the_room_that_saw_them(sim: Sim) -> None:
    t = sim.issue("E")
    sim.call(2)
    sim.do(cmd.SendOn(counter=2, steps=[cmd.StepIn(service="C")]))  # the room sent them to pay
    order(sim, t.label, "XN-1", service="X", come_back=True)
    assert where(t)[2:] == [(2, "X", "open", None), (3, "E", "pending", 2)]
    u = sim.issue("E")
    sim.call(1)
    sim.do(cmd.Transfer(counter=1, to_service="C"))  # a visit of one queue, moved on by hand
    order(sim, u.label, "XN-2", service="X", come_back=True)
    assert where(u) == [(0, "C", "open", None), (1, "X", "open", None), (2, "E", "pending", 1)]
    v = sim.issue("C")  # never called anywhere: no room to come back to
    order(sim, v.label, "XN-3", service="X", come_back=True)
    assert where(v) == [(0, "C", "open", None), (1, "X", "open", None)]
    assert_replays(sim)


def test_a_return_awaiting_results_moved_to_another_room_still_awaits_them(sim: Sim) -> None:
    t = sim.issue("E")
    sim.call(1)
    order(sim, t.label, "XN-1", service="X", come_back=True)
    sim.call(3)
    sim.do(cmd.FinishService(counter=3))  # the lab's result is not in yet
    sim.do(cmd.Transfer(counter=2, label=t.label, to_service="E", to_counter=2))  # room 1's doctor left
    assert where(t)[2] == (2, "E", "pending", 2) and queues_of(sim.state, t) == set()
    assert refused(sim, cmd.CallNext(counter=2), "queue_empty")
    result(sim, t.label, "XN-1")
    assert where(t)[2] == (2, "E", "open", 2) and queues_of(sim.state, t) == {"E"}
    assert sim.call(2).returning
    assert_replays(sim)


def test_come_back_is_to_the_exam_room_not_the_lab_the_patient_is_at_or_came_from(sim: Sim) -> None:
    t = sim.issue("E")
    sim.call(1)  # room 1 is an exam room (kind "room"); the lab is a counter
    sim.do(cmd.SendOn(counter=1, steps=[cmd.StepIn(service="X")]))
    sim.call(3)
    events = order(sim, t.label, "CĐHA-1", service="H", come_back=True)
    assert [type(e) for e in events] == [ev.StepsAdded]  # the lab goes on
    assert where(t)[2:] == [(2, "H", "open", None), (3, "E", "pending", 1)]
    assert (t.status, t.counter) == (Status.CALLED, 3)
    sim.do(cmd.FinishService(counter=3))
    sim.do(cmd.CancelStep(label=t.label, step=3))
    order(sim, t.label, "XN-2", service="C", come_back=True)  # waiting, last served at the lab
    assert where(t)[4:] == [(4, "C", "open", None), (5, "E", "pending", 1)]
    assert_replays(sim)


def test_an_order_for_a_patient_waiting_for_results_is_where_they_go_now(sim: Sim) -> None:
    t = sim.issue("E")
    sim.call(1)
    order(sim, t.label, "XN-1", service="X", come_back=True)
    sim.call(3)
    sim.do(cmd.FinishService(counter=3))
    assert (t.step, queues_of(sim.state, t)) == (2, set())  # waiting for the lab's result only
    order(sim, t.label, "CĐHA-1", service="H")
    assert (t.step, t.service, t.target_counter, queues_of(sim.state, t)) == (3, "H", None, {"H"})
    assert sim.call(4).step == 3
    assert_replays(sim)

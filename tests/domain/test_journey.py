"""A visit of several steps (issue 20; domain/journey.py, steps.py and their fold in visit_fold.py):
a room sends the patient on and back, staff and the HIS add, complete and cancel steps, and the
patient is never called at two places at once."""

from __future__ import annotations

import pytest

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.identity import PriorityGroup
from server.domain.lifecycle import Status
from server.domain.ordering import queue_order
from server.domain.steps import MAX_STEPS

from .journeys import HIS_ACTOR, assert_replays, hospital, key, queues_of, where
from .sim import Sim
from .test_decide import refused

TESTS = [cmd.StepIn(service="X"), cmd.StepIn(service="H")]


@pytest.fixture
def sim() -> Sim:
    return hospital()


def sent_for_tests(sim: Sim, come_back: bool = True) -> int:
    """A patient seen in room 1, sent to the lab and imaging (and back): the ticket's id."""
    t = sim.issue("E")
    sim.call(1)
    sim.do(cmd.SendOn(counter=1, steps=TESTS, come_back=come_back, reason=" Xem kết quả xét nghiệm "))
    return t.id


def test_send_on_with_come_back_adds_the_tests_and_a_return_that_waits_for_them(sim: Sim) -> None:
    t = sim.issue("E")
    sim.call(1)
    events = sim.do(cmd.SendOn(counter=1, steps=TESTS, come_back=True, reason=" Xem kết quả xét nghiệm "))
    assert events == [
        ev.StepsAdded(
            ticket=t.id,
            label=t.label,
            steps=[
                ev.NewStep(id=1, service="X"),
                ev.NewStep(id=2, service="H"),
                ev.NewStep(id=3, service="E", counter=1, after=[1, 2], returning=True, reason="Xem kết quả xét nghiệm"),
            ],
            from_counter=1,
        ),
        ev.ServiceFinished(ticket=t.id, label=t.label, counter=1, visit_open=True),
    ]
    assert where(t) == [(0, "E", "done", None), (1, "X", "open", None), (2, "H", "open", None), (3, "E", "pending", 1)]
    assert (t.status, t.step, t.service, t.counter) == (Status.WAITING, 1, "X", None)
    assert t.steps[0].served_by == 1 and t.steps[3].from_counter == 1
    assert queues_of(sim.state, t) == {"X", "H"}  # one number, in both queues at once
    assert sim.state.counters[1].current is None
    assert_replays(sim)


def test_a_patient_at_the_lab_is_held_in_the_imaging_queue_and_comes_back_to_it(sim: Sim) -> None:
    t = sim.state.tickets[sent_for_tests(sim)]
    called = sim.call(3)
    assert (called.step, called.service, called.returning) == (1, "X", False)
    assert queues_of(sim.state, t) == set()  # held: imaging cannot call them now
    assert refused(sim, cmd.CallNext(counter=4), "queue_empty")
    assert refused(sim, cmd.CallNumber(counter=4, label=t.label), "illegal_transition")
    sim.do(cmd.FinishService(counter=3))
    assert (t.status, t.step, queues_of(sim.state, t)) == (Status.WAITING, 2, {"H"})
    assert where(t)[1] == (1, "X", "done", None) and t.steps[1].served_by == 3
    sim.call(4)
    finished = sim.do(cmd.FinishService(counter=4))[0]
    assert isinstance(finished, ev.ServiceFinished) and finished.visit_open
    # the tests are done: the return opens, for room 1 only, its place in the queue: now
    assert (t.step, t.service, t.target_counter, queues_of(sim.state, t)) == (3, "E", 1, {"E"})
    assert t.steps[3].status == "open" and t.steps[3].ready_at == sim.now == t.steps[3].queue_key
    assert refused(sim, cmd.CallNext(counter=2), "queue_empty")
    back = sim.call(1)
    assert (back.step, back.returning, back.rule) == (3, True, "return_turn")
    assert t.call_reason_vi == "Đến lượt bệnh nhân quay lại (có kết quả)"
    last = sim.do(cmd.FinishService(counter=1))[0]
    assert isinstance(last, ev.ServiceFinished) and not last.visit_open
    assert t.status is Status.DONE and {s.status for s in t.steps} == {"done"}
    assert_replays(sim)


def test_send_on_without_come_back_to_a_given_room(sim: Sim) -> None:
    t = sim.issue("E")
    sim.call(1)
    sim.do(cmd.SendOn(counter=1, label=t.label, steps=[cmd.StepIn(service=" X ", counter=5)]))
    assert where(t) == [(0, "E", "done", None), (1, "X", "open", 5)]
    assert refused(sim, cmd.CallNext(counter=3), "queue_empty")  # the lab at counter 5, not 3
    assert refused(sim, cmd.CallNumber(counter=3, label=t.label), "wrong_counter")
    sim.do(cmd.CallNumber(counter=5, label=t.label))
    sim.do(cmd.FinishService(counter=5))
    assert t.status is Status.DONE
    assert_replays(sim)


def test_send_on_refusals(sim: Sim) -> None:
    t = sim.issue("E")
    other = sim.issue("E")
    assert refused(sim, cmd.SendOn(counter=1, steps=TESTS), "counter_idle")
    sim.call(1)
    assert refused(sim, cmd.SendOn(counter=2, label=t.label, steps=TESTS), "step_not_here").field == "label"
    assert refused(sim, cmd.SendOn(counter=1, label=other.label, steps=TESTS), "step_not_here")
    cases = [
        ([cmd.StepIn(service="Q")], "unknown_service", "steps[0].service"),
        ([cmd.StepIn(service="X"), cmd.StepIn(service="X", counter=9)], "unknown_counter", "steps[1].counter"),
        ([cmd.StepIn(service="X", counter=4)], "wrong_counter", "steps[0].counter"),
        ([cmd.StepIn(service="Z")], "service_unavailable", "steps[0].service"),
        ([cmd.StepIn(service="X"), cmd.StepIn(service="X", counter=5)], "step_duplicate", "steps"),
    ]
    for steps, code, field in cases:
        assert refused(sim, cmd.SendOn(counter=1, steps=steps), code).field == field
    # the room sends the patient to another room of its own service, without coming back: allowed
    sim.do(cmd.SendOn(counter=1, steps=[cmd.StepIn(service="E", counter=2)]))
    assert where(t) == [(0, "E", "done", None), (1, "E", "open", 2)]


def test_no_second_place_in_a_queue_the_visit_still_has_a_step_for(sim: Sim) -> None:
    t = sim.state.tickets[sent_for_tests(sim)]
    sim.call(3)
    err = refused(sim, cmd.SendOn(counter=3, steps=[cmd.StepIn(service="H")]), "step_duplicate")
    # named as configured, not by its code (issue 20 review: "đã có bước H đang chờ")
    assert err.message_vi == f"Số {t.label} đã có bước Chẩn đoán hình ảnh đang chờ."
    assert err.message_en == f"Ticket {t.label} already has a Chẩn đoán hình ảnh step to come."  # no English name
    # a second return to room 1 while one is to come: refused too
    assert refused(sim, cmd.SendOn(counter=3, steps=[cmd.StepIn(service="E")]), "step_duplicate")
    sim.do(cmd.SendOn(counter=3, steps=[cmd.StepIn(service="C")]))
    assert where(t)[4] == (4, "C", "open", None) and queues_of(sim.state, t) == {"H", "C"}


def test_a_visit_has_at_most_max_steps(sim: Sim) -> None:
    t = sim.issue("E")
    here, there = (1, "E"), (3, "X")  # back and forth between room 1 and the lab
    sim.call(1)
    while len(t.steps) < MAX_STEPS:
        sim.do(cmd.SendOn(counter=here[0], steps=[cmd.StepIn(service=there[1])]))
        here, there = there, here
        sim.call(here[0])
    err = refused(sim, cmd.SendOn(counter=here[0], steps=[cmd.StepIn(service=there[1])]), "step_limit")
    assert err.params["limit"] == MAX_STEPS
    assert_replays(sim)


def test_staff_complete_a_test_and_cancel_another_the_return_opens(sim: Sim) -> None:
    t = sim.state.tickets[sent_for_tests(sim)]
    assert sim.do(cmd.CompleteStep(label=t.label, step=1)) == [ev.StepCompleted(ticket=t.id, label=t.label, step=1)]
    assert (t.step, queues_of(sim.state, t)) == (2, {"H"})  # the lab's result came: out of its queue
    assert sim.do(cmd.CancelStep(label=t.label, step=2, reason=" máy hỏng ")) == [
        ev.StepCancelled(ticket=t.id, label=t.label, step=2, reason="máy hỏng")
    ]
    # a cancelled test does not hold the return back
    assert (t.step, t.target_counter, queues_of(sim.state, t)) == (3, 1, {"E"})
    assert where(t)[1:] == [(1, "X", "done", None), (2, "H", "cancelled", None), (3, "E", "open", 1)]
    assert refused(sim, cmd.CompleteStep(label=t.label, step=2), "step_over")
    assert refused(sim, cmd.CancelStep(label=t.label, step=1), "step_over")
    assert refused(sim, cmd.CancelStep(label=t.label, step=9), "step_unknown").status == 404
    sim.call(1)
    assert refused(sim, cmd.CancelStep(label=t.label, step=3), "step_active")
    assert refused(sim, cmd.CompleteStep(label=t.label, step=3), "step_active")
    assert_replays(sim)


def test_cancelling_the_last_steps_of_a_waiting_visit_ends_it(sim: Sim) -> None:
    t = sim.state.tickets[sent_for_tests(sim, come_back=False)]
    sim.do(cmd.CancelStep(label=t.label, step=1))
    assert (t.status, t.step) == (Status.WAITING, 2)
    sim.do(cmd.CancelStep(label=t.label, step=2))
    assert t.status is Status.DONE and t.finished_at == sim.now
    assert queues_of(sim.state, t) == set() and where(t)[1:] == [
        (1, "X", "cancelled", None),
        (2, "H", "cancelled", None),
    ]
    assert refused(sim, cmd.CancelStep(label=t.label, step=2), "step_over")
    assert_replays(sim)


def test_a_step_ended_while_the_patient_is_elsewhere_leaves_them_there(sim: Sim) -> None:
    t = sim.state.tickets[sent_for_tests(sim)]
    sim.call(4)  # imaging first
    sim.do(cmd.CompleteStep(label=t.label, step=1))  # the lab's result came meanwhile
    assert (t.status, t.counter, t.step) == (Status.CALLED, 4, 2)
    assert queues_of(sim.state, t) == set() and t.steps[3].status == "pending"
    sim.do(cmd.FinishService(counter=4))
    assert (t.step, queues_of(sim.state, t)) == (3, {"E"})
    assert_replays(sim)


def test_cancelling_the_visit_cancels_every_step_still_to_come(sim: Sim) -> None:
    t = sim.state.tickets[sent_for_tests(sim)]
    sim.call(3)
    sim.do(cmd.FinishService(counter=3))
    sim.do(cmd.CancelTicket(label=t.label, reason="về"))
    assert t.status is Status.CANCELLED and queues_of(sim.state, t) == set()
    assert where(t) == [
        (0, "E", "done", None),
        (1, "X", "done", None),
        (2, "H", "cancelled", None),
        (3, "E", "cancelled", 1),
    ]
    assert refused(sim, cmd.CallNext(counter=4), "queue_empty")
    assert_replays(sim)


def test_the_his_ending_the_episode_at_a_step_ends_the_rest(sim: Sim) -> None:
    t = sim.state.tickets[sent_for_tests(sim)]
    sim.call(3)
    finished = sim.do(cmd.EndEpisode(key=key(sim, t), outcome="finished"), HIS_ACTOR)[0]
    assert finished == ev.ServiceFinished(ticket=t.id, label=t.label, counter=3)
    assert t.status is Status.DONE
    assert [s.status for s in t.steps] == ["done", "done", "cancelled", "cancelled"]
    assert t.steps[1].served_by == 3 and queues_of(sim.state, t) == set()
    assert_replays(sim)


def test_a_missed_patient_reactivated_waits_again_in_every_open_step(sim: Sim) -> None:
    t = sim.state.tickets[sent_for_tests(sim)]
    sim.call(3)
    sim.do(cmd.MarkMissed(counter=3))
    assert (t.status, queues_of(sim.state, t), t.steps[1].status) == (Status.MISSED, set(), "active")
    sim.do(cmd.Reactivate(label=t.label, position="back"))
    assert (t.status, t.step, queues_of(sim.state, t)) == (Status.WAITING, 1, {"X", "H"})
    assert t.steps[1].status == "open" and t.steps[1].queue_key == sim.now
    assert_replays(sim)


def test_a_returning_patient_missed_and_reactivated_still_returns_to_their_room(sim: Sim) -> None:
    t = sim.issue("E")
    sim.call(1)
    sim.do(cmd.SendOn(counter=1, steps=[cmd.StepIn(service="X")], come_back=True))
    sim.call(3)
    sim.do(cmd.FinishService(counter=3))
    sim.call(1)
    sim.do(cmd.MarkMissed(counter=1))
    sim.do(cmd.Reactivate(label=t.label))
    assert where(t)[2] == (2, "E", "open", 1) and t.target_counter == 1
    assert refused(sim, cmd.CallNext(counter=2), "queue_empty")  # not another doctor's patient
    assert sim.call(1).returning
    assert_replays(sim)


def test_a_patient_parked_at_a_step_is_held_and_called_back_there(sim: Sim) -> None:
    t = sim.state.tickets[sent_for_tests(sim)]
    sim.call(3)
    sim.do(cmd.ParkTicket(counter=3))
    assert (t.status, queues_of(sim.state, t)) == (Status.PARKED, set())
    assert refused(sim, cmd.CallNext(counter=4), "queue_empty")
    sim.do(cmd.UnparkTicket(counter=3, label=t.label))
    sim.do(cmd.FinishService(counter=3))
    assert (t.step, queues_of(sim.state, t)) == (2, {"H"})
    assert_replays(sim)


def test_a_transfer_moves_the_current_step_but_never_into_a_queue_the_visit_has(sim: Sim) -> None:
    t = sim.state.tickets[sent_for_tests(sim)]
    sim.call(3)
    # imaging is still to come: a transfer there would give the patient two places in its queue
    err = refused(sim, cmd.Transfer(counter=3, to_service="H"), "step_duplicate")
    assert err.field == "to_service" and err.params["service"] == "Chẩn đoán hình ảnh"
    refused(sim, cmd.SendTicket(key=key(sim, t), service="H"), "step_duplicate", HIS_ACTOR)
    sim.do(cmd.Transfer(counter=3, to_service="X", to_counter=5))  # the same test, another counter
    assert where(t)[1] == (1, "X", "open", 5) and queues_of(sim.state, t) == {"X", "H"}
    sim.do(cmd.Transfer(counter=3, label=t.label, to_service="C"))  # waiting: its current step moves
    assert where(t)[1] == (1, "C", "open", None) and queues_of(sim.state, t) == {"C", "H"}
    assert_replays(sim)


def test_call_number_calls_the_step_open_at_this_counter(sim: Sim) -> None:
    t = sim.state.tickets[sent_for_tests(sim)]
    called = sim.do(cmd.CallNumber(counter=4, label=t.label))[0]
    assert isinstance(called, ev.TicketCalled) and (called.step, called.service) == (2, "H")
    assert (t.step, t.service) == (2, "H") and t.steps[1].status == "open"
    assert_replays(sim)


def test_a_priority_review_moves_a_visit_in_every_queue_it_waits_in(sim: Sim) -> None:
    t = sim.issue("E", declared=[PriorityGroup.PREGNANT])
    sim.call(1)
    sim.do(cmd.SendOn(counter=1, steps=TESTS))
    assert sum(sim.state.kinds["X"]) == sum(sim.state.kinds["H"]) == 1
    sim.do(cmd.ReviewPriority(label=t.label, confirmed=False))
    assert sim.state.kinds["X"] == sim.state.kinds["H"] == [1, 0, 0, 0, 0]
    assert queues_of(sim.state, t) == {"X", "H"}
    assert_replays(sim)


def test_a_visit_open_at_two_services_of_one_counter_is_offered_there_once(sim: Sim) -> None:
    t = sim.issue("E")
    sim.call(1)
    sim.do(cmd.SendOn(counter=1, steps=[cmd.StepIn(service="C"), cmd.StepIn(service="X")]))
    sim.advance(1)
    other = sim.issue("C")
    order = [(c.ticket, c.step) for c in queue_order(sim.state, 5, sim.now)]
    assert order == [(t.id, 1), (other.id, None)]  # the oldest place of the two, once
    sim.advance(1)
    assert sim.call(5).step == 1
    assert_replays(sim)

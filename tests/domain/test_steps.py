"""The pure rules of a visit's steps (domain/steps.py)."""

from __future__ import annotations

from server.domain.steps import Step, awaited, end, find, goes_on, live, next_current, open_here, open_ready, ready


def visit() -> list[Step]:
    """Room 1 sent the patient to the lab (1, its result awaited) and imaging (2), and back (3)."""
    return [
        Step(id=0, service="E", status="done"),
        Step(id=1, service="X", status="served", needs_result=True),
        Step(id=2, service="H", status="open", queue_key=50.0),
        Step(id=3, service="E", counter=1, status="pending", after=[1, 2], returning=True),
    ]


def test_find_and_live() -> None:
    steps = visit()
    assert find(steps, 2) is steps[2] and find(steps, 7) is None
    assert live(steps)
    assert not live([Step(id=0, service="E", status="done"), Step(id=1, service="X", status="cancelled")])


def test_a_return_is_ready_once_what_it_waits_for_has_ended_cancelled_or_done() -> None:
    steps = visit()
    assert not ready(steps, steps[3]) and open_ready(steps, 100.0) == []
    steps[1].status, steps[2].status = "done", "cancelled"
    assert ready(steps, steps[3])
    assert open_ready(steps, 100.0) == [steps[3]]
    assert (steps[3].status, steps[3].queue_key, steps[3].ready_at) == ("open", 100.0, 100.0)


def test_ending_the_last_step_waiting_for_a_served_one_ends_that_one_too() -> None:
    steps = visit()
    assert awaited(steps, 1) and not awaited(steps, 0)
    end(steps, steps[3], "cancelled", 70.0)  # the return is cancelled: nobody awaits the lab's result
    assert not awaited(steps, 1)
    assert (steps[1].status, steps[1].ended_at) == ("done", 70.0)
    assert (steps[2].status, steps[2].ended_at) == ("open", None)  # not served: still to come


def test_the_current_step_is_the_first_open_else_the_first_pending_else_none() -> None:
    steps = visit()
    assert next_current(steps) is steps[2]
    steps[2].status = "done"
    assert next_current(steps) is steps[3]
    steps[3].status = "cancelled"
    assert next_current(steps) is None


def test_open_here_is_the_oldest_open_step_a_counter_may_call() -> None:
    steps = [
        Step(id=1, service="X", status="open", queue_key=20.0),
        Step(id=2, service="C", status="open", queue_key=10.0, counter=6),
        Step(id=3, service="C", status="open", queue_key=20.0),
        Step(id=4, service="H", status="pending"),
    ]
    assert open_here(steps, ["X", "C"], 5) is steps[0]  # step 2 is for counter 6 only; keys tie: the lower id
    assert open_here(steps, ["X", "C"], 6) is steps[1]
    assert open_here(steps, ["H"], 5) is None


def test_goes_on_while_another_step_is_still_to_come() -> None:
    steps = visit()
    assert goes_on(steps, 2)  # the return waits
    steps[2].status, steps[3].status = "done", "active"
    assert not goes_on(steps, 3)  # a served step awaiting a result does not count

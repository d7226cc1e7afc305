"""The fold of a visit's steps (decision 0017): steps added, a step's result come or the step
cancelled, a step served with more to come, and the ticket pointed at the step it is at now.

A visit of several steps waits in each open step's queue at once (``waiting.py``); the ticket's
``service``, ``target_counter`` and ``queue_key`` are those of its current step.
"""

from __future__ import annotations

from . import events as ev
from .lifecycle import Action, Status, transition
from .state import QueueState, Ticket
from .steps import Step, end, find, next_current, open_ready
from .waiting import enter_waiting, leave_waiting, release

WAITING = Status.WAITING
_CANCEL, _END = Action.CANCEL, Action.END


def sync_step(t: Ticket) -> None:
    """Write the ticket's current place back into its current step (after a transfer, a
    reactivation). A pending step (a return awaiting results, moved to another room) stays
    pending: it opens when what it waits for has ended, not when it is moved."""
    s = find(t.steps, t.step)
    assert s is not None
    s.service, s.counter, s.queue_key = t.service, t.target_counter, t.queue_key
    if s.status != "pending":
        s.status = "open" if t.status is WAITING else "active"


def point_at(t: Ticket, s: Step) -> None:
    """Make ``s`` the ticket's current step."""
    t.step, t.service, t.target_counter, t.queue_key = s.id, s.service, s.counter, s.queue_key


def step_served(t: Ticket, counter: int, at: float) -> None:
    """End the current step at ``counter``; the ticket then points at its next step (the
    decider said the visit goes on: ``journey.visit_open``). Called with the ticket out of every
    queue."""
    s = find(t.steps, t.step)
    assert s is not None
    s.served_at, s.served_by = at, counter
    if s.needs_result and any(s.id in x.after for x in t.steps if x.status in ("pending",)):
        s.status = "served"
    else:
        end(t.steps, s, "done", at)
    open_ready(t.steps, at)
    nxt = next_current(t.steps)
    assert nxt is not None
    point_at(t, nxt)


def on_steps_added(state: QueueState, e: ev.StepsAdded, at: float) -> None:
    t = state.tickets[e.ticket]
    waiting = t.status is WAITING
    if waiting:
        leave_waiting(state, t)
    if not t.steps:  # its own queue becomes step 0
        t.steps = [
            Step(
                id=0,
                service=t.service,
                counter=t.target_counter,
                status="open" if waiting else "active",
                queue_key=t.queue_key,
                added_at=t.issued_at,
                ready_at=t.issued_at,
                called_at=t.called_at,
            )
        ]
    for n in e.steps:
        t.steps.append(
            Step(
                id=n.id,
                service=n.service,
                counter=n.counter,
                after=list(n.after),
                returning=n.returning,
                reason=n.reason,
                order=n.order,
                needs_result=n.needs_result,
                from_counter=e.from_counter,
                added_at=at,
            )
        )
    for held in e.hold:  # a return that now waits for these new steps too
        h = find(t.steps, held)
        assert h is not None and h.status == "pending"
        h.after = [*h.after, *(n.id for n in e.steps)]
    open_ready(t.steps, at)
    if waiting:
        current = find(t.steps, t.step)
        assert current is not None
        if current.status != "open":  # it waited for results only: a new step is where to go now
            nxt = next_current(t.steps)
            assert nxt is not None
            point_at(t, nxt)
        enter_waiting(state, t)


def on_step_ended(state: QueueState, e: ev.StepCompleted | ev.StepCancelled, at: float) -> None:
    """A step's result came, or the step was cancelled (never the step the patient is at)."""
    t = state.tickets[e.ticket]
    s = find(t.steps, e.step)
    assert s is not None and s.status != "active"
    waiting = t.status is WAITING
    if waiting:
        leave_waiting(state, t)
    end(t.steps, s, "done" if isinstance(e, ev.StepCompleted) else "cancelled", at)
    open_ready(t.steps, at)
    if not waiting:
        return
    current = find(t.steps, t.step)
    assert current is not None
    if current.status != "open":
        nxt = next_current(t.steps)
        if nxt is None:  # nothing left: the visit is over (cancelled if no step of it was done)
            if any(x.status == "done" for x in t.steps):
                t.status = transition(t.status, _END)
                t.finished_at = at
            else:
                t.status = transition(t.status, _CANCEL)
            release(state, t)
            return
        point_at(t, nxt)
    enter_waiting(state, t)

"""``decide(state, command, now, actor) -> events``: the only place where commands are judged.

It reads the state and never changes it; a refusal is a :class:`DomainError` with a stable code.
Call :func:`rollover` first when the local day may have changed.
"""

from __future__ import annotations

from collections.abc import Callable

from . import admin, bookings, calls, his_inbound, insurance_check, journey, rating, tickets
from . import commands as cmd
from . import events as ev
from .access import Actor, authorize
from .faces import FaceMatch
from .lifecycle import ACTIVE
from .state import QueueState


def rollover(state: QueueState, now: float) -> list[ev.Event]:
    """A ``DayStarted`` event if the local day at ``now`` is not the state's day."""
    day = state.local_day(now)
    if day == state.day:
        return []
    expired = [t.id for t in state.tickets.values() if t.status in ACTIVE]
    return [ev.DayStarted(day=day, expired=expired)]


# (state, command, now, actor, face match) -> events
Decider = Callable[..., list[ev.Event]]


def decide(
    state: QueueState, command: cmd.AnyCommand, now: float, actor: Actor, match: FaceMatch | None = None
) -> list[ev.Event]:
    """The events that ``command`` causes, or a :class:`DomainError`. ``match`` is, for an
    issue with a face, the nearest active ticket's face (found by the shell). Each command type
    has its decider in ``DECIDERS``, as each event type has its fold in ``fold._APPLY``."""
    authorize(actor, command)
    events = DECIDERS[type(command)](state, command, now, actor, match)
    return _taken_over(state, command, actor) + events if events else events


def _taken_over(state: QueueState, command: cmd.AnyCommand, actor: Actor) -> list[ev.Event]:
    """A staff member signed in at a counter someone else opened works there now: the
    dashboard and the reports name who is at the counter, not who opened it."""
    if actor.role != "counter" or not isinstance(command, cmd.COUNTER_COMMANDS):
        return []
    c = state.counters.get(command.counter)
    if c is None or c.status == "closed" or c.staff == actor.name:
        return []
    return [ev.CounterTakenOver(counter=c.number, staff=actor.name)]


DECIDERS: dict[type, Decider] = {
    **rating.DECIDERS,
    **admin.DECIDERS,
    **bookings.DECIDERS,
    **his_inbound.DECIDERS,
    **insurance_check.DECIDERS,
    **journey.DECIDERS,
    cmd.IssueTicket: tickets.on_issue_ticket,
    cmd.OpenCounter: calls.on_open_counter,
    cmd.CloseCounter: calls.on_close_counter,
    cmd.PauseCounter: calls.on_pause_counter,
    cmd.ResumeCounter: calls.on_resume_counter,
    cmd.CallNext: calls.on_call_next,
    cmd.CallNumber: calls.on_call_number,
    cmd.Recall: calls.on_recall,
    cmd.StartService: calls.on_start_service,
    cmd.FinishService: calls.on_finish_service,
    cmd.FinishAndCallNext: calls.on_finish_and_call_next,
    cmd.MarkMissed: calls.on_mark_missed,
    cmd.Reactivate: tickets.on_reactivate,
    cmd.Transfer: calls.on_transfer,
    cmd.ParkTicket: calls.on_park_ticket,
    cmd.UnparkTicket: calls.on_unpark_ticket,
    cmd.CancelTicket: tickets.on_cancel_ticket,
    cmd.ReviewPriority: tickets.on_review_priority,
    cmd.ReviewFace: tickets.on_review_face,
    cmd.RecordIdentityCheck: tickets.on_record_identity_check,
}

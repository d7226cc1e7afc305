"""Who waits where, and in which order: the waiting index the fold keeps (a ticket entered into
and taken out of its queues, its status changed by the transition table, the per-person index
released), the keys that place a ticket in a queue, and a counter's call cycles.

Each function updates the state in place, for the folds (``fold.py``, ``ticket_fold.py``,
``visit_fold.py``); ``ordering.py`` and ``predict.py`` read the call cycles.
"""

from __future__ import annotations

from . import events as ev
from .lifecycle import Action, Status, transition
from .state import QueueState, Ticket, person_service_key, raw_kind

WAITING = Status.WAITING


def enter_waiting(state: QueueState, t: Ticket) -> None:
    if t.steps:  # a visit of several steps waits in each open step's queue
        for s in t.steps:
            if s.status == "open":
                _enter_queue(state, t, s.service, s.counter)
        return
    _enter_queue(state, t, t.service, t.target_counter)


def _enter_queue(state: QueueState, t: Ticket, service: str, target: int | None) -> None:
    state.waiting.setdefault(service, {})[t.id] = None
    if target is not None:
        state.targeted[t.id] = None
    else:
        state.kinds.setdefault(service, [0, 0, 0, 0, 0])[raw_kind(t)] += 1


def leave_waiting(state: QueueState, t: Ticket) -> None:
    if t.steps:
        for s in t.steps:
            if s.status == "open":
                _leave_queue(state, t, s.service, s.counter)
        return
    _leave_queue(state, t, t.service, t.target_counter)


def _leave_queue(state: QueueState, t: Ticket, service: str, target: int | None) -> None:
    del state.waiting[service][t.id]
    if target is not None:
        state.targeted.pop(t.id, None)  # (several targeted steps share one entry)
    else:
        state.kinds[service][raw_kind(t)] -= 1


def change(state: QueueState, t: Ticket, action: Action) -> None:
    """Change a ticket's status by the transition table, keeping the waiting index in step."""
    new = transition(t.status, action)
    if t.status is WAITING:
        leave_waiting(state, t)
    t.status = new
    if new is WAITING:
        enter_waiting(state, t)


def release(state: QueueState, t: Ticket) -> None:
    """Drop a ticket from the per-person index (it has ended: finished, cancelled, its visit over)."""
    for service in {t.service, *(s.service for s in t.steps)}:
        key = person_service_key(t.identity, service)
        if key and state.active_by_person.get(key) == t.id:
            del state.active_by_person[key]


def front_key(state: QueueState, service: str, at: float) -> float:
    """Just ahead of the oldest waiting ticket; ``at`` (now) when nobody waits, so that the
    ticket has not "waited" since the epoch (which the maximum-wait rule would see)."""
    keys = [t.queue_key for t in state.waiting_in(service)]
    return min(min(keys) - 1.0, at) if keys else at


def position_key(state: QueueState, t: Ticket, position: ev.Position, at: float, service: str) -> float:
    if position == "front":
        return front_key(state, service, at)
    if position == "back":
        return at
    return t.issued_at


def next_cycle(cycle: tuple[int, int], klass: ev.Klass, ratio: tuple[int, int]) -> tuple[int, int]:
    """A counter's (priority, normal) ratio cycle after a call of ``klass``; full cycles restart."""
    cp, cn = cycle
    if klass == "priority":
        cp += 1
    elif klass == "normal":
        cn += 1
    cp, cn = min(cp, ratio[0]), min(cn, ratio[1])
    return (0, 0) if cp >= ratio[0] and cn >= ratio[1] else (cp, cn)


def next_return(back: tuple[int, int, int], returning: bool, ratio: tuple[int, int]) -> tuple[int, int, int]:
    """A room's return cycle (returning, new) and its run of returning calls in a row after a call."""
    cr, cn = next_cycle((back[0], back[1]), "priority" if returning else "normal", ratio)
    return cr, cn, min(back[2] + 1, ratio[0]) if returning else 0

"""The steps of a visit (issue 20): one number for the whole visit, a step per queue it goes
through: reception, the exam room, lab and imaging at once, back to the same room with the
results, the cashier, the pharmacy.

A ticket with no steps is a visit of one queue, as it always was. The first time steps are added
the ticket's own queue becomes step 0. The ticket's ``service``, ``target_counter`` and
``queue_key`` always describe its *current* step (``Ticket.step``); every ``open`` step is a
queue it waits in while the ticket is waiting, and none while it is called, served, parked or
missed somewhere (held: never called at two places at once).

A step's status:

- ``pending``: waits for the steps in ``after`` (a return waits for its tests; a step sent on
  in order waits for the ones before it: the pharmacy for the cashier);
- ``open``: in its queue;
- ``active``: the patient is at its counter now (called, served, parked or missed there);
- ``served``: served, its result awaited by a step that waits for it (``needs_result``);
- ``done`` or ``cancelled``: ended.

This module holds the steps' pure rules; ``visit_fold.py`` folds the events with them.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from .events import StepStatus

LIVE: frozenset[str] = frozenset({"pending", "open", "active", "served"})
ENDED: frozenset[str] = frozenset({"done", "cancelled"})
MAX_STEPS = 20  # per visit


class Step(msgspec.Struct):
    id: int
    service: str
    counter: int | None = None  # a given room
    status: StepStatus = "pending"
    after: list[int] = []
    returning: bool = False
    reason: str = ""
    order: str = ""  # the HIS's order id
    needs_result: bool = False
    from_counter: int | None = None  # the room that sent the patient here
    queue_key: float = 0.0  # its place in its queue once open
    added_at: float = 0.0
    ready_at: float | None = None  # when it opened (a return: when its results were all in)
    called_at: float | None = None  # first called for it
    served_at: float | None = None  # its service there ended
    served_by: int | None = None  # the counter that served it
    ended_at: float | None = None  # done or cancelled


def find(steps: Iterable[Step], step_id: int) -> Step | None:
    return next((s for s in steps if s.id == step_id), None)


def ready(steps: list[Step], s: Step) -> bool:
    """Every step ``s`` waits for has ended (a cancelled test does not hold the return back)."""
    return all(x.status in ENDED for x in steps if x.id in s.after)


def open_ready(steps: list[Step], at: float) -> list[Step]:
    """Open the pending steps whose waits are over (their place in the queue: now); the ones opened."""
    opened = [s for s in steps if s.status == "pending" and ready(steps, s)]
    for s in opened:
        s.status, s.queue_key, s.ready_at = "open", at, at
    return opened


def awaited(steps: list[Step], step_id: int) -> bool:
    """A live step waits for ``step_id``."""
    return any(step_id in s.after for s in steps if s.status in LIVE)


def end(steps: list[Step], s: Step, status: StepStatus, at: float) -> None:
    """End ``s`` (done or cancelled), and a served step nobody waits for any more."""
    s.status, s.ended_at = status, at
    for x in steps:
        if x.status == "served" and not awaited(steps, x.id):
            x.status, x.ended_at = "done", at


def live(steps: list[Step]) -> bool:
    return any(s.status in LIVE for s in steps)


def next_current(steps: list[Step]) -> Step | None:
    """The step a waiting visit is at: its first open step, else the first pending one (what it
    waits for its results to do), else none (the visit is over)."""
    for status in ("open", "pending"):
        s = next((x for x in steps if x.status == status), None)
        if s is not None:
            return s
    return None


def open_here(steps: list[Step], services: Iterable[str], counter: int) -> Step | None:
    """The open step a counter serving ``services`` may call the patient for (the oldest place)."""
    codes = set(services)
    here = [s for s in steps if s.status == "open" and s.service in codes and s.counter in (None, counter)]
    return min(here, key=lambda s: (s.queue_key, s.id)) if here else None


def goes_on(steps: list[Step], current: int) -> bool:
    """Whether the visit goes on once its current step is served: another step is still to
    come (a served step awaiting its result only lasts while a pending step waits for it)."""
    return any(s.status in ("pending", "open") for s in steps if s.id != current)

"""What anyone holding a visit's number may know of its steps (issue 20): the patient's phone and
``GET /api/tickets/{label}`` show the whole visit with it.

Each step says its service, the room it must be (if one was given), its status, the steps it
waits for (``after``), whether it is a return to a room, and the counter that served it; the
counters that serve a step still to come (where to go: their names and locations are in the
configuration); and while the patient waits, for each open step, people ahead and the
estimated wait in that queue (``domain.estimate``). Never a step's reason (a doctor's words)
nor the HIS's order: a return says only that it is one, as the room's door screen does
(docs/security.md). (The visits' figures of a report are ``domain/visits.py``.)
"""

from __future__ import annotations

from typing import Any

from .domain.estimate import Estimate, Places, step_estimate
from .domain.lifecycle import Status
from .domain.state import QueueState, Ticket
from .domain.steps import LIVE, Step


def public_steps(
    state: QueueState, t: Ticket, now: float, est: Estimate | None = None, places: Places | None = None
) -> list[dict[str, Any]]:
    """The public form of ``t``'s steps; ``est``: the estimate of its current step, when known;
    ``places``: the counters' places computed so far (``estimate.step_estimate``), to share
    between the visits of one refresh."""
    waiting = t.status is Status.WAITING
    out = []
    for s in t.steps:
        step: dict[str, Any] = {
            "id": s.id,
            "service": s.service,
            "counter": s.counter,
            "status": s.status,
            "after": s.after,
            "returning": s.returning,
            "served_by": s.served_by,
        }
        if s.status in LIVE:
            step["counters"] = [s.counter] if s.counter is not None else state.config.counters_for(s.service)
        if waiting and s.status == "open":
            e = est if est is not None and s.id == t.step else step_estimate(state, t, s, now, places)
            step.update(ahead=e.ahead, wait_minutes=e.wait_minutes, open_counters=e.open_counters)
        out.append(step)
    return out


def current_open(t: Ticket) -> bool:
    """Whether a visit's current step is a queue it waits in (not a return waiting for results)."""
    s: Step | None = next((x for x in t.steps if x.id == t.step), None)
    return s is not None and s.status == "open"

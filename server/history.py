"""The counter's "today" list (the ``history`` query): one row per call to the counter, a
ticket transferred away as ``transferred`` with where it went, a visit's steps served there."""

from __future__ import annotations

from typing import Any

from .domain.lifecycle import ACTIVE
from .domain.state import QueueState, Ticket


def counter_history(state: QueueState, counter: int) -> list[dict[str, Any]]:
    """Today's calls to a counter, the last first: each ticket last called there with its status,
    and each ticket transferred away from there as ``transferred``, with where it went
    (``to_service``, ``to_counter`` or None for any counter of the service), even once another
    counter has called it. A visit of several steps has a row per step it was served for here
    (``sent_on`` while the visit goes on), and the ordinary row while it is here now."""
    rows: list[dict[str, Any]] = []
    for t in state.tickets.values():
        rows.extend(_step_rows(t, counter))
        for h in t.handoffs:
            if h.counter == counter:
                rows.append(
                    {
                        "label": t.label,
                        "service": h.service,
                        "status": "transferred",
                        "called_at": h.called_at,
                        "started_at": h.started_at,
                        "finished_at": None,
                        "recalls": h.recalls,
                        "to_service": h.to_service,
                        "to_counter": h.to_counter,
                        "transferred_at": h.at,
                    }
                )
        if t.last_counter != counter or t.called_at is None:
            continue
        if t.steps and any(s.id == t.step and s.served_by == counter for s in t.steps):
            continue  # the visit ended here: its step's row above
        last = t.handoffs[-1] if t.handoffs else None
        if last is not None and last.counter == counter and last.at >= t.called_at:
            continue  # transferred from here and not called here since: the row above
        rows.append(
            {
                "label": t.label,
                "service": t.service,
                "status": t.status.value,
                "called_at": t.called_at,
                "started_at": t.started_at,
                "finished_at": t.finished_at,
                "recalls": t.recalls,
            }
        )
    rows.sort(key=lambda r: float(r["called_at"]), reverse=True)
    return rows


def _step_rows(t: Ticket, counter: int) -> list[dict[str, Any]]:
    """A visit's steps served at ``counter``: ``sent_on`` while the visit goes on, else how it ended."""
    status = "sent_on" if t.status in ACTIVE else t.status.value
    return [
        {
            "label": t.label,
            "service": s.service,
            "status": status,
            "called_at": s.called_at,
            "started_at": None,
            "finished_at": s.served_at,
            "recalls": 0,
            "step": s.id,
        }
        for s in t.steps
        if s.served_by == counter and s.called_at is not None
    ]

"""The visits' figures (issue 20; pure): how long a patient's whole visit takes and where the
time goes. Fed by ``reports.Report`` with each visit that ended in the report's period, as the
replayed state holds it at its end (its steps, domain/steps.py). Durations in seconds, given in
minutes by ``figures.summary``. Definitions:

- ``door_to_door``: from the ticket's issue to the end of its last step (visits that ended
  served: a cancelled or expired visit has no door-to-door time), overall, by hour of issue and
  by the visit's first service;
- each step a patient was called for (and a visit of one queue, as its only step): ``wait``
  from the step opening (the issue, for the first) to its first call, ``service`` from that
  call to its end, by the step's service and by the room (counter) that served it;
- ``between``: the waits of every step after the first (the waits between steps);
- ``longest_waits``: the services and rooms with the longest 90th-percentile wait, the longest
  first (at most 5 each): where patients wait longest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .figures import summary
from .state import Ticket
from .steps import Step

LONGEST = 5


@dataclass
class _Place:
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"wait": summary(self.waits), "service": summary(self.services)}


@dataclass
class Visits:
    visits: int = 0  # visits that ended served
    journeys: int = 0  # of those, visits of several steps
    door: list[float] = field(default_factory=list)
    door_by_hour: dict[str, list[float]] = field(default_factory=dict)
    door_by_service: dict[str, list[float]] = field(default_factory=dict)
    by_service: dict[str, _Place] = field(default_factory=dict)
    by_room: dict[str, _Place] = field(default_factory=dict)
    between: list[float] = field(default_factory=list)

    def ended(self, t: Ticket, at: float, hour: str) -> None:
        """``t``'s visit ended served at ``at`` (``hour``: its local hour of issue, "08")."""
        self.visits += 1
        door = at - t.issued_at
        self.door.append(door)
        self.door_by_hour.setdefault(hour, []).append(door)
        first = t.steps[0].service if t.steps else t.service
        self.door_by_service.setdefault(first, []).append(door)
        if not t.steps:
            assert t.called_at is not None  # a visit that ended served was called
            begin = t.started_at if t.started_at is not None else t.called_at
            self._step(t.service, t.last_counter, t.issued_at, t.called_at, begin, at)
            return
        self.journeys += 1
        for s in t.steps:
            if s.called_at is not None:  # a step cancelled before its call has no wait to count
                self._visit_step(t, s, s.called_at)

    def _visit_step(self, t: Ticket, s: Step, called: float) -> None:
        opened = s.ready_at if s.ready_at is not None else t.issued_at
        wait = self._step(s.service, s.served_by, opened, called, called, s.served_at)
        if s.id != 0:
            self.between.append(wait)

    def _step(
        self,
        service: str,
        room: int | None,
        opened: float,
        called: float,
        begin: float,
        end: float | None,
    ) -> float:
        """Count one step's wait and its service time (when it was served)."""
        places = [self.by_service.setdefault(service, _Place())]
        if room is not None:
            places.append(self.by_room.setdefault(str(room), _Place()))
        wait = max(0.0, called - opened)
        for p in places:
            p.waits.append(wait)
            if end is not None:
                p.services.append(max(0.0, end - begin))
        return wait

    def result(self) -> dict[str, Any]:
        def longest(places: dict[str, _Place]) -> list[dict[str, Any]]:
            rows: list[dict[str, Any]] = [{"key": k, "wait": summary(p.waits)} for k, p in places.items() if p.waits]
            rows.sort(key=lambda r: (-r["wait"]["p90"], r["key"]))
            return rows[:LONGEST]

        longest_waits: dict[str, list[dict[str, Any]]] = {
            "services": longest(self.by_service),
            "rooms": longest(self.by_room),
        }
        return {
            "visits": self.visits,
            "journeys": self.journeys,
            "door_to_door": summary(self.door),
            "door_by_hour": [{"key": k, "door_to_door": summary(v)} for k, v in sorted(self.door_by_hour.items())],
            "door_by_service": [
                {"key": k, "door_to_door": summary(v)} for k, v in sorted(self.door_by_service.items())
            ],
            "by_service": [{"key": k, **p.as_dict()} for k, p in sorted(self.by_service.items())],
            "by_room": [{"key": k, **p.as_dict()} for k, p in sorted(self.by_room.items(), key=lambda i: int(i[0]))],
            "between": summary(self.between),
            "longest_waits": longest_waits,
        }

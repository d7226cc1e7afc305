"""Faces in the server (docs/face.md): the index of the active tickets' descriptors, kept in
step with the queue, and the changes each batch writes to the log with its events. The rules
(what a distance means) are in ``domain/faces.py``.

The index is one float32 matrix searched for the nearest ticket the rules allow. Rows are added
when a ticket with a face is issued and removed when it ends; the whole index goes at day end.
10,000 descriptors are 5 MB; one search over them is one matrix operation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from .domain import commands as cmd
from .domain import events as ev
from .domain.errors import DomainError
from .domain.faces import DESCRIPTOR_SIZE, FaceMatch, validate_descriptor
from .domain.held import holds_place
from .domain.lifecycle import ACTIVE
from .domain.state import QueueState
from .eventlog import FaceChanges


def to_blob(descriptor: Iterable[float]) -> bytes:
    return np.asarray(list(descriptor), dtype=np.float32).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    vec = np.frombuffer(blob, dtype=np.float32)
    if vec.shape != (DESCRIPTOR_SIZE,):
        raise ValueError(f"a face descriptor has {DESCRIPTOR_SIZE} numbers, not {vec.size}")
    return vec


class FaceIndex:
    def __init__(self) -> None:
        self._rows = np.zeros((0, DESCRIPTOR_SIZE), dtype=np.float32)
        self._tickets: list[int] = []
        self._where: dict[int, int] = {}  # ticket -> row

    def __len__(self) -> int:
        return len(self._tickets)

    def __contains__(self, ticket: object) -> bool:
        return ticket in self._where

    def tickets(self) -> list[int]:
        return list(self._tickets)

    def add(self, ticket: int, vec: np.ndarray) -> None:
        if ticket in self._where:
            self._rows[self._where[ticket]] = vec
            return
        if len(self._tickets) == self._rows.shape[0]:  # grow by doubling
            grown = np.zeros((max(64, 2 * self._rows.shape[0]), DESCRIPTOR_SIZE), dtype=np.float32)
            grown[: self._rows.shape[0]] = self._rows
            self._rows = grown
        self._where[ticket] = len(self._tickets)
        self._rows[len(self._tickets)] = vec
        self._tickets.append(ticket)

    def remove(self, ticket: int) -> bool:
        """Drop a ticket's row (the last row moves into its place); False if it had none."""
        row = self._where.pop(ticket, None)
        if row is None:
            return False
        last = len(self._tickets) - 1
        if row != last:
            moved = self._tickets[last]
            self._rows[row] = self._rows[last]
            self._tickets[row] = moved
            self._where[moved] = row
        self._rows[last] = 0.0  # nothing of a removed descriptor stays in memory
        self._tickets.pop()
        return True

    def clear(self) -> None:
        self._rows[:] = 0.0
        self._rows = np.zeros((0, DESCRIPTOR_SIZE), dtype=np.float32)
        self._tickets.clear()
        self._where.clear()

    def nearest(self, vec: np.ndarray, within: float, allowed: Callable[[int], bool]) -> FaceMatch | None:
        """The nearest ticket within ``within`` (Euclidean distance) that ``allowed`` accepts."""
        n = len(self._tickets)
        if n == 0:
            return None
        diff = self._rows[:n] - vec
        dist = np.sqrt(np.einsum("ij,ij->i", diff, diff))
        near = np.flatnonzero(dist <= within)
        for row in near[np.argsort(dist[near])]:
            ticket = self._tickets[int(row)]
            if allowed(ticket):
                return FaceMatch(ticket=ticket, distance=float(dist[row]))
        return None


class Faces:
    """The face index of the hub's state, and the face changes of the batch being decided
    (committed with its events: ``take_changes``)."""

    def __init__(self) -> None:
        self.index = FaceIndex()
        self.changes = FaceChanges()

    def __len__(self) -> int:
        return len(self.index)

    def take_changes(self) -> FaceChanges:
        """This batch's changes, and a fresh set for the next."""
        changes, self.changes = self.changes, FaceChanges()
        return changes

    def load(self, state: QueueState, stored: dict[int, bytes]) -> list[int]:
        """The index from the stored descriptors: only today's active tickets keep theirs.
        The tickets whose descriptors are stale (to delete)."""
        index, stale = FaceIndex(), []
        for ticket, blob in stored.items():
            t = state.tickets.get(ticket)
            if t is not None and t.face and t.status in ACTIVE and t.day == state.day and state.config.face.enabled:
                index.add(ticket, from_blob(blob))
            else:
                stale.append(ticket)
        self.index, self.changes = index, FaceChanges()
        return stale

    def match(self, state: QueueState, command: cmd.AnyCommand) -> tuple[np.ndarray | None, FaceMatch | None]:
        """An issue's face descriptor and the nearest active ticket of the same service (or a
        visit with a step to come in it) within the review distance (the domain decides what that distance means)."""
        policy = state.config.face
        if not isinstance(command, cmd.IssueTicket) or command.face is None or not policy.enabled:
            return None, None
        try:
            vec = np.asarray(validate_descriptor(command.face), dtype=np.float32)
        except DomainError:
            return None, None  # decide refuses it with its code
        service = command.service

        def allowed(ticket: int) -> bool:
            t = state.tickets.get(ticket)
            return t is not None and t.status in ACTIVE and holds_place(t, service)

        return vec, self.index.nearest(vec, policy.review_distance, allowed)

    def track(self, state: QueueState, records: list[ev.Record], face: np.ndarray | None) -> None:
        """Keep the index and this batch's changes in step with records just applied."""
        for record in records:
            self._track(state, record.event, face)

    def _track(self, state: QueueState, event: ev.AnyEvent, face: np.ndarray | None) -> None:
        index, changes = self.index, self.changes
        if isinstance(event, ev.DayStarted) or (
            isinstance(event, ev.ConfigReplaced) and not event.config.face.enabled and len(index)
        ):
            index.clear()  # a new day (or the check turned off): every descriptor goes
            self.changes = FaceChanges(purge=True)
            return
        if isinstance(event, ev.TicketIssued):
            if event.face and face is not None:
                index.add(event.ticket, face)
                changes.added[event.ticket] = to_blob(face)
            return
        ticket = getattr(event, "ticket", None)
        if isinstance(ticket, int) and ticket in index and state.tickets[ticket].status not in ACTIVE:
            index.remove(ticket)
            changes.added.pop(ticket, None)
            changes.removed.add(ticket)

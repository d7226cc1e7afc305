"""The face index of the active tickets: descriptors in one float32 matrix, searched for the
nearest ticket the rules allow (the rules themselves are in ``domain/faces.py``).

Rows are added when a ticket with a face is issued and removed when it ends; the whole index
goes at day end. 10,000 descriptors are 5 MB; one search over them is one matrix operation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from .domain.faces import DESCRIPTOR_SIZE, FaceMatch


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

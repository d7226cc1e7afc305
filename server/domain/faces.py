"""Faces in the queue's rules (pure): a descriptor's shape, and what a distance to the nearest
active ticket of the same service means. Finding that nearest ticket is numeric work for the
shell (``server/faces.py``); the decision is here."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import msgspec

from .config import Face
from .errors import TicketError

DESCRIPTOR_SIZE = 128
MAX_COMPONENT = 2.0  # dlib's descriptors are unit-scale; anything larger is not one

Verdict = Literal["same", "review", "different"]


class FaceMatch(msgspec.Struct, frozen=True):
    """The nearest active ticket of the same service to a new face, and how near it is."""

    ticket: int
    distance: float


def validate_descriptor(values: Sequence[float]) -> tuple[float, ...]:
    """The 128 finite, small numbers of a face descriptor, or ``invalid_face``."""
    if len(values) != DESCRIPTOR_SIZE or not all(
        isinstance(x, int | float) and math.isfinite(x) and abs(x) <= MAX_COMPONENT for x in values
    ):
        raise TicketError("invalid_face", "face")
    return tuple(float(x) for x in values)


def verdict(distance: float, policy: Face) -> Verdict:
    """``same`` at or under ``same_distance``; ``review`` up to ``review_distance``."""
    if distance <= policy.same_distance:
        return "same"
    if distance <= policy.review_distance:
        return "review"
    return "different"

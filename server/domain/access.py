"""Who may send which command (pure). The hub's websocket shell builds the :class:`Actor`."""

from __future__ import annotations

from typing import Literal

import msgspec

from . import commands as cmd
from .errors import ForbiddenError

ActorRole = Literal["admin", "counter", "kiosk", "tv", "rating", "system", "his"]

STAFF_TICKET_COMMANDS = (
    cmd.Reactivate,
    cmd.CancelTicket,
    cmd.ReviewPriority,
    cmd.ReviewFace,
    cmd.RecordIdentityCheck,
    cmd.IssueTicket,
    cmd.RateTicket,  # the counter's screen turned to the patient
    cmd.CompleteStep,
    cmd.CancelStep,
)


class Actor(msgspec.Struct, frozen=True):
    """Who sends a command: ``name`` goes into the audit trail (``staff:lan``, ``device:kiosk-1``,
    ``his:<link>`` for a hospital information system)."""

    name: str
    role: ActorRole
    counters: list[int] = []


SYSTEM = Actor(name="system", role="system")


def _forbidden() -> ForbiddenError:
    return ForbiddenError("forbidden")


def authorize(actor: Actor, command: cmd.AnyCommand) -> None:
    """Raise :class:`ForbiddenError` unless ``actor`` may send ``command``."""
    if actor.role in ("admin", "system"):
        return
    if isinstance(command, cmd.SetStaffPassword) and actor.name == f"staff:{command.username}":
        return  # one's own password (the HTTP API checked the current one and the policy)
    if actor.role == "kiosk" and isinstance(command, cmd.IssueTicket):
        return
    if actor.role == "his" and isinstance(command, cmd.HIS_COMMANDS):
        return  # a hospital information system's link (server/routes/his.py): these and nothing else
    if actor.role == "rating" and isinstance(command, cmd.RateTicket):
        return  # (its counter's tickets only: checked by decide)
    if actor.role == "counter":
        if isinstance(command, cmd.COUNTER_COMMANDS):
            if command.counter in actor.counters:
                return
            raise ForbiddenError("forbidden_counter", "counter", counter=command.counter)
        if isinstance(command, STAFF_TICKET_COMMANDS):
            return
    raise _forbidden()

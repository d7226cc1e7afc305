"""What the hub's one writer task takes from its queue (``server/hub.py``): a command, a screen
to greet, a read of the state, records followed from another process's log; and what a command
comes back with (``Outcome``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import msgspec

from .domain import commands as cmd
from .domain import events as ev
from .domain.access import Actor
from .domain.errors import DomainError
from .domain.handle import Step
from .domain.state import QueueState, Ticket
from .eventlog import OutboxRow
from .fanout import Conn
from .protocol import Welcome


class Outcome(msgspec.Struct):
    seq: int = 0
    result: Any = None
    error: DomainError | None = None
    duplicate: bool = False


class Command(msgspec.Struct):
    command: cmd.AnyCommand
    actor: Actor
    key: str
    future: asyncio.Future[Outcome]


class Attach(msgspec.Struct):
    conn: Conn
    last_seq: int | None
    welcome: Welcome
    future: asyncio.Future[bool]


class Read(msgspec.Struct):
    fn: Callable[[QueueState, float], Any]
    future: asyncio.Future[Any]


class Followed(msgspec.Struct):
    records: list[ev.Record]
    future: asyncio.Future[int]


Item = Command | Attach | Read | Followed
Listener = Callable[[QueueState, list[Step]], None]
# The messages for the HIS links of one step's records, given the state right after the step and
# the day's tickets as they were before it (server/his/hook.py); written with the records.
OutboxHook = Callable[[QueueState, list[ev.Record], dict[int, Ticket]], list[OutboxRow]]

"""The event log as the hub sees it: one small interface (``EventLog``) for everything the
server keeps on disk — the append-only log of records, the idempotency keys of recent
commands, snapshots of the state, staff sessions and the face descriptors of active tickets —
and the rows that cross it. SQLite (``server/sqlite_log.py``) is the implementation; another
database is another adapter of this interface, not a change to the hub.

Contract: ``append`` writes a batch of records with its command rows, face changes and the
messages for the HIS links (the outbox) in one transaction (all or nothing, durable when it returns); ``records`` yields them back in
``seq`` order. The async methods run on the server's event loop; ``scan`` and ``latest`` are
blocking reads for worker threads (reports, the audit log) and must not hold up the writer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Protocol

import msgspec

from .domain.events import Record

_decoder = msgspec.json.Decoder(Record)


class CommandRow(msgspec.Struct, frozen=True):
    """A command's idempotency key (actor-scoped) and its encoded answer."""

    key: str
    at: float
    result: bytes


class FaceChanges(msgspec.Struct):
    """Face descriptors to write and delete with a batch of events (float32, 512 bytes each)."""

    added: dict[int, bytes] = {}
    removed: set[int] = set()
    purge: bool = False  # a new day: every descriptor goes

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.purge)


class OutboxRow(msgspec.Struct, frozen=True):
    """A message for a HIS link (``server/his/outbox.py``), written with the event it tells of."""

    link: str
    message: str  # the message id, unique per link
    ticket: str  # the ticket's key at the HIS
    seq: int
    kind: str
    body: bytes  # the HisMessage as JSON
    created: float


class SessionRow(msgspec.Struct, frozen=True):
    token_hash: str
    username: str
    created: float
    expires: float


def decode_record(body: bytes) -> Record:
    """A record from its stored form (JSON, as ``append`` writes it)."""
    return _decoder.decode(body)


class EventLog(Protocol):
    async def open(self) -> None: ...
    async def close(self) -> None: ...

    # the log and what is committed with it
    async def append(
        self,
        records: Sequence[Record],
        commands: Sequence[CommandRow],
        faces: FaceChanges | None = None,
        outbox: Sequence[OutboxRow] = (),
    ) -> None: ...
    def records(self, after: int = 0, until: int | None = None, batch: int = 5000) -> AsyncIterator[list[Record]]: ...
    async def recent_commands(self, since: float) -> list[CommandRow]: ...
    async def prune_commands(self, before: float) -> None: ...

    # snapshots of the state
    async def save_snapshot(self, seq: int, version: int, body: bytes) -> None: ...
    async def latest_snapshot(self) -> tuple[int, int, bytes] | None: ...
    async def drop_snapshots(self) -> None: ...

    # face descriptors of active tickets
    async def faces(self) -> dict[int, bytes]: ...
    async def delete_faces(self, tickets: Sequence[int]) -> None: ...

    # staff sessions
    async def save_session(self, s: SessionRow) -> None: ...
    async def delete_session(self, token_hash: str) -> None: ...
    async def delete_user_sessions(self, username: str) -> None: ...
    async def sessions(self, now: float) -> list[SessionRow]: ...
    async def session(self, token_hash: str) -> SessionRow | None: ...

    # blocking reads, for worker threads
    def scan(self, before_at: float) -> Iterator[Record]:
        """Every record written before ``before_at``, in order (reports)."""
        ...

    def latest(self, limit: int, before_seq: int | None = None) -> list[Record]:
        """The newest ``limit`` records (below ``before_seq``), newest first (the audit log)."""
        ...

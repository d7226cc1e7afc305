"""Rebuilding the queue state when the server starts, and the snapshots that bound that work.

The state is the fold of the event log. A restart reads the latest snapshot of the state (if
its version is this code's), then folds the events after it; the resume window (the last
events a reconnecting client may ask for) is filled back past the snapshot when needed. A
snapshot of another version is dropped and the whole log replayed (decision 0008)."""

from __future__ import annotations

import gc
import logging
from collections import deque

import msgspec

from .domain import events as ev
from .domain.config import Config
from .domain.fold import apply_all
from .domain.state import QueueState
from .eventlog import EventLog

log = logging.getLogger("server.hub")

SNAPSHOT_VERSION = 11  # bump when QueueState's shape changes: older snapshots are then ignored


async def rebuild(
    eventlog: EventLog, file_config: Config, ring_size: int, snapshots: bool = True
) -> tuple[QueueState, deque[ev.Record]]:
    """The state from the latest snapshot and the events after it (or the whole log: no
    snapshot, or ``snapshots`` off), and the last ``ring_size`` events. Nothing is replaced
    until both are complete."""
    collecting = gc.isenabled()
    gc.disable()  # replay makes many objects that all live: collecting them is wasted time
    try:
        state = (await from_snapshot(eventlog) if snapshots else None) or QueueState(config=file_config)
        start = state.seq
        ring: deque[ev.Record] = deque(maxlen=ring_size)
        async for records in eventlog.records(after=start):
            apply_all(state, records)
            ring.extend(records)
        missing = ring_size - len(ring)  # the resume window reaches back past the snapshot
        if missing > 0 and start > 0:
            earlier: list[ev.Record] = []
            async for records in eventlog.records(after=max(0, start - missing), until=start):
                earlier.extend(records)
            ring.extendleft(reversed(earlier))
    finally:
        if collecting:
            gc.enable()
    return state, ring


async def from_snapshot(eventlog: EventLog) -> QueueState | None:
    """The latest snapshot's state, or None (none, unreadable, or of another version)."""
    found = await eventlog.latest_snapshot()
    if found is None:
        return None
    seq, version, body = found
    if version == SNAPSHOT_VERSION:
        try:
            state = msgspec.msgpack.decode(body, type=QueueState)
        except msgspec.DecodeError:
            log.warning("snapshot at seq %d is unreadable; replaying the whole log", seq)
        else:
            if state.seq == seq:
                return state
    await eventlog.drop_snapshots()  # written by another version: replay all, snapshot anew
    return None


async def save_snapshot(eventlog: EventLog, state: QueueState) -> None:
    await eventlog.save_snapshot(state.seq, SNAPSHOT_VERSION, msgspec.msgpack.encode(state))

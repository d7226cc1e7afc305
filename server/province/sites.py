"""The facilities the province view follows: each site's log read, never written.

A :class:`Site` rebuilds its facility's state from the latest snapshot (when it is of this
code's version) and the records after it, then reads the records after its cursor every few
seconds (a catch-up read, as the followers of one site do; nothing is lost when a read fails:
the next one starts from the same cursor). Its state feeds the dashboard; its log, read in a
worker thread, feeds the reports."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator, Sequence

import msgspec

from ..domain import events as ev
from ..domain.fold import apply_all
from ..domain.province import dashboard
from ..domain.state import QueueState
from ..eventlog import EventLog
from ..replay import SNAPSHOT_VERSION

log = logging.getLogger("server.province")
FIRST_RECORDS = 100  # where a facility's first configuration is looked for


class Site:
    """One facility followed: its code, its log and the state folded from it."""

    def __init__(self, code: str, eventlog: EventLog) -> None:
        self.code = code
        self.log = eventlog
        self.state: QueueState | None = None  # None until its log has been read (or while it is empty)
        self.read_at = 0.0  # when the log was last read in full
        self.error = ""  # why the last read failed ("" when it did not)

    @property
    def name(self) -> str:
        return self.state.config.unit.name if self.state is not None else self.code

    async def open(self) -> None:
        await self.log.open()

    async def close(self) -> None:
        await self.log.close()

    async def _first(self) -> QueueState | None:
        """The state to fold from: the latest snapshot of this code's version, else an empty
        state with the configuration of the log's first ``ConfigReplaced`` (a facility's server
        writes it among its very first records); None before there is one."""
        found = await self.log.latest_snapshot()
        if found is not None and found[1] == SNAPSHOT_VERSION:
            try:
                state = msgspec.msgpack.decode(found[2], type=QueueState)
            except msgspec.DecodeError:
                pass
            else:
                if state.seq == found[0]:
                    return state
        async for records in self.log.records(after=0, until=FIRST_RECORDS):
            for r in records:
                if isinstance(r.event, ev.ConfigReplaced):
                    return QueueState(config=r.event.config)
        return None

    async def catch_up(self) -> int:
        """Fold the records written since the last read; the number folded."""
        if self.state is None:
            self.state = await self._first()
            if self.state is None:
                return 0
        n = 0
        async for records in self.log.records(after=self.state.seq):
            apply_all(self.state, records)
            n += len(records)
        self.read_at = time.time()
        return n

    def figures(self, now: float) -> dict[str, object]:
        """The facility's dashboard row: its code, name, whether its log could be read, and the
        dashboard's figures (none until its log has been read)."""
        row: dict[str, object] = {"code": self.code, "name": self.name, "available": self.state is not None}
        if self.state is not None:
            row.update(dashboard(self.state, now), seq=self.state.seq, read_at=self.read_at, error=self.error)
        return row


class Sites:
    """Every facility of the province, by code, followed by one task."""

    def __init__(self, sites: Sequence[Site], every: float = 2.0) -> None:
        self.by_code = {s.code: s for s in sites}
        self.every = every
        self._task: asyncio.Task[None] | None = None

    def __iter__(self) -> Iterator[Site]:
        return iter(self.by_code.values())

    async def start(self) -> None:
        for site in self:
            await site.open()
        await self.read_all()
        self._task = asyncio.create_task(self._follow())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        for site in self:
            await site.close()

    async def read_all(self) -> None:
        for site in self:
            try:
                await site.catch_up()
                site.error = ""
            except Exception as exc:  # a facility's database down must not stop the others
                site.error = type(exc).__name__
                log.warning("site %s: its log could not be read: %s", site.code, exc)

    async def _follow(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            await self.read_all()


Opener = Callable[[str], EventLog]

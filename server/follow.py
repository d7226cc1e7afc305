"""Following the writer's log (several processes for one site, decision 0014).

A follower keeps the site's state in memory as the writer does, from the log in PostgreSQL:
``NOTIFY queue_<site>`` (sent by every append) only wakes it; it then reads the records after
the last seq it holds, and it reads anyway every ``CATCH_UP_SECONDS`` (a notification is lost
when the listening connection was down). The records go through the hub's queue
(``Hub.apply_followed``), so screens are greeted and told in the same order as on the writer:
``fold`` applies them and says which waiting counts each one changed, as ``domain/handle.py``
does for the writer's own steps.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import psycopg

from .boards import Boards
from .domain import commands as cmd
from .domain import events as ev
from .domain.access import Actor
from .domain.errors import DomainError
from .domain.fold import apply
from .domain.handle import Step, services_touched
from .domain.state import QueueState
from .eventlog import EventLog
from .faces import Faces
from .hub_items import Attach, Command, Followed, Item, Listener, Outcome
from .phones import Phones

log = logging.getLogger("server.cluster")

CATCH_UP_SECONDS = 1.0


def fold(state: QueueState, records: list[ev.Record]) -> Step:
    """Apply the records that come next (those already applied are skipped; a gap stops the
    fold, the next read fills it); the step has the waiting counts each one changed."""
    step = Step(records=[], waiting={})
    for record in records:
        if record.seq <= state.seq:
            continue
        if record.seq != state.seq + 1:
            log.warning("a gap in the log read: seq %d after %d; reading again", record.seq, state.seq)
            break
        waiting = state.waiting
        before = {s: len(waiting.get(s, ())) for s in services_touched(state, record.event)}
        apply(state, record)
        waiting = state.waiting
        changed = {s: n for s, b in before.items() if (n := len(waiting.get(s, ()))) != b}
        if changed:
            step.waiting[record.seq] = changed
        step.records.append(record)
    return step


class Following:
    """The follower's half of the hub (``server/hub.py``, which declares what it uses here): the
    records read from the writer's log folded and told as the writer tells its own, screens
    greeted and reads answered between them, and the switch to writing."""

    state: QueueState
    queue: asyncio.Queue[Item]
    log: EventLog
    clock: Callable[[], float]
    everywhere: list[Listener]
    phones: Phones
    boards: Boards
    faces: Faces
    idempotency: dict[str, tuple[float, bytes]]
    idempotency_seconds: float
    snapshot_seq: int
    forward: Callable[[cmd.AnyCommand, Actor, str], Awaitable[Outcome]] | None

    def _announce(self, steps: list[Step], new: list[ev.Record], now: float, listeners: list[Listener]) -> None:
        raise NotImplementedError

    def _attach_now(self, item: Attach, now: float) -> bool:
        raise NotImplementedError

    def _wake(self) -> None:
        raise NotImplementedError

    async def _serve_following(self, batch: list[Item]) -> None:
        """A follower's batch: records read from the writer's log folded and told as the writer
        tells its own (``server/follow.py``); screens greeted and reads answered between them."""
        now = self.clock()
        for item in batch:
            if isinstance(item, Followed):
                step = fold(self.state, item.records)
                if step.records:
                    self._announce([step], step.records, now, self.everywhere)
                item.future.set_result(self.state.seq)
            elif isinstance(item, Command):  # (only a process that writes queues commands)
                item.future.set_result(Outcome(error=DomainError("storage_error.not_writer")))
            elif isinstance(item, Attach):
                item.future.set_result(self._attach_now(item, now))
            else:
                try:
                    item.future.set_result(item.fn(self.state, now))
                except Exception as exc:
                    item.future.set_exception(exc)
        self.phones.after_batch(self.state, now, self._wake)
        self.boards.after_batch(self.state, now, self._wake)

    async def apply_followed(self, records: list[ev.Record]) -> int:
        """Fold records read from the writer's log (between batches); the seq reached."""
        fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.queue.put_nowait(Followed(records=records, future=fut))
        return await fut

    async def promote(self) -> None:
        """This process takes the writer's role (the lock held, the epoch claimed): the log read
        to its end and told, then what a writer keeps beside the state (idempotency keys, faces)."""

        async def catch_up(state: QueueState, now: float) -> None:
            async for records in self.log.records(after=state.seq):
                step = fold(state, records)
                if step.records:
                    self._announce([step], step.records, now, self.everywhere)
            self.idempotency = {
                c.key: (c.at, c.result) for c in await self.log.recent_commands(now - self.idempotency_seconds)
            }
            self.faces.load(state, await self.log.faces())
            self.snapshot_seq = state.seq
            self.forward = None  # the next batch is the writer's

        await catch_up(self.state, self.clock())


class Follower:
    """The loop that keeps a follower's state up to the log: LISTEN as a wake-up, then read."""

    def __init__(
        self,
        dsn: str,
        site: str,
        eventlog: EventLog,
        seq: Callable[[], int],
        apply_followed: Callable[[list[ev.Record]], Awaitable[int]],
    ) -> None:
        self.dsn, self.site, self.log = dsn, site, eventlog
        self.seq, self.apply_followed = seq, apply_followed
        self.wake = asyncio.Event()
        self.reads = 0
        self.stopping = False
        self.joined = asyncio.Event()  # set by the first read that reached the log's end

    def stop(self) -> None:
        """End ``run`` after the read under way (a read cut in the middle could leave the log's
        connection in the middle of a query)."""
        self.stopping = True
        self.wake.set()

    async def run(self) -> None:
        listener = asyncio.create_task(self._listen(), name="follow-listen")
        try:
            while not self.stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), CATCH_UP_SECONDS)
                self.wake.clear()
                if self.stopping:
                    break
                try:
                    await self.read()
                except (psycopg.Error, OSError) as exc:
                    log.warning("could not read the log (%s); trying again", exc)
                    await asyncio.sleep(CATCH_UP_SECONDS)
                except Exception:  # a bug: keep following (the next read starts from the state's seq)
                    log.exception("could not fold what was read from the log; reading again")
                    await asyncio.sleep(CATCH_UP_SECONDS)
        finally:
            listener.cancel()

    async def read(self) -> None:
        """Read and fold every record after the last seq held."""
        self.reads += 1
        async for records in self.log.records(after=self.seq()):
            await self.apply_followed(records)
        self.joined.set()

    async def caught_up(self, seq: int, within: float) -> bool:
        """Wait (bounded) until this process holds ``seq``: a forwarded command's ack then
        follows its events on this process's screens, as it does on the writer's."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        self.wake.set()
        while self.seq() < seq:
            if loop.time() > deadline:
                return False
            await asyncio.sleep(0.005)
        return True

    async def _listen(self) -> None:
        channel = f"queue_{self.site}"
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(self.dsn, autocommit=True)
                async with conn:
                    await conn.execute(f'LISTEN "{channel}"')
                    self.wake.set()  # what was committed while nobody listened
                    async for _ in conn.notifies():
                        self.wake.set()
            except (psycopg.Error, OSError) as exc:
                log.warning("LISTEN %s lost (%s); catching up by reading until it is back", channel, exc)
                await asyncio.sleep(CATCH_UP_SECONDS)

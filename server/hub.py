"""The hub: the one writer. Each command in turn is decided, applied, logged, then announced.

A single task takes work items from a queue. It decides and applies every command that is
waiting (a batch), commits the batch's events in one transaction (group commit), and only then
broadcasts the events, answers the commands and serves snapshots. So nothing is told before it
is durable, and a snapshot plus the events after it never miss or repeat one.

If the commit fails, the in-memory state is rebuilt from the log and every command of the batch
gets ``storage_error``: the state never runs ahead of the disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from . import replay
from .boards import Boards
from .delivery import greeting, outgoing
from .domain import commands as cmd
from .domain import events as ev
from .domain.access import SYSTEM, Actor
from .domain.config import Config
from .domain.errors import DomainError
from .domain.handle import Step, handle, start_day
from .domain.state import QueueState
from .eventlog import CommandRow, EventLog, OutboxRow
from .faces import Faces
from .fanout import Conn, Fanout
from .fleet import Fleet
from .follow import Following
from .hub_items import Attach, Command, Followed, Item, Listener, OutboxHook, Outcome, Read
from .phones import Phones
from .protocol import Welcome, encoder

log = logging.getLogger("server.hub")

MAX_BATCH = 512
IDEMPOTENCY_SECONDS = 2 * 86400
HEARTBEAT_SECONDS = 20
SNAPSHOT_EVERY = 50_000  # events between two snapshots of the state (restart replays at most this)


class Hub(Following):
    def __init__(
        self,
        eventlog: EventLog,
        config: Config,
        clock: Callable[[], float] = time.time,
        ring_size: int = 10_000,
        snapshot_every: int = SNAPSHOT_EVERY,
        phones: Phones | None = None,
    ) -> None:
        self.log = eventlog
        self.file_config = config
        self.clock = clock
        self.state = QueueState(config=config)
        self.fanout = Fanout()
        self.ring: deque[ev.Record] = deque(maxlen=ring_size)
        self.idempotency: dict[str, tuple[float, bytes]] = {}
        self.queue: asyncio.Queue[Item] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self.commits = 0
        self.replay_seconds = 0.0
        self.collected_day = ""  # the day of the last full garbage collection
        self.snapshot_every = snapshot_every
        self.idempotency_seconds = float(IDEMPOTENCY_SECONDS)
        self.use_snapshots = True  # start from the latest snapshot (a benchmark replays the whole log)
        self.snapshot_seq = 0
        self.fleet = Fleet(self.fanout, clock)
        self.faces = Faces()  # descriptors of active tickets (docs/face.md)
        self.phones = phones if phones is not None else Phones()  # patients' phones following their ticket
        self.boards = Boards(self.fanout)  # the boards' wait of a number taken now
        self.committed: list[Callable[[QueueState, list[Step]], None]] = []  # told of each durable batch
        self.everywhere: list[Callable[[QueueState, list[Step]], None]] = []  # the same, on followers too
        self.outbox: OutboxHook | None = None  # set when the site has HIS links
        # Several processes for one site (server/cluster.py): while another process writes, this
        # one follows its log, and ``forward`` takes its commands to the writer.
        self.forward: Callable[[cmd.AnyCommand, Actor, str], Awaitable[Outcome]] | None = None
        self.commit_failed: Callable[[Exception], None] | None = None

    # ---- start and stop -------------------------------------------------------------------

    async def start(self) -> None:
        t0 = time.perf_counter()
        await self._load()
        self.replay_seconds = time.perf_counter() - t0
        log.info("replayed %d events in %.3f s", self.state.seq, self.replay_seconds)
        self._tasks = [
            asyncio.create_task(self._writer(), name="hub-writer"),
            asyncio.create_task(self._midnight(), name="hub-midnight"),
        ]
        if self.forward is None:
            await self.take_file_config()
        gc.freeze()  # the state just built lives on: out of the collector's sight (fanout.FREEZE_EVERY)
        self.collected_day = self.state.day

    async def take_file_config(self) -> None:
        """The configuration file at start (the writer's: a follower's comes with the log).
        The file wins when it changed since it was last read (a site edits it on purpose);
        otherwise the configuration edited in the admin pages stays (decision 0005)."""
        if self.state.seq == 0 or self.state.file_config != self.file_config:
            out = await self.submit(cmd.ReplaceConfig(config=self.file_config, from_file=True), SYSTEM)
            if out.error is not None:
                raise out.error
        await self.tick()

    async def _load(self) -> None:
        """Rebuild the state (``replay.rebuild``), then what lives beside it: the idempotency
        keys of the last two days and the face index."""
        state, ring = await replay.rebuild(self.log, self.file_config, self.ring.maxlen or 0, self.use_snapshots)
        self.snapshot_seq = state.seq
        since = self.clock() - IDEMPOTENCY_SECONDS
        self.idempotency = {c.key: (c.at, c.result) for c in await self.log.recent_commands(since)}
        self.state, self.ring = state, ring
        stale = self.faces.load(self.state, await self.log.faces())  # active tickets keep theirs
        if stale:
            await self.log.delete_faces(stale)

    async def _maybe_snapshot(self) -> None:
        if self.state.seq - self.snapshot_seq >= self.snapshot_every:
            await replay.save_snapshot(self.log, self.state)
            self.snapshot_seq = self.state.seq

    async def stop(self) -> None:
        self.phones.stop()
        self.boards.stop()
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        self._tasks = []
        self.fanout.close_all()

    # ---- the public face --------------------------------------------------------------------

    async def submit(self, command: cmd.AnyCommand, actor: Actor, key: str = "") -> Outcome:
        """Decide, persist, apply and announce one command; the outcome comes after the commit
        (the writer's, when this process follows another)."""
        if self.forward is not None:
            return await self.forward(command, actor, key)
        fut: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self.queue.put_nowait(Command(command=command, actor=actor, key=key, future=fut))
        return await fut

    async def attach(self, conn: Conn, last_seq: int | None, welcome: Welcome) -> bool:
        """Send the welcome, then the missed events (or a snapshot), then register for broadcasts."""
        fut: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.queue.put_nowait(Attach(conn=conn, last_seq=last_seq, welcome=welcome, future=fut))
        return await fut

    async def follow(self, conn: Conn, label: str, day: str, address: str, welcome: Welcome) -> bool:
        """A phone follows one ticket (``server/phones.py``), admitted and greeted between batches."""
        return bool(await self.read(lambda s, now: self.phones.follow(s, conn, label, day, address, welcome, now)))

    def detach(self, conn: Conn) -> None:
        self.fanout.remove(conn)
        self.phones.remove(conn)

    async def read(self, fn: Callable[[QueueState, float], Any]) -> Any:
        """Run ``fn(state, now)`` between batches, when all the state it sees is durable."""
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.queue.put_nowait(Read(fn=fn, future=fut))
        return await fut

    async def tick(self) -> None:
        """Start the new day if midnight has passed (also done before every command)."""
        await self.read(lambda s, now: None)

    # ---- the writer -------------------------------------------------------------------------

    async def _writer(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while len(batch) < MAX_BATCH and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            try:
                if self.forward is not None:
                    await self._serve_following(batch)
                else:
                    await self._run_batch(batch)
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug: fail the batch, rebuild from the log, keep serving
                log.exception("batch failed; rebuilding state from the log")
                await self._load()
                for item in batch:
                    if isinstance(item, Command) and not item.future.done():
                        item.future.set_result(Outcome(error=DomainError("internal_error")))
                    elif isinstance(item, Attach | Read | Followed) and not item.future.done():
                        item.future.set_exception(RuntimeError("internal error"))

    async def _run_batch(self, batch: list[Item]) -> None:
        self.faces.take_changes()  # (a failed batch may have left some)
        state = self.state
        steps: list[Step] = []
        rows: list[CommandRow] = []
        answers: list[tuple[Command, Outcome]] = []
        seen: dict[str, Outcome] = {}
        outbox: list[OutboxRow] = []
        hook = self.outbox
        now = self.clock()
        before = state.tickets  # a new day replaces the dict: the old day's tickets stay in this one
        steps.append(start_day(state, now))
        self.faces.track(state, steps[0].records, None)
        if hook is not None and steps[0].records:
            outbox.extend(hook(state, steps[0].records, before))
        for item in batch:
            if not isinstance(item, Command):
                continue
            scoped = f"{item.actor.name}|{item.key}" if item.key else ""
            if scoped and scoped in seen:
                answers.append((item, msgspec.structs.replace(seen[scoped], duplicate=True)))
                continue
            if scoped and scoped in self.idempotency:
                stored = msgspec.json.decode(self.idempotency[scoped][1])
                answers.append((item, Outcome(seq=stored["seq"], result=stored["result"], duplicate=True)))
                continue
            face, match = self.faces.match(state, item.command)
            before = state.tickets
            step = handle(state, item.command, now, item.actor, match)
            steps.append(step)
            self.faces.track(state, step.records, face)
            if hook is not None and step.records:
                outbox.extend(hook(state, step.records, before))
            if step.error is not None:
                answers.append((item, Outcome(error=step.error)))
                continue
            outcome = Outcome(seq=state.seq, result=step.result)
            answers.append((item, outcome))
            if scoped:
                seen[scoped] = outcome
                result = encoder.encode({"seq": outcome.seq, "result": outcome.result})
                rows.append(CommandRow(key=scoped, at=now, result=result))
        new = [r for step in steps for r in step.records]
        if new:
            try:
                await self.log.append(new, rows, self.faces.take_changes(), outbox)
            except Exception as exc:
                log.exception("commit failed; rebuilding state from the log")
                if self.commit_failed is not None:
                    self.commit_failed(exc)  # several processes: this one steps down (server/cluster.py)
                await self._load()
                for item, _ in answers:
                    if not item.future.done():
                        item.future.set_result(Outcome(error=DomainError("storage_error")))
                for item in batch:
                    if isinstance(item, Attach | Read | Followed) and not item.future.done():
                        item.future.set_exception(RuntimeError("storage error"))
                return
            self.commits += 1
            for row in rows:
                self.idempotency[row.key] = (row.at, row.result)
            self._announce(steps, new, now, [*self.everywhere, *self.committed])
        for item, outcome in answers:
            if not item.future.done():
                item.future.set_result(outcome)
        for item in batch:
            if isinstance(item, Attach):
                if not item.future.done():
                    item.future.set_result(self._attach_now(item, now))
            elif isinstance(item, Read) and not item.future.done():
                try:
                    item.future.set_result(item.fn(state, now))
                except Exception as exc:
                    item.future.set_exception(exc)
            elif isinstance(item, Followed) and not item.future.done():  # read just before the switch
                item.future.set_result(state.seq)
        self.phones.after_batch(state, now, self._wake)
        self.boards.after_batch(state, now, self._wake)
        try:
            await self._maybe_snapshot()
        except Exception:
            log.exception("could not save a snapshot of the state; the next batch will try again")

    def _announce(self, steps: list[Step], new: list[ev.Record], now: float, listeners: list[Listener]) -> None:
        """Durable records, told: the resume window, every screen, the listeners, the phones."""
        state = self.state
        self.ring.extend(new)
        counts = {seq: c for step in steps for seq, c in step.waiting.items()}
        self.fanout.publish_many([b for r in new for b in outgoing(state, r, counts.get(r.seq), self.fanout)])
        for listener in listeners:
            listener(state, steps)
        self.phones.publish(state, new, now)
        self.boards.publish(new)

    def _attach_now(self, item: Attach, now: float) -> bool:
        """Greet a connecting screen (resume or snapshot, and open faults for staff), then
        register it for broadcasts: in the writer, so that it misses and repeats nothing."""
        conn = item.conn
        texts = greeting(self.state, self.ring, conn, item.last_seq, item.welcome, now)
        if conn.audience != "public":
            texts.extend(self.fleet.open_faults())
        elif conn.role == "tv":  # the wait of a number taken now (server/boards.py)
            texts.append(self.boards.greeting(self.state, now))
        if not all(conn.send_nowait(t) for t in texts):
            return False
        self.fanout.add(conn)
        return True

    def _wake(self) -> None:
        """Run a batch with nothing in it (the phones' places or the boards' wait are due)."""
        self.queue.put_nowait(Read(fn=lambda s, n: None, future=asyncio.get_running_loop().create_future()))

    async def _midnight(self) -> None:
        """Start each new local day just after midnight, even if nobody sends a command."""
        while True:
            tz = self.state.config.tzinfo()
            local = dt.datetime.fromtimestamp(self.clock(), tz)
            tomorrow = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0, 0, 1), tz)
            await asyncio.sleep(max(1.0, min(3600.0, tomorrow.timestamp() - self.clock())))
            await self.tick()
            await self.prune_idempotency()
            self.collect_garbage()

    def collect_garbage(self) -> int:
        """Once a day, after the day starts: let everything frozen since (the previous day's
        connections and state, ``fanout.FREEZE_EVERY``) be collected again, collect, and freeze
        what lives on. The pause (under a second at 10,000 screens) falls after midnight.
        How many objects were collected; 0 without a new day."""
        if self.state.day == self.collected_day:
            return 0
        self.collected_day = self.state.day
        gc.unfreeze()
        found = gc.collect()
        gc.freeze()
        log.info("new day %s: %d objects collected", self.state.day, found)
        return found

    async def prune_idempotency(self) -> None:
        """Forget idempotency keys older than two days (in memory and in the database)."""
        since = self.clock() - IDEMPOTENCY_SECONDS
        self.idempotency = {k: v for k, v in self.idempotency.items() if v[0] >= since}
        await self.log.prune_commands(since)

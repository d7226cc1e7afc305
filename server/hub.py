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
from collections.abc import Callable
from typing import Any

import msgspec
import numpy as np

from .domain import commands as cmd
from .domain import events as ev
from .domain.access import SYSTEM, Actor
from .domain.config import Config
from .domain.decide import decide, rollover
from .domain.errors import DomainError
from .domain.estimate import estimate
from .domain.faces import FaceMatch, validate_descriptor
from .domain.lifecycle import ACTIVE
from .domain.state import QueueState, apply, apply_all
from .eventlog import CommandRow, EventLog, FaceChanges
from .faces import FaceIndex, from_blob, to_blob
from .fanout import Broadcast, Conn, Fanout
from .fleet import Fleet
from .protocol import Alert, EventMsg, Snapshot, Waiting, Welcome, encoder
from .views import AUDIENCES, Audience, event_zone, redact, snapshot

log = logging.getLogger("server.hub")

MAX_BATCH = 512
IDEMPOTENCY_SECONDS = 2 * 86400
HEARTBEAT_SECONDS = 20
RESUME_BUDGET_BYTES = 1024 * 1024  # more missed than this: a snapshot is cheaper
SNAPSHOT_EVERY = 50_000  # events between two snapshots of the state (restart replays at most this)
SNAPSHOT_VERSION = 3  # bump when QueueState's shape changes: older snapshots are then ignored


class Outcome(msgspec.Struct):
    seq: int = 0
    result: Any = None
    error: DomainError | None = None
    duplicate: bool = False


class _Command(msgspec.Struct):
    command: cmd.AnyCommand
    actor: Actor
    key: str
    future: asyncio.Future[Outcome]


class _Attach(msgspec.Struct):
    conn: Conn
    last_seq: int | None
    welcome: Welcome
    future: asyncio.Future[bool]


class _Read(msgspec.Struct):
    fn: Callable[[QueueState, float], Any]
    future: asyncio.Future[Any]


Item = _Command | _Attach | _Read


def storage_error() -> DomainError:
    return DomainError(
        "storage_error",
        "Không ghi được dữ liệu; thao tác chưa được thực hiện. Vui lòng thử lại.",
        "The change could not be saved and was not made. Please try again.",
    )


def internal_error() -> DomainError:
    return DomainError(
        "internal_error",
        "Lỗi hệ thống; thao tác chưa được thực hiện. Vui lòng thử lại hoặc báo quản trị viên.",
        "Internal error; the change was not made. Please try again or tell the administrator.",
    )


def command_result(state: QueueState, command: cmd.AnyCommand, records: list[ev.Record], now: float) -> Any:
    """What the ack carries back to the sender (computed right after the command is applied)."""
    for r in records:
        e = r.event
        if isinstance(e, ev.TicketIssued):
            est = estimate(state, e.ticket, now)
            return {
                "ticket": e.label,
                "service": e.service,
                "number": e.number,
                "day": e.day,
                "counters": state.config.counters_for(e.service),
                "ahead": est.ahead,
                "wait_minutes": est.wait_minutes,
                "priority": [g.value for g in e.priority],
                "priority_pending": e.priority_pending,
                "issued_at": r.at,
            }
    for r in records:
        e = r.event
        if isinstance(e, ev.TicketCalled | ev.TicketUnparked | ev.TicketRecalled):
            t = state.tickets[e.ticket]
            return {
                "ticket": t.label,
                "service": t.service,
                "counter": e.counter,
                "rule": t.call_rule,
                "reason_vi": t.call_reason_vi,
                "reason_en": t.call_reason_en,
                "recalls": t.recalls,
            }
    return {"events": [ev.snake(type(r.event).__name__) for r in records if not isinstance(r.event, ev.DayStarted)]}


def _services_touched(state: QueueState, event: ev.AnyEvent) -> set[str]:
    """The services whose waiting count ``event`` may change."""
    if isinstance(event, ev.DayStarted | ev.ConfigReplaced):
        return {*(s.code for s in state.config.services), *state.waiting}
    out: set[str] = set()
    ticket = getattr(event, "ticket", None)
    if isinstance(ticket, int) and ticket in state.tickets:
        out.add(state.tickets[ticket].service)
    for name in ("service", "to_service"):
        code = getattr(event, name, None)
        if isinstance(code, str) and code:
            out.add(code)
    return out


class Hub:
    def __init__(
        self,
        eventlog: EventLog,
        config: Config,
        clock: Callable[[], float] = time.time,
        ring_size: int = 10_000,
        snapshot_every: int = SNAPSHOT_EVERY,
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
        self.snapshot_seq = 0
        self._counts: dict[int, dict[str, int]] = {}  # seq -> waiting counts it changed (this batch)
        self.reports: dict[str, int] = {}  # what screens reported: calls played, failed
        self.faults: dict[tuple[str, str], Alert] = {}  # open device faults by (device, part)
        self.fleet = Fleet()
        self.faces = FaceIndex()  # descriptors of active tickets (docs/face.md)
        self._face_changes = FaceChanges()  # this batch's, committed with its events

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
        # The file wins when it changed since it was last read (a site edits it on purpose);
        # otherwise the configuration edited in the admin pages stays (decision 0005).
        if self.state.seq == 0 or self.state.file_config != self.file_config:
            out = await self.submit(cmd.ReplaceConfig(config=self.file_config, from_file=True), SYSTEM)
            if out.error is not None:
                raise out.error
        await self.tick()
        gc.freeze()  # the state just built lives on: out of the collector's sight (fanout.FREEZE_EVERY)
        self.collected_day = self.state.day

    async def _load(self) -> None:
        """Rebuild the state: the latest snapshot, then the events after it (or the whole log).
        The new state replaces the old one only when complete."""
        collecting = gc.isenabled()
        gc.disable()  # replay makes many objects that all live: collecting them is wasted time
        try:
            state = await self._from_snapshot() or QueueState(config=self.file_config)
            start = state.seq
            ring: deque[ev.Record] = deque(maxlen=self.ring.maxlen)
            async for records in self.log.records(after=start):
                apply_all(state, records)
                ring.extend(records)
            missing = (ring.maxlen or 0) - len(ring)  # the resume window reaches back past the snapshot
            if missing > 0 and start > 0:
                earlier: list[ev.Record] = []
                async for records in self.log.records(after=max(0, start - missing), until=start):
                    earlier.extend(records)
                ring.extendleft(reversed(earlier))
        finally:
            if collecting:
                gc.enable()
        self.snapshot_seq = state.seq
        since = self.clock() - IDEMPOTENCY_SECONDS
        self.idempotency = {c.key: (c.at, c.result) for c in await self.log.recent_commands(since)}
        self.state, self.ring = state, ring
        await self._load_faces()

    async def _load_faces(self) -> None:
        """The face index from the database: only active tickets of today keep theirs."""
        state, index, stale = self.state, FaceIndex(), []
        for ticket, blob in (await self.log.faces()).items():
            t = state.tickets.get(ticket)
            if t is not None and t.face and t.status in ACTIVE and t.day == state.day and state.config.face.enabled:
                index.add(ticket, from_blob(blob))
            else:
                stale.append(ticket)
        if stale:
            await self.log.delete_faces(stale)
        self.faces = index

    async def _from_snapshot(self) -> QueueState | None:
        found = await self.log.latest_snapshot()
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
        await self.log.drop_snapshots()  # written by another version: replay all, snapshot anew
        return None

    async def _maybe_snapshot(self) -> None:
        if self.state.seq - self.snapshot_seq < self.snapshot_every:
            return
        body = msgspec.msgpack.encode(self.state)
        await self.log.save_snapshot(self.state.seq, SNAPSHOT_VERSION, body)
        self.snapshot_seq = self.state.seq

    async def stop(self) -> None:
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        self._tasks = []
        self.fanout.close_all()

    # ---- the public face --------------------------------------------------------------------

    async def submit(self, command: cmd.AnyCommand, actor: Actor, key: str = "") -> Outcome:
        """Decide, persist, apply and announce one command; the outcome comes after the commit."""
        fut: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self.queue.put_nowait(_Command(command=command, actor=actor, key=key, future=fut))
        return await fut

    async def attach(self, conn: Conn, last_seq: int | None, welcome: Welcome) -> bool:
        """Send the welcome, then the missed events (or a snapshot), then register for broadcasts."""
        fut: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.queue.put_nowait(_Attach(conn=conn, last_seq=last_seq, welcome=welcome, future=fut))
        return await fut

    def detach(self, conn: Conn) -> None:
        self.fanout.remove(conn)

    async def read(self, fn: Callable[[QueueState, float], Any]) -> Any:
        """Run ``fn(state, now)`` between batches, when all the state it sees is durable."""
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.queue.put_nowait(_Read(fn=fn, future=fut))
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
                await self._run_batch(batch)
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug: fail the batch, rebuild from the log, keep serving
                log.exception("batch failed; rebuilding state from the log")
                await self._load()
                for item in batch:
                    if isinstance(item, _Command) and not item.future.done():
                        item.future.set_result(Outcome(error=internal_error()))
                    elif isinstance(item, _Attach | _Read) and not item.future.done():
                        item.future.set_exception(RuntimeError("internal error"))

    async def _run_batch(self, batch: list[Item]) -> None:
        self._counts.clear()  # (a failed batch may have left some)
        self._face_changes = FaceChanges()
        state = self.state
        new: list[ev.Record] = []
        rows: list[CommandRow] = []
        answers: list[tuple[_Command, Outcome]] = []
        seen: dict[str, Outcome] = {}
        now = self.clock()
        for e in rollover(state, now):
            new.append(self._apply(e, now, SYSTEM.name))
        for item in batch:
            if not isinstance(item, _Command):
                continue
            scoped = f"{item.actor.name}|{item.key}" if item.key else ""
            if scoped and scoped in seen:
                answers.append((item, msgspec.structs.replace(seen[scoped], duplicate=True)))
                continue
            if scoped and scoped in self.idempotency:
                stored = msgspec.json.decode(self.idempotency[scoped][1])
                answers.append((item, Outcome(seq=stored["seq"], result=stored["result"], duplicate=True)))
                continue
            face, match = self._face_of(item.command)
            try:
                events = decide(state, item.command, now, item.actor, match)
            except DomainError as exc:
                answers.append((item, Outcome(error=exc)))
                continue
            records = [self._apply(e, now, item.actor.name, face) for e in events]
            new.extend(records)
            outcome = Outcome(seq=state.seq, result=command_result(state, item.command, records, now))
            answers.append((item, outcome))
            if scoped:
                seen[scoped] = outcome
                rows.append(
                    CommandRow(
                        key=scoped, at=now, result=encoder.encode({"seq": outcome.seq, "result": outcome.result})
                    )
                )
        if new:
            try:
                await self.log.append(new, rows, self._face_changes)
            except Exception:
                log.exception("commit failed; rebuilding state from the log")
                await self._load()
                for item, _ in answers:
                    if not item.future.done():
                        item.future.set_result(Outcome(error=storage_error()))
                for item in batch:
                    if isinstance(item, _Attach | _Read) and not item.future.done():
                        item.future.set_exception(RuntimeError("storage error"))
                return
            self.commits += 1
            for row in rows:
                self.idempotency[row.key] = (row.at, row.result)
            self.ring.extend(new)
            self.fanout.publish_many([self._outgoing(r) for r in new])
        for item, outcome in answers:
            if not item.future.done():
                item.future.set_result(outcome)
        for item in batch:
            if isinstance(item, _Attach):
                if not item.future.done():
                    item.future.set_result(self._attach_now(item, now))
            elif isinstance(item, _Read) and not item.future.done():
                try:
                    item.future.set_result(item.fn(state, now))
                except Exception as exc:
                    item.future.set_exception(exc)
        try:
            await self._maybe_snapshot()
        except Exception:
            log.exception("could not save a snapshot of the state; the next batch will try again")

    def _apply(self, event: ev.Event, now: float, actor: str, face: np.ndarray | None = None) -> ev.Record:
        record = ev.Record(seq=self.state.seq + 1, at=now, actor=actor, event=event)  # type: ignore[arg-type]
        waiting = self.state.waiting
        before = {s: len(waiting.get(s, ())) for s in _services_touched(self.state, record.event)}
        apply(self.state, record)
        waiting = self.state.waiting
        changed = {s: n for s, b in before.items() if (n := len(waiting.get(s, ()))) != b}
        if changed:
            self._counts[record.seq] = changed
        self._track_face(record.event, face)
        return record

    def _face_of(self, command: cmd.AnyCommand) -> tuple[np.ndarray | None, FaceMatch | None]:
        """An issue's face descriptor and the nearest active ticket of the same service
        within the review distance (the domain decides what that distance means)."""
        policy = self.state.config.face
        if not isinstance(command, cmd.IssueTicket) or command.face is None or not policy.enabled:
            return None, None
        try:
            vec = np.asarray(validate_descriptor(command.face), dtype=np.float32)
        except DomainError:
            return None, None  # decide refuses it with its code
        state, service = self.state, command.service

        def allowed(ticket: int) -> bool:
            t = state.tickets.get(ticket)
            return t is not None and t.status in ACTIVE and t.service == service

        return vec, self.faces.nearest(vec, policy.review_distance, allowed)

    def _track_face(self, event: ev.AnyEvent, face: np.ndarray | None) -> None:
        """Keep the face index and this batch's face changes in step with an applied event."""
        changes = self._face_changes
        if isinstance(event, ev.DayStarted) or (
            isinstance(event, ev.ConfigReplaced) and not event.config.face.enabled and len(self.faces)
        ):
            self.faces.clear()  # a new day (or the check turned off): every descriptor goes
            self._face_changes = FaceChanges(purge=True)
            return
        if isinstance(event, ev.TicketIssued):
            if event.face and face is not None:
                self.faces.add(event.ticket, face)
                changes.added[event.ticket] = to_blob(face)
            return
        ticket = getattr(event, "ticket", None)
        if isinstance(ticket, int) and ticket in self.faces and self.state.tickets[ticket].status not in ACTIVE:
            self.faces.remove(ticket)
            changes.added.pop(ticket, None)
            changes.removed.add(ticket)

    def _encode_for(self, record: ev.Record, audience: Audience) -> str | None:
        event = redact(record.event, audience, self.state.config)
        if event is None:
            return None
        return encoder.encode(EventMsg(seq=record.seq, at=record.at, actor=record.actor, event=event)).decode()

    def _outgoing(self, record: ev.Record) -> Broadcast:
        """What to publish for a record: the event encoded once per distinct form (most events
        look the same to every audience), its zone, and what screens of other zones get."""
        texts: dict[int, tuple[ev.AnyEvent, str]] = {}  # the event is kept so that its id stays unique
        payloads: dict[Audience, str | None] = {}
        counts = self._counts.get(record.seq)
        for audience in AUDIENCES:
            if not self.fanout.by_audience[audience]:
                continue
            event = redact(record.event, audience, self.state.config)
            if event is None:
                payloads[audience] = None
                continue
            if id(event) not in texts:
                msg = EventMsg(seq=record.seq, at=record.at, actor=record.actor, event=event, waiting=counts)
                texts[id(event)] = (event, encoder.encode(msg).decode())
            payloads[audience] = texts[id(event)][1]
        zone = event_zone(self.state, record.event)
        others = None  # what screens of other zones get instead: the counts, if they changed
        if counts and zone is not None:
            others = encoder.encode(Waiting(seq=record.seq, waiting=counts)).decode()
        return payloads, zone, others

    def device_alert(self, device: str, part: str, code: str, label: str, ok: bool) -> None:
        """A device fault (or its end) told to staff and admins at once; open faults are also
        sent to staff who connect later. A repeated report of the same fault is not resent."""
        key = (device, part or "device")
        if ok:
            if self.faults.pop(key, None) is None:
                return
        elif key in self.faults and self.faults[key].code == code and self.faults[key].label == label:
            return
        alert = Alert(
            device=device, part=key[1], code=code or ("ok" if ok else "fault"), label=label, at=self.clock(), ok=ok
        )
        if not ok:
            self.faults[key] = alert
        text = encoder.encode(alert).decode()
        self.fanout.publish({"staff": text, "admin": text}, None)

    def control(self, actor: str, action: str, media: str = "") -> int:
        """Send a ``control`` message (``reload``, ``play``) to every connection of a device; how many."""
        text = encoder.encode({"type": "control", "action": action, "media": media}).decode()
        targets = [c for conns in self.fanout.by_audience.values() for c in conns.values() if c.actor == actor]
        return sum(1 for c in targets if c.send_nowait(text))

    def _missed(self, conn: Conn, last: int | None) -> list[str] | None:
        """The encoded events a client missed since ``last``, or None if it needs a snapshot:
        unknown or too old a ``last``, or more than ``RESUME_BUDGET_BYTES`` to send."""
        if last is None or not 0 <= last <= self.state.seq:
            return None
        if last < self.state.seq and (not self.ring or self.ring[0].seq > last + 1):
            return None
        texts: list[str] = []
        size = 0
        for i in range(len(self.ring) - (self.state.seq - last), len(self.ring)):
            r = self.ring[i]
            if not conn.wants(event_zone(self.state, r.event)):
                continue
            text = self._encode_for(r, conn.audience)
            if text is not None:
                texts.append(text)
                size += len(text)
                if size > RESUME_BUDGET_BYTES:
                    return None
        return texts

    def _attach_now(self, item: _Attach, now: float) -> bool:
        conn = item.conn
        missed = self._missed(conn, item.last_seq)
        welcome = msgspec.structs.replace(item.welcome, seq=self.state.seq, resumed=missed is not None)
        texts = [encoder.encode(welcome).decode()]
        if missed is not None:
            texts.extend(missed)
            waiting = {s.code: len(self.state.waiting.get(s.code, ())) for s in self.state.config.services}
            texts.append(encoder.encode(Waiting(seq=self.state.seq, waiting=waiting)).decode())
        else:
            view = snapshot(self.state, conn.audience, now, conn.zone)
            texts.append(encoder.encode(Snapshot(seq=self.state.seq, view=view)).decode())
        if conn.audience != "public":
            texts.extend(encoder.encode(a).decode() for a in self.faults.values())
        if not all(conn.send_nowait(t) for t in texts):
            return False
        self.fanout.add(conn)
        return True

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

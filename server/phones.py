"""The patients' phones (the page ``/t/<number>``), each following one ticket of today.

A phone says ``hello`` with ``role: "phone"`` and a label, and no token: holding the number is
the right to follow it, as ``GET /api/tickets/{label}`` already answers anyone. What it is sent
is the public status of that one ticket (``views.public_status``): its place in the queue, the
counter it is called to, its recalls, how its visit ended. It gets none of the broadcasts (no
other ticket, no staff name, no identity) and may send nothing but pings.

Bounds: at most ``per_address`` phones from one network address (a ward's Wi-Fi is one address
behind its NAT, so the default is generous) and ``total`` in all, past which ``too_many_phones``;
the label must be a ticket of today, and of the day the phone first saw it (labels come back
every day). When the day ends, the phone gets its ticket's last status and is let go.

Cost: an idle phone costs what a TV costs (its ``Conn`` and its reading coroutine) and nothing
per commit unless its ticket moves. After a commit, a ticket with an event of its own (called at
any step, recalled, finished, transferred, a visit's steps added, completed or cancelled...) has
its new status sent at once, with the TVs' frames. The places of the other waiting tickets move
with every call and issue; they are computed together (``domain.estimate.estimates``: each
counter's waiting tickets sorted once, and so for the other queues a visit waits in,
``server/visit_view.py``), at most every ``PLACES_EVERY`` seconds whatever the rate of
commits (the hub asks, ``refresh``), and a status is sent only when it changed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import msgspec

from .domain import events as ev
from .domain.errors import DomainError
from .domain.estimate import Places, estimates
from .domain.lifecycle import Status
from .domain.state import QueueState
from .fanout import Conn
from .protocol import TicketMsg, Welcome, encoder
from .redaction import STAFF_ONLY
from .views import public_status

PLACES_EVERY = 1.0  # seconds between two computations of the followed tickets' places
PER_ADDRESS = 50  # QUEUE_PHONES_PER_ADDRESS
TOTAL = 5000  # QUEUE_PHONES_MAX

# A ticket's own events that a phone is told the cause of (the type names the change).
CAUSES = (
    ev.TicketCalled,
    ev.TicketRecalled,
    ev.ServiceStarted,
    ev.ServiceFinished,
    ev.TicketMissed,
    ev.TicketReactivated,
    ev.TicketTransferred,
    ev.TicketParked,
    ev.TicketUnparked,
    ev.TicketCancelled,
    ev.StepsAdded,  # a visit's steps: added, a result in, a step cancelled (its call: TicketCalled)
    ev.StepCompleted,
    ev.StepCancelled,
)
# Events that move nobody's place in the queue.
QUIET = (
    ev.TicketRated,
    ev.RatingRequested,
    ev.CounterTakenOver,
    ev.StaffCreated,
    ev.StaffPasswordSet,
    ev.StaffActiveSet,
    ev.DeviceRegistered,
    ev.DeviceRevoked,
)
assert not set(CAUSES) & set(STAFF_ONLY), "a phone is never told of a staff-only event"


def _type(event: ev.AnyEvent) -> str:
    return str(event.__struct_config__.tag)


class Phones:
    """The phones connected, by the ticket they follow, with the status each ticket last had."""

    def __init__(self, per_address: int = PER_ADDRESS, total: int = TOTAL) -> None:
        self.per_address, self.total = per_address, total
        self.following: dict[int, dict[int, Conn]] = {}  # ticket id -> its phones
        self.ticket_of: dict[int, int] = {}  # connection id -> ticket id
        self.address_of: dict[int, str] = {}  # connection id -> network address
        self.from_address: dict[str, int] = {}
        self.sent: dict[int, dict[str, Any]] = {}  # ticket id -> the status last sent
        self.stale = False  # some place may have moved since the last refresh
        self.refreshed = 0.0  # time.monotonic() of the last refresh
        self.timer: asyncio.TimerHandle | None = None  # the next refresh, when due later

    def __len__(self) -> int:
        return len(self.ticket_of)

    def follow(
        self, state: QueueState, conn: Conn, label: str, day: str, address: str, welcome: Welcome, now: float
    ) -> bool:
        """Admit a phone (or raise ``unknown_ticket``, ``too_many_phones``), greet it with the
        welcome and its ticket's status, and register it. False if it could not be written to."""
        t = state.by_label(label.strip().upper())
        if t is None or (day and day != t.day):
            raise DomainError("unknown_ticket.today", "label")
        if len(self) >= self.total or self.from_address.get(address, 0) >= self.per_address:
            raise DomainError("too_many_phones")
        status = public_status(state, t, now)
        welcome = msgspec.structs.replace(welcome, seq=state.seq)
        texts = [encoder.encode(welcome).decode(), _encode(state.seq, status, "")]
        if not all(conn.send_nowait(text) for text in texts):
            return False
        self.following.setdefault(t.id, {})[conn.id] = conn
        self.ticket_of[conn.id] = t.id
        self.address_of[conn.id] = address
        self.from_address[address] = self.from_address.get(address, 0) + 1
        self.sent[t.id] = status
        return True

    def remove(self, conn: Conn) -> None:
        tid = self.ticket_of.pop(conn.id, None)
        if tid is None:
            return
        address = self.address_of.pop(conn.id)
        left = self.from_address[address] - 1
        if left:
            self.from_address[address] = left
        else:
            del self.from_address[address]
        phones = self.following[tid]
        del phones[conn.id]
        if not phones:
            del self.following[tid]
            del self.sent[tid]

    def publish(self, state: QueueState, records: list[ev.Record], now: float) -> None:
        """After a commit: the followed tickets with an event of their own get their new status
        now; whether other places may have moved is noted for the next ``refresh``."""
        if not self.following:
            return
        causes: dict[int, str] = {}
        for r in records:
            e = r.event
            if isinstance(e, CAUSES) and e.ticket in self.following:
                causes[e.ticket] = _type(e)
            elif isinstance(e, ev.DayStarted):
                self._end_day(state, set(e.expired))
            if not isinstance(e, QUIET):
                self.stale = True
        for tid, cause in causes.items():
            if tid in self.following:
                self._send(state, tid, public_status(state, state.tickets[tid], now), cause)

    def after_batch(self, state: QueueState, now: float, wake: Callable[[], None]) -> None:
        """At the end of the writer's batch: refresh the places if they may have moved and it is
        time, or have ``wake`` called (it runs another batch) when it will be."""
        if not self.stale or self.timer is not None:
            return
        wait = self.refreshed + PLACES_EVERY - time.monotonic()
        if wait <= 0:
            self.refresh(state, now)
            return

        def due() -> None:
            self.timer = None
            wake()

        self.timer = asyncio.get_running_loop().call_later(wait, due)

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def refresh(self, state: QueueState, now: float) -> None:
        """Send each followed waiting ticket its place and estimate, if they changed (all
        computed at once: ``estimates`` sorts each counter's waiting tickets once)."""
        self.stale = False
        self.refreshed = time.monotonic()
        waiting = [
            tid for tid in self.following if tid in state.tickets and state.tickets[tid].status is Status.WAITING
        ]
        places: Places = {}  # shared by the visits waiting in several queues
        for tid, est in estimates(state, waiting, now).items():
            status = public_status(state, state.tickets[tid], now, est, places)
            if moved(self.sent.get(tid), status):
                self._send(state, tid, status, "")

    def _send(self, state: QueueState, tid: int, status: dict[str, Any], cause: str) -> None:
        self.sent[tid] = status
        text = _encode(state.seq, status, cause)
        for conn in list(self.following[tid].values()):
            if not conn.send_nowait(text):
                self.remove(conn)
                conn.drop()

    def _end_day(self, state: QueueState, expired: set[int]) -> None:
        """A new day: each phone gets its ticket's last status (expired if it was still open)
        and is let go; it may not follow today's ticket of the same label."""
        for tid in [tid for tid in self.following if tid not in state.tickets]:
            last = _without_places(self.sent[tid])
            if "steps" in last:
                last["steps"] = [_without_places(s) for s in last["steps"]]
            if tid in expired:
                last.update(status=Status.EXPIRED.value, counter=None)
            self._send(state, tid, last, "day_started")
            for conn in list(self.following.get(tid, {}).values()):
                self.remove(conn)
                conn.drop()


ESTIMATE = ("ahead", "wait_minutes", "open_counters", "call_at", "call_from", "call_to", "late")
TIMES = ("call_at", "call_from", "call_to")  # epoch seconds: sent again when one moves by more than a minute
SLACK = ("wait_minutes", *TIMES)  # what may change without being worth a message


def moved(sent: dict[str, Any] | None, status: dict[str, Any]) -> bool:
    """Whether a waiting ticket's new status is worth sending: anything but its expected call
    time and band changed, or one of those times moved by more than a minute, appeared or went
    (the wait in minutes is left as it was sent, so that the page does not change at every call
    for a few seconds). A visit's steps are compared the same way, step by step."""
    if sent is None:
        return True
    for k, v in status.items():
        if k == "steps" and isinstance(v, list) and isinstance(sent.get(k), list) and len(v) == len(sent[k]):
            if any(moved(a, b) for a, b in zip(sent[k], v, strict=True)):
                return True
        elif k not in SLACK and sent.get(k) != v:
            return True
    return any(_time_moved(sent.get(k), status.get(k)) for k in TIMES) or (
        status.get("call_at") is None and sent.get("wait_minutes") != status.get("wait_minutes")
    )


def _time_moved(before: float | None, after: float | None) -> bool:
    if before is None or after is None:
        return before != after
    return abs(after - before) > 60


def _without_places(status: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in status.items() if k not in ESTIMATE}


def _encode(seq: int, status: dict[str, Any], cause: str) -> str:
    return encoder.encode(TicketMsg(seq=seq, ticket=status, cause=cause)).decode()

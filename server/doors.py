"""The rooms' door screens (issue 20): a small display beside a room's door, a device of kind
``door`` bound to one counter or room (``DeviceRegistered.counter``, as a rating screen).

A door screen says ``hello`` with ``role: "door"`` and its token. It gets none of the hall's
broadcasts: it is sent its room's view (``door_view``, a ``door`` message) on connecting and
whenever it changes, and the ``event`` of each call at its room, which its speaker says. Nothing
of another room ever reaches it.

What the view holds is public, as on the hall's TVs: the room's name and location, the number
being seen, the next few numbers in the order the room would call them
(``ordering.queue_order``), a returning patient marked with the kind of result they come back
with (the services of the steps their return waited for, such as "Xét nghiệm"; never the
doctor's own words, ``Step.reason``, which only staff see), a pause and its reason. No identity:
a masked name only where ``privacy.tv_name`` allows it on the TVs.

The doctor's name is shown for a room (``kind = "room"``) while it is open: a patient at the
door is entitled to know who examines them, the name is the one on the doctor's badge and on
the door plate of every Vietnamese clinic, and it is the staff account's full name only (never
the username). Plain counters show none: the hall does not learn who works at which counter
(``redaction.redact`` drops ``CounterOpened.staff``).

Cost: a door's view is computed after a commit that touched its room (an event naming its
counter, or a ticket it shows), at once; any other change of a queue it serves (a ticket issued,
a call at another counter of the same service) may move its next numbers, so those rooms' views
are refreshed together at most every ``REFRESH_EVERY`` seconds, in the writer between batches
(``Hub.read``), and sent only when they changed; a change of another service's queue costs a
door nothing. ``queue_order`` is asked for the few numbers shown, not the whole queue (a view
takes about 2 ms with 100 patients waiting for the room, 7 ms with 500).

A door that reconnects with ``last_seq`` (the ``seq`` of the last view or call it got) resumes as
the hall's screens do, with what a door is sent: when ``last_seq`` is within the resume window
(the hub's ring, ``QUEUE_RESUME_EVENTS``), the welcome says ``resumed: true`` and the calls at its
room it missed follow, in order, once each (at most the last ``MISSED_CALLS``), then its view;
otherwise (no ``last_seq``, one this server never reached, or older than the window: a restart
on another database, a long absence) ``resumed: false`` and the view alone. The screen says a
missed call only while it is recent (``clients/door/flow.js``), so an old call is never said
again; the view, replaced whole, brings the rest (the number, the pause, the doctor). A resume
reads the ring from its newest record back to ``last_seq`` only: 2.5 ms at worst, 10,000 events
missed and none a call at its room (0.4 ms when it finds its 20 calls in them).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import msgspec

from .delivery import encode_for, resumable
from .domain import events as ev
from .domain.handle import Step
from .domain.ordering import candidates, queue_order
from .domain.state import CounterState, QueueState, Ticket
from .domain.steps import find
from .fanout import Conn
from .protocol import CLOSE_UNAUTHENTICATED, DoorMsg, Welcome, encoder
from .redaction import public_identity

NEXT = 5  # the next numbers a door shows
REFRESH_EVERY = 1.0  # seconds between two refreshes of views only a change elsewhere may move
MISSED_CALLS = 20  # a resume sends at most this many missed calls (the screen says the recent only)
CALLS = (ev.TicketCalled, ev.TicketRecalled, ev.TicketUnparked)  # what a door flashes and says
# Events that change no door's view.
QUIET = (
    ev.TicketRated,
    ev.RatingRequested,
    ev.CounterTakenOver,
    ev.StaffPasswordSet,
    ev.DeviceRegistered,
    ev.FaceReviewed,
    ev.IdentityChecked,
    ev.InsuranceChecked,
)
Reader = Callable[[Callable[[QueueState, float], Any]], Awaitable[Any]]


def door_view(state: QueueState, room: int, now: float, count: int = NEXT) -> dict[str, Any]:
    """What the door screen of ``room`` shows (public data of that room only)."""
    cfg = state.config
    cc = cfg.counter(room)
    c = state.counters.get(room) or CounterState(number=room)
    cur = state.tickets.get(c.current) if c.current is not None else None
    order = queue_order(state, room, now, limit=count) if cc is not None else []
    return {
        "room": room,
        "known": cc is not None,
        "kind": cc.kind if cc else "counter",
        "name": cc.name if cc else "",
        "name_en": cc.name_en if cc else "",
        "location": cc.location if cc else "",
        "location_en": cc.location_en if cc else "",
        "unit": cfg.unit.name,
        "unit_en": cfg.unit.name_en,
        "doctor": doctor(state, c) if cc is not None and cc.kind == "room" else "",
        "status": c.status,
        "pause_reason": c.pause_reason if c.status == "paused" else "",
        "current": _entry(state, cur, cur.step, cur.status.value) if cur is not None else None,
        "next": [_entry(state, state.tickets[ch.ticket], ch.step, "waiting") for ch in order],
        "waiting": len(candidates(state, room)),
        "speech": cfg.speech,
        "day": state.day,
    }


def doctor(state: QueueState, c: CounterState) -> str:
    """The full name of the staff member signed in at an open (or paused) counter, or ""."""
    if c.status == "closed" or not c.staff.startswith("staff:"):
        return ""
    account = state.staff.get(c.staff.removeprefix("staff:"))
    return account.full_name if account is not None else ""


def _entry(state: QueueState, t: Ticket, step_id: int | None, status: str) -> dict[str, Any]:
    cfg = state.config
    step = find(t.steps, step_id) if step_id is not None and t.steps else None
    returning = step is not None and step.returning
    after = [x.service for x in t.steps if step is not None and x.id in step.after and x.status != "cancelled"]
    names = [cfg.service(code) for code in after]
    identity = public_identity(t.identity, cfg)
    return {
        "label": t.label,
        "status": status,
        "returning": returning,
        "after": [s.name for s in names if s is not None],
        "after_en": [s.name_en or s.name for s in names if s is not None],
        "name": identity.name if identity is not None else "",
    }


class Doors:
    """The door screens connected, by the room each shows, with the view each room last had."""

    def __init__(self, clock: Callable[[], float], read: Reader | None = None) -> None:
        self.clock = clock
        self.read = read  # the hub's: a refresh runs in the writer, between batches
        self.at: dict[int, dict[int, Conn]] = {}  # room -> connection id -> its door screens
        self.room_of: dict[int, int] = {}  # connection id -> room
        self.device_of: dict[int, str] = {}  # connection id -> device id
        self.sent: dict[int, dict[str, Any]] = {}  # room -> the view last sent
        self.shown: dict[int, set[int]] = {}  # room -> the tickets its view shows
        self.stale: set[int] = set()  # rooms whose next numbers may have moved
        self.timer: asyncio.TimerHandle | None = None
        self.task: asyncio.Future[Any] | None = None

    def __len__(self) -> int:
        return len(self.room_of)

    def connections(self) -> Iterator[Conn]:
        """Every door screen's connection (the fleet counts them online and reaches them)."""
        for screens in self.at.values():
            yield from screens.values()

    def follow(
        self,
        state: QueueState,
        conn: Conn,
        device: str,
        room: int,
        welcome: Welcome,
        now: float,
        last: int | None = None,
        ring: deque[ev.Record] | None = None,
    ) -> bool:
        """Greet a door screen with the welcome, the calls at its room it missed since ``last``
        when it can resume from the ``ring``, and its room's view; and register it. False if it
        could not be written to."""
        view = door_view(state, room, now)
        calls = missed_calls(state, ring or deque(), room, last)
        welcome = msgspec.structs.replace(welcome, seq=state.seq, resumed=calls is not None)
        texts = [encoder.encode(welcome).decode(), *(calls or ()), _encode(state, view, now)]
        if not all(conn.send_nowait(t) for t in texts):
            return False
        self.at.setdefault(room, {})[conn.id] = conn
        self.room_of[conn.id] = room
        self.device_of[conn.id] = device
        self._keep(state, room, view)
        return True

    def remove(self, conn: Conn) -> None:
        room = self.room_of.pop(conn.id, None)
        if room is None:
            return
        del self.device_of[conn.id]
        screens = self.at[room]
        del screens[conn.id]
        if not screens:
            del self.at[room], self.sent[room], self.shown[room]

    def committed(self, state: QueueState, steps: list[Step]) -> None:
        """After a commit (``Hub.committed``): a room's calls to its screens, the views of the
        rooms it touched at once, the others' at the next refresh."""
        if not self.at:
            return
        touched: set[int] = set()
        for step in steps:
            for r in step.records:
                e = r.event
                counter = getattr(e, "counter", None)
                if isinstance(e, CALLS) and e.counter in self.at:
                    text = encode_for(state, r, "public")
                    if text is not None:
                        self._send(e.counter, text)
                if isinstance(e, ev.DeviceRevoked):
                    self._revoke(e.device)
                if isinstance(e, ev.ConfigReplaced | ev.DayStarted):
                    touched.update(self.at)
                elif isinstance(counter, int) and counter in self.at:
                    touched.add(counter)
                ticket = getattr(e, "ticket", None)
                touched.update(room for room, shown in self.shown.items() if ticket in shown)
                if not isinstance(e, QUIET):
                    self.stale |= self._rooms_of(state, e, ticket)
        now = self.clock()
        for room in touched:
            if room in self.at:
                self._update(state, room, now)
        self.stale -= touched  # up to date already
        if self.stale:
            self._schedule()

    def refresh(self, state: QueueState, now: float) -> None:
        """The view of every room whose queue may have moved, sent where it changed."""
        stale, self.stale = self.stale, set()
        for room in stale:
            if room in self.at:
                self._update(state, room, now)

    def _rooms_of(self, state: QueueState, e: ev.AnyEvent, ticket: object) -> set[int]:
        """The rooms shown whose queue an event may move: those serving one of its ticket's
        services (every step's), or all of them for any other event, or a ticket sent to
        another service (the one it left is no longer known)."""
        t = state.tickets.get(ticket) if isinstance(ticket, int) else None
        if t is None or isinstance(e, ev.TicketTransferred):
            return set(self.at)
        services = {t.service, *(s.service for s in t.steps)}
        cfg = state.config
        return {
            r for r in self.at if (cc := cfg.counter(r)) is not None and any(s.code in services for s in cc.services)
        }

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _schedule(self) -> None:
        if self.timer is not None or self.read is None:
            return
        read = self.read

        def due() -> None:
            self.timer = None
            self.task = asyncio.ensure_future(read(self.refresh))

        self.timer = asyncio.get_running_loop().call_later(REFRESH_EVERY, due)

    def _update(self, state: QueueState, room: int, now: float) -> None:
        view = door_view(state, room, now)
        if view == self.sent.get(room):
            return
        self._keep(state, room, view)
        self._send(room, _encode(state, view, now))

    def _keep(self, state: QueueState, room: int, view: dict[str, Any]) -> None:
        self.sent[room] = view
        labels = {view["current"]["label"]} if view["current"] else set()
        labels.update(n["label"] for n in view["next"])
        self.shown[room] = {t.id for label in labels if (t := state.by_label(label)) is not None}

    def _send(self, room: int, text: str) -> None:
        for conn in list(self.at.get(room, {}).values()):
            if not conn.send_nowait(text):
                self.remove(conn)
                conn.drop()

    def _revoke(self, device: str) -> None:
        for cid, name in list(self.device_of.items()):
            if name == device:
                conn = self.at[self.room_of[cid]][cid]
                self.remove(conn)
                conn.end(CLOSE_UNAUTHENTICATED, "revoked")


def missed_calls(state: QueueState, ring: deque[ev.Record], room: int, last: int | None) -> list[str] | None:
    """The calls at ``room`` after ``last`` (encoded, in order, the last ``MISSED_CALLS``), or
    None when a door cannot resume: no ``last``, one beyond this server's ``seq`` (another
    database), or older than the ring (``delivery.resumable``)."""
    if last is None or not resumable(state, ring, last):
        return None
    texts: list[str] = []
    for r in reversed(ring):  # from the newest back: the cost is what was missed, not the ring
        if r.seq <= last or len(texts) == MISSED_CALLS:
            break
        e = r.event
        if isinstance(e, CALLS) and e.counter == room and (text := encode_for(state, r, "public")) is not None:
            texts.append(text)
    return texts[::-1]


def _encode(state: QueueState, view: dict[str, Any], now: float) -> str:
    return encoder.encode(DoorMsg(seq=state.seq, view=view, server_time=now)).decode()

"""What the screens are sent of committed records: each event encoded once per distinct form it
takes for the audiences connected (most events look the same to all), with its zone and the
waiting counts it changed; and what a screen that (re)connects gets first — the events it missed
since its last seq, or a snapshot.

Pure functions of the state, the records and the connections: the hub calls them after the
commit (``server/hub.py``), the broadcaster writes what they return (``server/fanout.py``).
"""

from __future__ import annotations

from collections import deque

import msgspec

from .domain import events as ev
from .domain.state import QueueState
from .fanout import Broadcast, Conn, Fanout
from .protocol import AUDIENCES, Audience, EventMsg, Snapshot, TicketIdentity, Waiting, Welcome, encoder
from .redaction import redact
from .views import event_zone, identity_counters, snapshot

RESUME_BUDGET_BYTES = 1024 * 1024  # more missed than this: a snapshot is cheaper


def encode_for(state: QueueState, record: ev.Record, audience: Audience, counter: int | None = None) -> str | None:
    """The event message of ``record`` as ``audience`` (of ``counter``) sees it, or None."""
    event = redact(record.event, audience, state.config)
    if event is None:
        return None
    if audience == "staff" and event is not record.event and counter in _identity_for(state, record):
        event = record.event  # the counter the ticket is for: its identity in full
    return encoder.encode(EventMsg(seq=record.seq, at=record.at, actor=record.actor, event=event)).decode()


def _identity_for(state: QueueState, record: ev.Record) -> set[int]:
    e = record.event
    return identity_counters(state, e.ticket) if isinstance(e, ev.TicketIssued) else set()


def outgoing(state: QueueState, record: ev.Record, counts: dict[str, int] | None, fanout: Fanout) -> list[Broadcast]:
    """What to publish for a record: the event encoded once per distinct form, its zone, and
    what screens of other zones get instead (the waiting counts, if they changed); to staff
    screens of the counters a ticket is for, its identity (the issue event in full, or after a
    transfer an ``identity`` message)."""
    texts: dict[int, tuple[ev.AnyEvent, str]] = {}  # the event is kept so that its id stays unique
    payloads: dict[Audience, str | None] = {}
    for audience in AUDIENCES:
        if not fanout.by_audience[audience]:
            continue
        event = redact(record.event, audience, state.config)
        if event is None:
            payloads[audience] = None
            continue
        if id(event) not in texts:
            msg = EventMsg(seq=record.seq, at=record.at, actor=record.actor, event=event, waiting=counts)
            texts[id(event)] = (event, encoder.encode(msg).decode())
        payloads[audience] = texts[id(event)][1]
    zone = event_zone(state, record.event)
    others = None
    if counts and zone is not None:
        others = encoder.encode(Waiting(seq=record.seq, waiting=counts)).decode()
    own: dict[int, str] | None = None
    e = record.event
    if fanout.by_audience["staff"] and isinstance(e, ev.TicketIssued) and e.identity is not None:
        full = encoder.encode(EventMsg(seq=record.seq, at=record.at, actor=record.actor, event=e, waiting=counts))
        own = dict.fromkeys(identity_counters(state, e.ticket), full.decode())
    items: list[Broadcast] = [(payloads, zone, others, own)]
    if fanout.by_audience["staff"] and isinstance(e, ev.TicketTransferred):
        t = state.tickets.get(e.ticket)
        if t is not None and t.identity is not None:
            told = encoder.encode(
                TicketIdentity(
                    seq=record.seq, ticket=t.id, label=t.label, identity=t.identity, id_warnings=t.id_warnings
                )
            )
            items.append(({}, None, None, dict.fromkeys(identity_counters(state, t.id), told.decode())))
    return items


def resumable(state: QueueState, ring: deque[ev.Record], last: int | None) -> bool:
    """Whether a screen that last saw ``last`` can be sent what followed it from the ``ring``:
    a ``last`` this server reached (not another database's), and not older than the ring."""
    if last is None or not 0 <= last <= state.seq:
        return False
    return last == state.seq or (bool(ring) and ring[0].seq <= last + 1)


def missed(state: QueueState, ring: deque[ev.Record], conn: Conn, last: int | None) -> list[str] | None:
    """The encoded events a client missed since ``last``, or None if it needs a snapshot:
    unknown or too old a ``last``, or more than ``RESUME_BUDGET_BYTES`` to send."""
    if last is None or not resumable(state, ring, last):
        return None
    texts: list[str] = []
    size = 0
    for i in range(len(ring) - (state.seq - last), len(ring)):
        r = ring[i]
        if not conn.wants(event_zone(state, r.event)):
            continue
        text = encode_for(state, r, conn.audience, conn.counter)
        if text is not None:
            texts.append(text)
            size += len(text)
            if size > RESUME_BUDGET_BYTES:
                return None
    return texts


def greeting(
    state: QueueState, ring: deque[ev.Record], conn: Conn, last: int | None, welcome: Welcome, now: float
) -> list[str]:
    """What a connecting screen is sent first: the welcome, then the events it missed and the
    waiting counts (a resume), or a snapshot of what its audience and zone may see."""
    texts_missed = missed(state, ring, conn, last)
    welcome = msgspec.structs.replace(welcome, seq=state.seq, resumed=texts_missed is not None)
    texts = [encoder.encode(welcome).decode()]
    if texts_missed is not None:
        texts.extend(texts_missed)
        waiting = {s.code: len(state.waiting.get(s.code, ())) for s in state.config.services}
        texts.append(encoder.encode(Waiting(seq=state.seq, waiting=waiting)).decode())
    else:
        view = snapshot(state, conn.audience, now, conn.zone, conn.counter, conn.viewer)
        texts.append(encoder.encode(Snapshot(seq=state.seq, view=view)).decode())
    return texts

"""Deciders of the patient's rating (P1): a counter asks its rating screen to rate the ticket it
finished, and the patient (or the counter's screen turned to the patient) rates it once."""

from __future__ import annotations

from collections.abc import Callable

from . import commands as cmd
from . import events as ev
from .access import Actor
from .errors import TicketError
from .faces import FaceMatch
from .find import counter_of, ticket_of
from .lifecycle import Status
from .state import QueueState, Ticket


def _not_rateable(t: Ticket) -> TicketError:
    return TicketError("not_rateable", "label", label=t.label)


def _rating_request(state: QueueState, c: cmd.RequestRating) -> ev.RatingRequested:
    """The ticket to rate: ``label``, or the one this counter finished last."""
    counter = counter_of(state, c.counter)
    if c.label:
        t = ticket_of(state, c.label)
    else:
        done = [
            t
            for t in state.tickets.values()
            if t.status is Status.DONE and t.last_counter == counter.number and t.finished_at is not None
        ]
        if not done:
            raise TicketError("nothing_to_rate")
        t = max(done, key=lambda x: x.finished_at or 0.0)
    if t.status is not Status.DONE or t.rating is not None or t.last_counter != counter.number:
        raise _not_rateable(t)
    return ev.RatingRequested(counter=counter.number, ticket=t.id, label=t.label)


def _rate(state: QueueState, c: cmd.RateTicket, actor: Actor) -> ev.TicketRated:
    t = ticket_of(state, c.label)
    if t.status is not Status.DONE or t.rating is not None or t.last_counter is None:
        raise _not_rateable(t)
    if actor.role in ("rating", "counter") and t.last_counter not in actor.counters:
        raise TicketError("wrong_counter.not_served_here", "label", label=t.label)
    if not 1 <= c.score <= 5 or len(set(c.reasons)) != len(c.reasons):
        raise TicketError("invalid_rating", "score")
    return ev.TicketRated(
        ticket=t.id,
        label=t.label,
        service=t.service,
        counter=t.last_counter,
        staff=state.counters[t.last_counter].staff,
        score=c.score,
        reasons=list(c.reasons),
    )


def _on_request_rating(
    state: QueueState, command: cmd.RequestRating, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    return [_rating_request(state, command)]


def _on_rate_ticket(
    state: QueueState, command: cmd.RateTicket, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    return [_rate(state, command, actor)]


DECIDERS: dict[type, Callable[..., list[ev.Event]]] = {
    cmd.RequestRating: _on_request_rating,
    cmd.RateTicket: _on_rate_ticket,
}

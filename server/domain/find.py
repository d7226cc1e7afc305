"""The counters and tickets a command names, found in the state, or the refusal: an unknown
counter or ticket, a counter that may not serve, a counter with nobody at it; a service's names
for a message."""

from __future__ import annotations

from .errors import CounterError, UnknownCounter, UnknownTicket
from .lifecycle import CounterAction, counter_transition
from .state import CounterState, QueueState, Ticket


def counter_of(state: QueueState, number: int) -> CounterState:
    c = state.counters.get(number)
    if c is None or state.config.counter(number) is None:
        raise UnknownCounter(number)
    return c


def open_counter(state: QueueState, number: int) -> CounterState:
    """A counter that may serve (open, not paused)."""
    c = counter_of(state, number)
    counter_transition(c.status, CounterAction.SERVE, number)
    return c


def current_of(state: QueueState, c: CounterState) -> Ticket:
    if c.current is None:
        raise CounterError("counter_idle", "counter", counter=c.number)
    return state.tickets[c.current]


def service_names(state: QueueState, code: str) -> tuple[str, str]:
    """A service's configured names for a message, Vietnamese and English (its code when unknown)."""
    service = state.config.service(code)
    name = service.name if service is not None else code
    return name, (service.name_en if service is not None and service.name_en else name)


def ticket_of(state: QueueState, label: str) -> Ticket:
    t = state.by_label(label.strip().upper())
    if t is None:
        raise UnknownTicket(label)
    return t

"""Domain errors. Every refusal is an exception that keeps its data (the parameters of its
message) and takes its code, messages and HTTP status from one catalogue
(``catalogue.CATALOGUE``): raise ``CounterError("counter_busy", "counter", counter=3)`` or one
of the named errors below, never a bare message.

Tree::

    DomainError             a refused command or invalid input; never a bug
    ├── ConfigError         invalid configuration (names the field)
    ├── IdentityError       invalid ID number, BHYT number, date of birth
    ├── TransitionError     a move the ticket or counter table forbids
    ├── CounterError        counter not open, busy, idle, unknown...
    │   └── UnknownCounter(counter, field)
    ├── TicketError         unknown ticket, duplicate ticket, no ticket waiting...
    │   ├── UnknownTicket(label)
    │   └── UnknownService(field)
    ├── ForbiddenError      the actor may not do this
    └── server.protocol.ProtocolError   a message that cannot be understood
"""

from __future__ import annotations

from typing import Any

from .catalogue import CATALOGUE, code_of, messages


class DomainError(Exception):
    """A refused command or invalid input: ``key`` names its catalogue entry, ``field`` the
    input at fault, ``params`` the values its message names."""

    def __init__(self, key: str, field: str | None = None, **params: Any) -> None:
        if key not in CATALOGUE:
            raise KeyError(f"no catalogue entry {key!r}")
        self.key = key
        self.code = code_of(key)
        self.field = field
        self.params = params
        self.message_vi, self.message_en = messages(key, params)
        super().__init__(f"{self.code}: {self.message_en}")

    @property
    def status(self) -> int:
        """The HTTP status an API answers this error with."""
        return CATALOGUE[self.key].status


class ConfigError(DomainError):
    pass


class IdentityError(DomainError):
    pass


class TransitionError(DomainError):
    pass


class CounterError(DomainError):
    pass


class TicketError(DomainError):
    pass


class ForbiddenError(DomainError):
    pass


class UnknownCounter(CounterError):
    def __init__(self, counter: int, field: str = "counter") -> None:
        super().__init__("unknown_counter", field, counter=counter)


class UnknownTicket(TicketError):
    def __init__(self, label: str) -> None:
        super().__init__("unknown_ticket", "label", label=label)


class UnknownService(TicketError):
    def __init__(self, field: str = "service") -> None:
        super().__init__("unknown_service", field)

"""Domain errors. Every refusal has a stable ``code`` and a message in Vietnamese and English.

Tree::

    DomainError
    ├── ConfigError         invalid configuration (names the field)
    ├── IdentityError       invalid ID number, BHYT number, date of birth
    ├── TransitionError     illegal ticket transition (code ``illegal_transition``)
    ├── CounterError        counter not open, busy, idle, unknown...
    ├── TicketError         unknown ticket, duplicate ticket, no ticket waiting...
    └── ForbiddenError      the actor's role does not allow the command
"""

from __future__ import annotations


class DomainError(Exception):
    """A refused command or invalid input; never a bug."""

    code: str = "domain_error"

    def __init__(self, code: str, message_vi: str, message_en: str, field: str | None = None) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en
        self.field = field


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

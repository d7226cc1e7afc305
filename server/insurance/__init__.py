"""The health-insurance check of a ticket (docs/insurance.md): who answers it (a
:class:`Checker`: the social-insurance gateway in ``bhxh.py``, or the HIS), and the service
that asks it when a ticket is issued and records the answer (``service.py``).

A checker never raises: a lookup that could not be made is an ``Answer`` with ``error`` set,
which the domain reads as "to be checked" (research vn-health.md §2.8: a portal that is down
never stops a patient)."""

from __future__ import annotations

from typing import Protocol

from ..domain.insurance import Answer


class Checker(Protocol):
    async def check(self, card: str, name: str, dob: str) -> Answer:
        """The answer about ``card`` (a 15-character BHYT number, a 10-digit social-insurance
        number or a 12-digit ID number) for the patient ``name`` born ``dob`` (dd/MM/yyyy)."""
        ...

    async def close(self) -> None: ...


class Unavailable:
    """The checker of a mode that cannot ask anyone (no account configured, or the HIS mode,
    not built yet): every ticket is "to be checked", with the reason for staff."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    async def check(self, card: str, name: str, dob: str) -> Answer:
        return Answer(error=self.reason)

    async def close(self) -> None:
        return None

"""The link to the hospital information system (docs/his.md): an outbox filled in the same
transaction as the events, a deliverer per link, and the link's three forms (FHIR R4, HL7 v2
over MLLP, signed webhooks); the inbound API lives in ``server/routes/his.py``.

Every form of link is an :class:`Adapter`: it sends one :class:`~server.domain.his.HisMessage`
and says how it went. It never decides about retries: the deliverer does (backoff, circuit
breaker, dead letters).
"""

from __future__ import annotations

import logging
from typing import Protocol

from ..domain.his import HisMessage

# httpx logs every request at INFO: up to five lines per FHIR message, written by the process that
# answers the kiosks. Failures are logged by the deliverer and shown on the admin page.
logging.getLogger("httpx").setLevel(logging.WARNING)


class Retryable(Exception):
    """The HIS could not take the message now (down, timeout, 5xx, 429, HL7 AE): send it again later."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason[:500]


class Refused(Exception):
    """The HIS refused the message for good (4xx other than 408/429, HL7 AR): a dead letter."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason[:500]


class Adapter(Protocol):
    async def send(self, message: HisMessage) -> str:
        """Deliver one message; return a short receipt for the admin page (e.g. "Encounter/12",
        "AA"). Idempotent: the same message twice leaves the HIS as once. Raises Retryable or
        Refused; any other exception counts as Retryable."""
        ...

    async def close(self) -> None: ...

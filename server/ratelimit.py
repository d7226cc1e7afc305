"""How fast a device may send commands: a token bucket per device, sized at what a real kiosk
does (a family's few tickets at once, then one patient every few seconds:
``QUEUE_DEVICE_BURST`` commands at once, then one per ``QUEUE_DEVICE_EVERY`` seconds). Past it
the command is refused as ``too_many_requests`` with the seconds to wait, and staff are told
(``Fleet.flooding``) at most once a minute while it lasts; the first command let through a
minute after the last alert clears it. Staff and administrators are not limited here (their
sign-in is: ``login_limits.py``, the rules ``domain/logins.py``). Kept in memory, one bucket per registered device."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .domain.errors import DomainError
from .fleet import Fleet

ALERT_EVERY = 60.0  # seconds between two alerts to staff of one device's flood


@dataclass
class Bucket:
    tokens: float
    at: float
    alerted: float | None = None  # when staff were last told of this device's flood


class CommandLimits:
    def __init__(self, fleet: Fleet, burst: int, every: float, clock: Callable[[], float]) -> None:
        self.fleet = fleet
        self.burst = float(burst)
        self.rate = 1.0 / every if every > 0 else math.inf  # tokens per second
        self.clock = clock
        self.buckets: dict[tuple[str, str], Bucket] = {}

    def admit(self, device: str, what: str = "commands") -> None:
        """Take one token of ``device``'s bucket for ``what`` (its commands, or its fault
        reports, each of which may alert staff), or raise ``too_many_requests``."""
        now = self.clock()
        b = self.buckets.get((device, what))
        if b is None:
            b = self.buckets[(device, what)] = Bucket(tokens=self.burst, at=now)
        b.tokens = min(self.burst, b.tokens + (now - b.at) * self.rate)
        b.at = now
        if b.tokens >= 1.0:
            b.tokens -= 1.0
            if b.alerted is not None and now - b.alerted >= ALERT_EVERY:
                b.alerted = None
                self.fleet.flooding(device, False)
            return
        if b.alerted is None or now - b.alerted >= ALERT_EVERY:
            b.alerted = now
            self.fleet.flooding(device, True)
        raise DomainError("too_many_requests", seconds=max(1, math.ceil((1.0 - b.tokens) / self.rate)))

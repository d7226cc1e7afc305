"""Where the login limits keep their counts (the rules: ``domain/logins.py``).

- ``LoginLimiter``: in this process's memory, for one process (SQLite, and the province view,
  which runs as one process: its sessions live in its memory). At most ``max_keys`` keys are
  kept, the least recently used dropped first.
- ``LocalLogins``: the same, as the server's ``LoginLimits``.
- ``server/pg_logins.py``'s ``SharedLogins``: in PostgreSQL, for the processes of one site
  (``QUEUE_DATABASE``), so that 5 failures are 5 whichever processes they reached.

``LoginLimits`` is what the HTTP API calls: ``begin`` counts an attempt before the slow hash, or
refuses it with ``too_many_attempts`` and the seconds to wait; ``succeeded`` forgets the user's
failures and takes the attempt back from the address."""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol

from .domain.logins import LoginRules


class LoginLimits(Protocol):
    async def begin(self, address: str, username: str, known: bool, now: float) -> None: ...

    async def succeeded(self, address: str, username: str) -> None: ...

    async def close(self) -> None: ...


class LoginLimiter:
    """The counts in memory (``LoginRules``' times per key), bounded to ``max_keys`` keys."""

    def __init__(
        self,
        per_user: int = 5,
        per_address: int = 20,
        window: float = 900.0,
        max_delay: float = 60.0,
        max_keys: int = 10_000,
    ) -> None:
        self.rules = LoginRules(per_user=per_user, per_address=per_address, window=window, max_delay=max_delay)
        self.max_keys = max_keys
        self.failures: OrderedDict[str, list[float]] = OrderedDict()

    def begin(self, address: str, username: str, known: bool, now: float) -> None:
        """Count an attempt, or refuse it with ``too_many_attempts`` and the seconds to wait."""
        keys = self.rules.keys(address, username, known)
        counted = self.rules.admit([(self.failures.get(key, []), limit) for key, limit in keys], now)
        for (key, _), times in zip(keys, counted, strict=True):
            self.failures[key] = times
            self.failures.move_to_end(key)
        while len(self.failures) > self.max_keys:
            self.failures.popitem(last=False)

    def succeeded(self, address: str, username: str) -> None:
        """The attempt was right: the user's failures are forgotten, and the address's count
        takes the attempt back."""
        self.failures.pop(f"{address}|{username}", None)
        if address in self.failures:
            self.failures[address] = self.rules.taken_back(self.failures[address])


class LocalLogins:
    """``LoginLimits`` of one process: a ``LoginLimiter`` in its memory."""

    def __init__(self, limiter: LoginLimiter | None = None) -> None:
        self.limiter = limiter or LoginLimiter()

    async def begin(self, address: str, username: str, known: bool, now: float) -> None:
        self.limiter.begin(address, username, known, now)

    async def succeeded(self, address: str, username: str) -> None:
        self.limiter.succeeded(address, username)

    async def close(self) -> None:
        pass

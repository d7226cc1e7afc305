"""The rules of login attempts, on the attempts' times alone (no I/O): the one place that says
when a login may be tried. Where the times are kept is the shell's part: in memory for one
process (``server/login_limits.py``), in PostgreSQL for the processes of one site
(``server/pg_logins.py``), so that the limit holds whichever process a request reaches.

An attempt is counted when it starts, before the slow hash, under two keys: the (address,
username) and the address. Past ``per_user`` recent attempts under the first, or
``per_address`` under the second, a further try waits 2, 4, 8 ... up to ``max_delay`` seconds
after the key's last attempt: a guesser gets a few tries an hour, a nurse who mistyped waits a
minute at most. Attempts older than ``window`` seconds are forgotten. A success forgets the
user's attempts and takes its own attempt back from the address."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from .errors import DomainError

UNKNOWN = "?"  # the username part of the key of every name that is not a staff account


class LoginRules(msgspec.Struct, frozen=True):
    per_user: int = 5
    per_address: int = 20
    window: float = 900.0
    max_delay: float = 60.0
    spare: int = 32  # times kept past a key's limit (the wait grows with them, up to max_delay)

    def keys(self, address: str, username: str, known: bool) -> list[tuple[str, int]]:
        """The keys an attempt is counted under, each with its limit: the user's, then the
        address's. Names that are not staff accounts share one key per address, so that made-up
        names do not make keys."""
        return [(f"{address}|{username if known else UNKNOWN}", self.per_user), (address, self.per_address)]

    def recent(self, times: Sequence[float], now: float) -> list[float]:
        """The times still within the window, oldest first."""
        return [t for t in times if t > now - self.window]

    def admit(self, counted: Sequence[tuple[Sequence[float], int]], now: float) -> list[list[float]]:
        """Each key's times (with its limit) after this attempt is counted, in the same order; or
        ``too_many_attempts`` with the seconds to wait, when one key's wait is not over."""
        kept = [self.recent(times, now) for times, _ in counted]
        for times, (_, limit) in zip(kept, counted, strict=True):
            if len(times) >= limit:
                wait = times[-1] + min(self.max_delay, 2.0 ** (len(times) - limit + 1)) - now
                if wait > 0:
                    seconds = int(wait) + 1
                    raise DomainError("too_many_attempts", str(seconds), seconds=seconds)
        return [[*times, now][-(limit + self.spare) :] for times, (_, limit) in zip(kept, counted, strict=True)]

    @staticmethod
    def taken_back(times: Sequence[float]) -> list[float]:
        """The address's times once a success takes its attempt back (the newest)."""
        return list(times[:-1])

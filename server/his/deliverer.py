"""One deliverer per outbound HIS link: it sends the link's pending messages from the outbox
(``server/his/outbox.py``) through the link's adapter, at least once and in order per ticket
(only a ticket's head is sent; its next message becomes the head once this one is delivered),
several tickets at once (``parallel``).

A message that fails is tried again after an exponential backoff with jitter (``backoff_min``
doubling up to ``backoff_max``); one the HIS refuses becomes a dead letter, holding its ticket's
later messages until an administrator retries or discards it. After ``TRIP`` failures in a row the
link's circuit breaker opens: one message (a probe) every ``probe_every`` seconds until one goes
through; then every pending message is due at once. The deliverer only reads and marks rows with
the outbox's own connection: a slow or dead HIS never touches the hub. It starts from the table,
so a restart resumes where delivery stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import time
from collections.abc import Callable

from . import Adapter, Refused, Retryable
from .links import Link
from .outbox import Entry, Store

log = logging.getLogger("server.his")

TRIP = 5  # failures in a row that open the breaker
TICK = 2.0  # the longest sleep: the alert is looked at this often


class Deliverer:
    def __init__(
        self,
        link: Link,
        adapter: Adapter,
        store: Store,
        clock: Callable[[], float] = time.time,
        parallel: int = 8,
        backoff_min: float = 1.0,
        backoff_max: float = 300.0,
        probe_every: float = 30.0,
        on_alert: Callable[[Link, bool], None] | None = None,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.link, self.adapter, self.store, self.clock = link, adapter, store, clock
        self.parallel = parallel
        self.backoff_min, self.backoff_max, self.probe_every = backoff_min, backoff_max, probe_every
        self.on_alert = on_alert
        self.jitter = jitter
        self.failures = 0  # in a row
        self.open_until: float | None = None  # the breaker is open until then (the next probe)
        self.last_success: float | None = None
        self.last_error = ""
        self.last_error_at: float | None = None
        self.failing_since: float | None = None  # the first failure since the last success
        self.alerted = False
        self.delivered = 0  # since start, for /metrics
        self.failed = 0
        self.refused = 0
        self.depth = 0  # pending messages after the last pass
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(parallel)

    @property
    def breaker(self) -> str:
        return "closed" if self.open_until is None else "open"

    def wake(self) -> None:
        """Something was committed (or retried): look at the outbox now."""
        self._wake.set()

    def backoff(self, attempts: int) -> float:
        """Seconds before the next try of a message that failed ``attempts`` times: doubling from
        ``backoff_min`` up to ``backoff_max``, each drawn in its upper half (jitter)."""
        delay = min(self.backoff_max, self.backoff_min * 2.0 ** min(attempts - 1, 30))
        return max(self.backoff_min, delay * (0.5 + self.jitter() / 2))

    async def run(self) -> None:
        while True:
            self._wake.clear()
            try:
                delay = await self.step()
                self.depth = (await self.store.counts(self.link.name)).pending
            except asyncio.CancelledError:
                raise
            except Exception:  # the database: try again shortly
                log.exception("HIS link %s: delivery pass failed", self.link.name)
                delay = TICK
            self.check_alert(self.clock())
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), min(delay, TICK))

    async def step(self) -> float:
        """One pass: send what is due; the seconds until something may be due again (0: at once)."""
        now = self.clock()
        if self.open_until is not None:
            if now < self.open_until:
                return self.open_until - now
            heads = await self.store.heads(self.link.name, math.inf, 1)  # the probe, due or not
            if not heads:
                return TICK
            if await self.send(heads[0]):
                return 0.0
            return self.probe_every
        heads = await self.store.heads(self.link.name, now, self.parallel * 4)
        if heads:
            await asyncio.gather(*(self._slotted(e) for e in heads))
            return 0.0
        due = await self.store.next_due(self.link.name)
        return TICK if due is None else max(0.0, due - now)

    async def _slotted(self, entry: Entry) -> None:
        async with self._slots:
            if self.open_until is None:  # the breaker opened meanwhile: leave it for later
                await self.send(entry)

    async def send(self, entry: Entry) -> bool:
        """Send one message and mark it; whether the HIS answered (delivered or refused)."""
        try:
            # a FHIR message is up to five requests, each within the link's timeout
            receipt = await asyncio.wait_for(self.adapter.send(entry.decoded()), self.link.timeout * 5 + 1)
        except asyncio.CancelledError:
            raise
        except Refused as exc:
            now = self.clock()
            await self.store.dead(entry, exc.reason, now)
            self.refused += 1
            self.last_error, self.last_error_at = exc.reason, now
            log.warning("HIS link %s refused %s: %s (a dead letter)", self.link.name, entry.message, exc.reason)
            await self._answered(now)
            return True
        except Exception as exc:
            now = self.clock()
            reason = exc.reason if isinstance(exc, Retryable) else f"{type(exc).__name__}: {exc}"[:500]
            await self.store.failed(entry, reason, now, now + self.backoff(entry.attempts + 1))
            self._failure(now, reason)
            return False
        now = self.clock()
        await self.store.delivered(entry, receipt, now)
        self.delivered += 1
        self.last_success = now
        await self._answered(now)
        return True

    def _failure(self, now: float, reason: str) -> None:
        self.failed += 1
        self.failures += 1
        self.last_error, self.last_error_at = reason, now
        if self.failing_since is None:
            self.failing_since = now
        if self.failures >= TRIP or self.open_until is not None:
            if self.open_until is None:
                log.warning("HIS link %s: %d failures in a row, breaker open (%s)", self.link.name, TRIP, reason)
            self.open_until = now + self.probe_every

    async def _answered(self, now: float) -> None:
        """The HIS answered: the breaker closes, and what waited out its backoff is due now."""
        self.failures = 0
        self.failing_since = None
        if self.open_until is not None:
            self.open_until = None
            log.info("HIS link %s answers again: breaker closed", self.link.name)
            await self.store.release(self.link.name, now)
        self.check_alert(now)

    def check_alert(self, now: float) -> None:
        """Tell staff when the link has failed, without a success, for longer than its
        ``alert_after``; and when it works again."""
        down = self.failing_since is not None and now - self.failing_since >= self.link.alert_after
        if down != self.alerted:
            self.alerted = down
            if self.on_alert is not None:
                self.on_alert(self.link, not down)

"""The site's HIS links at work: the hub's outbox hook (the messages of each step, written with
its events), one :class:`~server.his.deliverer.Deliverer` per outbound link, the staff alert of
a link down too long, and what the admin and counter pages read and do (health, dead letters,
a ticket's delivery, resend). A FHIR link with ``poll_seconds`` also polls the HIS's changes
(``fhir_poll.py``), applied through the hub (``fhir_intake.py``). Built by
``server/services.py``; started and stopped by the app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from ..domain import events as ev
from ..domain.handle import Step
from ..domain.his import messages_for, ticket_key
from ..domain.state import QueueState, Ticket
from ..eventlog import OutboxRow
from . import Adapter
from .adapters import adapter_for
from .deliverer import Deliverer
from .links import Link
from .outbox import OutboxStore, Store, ticket_status

if TYPE_CHECKING:  # FHIR's modules are imported only when a link polls
    from .fhir_intake import Queue

log = logging.getLogger("server.his")

KEEP_SECONDS = 7 * 86400  # delivered messages are kept this long (the admin's and the counter's view)
POLL_FILE = "his-poll.sqlite3"  # the pollers' cursors, beside the event log
UNREACHABLE = "his_unreachable"  # the code of the staff alert (clients/shared/faults.js)
_encoder = msgspec.json.Encoder()


def outbox_hook(links: list[Link]) -> Callable[[QueueState, list[ev.Record], dict[int, Ticket]], list[OutboxRow]]:
    """The hub's hook: for each record of a step, the rows of every outbound link."""
    outgoing = [link for link in links if link.form != "none"]

    def hook(state: QueueState, records: list[ev.Record], before: dict[int, Ticket]) -> list[OutboxRow]:
        rows: list[OutboxRow] = []
        for record in records:
            for link in outgoing:
                for m in messages_for(state, record, link.site, link.anonymous, before, link.actor):
                    rows.append(
                        OutboxRow(
                            link=link.name,
                            message=m.id,
                            ticket=m.ticket.key,
                            seq=m.seq,
                            kind=m.kind,
                            body=_encoder.encode(m),
                            created=record.at,
                        )
                    )
        return rows

    return hook


class HisLinks:
    def __init__(
        self,
        links: list[Link],
        db_path: Path,
        alert: Callable[[str, str, bool], None],
        clock: Callable[[], float] = time.time,
        adapters: Callable[[Link], Adapter] = adapter_for,
        queue: Queue | None = None,
        store: Store | None = None,  # the outbox in PostgreSQL (server/his/pg_outbox.py); default SQLite's
        **deliverer: Any,
    ) -> None:
        self.links = links
        self.outgoing = [link for link in links if link.form != "none"]
        self.store: Store = store if store is not None else OutboxStore(db_path)
        self.alert = alert
        self.clock = clock
        self.adapters = adapters
        self.options = deliverer  # parallel, backoff_min, backoff_max, probe_every
        self.queue = queue  # the hub, for what the pollers bring in
        self.poll_path = db_path.parent / POLL_FILE
        self.deliverers: dict[str, Deliverer] = {}
        self.pollers: dict[str, Any] = {}  # name -> (FhirPoller, FhirIntake)
        self._tasks: list[asyncio.Task[None]] = []
        self._prunes: set[asyncio.Task[None]] = set()

    def hook(self) -> Callable[[QueueState, list[ev.Record], dict[int, Ticket]], list[OutboxRow]] | None:
        return outbox_hook(self.links) if self.outgoing else None

    async def start(self) -> None:
        if not self.outgoing:
            return
        await self.store.open()
        await self.prune()
        for link in self.outgoing:
            adapter = self.adapters(link)
            d = Deliverer(link, adapter, self.store, self.clock, on_alert=self._alert, **self.options)
            self.deliverers[link.name] = d
            self._tasks.append(asyncio.create_task(d.run(), name=f"his-{link.name}"))
            if link.form == "fhir" and link.poll_seconds > 0 and self.queue is not None:
                await self._poll(link, getattr(adapter, "own", None))
        log.info("HIS links delivering: %s", ", ".join(self.deliverers))

    async def _poll(self, link: Link, own: Any) -> None:
        """Poll the link's HIS, sharing the adapter's record of our own writes."""
        from .fhir_client import FhirClient
        from .fhir_intake import FhirIntake
        from .fhir_poll import FhirPoller

        assert self.queue is not None
        intake = FhirIntake(link, self.queue, FhirClient(link))
        poller = FhirPoller(link, self.poll_path, intake, own=own, before=intake.sweep)
        await poller.open()
        self.pollers[link.name] = (poller, intake)
        self._tasks.append(asyncio.create_task(poller.run(), name=f"his-poll-{link.name}"))
        log.info("HIS link %s: polling every %g s", link.name, link.poll_seconds)

    async def stop(self) -> None:
        for t in [*self._tasks, *self._prunes]:
            t.cancel()
        for t in [*self._tasks, *self._prunes]:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        self._tasks = []
        for d in self.deliverers.values():
            with contextlib.suppress(Exception):
                await d.adapter.close()
        self.deliverers = {}
        for poller, intake in self.pollers.values():
            with contextlib.suppress(Exception):
                await poller.close()
            with contextlib.suppress(Exception):
                await intake.client.close()
        self.pollers = {}
        await self.store.close()

    def committed(self, state: QueueState, steps: list[Step]) -> None:
        """The hub's listener: wake the deliverers after each commit; prune at a day's start."""
        for d in self.deliverers.values():
            d.wake()
        if self.deliverers and any(isinstance(r.event, ev.DayStarted) for s in steps for r in s.records):
            task = asyncio.create_task(self.prune())
            self._prunes.add(task)
            task.add_done_callback(self._prunes.discard)

    async def prune(self) -> None:
        try:
            gone = await self.store.prune(self.clock() - KEEP_SECONDS)
        except Exception:
            log.exception("could not prune the HIS outbox")
            return
        if gone:
            log.info("HIS outbox: %d delivered messages older than 7 days pruned", gone)

    def _alert(self, link: Link, ok: bool) -> None:
        if not ok:
            log.error("HIS link %s unreachable for more than %.0f s", link.name, link.alert_after)
        self.alert(link.actor, link.name, ok)

    # ---- for the admin and the counter (server/routes/his_admin.py)

    async def health(self) -> list[dict[str, Any]]:
        now = self.clock()
        out: list[dict[str, Any]] = []
        for link in self.links:
            d = self.deliverers.get(link.name)
            row: dict[str, Any] = {"name": link.name, "form": link.form, "site": link.site}
            if d is not None:
                counts = await self.store.counts(link.name)
                row |= {
                    "depth": counts.pending,
                    "oldest_pending_seconds": None if counts.oldest_pending is None else now - counts.oldest_pending,
                    "last_success": d.last_success,
                    "last_error": d.last_error,
                    "last_error_at": d.last_error_at,
                    "breaker": d.breaker,
                    "dead": counts.dead,
                    "alert": d.alerted,
                }
            if link.name in self.pollers:
                poller, intake = self.pollers[link.name]
                row["poll"] = {
                    "every": link.poll_seconds,
                    "last_success": poller.last_success,
                    "last_error": poller.last_error,
                    **intake.status(),
                }
            out.append(row)
        return out

    async def dead(self) -> list[dict[str, Any]]:
        if not self.deliverers:
            return []
        return [
            {
                "link": e.link,
                "id": e.message,
                "ticket": e.ticket,
                "label": e.decoded().ticket.label,
                "kind": e.kind,
                "reason": e.last_error,
                "at": e.last_error_at,
                "created": e.created,
            }
            for e in await self.store.dead_letters()
        ]

    async def retry(self, link: str, message: str) -> bool:
        d = self.deliverers.get(link)
        if d is None or not await self.store.retry(link, message, self.clock()):
            return False
        d.wake()
        return True

    async def discard(self, link: str, message: str) -> bool:
        d = self.deliverers.get(link)
        if d is None or not await self.store.discard(link, message):
            return False
        d.wake()
        return True

    async def ticket(self, t: Ticket) -> list[dict[str, Any]]:
        """Where a ticket stands on every outbound link."""
        out = []
        for link in self.outgoing:
            rows = await self.store.of_ticket(link.name, ticket_key(link.site, t.day, t.id))
            status, error = ticket_status(rows)
            out.append({"link": link.name, "status": status, "last_error": error, "messages": len(rows)})
        return out

    async def resend(self, t: Ticket) -> list[str]:
        """A ticket sent again (staff asked, at the counter); the ids queued. Only on the links
        that have not delivered all its messages, if any (a link that has would get a copy
        under a new id it cannot tell from a new message); on every outbound link when all have.
        What the HIS refused goes again (the admin's retry), and with it what it held back; what
        is still failing is due now (as when the HIS answers again: the link's other waiting
        messages too); a ticket all delivered has its latest message queued again under a new
        id (``<id>-r<n>``). Only the last adds a row: a copy queued behind a refused or failing
        message would wait behind it."""
        now = self.clock()
        links: list[tuple[Link, str, list[str], list[str]]] = []
        for link in self.outgoing:
            key = ticket_key(link.site, t.day, t.id)
            rows = await self.store.of_ticket(link.name, key)
            dead = [r.message for r in rows if r.status == "dead"]
            waiting = [r.message for r in rows if r.status == "pending"]
            links.append((link, key, dead, waiting))
        behind = [x for x in links if x[2] or x[3]]
        sent: list[str] = []
        for link, key, dead, waiting in behind or links:
            if dead:
                found = [m for m in dead if await self.store.retry(link.name, m, now)]
            elif waiting:
                await self.store.release(link.name, now)
                found = waiting
            else:
                again = await self.store.resend(link.name, key, now)
                found = [again] if again is not None else []
            if found:
                sent.extend(found)
                self.deliverers[link.name].wake()
        return sent

"""The HIS deliverer's own logic against a test adapter, over a real SQLite outbox: in order per
ticket, tickets in parallel, backoff with jitter, the circuit breaker, dead letters held and
retried or discarded, the staff alert, and a restart that resumes from the table. Each test runs
on both outboxes: SQLite's (``OutboxStore``) and PostgreSQL's (``PgOutboxStore``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest

from server.domain.his import HisMessage, HisTicket
from server.eventlog import EventLog, OutboxRow
from server.his import Refused, Retryable
from server.his.deliverer import TRIP, Deliverer
from server.his.links import Link
from server.his.outbox import OutboxStore, Store, ticket_status
from server.his.pg_outbox import PgOutboxStore
from server.pg_log import PgLog

from .logs import LogStore

LINK = Link(name="his", form="webhook", site="70001", url="http://x", secret="s" * 24, alert_after=60)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


class Script:
    """A test HIS: records what it took; ``answers`` decides per message id (an exception to
    raise, or None to take it); ``busy`` counts sends in flight."""

    def __init__(self) -> None:
        self.taken: list[str] = []
        self.answers: dict[str, Exception] = {}
        self.down: Exception | None = None
        self.busy = self.most_busy = 0

    async def send(self, message: HisMessage) -> str:
        self.busy += 1
        self.most_busy = max(self.most_busy, self.busy)
        await asyncio.sleep(0.01)
        self.busy -= 1
        if self.down is not None:
            raise self.down
        if message.id in self.answers:
            raise self.answers[message.id]
        self.taken.append(message.id)
        return "ok"

    async def close(self) -> None:
        return None


def message(ticket: int, seq: int) -> HisMessage:
    t = HisTicket(
        key=f"70001-20261123-{ticket}", site="70001", ticket=ticket, label=f"A{ticket:03d}", day="2026-11-23",
        service="A", service_name="Khám", care_kind="01", status="waiting", issued_at=0.0,
    )  # fmt: skip
    return HisMessage(id=f"{t.key}-{seq}", seq=seq, at=float(seq), kind="issued", ticket=t)


_stores: list[Store] = []


@pytest.fixture
async def db(logs: LogStore) -> AsyncIterator[EventLog]:
    log = logs.make("NORMAL")
    await log.open()
    yield log
    for store in _stores:
        await store.close()
    _stores.clear()
    await log.close()


async def put(log: EventLog, *messages: HisMessage, link: str = "his") -> None:
    """Write messages as the hub does: in the transaction of their events."""
    rows = [
        OutboxRow(link, m.id, m.ticket.key, m.seq, m.kind, msgspec.json.encode(m), m.at) for m in messages
    ]  # fmt: skip
    await log.append([], [], None, rows)


async def deliverer(db: EventLog, adapter: Script, clock: Clock, **kw: object) -> Deliverer:
    store: Store = PgOutboxStore(db.url, db.site) if isinstance(db, PgLog) else OutboxStore(db.path)  # type: ignore[attr-defined]
    await store.open()
    _stores.append(store)
    return Deliverer(LINK, adapter, store, clock, jitter=lambda: 1.0, **kw)  # type: ignore[arg-type]


async def drain(d: Deliverer, rounds: int = 20) -> None:
    for _ in range(rounds):
        if await d.step() > 0:
            return


async def test_in_order_per_ticket_and_tickets_in_parallel(db: EventLog) -> None:
    clock, his = Clock(), Script()
    seqs = {1: [1, 4, 7], 2: [2, 5, 8], 3: [3, 6, 9]}
    await put(db, *(message(t, s) for s in range(1, 10) for t in seqs if s in seqs[t]))
    d = await deliverer(db, his, clock)
    await drain(d)
    assert sorted(his.taken) == sorted(message(t, s).id for t in seqs for s in seqs[t])
    for t, s in seqs.items():
        assert [i for i in his.taken if i.startswith(f"70001-20261123-{t}-")] == [message(t, x).id for x in s]
    assert his.most_busy == 3, "the heads of three tickets go out together"
    assert d.delivered == 9 and (await d.store.counts("his")).pending == 0
    await d.store.close()


async def test_a_failed_message_waits_its_backoff_then_goes_first(db: EventLog) -> None:
    clock, his = Clock(), Script()
    await put(db, message(1, 1), message(1, 2))
    d = await deliverer(db, his, clock)
    his.down = Retryable("HTTP 503")
    assert await d.step() == 0  # tried and failed
    assert await d.step() == pytest.approx(1.0)  # the first backoff: 1 s
    (row,) = await d.store.heads("his", clock.now + 1, 10)
    assert (row.attempts, row.last_error) == (1, "HTTP 503")
    his.down = None
    clock.now += 1
    await drain(d)
    assert his.taken == [message(1, 1).id, message(1, 2).id]
    await d.store.close()


def test_backoff_doubles_with_jitter_from_1_s_to_5_minutes() -> None:
    d = Deliverer(LINK, Script(), OutboxStore(Path("unused")), jitter=lambda: 1.0)
    assert [d.backoff(n) for n in (1, 2, 3, 9, 10, 50)] == [1, 2, 4, 256, 300, 300]
    d.jitter = lambda: 0.0  # the lower end of the jitter: half, never under 1 s
    assert [d.backoff(n) for n in (1, 2, 3, 10)] == [1, 1, 2, 150]


async def test_the_breaker_opens_after_five_failures_and_probes_once_per_period(db: EventLog) -> None:
    clock, his = Clock(), Script()
    await put(db, *(message(t, t) for t in range(1, 11)))
    d = await deliverer(db, his, clock, parallel=1, probe_every=30.0)
    his.down = Retryable("connection refused")
    await d.step()  # four heads at a time (parallel 1): four failures
    assert d.breaker == "closed"
    await d.step()
    assert d.breaker == "open" and d.failed == TRIP, "five sent, then it stops trying"
    assert await d.step() == pytest.approx(30.0)
    clock.now += 30
    await d.step()  # one probe, still down
    assert d.failed == TRIP + 1 and d.breaker == "open"
    his.down = None
    clock.now += 30
    assert await d.step() == 0  # the probe goes through: closed, and every backoff is over
    assert d.breaker == "closed"
    await drain(d)
    assert len(his.taken) == 10
    await d.store.close()


async def test_a_dead_letter_holds_its_ticket_until_retried_or_discarded(db: EventLog) -> None:
    clock, his = Clock(), Script()
    await put(db, message(1, 1), message(2, 2), message(1, 3), message(2, 4), message(1, 5))
    his.answers = {message(1, 1).id: Refused("HTTP 400: bad patient"), message(2, 2).id: Refused("HTTP 422")}
    d = await deliverer(db, his, clock)
    await drain(d)
    assert his.taken == [] and d.breaker == "closed", "a refusal is an answer, not an outage"
    dead = await d.store.dead_letters()
    assert [(e.message, e.last_error) for e in dead] == [
        (message(1, 1).id, "HTTP 400: bad patient"),
        (message(2, 2).id, "HTTP 422"),
    ]
    assert ticket_status(await d.store.of_ticket("his", message(1, 1).ticket.key)) == ("dead", "HTTP 400: bad patient")
    his.answers = {}
    assert await d.store.retry("his", message(1, 1).id, clock.now)
    assert not await d.store.retry("his", message(1, 1).id, clock.now), "only a dead letter is retried"
    assert await d.store.discard("his", message(2, 2).id)
    await drain(d)
    assert sorted(his.taken) == sorted(message(t, s).id for t, s in ((1, 1), (1, 3), (1, 5), (2, 4)))
    assert [i for i in his.taken if "-1-" in i] == [message(1, s).id for s in (1, 3, 5)]
    assert ticket_status(await d.store.of_ticket("his", message(1, 1).ticket.key))[0] == "delivered"
    await d.store.close()


async def test_a_restart_resumes_from_the_table(db: EventLog) -> None:
    clock, his = Clock(), Script()
    await put(db, *(message(t, s) for s in (1, 2, 3) for t in (1, 2)))
    d = await deliverer(db, his, clock, parallel=1)
    await d.send((await d.store.heads("his", clock.now, 1))[0])
    await d.store.close()  # the process dies here
    again = await deliverer(db, his, clock)
    await drain(again)
    assert sorted(his.taken) == sorted(message(t, s).id for s in (1, 2, 3) for t in (1, 2))
    assert len(his.taken) == 6, "what was delivered is not sent again"
    await again.store.close()


async def test_staff_are_alerted_when_the_link_fails_longer_than_alert_after(db: EventLog) -> None:
    clock, his, told = Clock(), Script(), []
    await put(db, message(1, 1))
    d = await deliverer(db, his, clock, on_alert=lambda link, ok: told.append(ok))
    his.down = Retryable("timeout")
    await d.step()
    d.check_alert(clock.now + 59)
    assert told == []
    clock.now += 61
    d.check_alert(clock.now)
    d.check_alert(clock.now + 1)
    assert told == [False], "told once"
    his.down = None
    await drain(d)
    assert told == [False, True] and his.taken == [message(1, 1).id]
    await d.store.close()


async def test_resend_queues_the_latest_message_again_with_its_own_id(db: EventLog) -> None:
    clock, his = Clock(), Script()
    await put(db, message(1, 1), message(1, 2))
    d = await deliverer(db, his, clock)
    await drain(d)
    key = message(1, 1).ticket.key
    assert await d.store.resend("his", key, clock.now) == f"{message(1, 2).id}-r1"
    assert await d.store.resend("his", key, clock.now) == f"{message(1, 2).id}-r2"
    assert await d.store.resend("his", "70001-20261123-99", clock.now) is None
    await drain(d)
    assert his.taken[2:] == [f"{message(1, 2).id}-r1", f"{message(1, 2).id}-r2"]
    assert (await d.store.counts("his")).delivered == 4
    assert await d.store.prune(clock.now + 1) == 4
    await d.store.close()

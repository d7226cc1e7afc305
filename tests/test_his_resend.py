"""Staff sending a ticket to the HIS again (``HisLinks.resend``, the counter's "Gửi lại HIS"),
over a real SQLite outbox and the real deliverer, stepped by hand against a test HIS: a refused
message goes again (and what it held back after it), not a copy queued behind it; a failing one
is due at once, not after its backoff; a ticket all delivered gets its latest message once more
under a new id."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.domain.state import Ticket
from server.his import Refused, Retryable
from server.his.deliverer import Deliverer
from server.his.links import Link
from server.his.service import HisLinks
from server.sqlite_log import SqliteLog

from .test_his_deliverer import LINK, Clock, Script, drain, message, put

TICKET = Ticket(
    id=1, label="A001", service="A", number=1, day="2026-11-23", status="called", issued_at=0.0, queue_key=0.0
)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[SqliteLog]:
    log = SqliteLog(tmp_path / "q.sqlite3", "NORMAL")
    await log.open()
    yield log
    for hl in _open:
        await hl.store.close()
    _open.clear()
    await log.close()


_open: list[HisLinks] = []


async def links(db: SqliteLog, his: Script, clock: Clock) -> tuple[HisLinks, Deliverer]:
    """The site's links over the outbox, with the deliverer not running: the test steps it."""
    hl = HisLinks([LINK], db.path, alert=lambda *a: None, clock=clock)
    await hl.store.open()
    _open.append(hl)
    d = Deliverer(LINK, his, hl.store, clock, jitter=lambda: 1.0)
    hl.deliverers[LINK.name] = d
    return hl, d


async def test_a_refused_registration_goes_again_with_what_it_held_back(db: SqliteLog) -> None:
    clock, his = Clock(), Script()
    await put(db, message(1, 1), message(1, 2))
    hl, d = await links(db, his, clock)
    his.answers[message(1, 1).id] = Refused("HTTP 400")
    await drain(d)
    assert (await hl.ticket(TICKET))[0]["status"] == "dead"
    del his.answers[message(1, 1).id]  # fixed at the HIS
    assert await hl.resend(TICKET) == [message(1, 1).id]
    await drain(d)
    assert his.taken == [message(1, 1).id, message(1, 2).id], "the same messages, in order, no copy"
    assert (await hl.ticket(TICKET))[0] == {
        "link": "his",
        "status": "delivered",
        "last_error": "HTTP 400",
        "messages": 2,
    }


async def test_a_failing_registration_is_due_at_once_and_a_delivered_one_goes_once_more(db: SqliteLog) -> None:
    clock, his = Clock(), Script()
    await put(db, message(1, 1), message(1, 2))
    hl, d = await links(db, his, clock)
    his.down = Retryable("HTTP 503")
    for _ in range(3):  # three failures: the next try is 4 s away
        await d.step()
        clock.now += d.backoff(d.failures)
    clock.now -= d.backoff(d.failures)
    assert (await hl.ticket(TICKET))[0]["status"] == "failed"
    assert await d.step() > 1, "waiting out its backoff"
    his.down = None
    assert await hl.resend(TICKET) == [message(1, 1).id, message(1, 2).id]
    await drain(d)
    assert his.taken == [message(1, 1).id, message(1, 2).id], "sent now, without waiting the backoff"
    assert await hl.resend(TICKET) == [f"{message(1, 2).id}-r1"]
    await drain(d)
    assert his.taken[-1] == f"{message(1, 2).id}-r1"
    assert (await hl.ticket(TICKET))[0]["status"] == "delivered"


async def test_a_resend_goes_only_on_the_link_that_has_not_delivered(db: SqliteLog) -> None:
    clock, his, lab = Clock(), Script(), Script()
    other = Link(name="lab", form="webhook", site="70001", url="http://y", secret="t" * 24)
    await put(db, message(1, 1))
    await put(db, message(1, 1), link="lab")
    hl, d = await links(db, his, clock)
    hl.outgoing = hl.links = [LINK, other]
    d_lab = Deliverer(other, lab, hl.store, clock, jitter=lambda: 1.0)
    hl.deliverers[other.name] = d_lab
    his.answers[message(1, 1).id] = Refused("HTTP 400")
    await drain(d)
    await drain(d_lab)
    assert [s["status"] for s in await hl.ticket(TICKET)] == ["dead", "delivered"]
    del his.answers[message(1, 1).id]
    assert await hl.resend(TICKET) == [message(1, 1).id]
    await drain(d)
    await drain(d_lab)
    assert (his.taken, lab.taken) == ([message(1, 1).id], [message(1, 1).id]), "no copy to the lab"
    # every link has delivered: a resend copies to all
    assert await hl.resend(TICKET) == [f"{message(1, 1).id}-r1"] * 2
    await drain(d)
    await drain(d_lab)
    assert (his.taken[-1], lab.taken[-1]) == (f"{message(1, 1).id}-r1",) * 2

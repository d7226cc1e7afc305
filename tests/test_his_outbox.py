"""On both logs (SQLite and PostgreSQL), the HIS outbox is written by the hub in the same transaction as the events it tells of
(server/his/service.py's hook): a ticket's messages with its events, nothing when the commit
fails, nothing computed or written without a link, the old day's tickets cancelled at day start."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import msgspec

from server.domain import commands as cmd
from server.domain.his import HisMessage
from server.domain.identity import Identity
from server.his.links import Link
from server.his.service import HisLinks, outbox_hook
from server.settings import Settings

from .domain.sim import VN
from .logs import LogStore
from .test_hub import ADMIN, Clock, FailingLog, make_hub

WEB = Link(name="web", form="webhook", site="70001", url="http://x", secret="s" * 24)
ANON = Link(name="all", form="webhook", site="70002", url="http://y", secret="s" * 24, anonymous=True)
INBOUND = Link(name="in", form="none", site="70001")
ID = Identity(source="typed", id_number="001090000001")


def outbox(db: LogStore) -> list[tuple[Any, ...]]:
    rows = db.query("SELECT link, message, ticket, seq, kind, body FROM his_outbox ORDER BY id")
    return [(*r[:5], bytes(r[5])) for r in rows]  # type: ignore[call-overload]


async def test_messages_are_written_with_their_events(logs: LogStore) -> None:
    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    log = FailingLog(logs.make())
    hub = await make_hub(logs, clock, log)  # type: ignore[arg-type]
    hub.outbox = outbox_hook([WEB, ANON, INBOUND])
    await hub.submit(cmd.OpenCounter(counter=1), ADMIN)
    assert outbox(logs) == []  # a counter's event: nothing for the HIS
    issued = await hub.submit(cmd.IssueTicket(service="A", identity=ID), ADMIN)
    await hub.submit(cmd.IssueTicket(service="A"), ADMIN)  # no identity: only the link that asks
    called = await hub.submit(cmd.CallNext(counter=1), ADMIN)
    rows = outbox(logs)
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        ("web", "70001-20261123-1", issued.seq, "issued"),
        ("all", "70002-20261123-1", issued.seq, "issued"),
        ("all", "70002-20261123-2", issued.seq + 1, "issued"),
        ("web", "70001-20261123-1", called.seq, "called"),
        ("all", "70002-20261123-1", called.seq, "called"),
    ]
    m = msgspec.json.decode(rows[3][5], type=HisMessage)
    assert (m.id, m.ticket.status, m.ticket.counter, m.ticket.patient and m.ticket.patient.id_number) == (
        rows[3][1], "called", 1, "001090000001")  # fmt: skip
    log.fail_next = True
    failed = await hub.submit(cmd.StartService(counter=1), ADMIN)
    assert failed.error is not None and failed.error.code == "storage_error"
    assert len(outbox(logs)) == 5, "a failed commit writes no message either"
    started = await hub.submit(cmd.StartService(counter=1), ADMIN)
    assert started.seq in logs.committed_seqs() and [r[4] for r in outbox(logs)[5:]] == ["started", "started"]


async def test_without_links_nothing_is_computed_or_written(tmp_path: Path, logs: LogStore) -> None:
    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    hub = await make_hub(logs, clock)
    his = HisLinks([INBOUND], tmp_path / "q.sqlite3", lambda a, n, ok: None)
    assert his.hook() is None and HisLinks([], tmp_path / "q.sqlite3", lambda a, n, ok: None).hook() is None
    hub.outbox = his.hook()
    await hub.submit(cmd.IssueTicket(service="A", identity=ID), ADMIN)
    assert outbox(logs) == []


async def test_the_new_day_cancels_the_old_days_tickets_at_the_his(logs: LogStore) -> None:
    clock = Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    hub = await make_hub(logs, clock)
    hub.outbox = outbox_hook([WEB])
    await hub.submit(cmd.IssueTicket(service="A", identity=ID), ADMIN)
    clock.now = dt.datetime(2026, 11, 24, 8, 0, tzinfo=VN).timestamp()
    await hub.tick()
    (_, last) = outbox(logs)
    m = msgspec.json.decode(last[5], type=HisMessage)
    assert (m.kind, m.reason, m.ticket.key, m.ticket.status) == ("cancelled", "expired", "70001-20261123-1", "expired")


def test_the_links_file_is_his_toml_beside_the_data_unless_named(tmp_path: Path) -> None:
    assert Settings.from_env({"QUEUE_DATA": str(tmp_path)}).his_file is None
    (tmp_path / "his.toml").write_text("")
    assert Settings.from_env({"QUEUE_DATA": str(tmp_path)}).his_file == tmp_path / "his.toml"
    named = Settings.from_env({"QUEUE_DATA": str(tmp_path), "QUEUE_HIS": "/etc/queue/his.toml"})
    assert named.his_file == Path("/etc/queue/his.toml")

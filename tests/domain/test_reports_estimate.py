"""The estimate error in the reports: the wait shown at issue, recorded in ``TicketIssued``,
against the wait the ticket had until its first call."""

from __future__ import annotations

import datetime as dt

import msgspec

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.reports import build, local_range

from .sim import VN, Sim


def test_the_wait_shown_at_issue_is_recorded_in_the_event() -> None:
    sim = Sim()
    sim.open(1)
    sim.issue("A")
    sim.issue("A")
    issued = [r.event for r in sim.records if isinstance(r.event, ev.TicketIssued)]
    assert [e.wait_minutes for e in issued] == [0, 4]  # configured 4 minutes, one counter


def test_an_event_of_an_older_log_has_no_shown_wait() -> None:
    old = b'{"type":"ticket_issued","ticket":1,"service":"A","number":1,"label":"A001","day":"2026-11-23"}'
    e = msgspec.json.decode(old, type=ev.AnyEvent)
    assert isinstance(e, ev.TicketIssued) and e.wait_minutes is None


def test_report_gives_the_estimate_error_by_service_and_hour() -> None:
    sim = Sim()
    sim.open(1)
    first, second, third = sim.issue("A"), sim.issue("A"), sim.issue("A")  # shown 0, 4 and 8 minutes
    sim.call(1)
    sim.advance(10)
    sim.do(cmd.FinishService(counter=1))
    sim.call(1)  # second: waited 10, shown 4: error -6
    sim.advance(2)
    sim.do(cmd.FinishService(counter=1))
    sim.call(1)  # third: waited 12, shown 8: error -4
    start, end = local_range(dt.date(2026, 11, 23), dt.date(2026, 11, 23), VN)
    report = build(sim.records, start, end, sim.now, sim.state.config)
    error = report["by_service"][0]["estimate_error"]
    assert error == {"n": 3, "mae": 3.33, "p90": 6.0, "bias": -3.33, "within_5": 0.6667, "within_10": 1.0}
    assert [r["key"] for r in report["by_hour"]] == ["08"] and report["by_hour"][0]["estimate_error"]["n"] == 3
    assert report["total"]["estimate_error"]["mae"] == 3.33
    assert (first.id, second.id, third.id) == (1, 2, 3)


def test_report_without_shown_waits_says_so() -> None:
    sim = Sim()
    sim.issue("A")  # no counter open: no estimate shown
    sim.open(1)
    sim.call(1)  # a wait, but nothing to compare it with
    start, end = local_range(dt.date(2026, 11, 23), dt.date(2026, 11, 23), VN)
    report = build(sim.records, start, end, sim.now, sim.state.config)
    assert report["total"]["estimate_error"] == {
        "n": 0,
        "mae": None,
        "p90": None,
        "bias": None,
        "within_5": None,
        "within_10": None,
    }

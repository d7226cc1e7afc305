"""What the counter's "today" list shows (server/views.py, counter_history): one row per call to
that counter, a ticket transferred away as transferred with where it went."""

from __future__ import annotations

from server.domain import commands as cmd
from server.history import counter_history

from .domain.sim import Sim


def rows(sim: Sim, counter: int) -> list[tuple[str, str, str | None, int | None]]:
    return [
        (r["label"], r["status"], r.get("to_service"), r.get("to_counter")) for r in counter_history(sim.state, counter)
    ]


def test_a_transferred_ticket_shows_as_transferred_where_it_left() -> None:
    sim = Sim()
    sim.open(1, 2, 3)
    a1, a2 = sim.issue("A"), sim.issue("A")
    sim.call(1)
    sim.advance(1)
    sim.do(cmd.Transfer(counter=1, to_service="B", to_counter=3, position="front"))
    sim.advance(1)
    sim.call(1)
    sim.advance(1)
    sim.do(cmd.FinishService(counter=1))
    assert rows(sim, 1) == [(a2.label, "done", None, None), (a1.label, "transferred", "B", 3)]
    assert rows(sim, 3) == []

    sim.advance(1)
    sim.call(3)  # the other counter calls it: still a transfer at the first one
    assert rows(sim, 1)[-1] == (a1.label, "transferred", "B", 3)
    assert rows(sim, 3) == [(a1.label, "called", None, None)]

    sim.advance(1)
    sim.do(cmd.Transfer(counter=3, to_service="A", to_counter=1, position="front"))
    sim.advance(1)
    sim.call(1)  # back here: a second row for the second call, the last call first
    assert rows(sim, 1) == [
        (a1.label, "called", None, None),
        (a2.label, "done", None, None),
        (a1.label, "transferred", "B", 3),
    ]
    assert rows(sim, 3) == [(a1.label, "transferred", "A", 1)]


def test_a_row_of_a_transfer_keeps_the_times_of_the_call_there() -> None:
    sim = Sim()
    sim.open(1)
    sim.issue("A")
    called = sim.now
    sim.call(1)
    sim.advance(1)
    sim.do(cmd.StartService(counter=1))
    sim.advance(4)
    sim.do(cmd.Transfer(counter=1, to_service="B", position="back"))
    [row] = counter_history(sim.state, 1)
    assert row["called_at"] == called
    assert row["started_at"] == called + 60
    assert row["transferred_at"] == called + 300
    assert row["to_counter"] is None  # any counter of the service

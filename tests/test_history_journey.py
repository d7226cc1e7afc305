"""The counter's "today" list with visits of several steps (server/history.py): a row per step
served at the counter, ``sent_on`` while the visit goes on, how it ended once it has, and the
ordinary row while the patient is there now (issue 20)."""

from __future__ import annotations

from server.domain import commands as cmd
from server.history import counter_history

from .domain.sim import Sim


def rows(sim: Sim, counter: int) -> list[tuple[str, str, str]]:
    return [(r["label"], r["service"], r["status"]) for r in counter_history(sim.state, counter)]


def test_a_patient_sent_on_and_back_has_a_row_per_visit_to_the_room() -> None:
    sim = Sim()
    sim.open(1, 3)
    a1 = sim.issue("A")
    sim.call(1)
    sim.advance(2)
    sim.do(cmd.SendOn(counter=1, steps=[cmd.StepIn(service="B")], come_back=True, reason="Xem kết quả"))
    assert rows(sim, 1) == [(a1.label, "A", "sent_on")], "still listed where it was sent from"
    assert rows(sim, 3) == []

    sim.advance(1)
    sim.call(3)
    assert rows(sim, 3) == [(a1.label, "B", "called")]
    assert rows(sim, 1) == [(a1.label, "A", "sent_on")]
    sim.advance(3)
    sim.do(cmd.FinishService(counter=3))
    assert rows(sim, 3) == [(a1.label, "B", "sent_on")]

    sim.advance(1)
    sim.call(1)  # the return: here now, and the first visit's row below it
    assert rows(sim, 1) == [(a1.label, "A", "called"), (a1.label, "A", "sent_on")]
    sim.advance(2)
    sim.do(cmd.FinishService(counter=1))
    assert rows(sim, 1) == [(a1.label, "A", "done"), (a1.label, "A", "done")], "one row per call, none twice"
    assert rows(sim, 3) == [(a1.label, "B", "done")]
    times = counter_history(sim.state, 1)
    assert times[0]["called_at"] > times[1]["called_at"]
    assert times[1]["finished_at"] is not None

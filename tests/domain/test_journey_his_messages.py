"""What the HIS is told of a visit of several steps (his.py): a step served while the visit goes
on is 'moved', not the end of the encounter; the steps ride on every message."""

from __future__ import annotations

from server.domain import commands as cmd
from server.domain.his import messages_for
from server.domain.identity import Identity

from .journeys import hospital

ID = Identity(source="chip", id_number="001090000001", name="Nguyễn Văn Thử")


def test_a_step_served_with_more_to_come_is_moved_and_the_last_one_finished() -> None:
    sim = hospital()
    t = sim.issue("E", identity=ID)
    sim.call(1)
    n = len(sim.records)
    sim.do(cmd.SendOn(counter=1, steps=[cmd.StepIn(service="X")], come_back=True))
    told = [m for r in sim.records[n:] for m in messages_for(sim.state, r, "70001")]
    assert [m.kind for m in told] == ["steps", "moved"]
    moved = told[1].ticket
    assert (moved.status, moved.service) == ("waiting", "X")
    assert [(s.id, s.service, s.status, s.counter, s.returning) for s in moved.steps] == [
        (0, "E", "done", None, False),
        (1, "X", "open", None, False),
        (2, "E", "pending", 1, True),
    ]
    sim.call(3)
    sim.do(cmd.FinishService(counter=3))
    sim.call(1)
    n = len(sim.records)
    sim.do(cmd.FinishService(counter=1))
    (last,) = [m for r in sim.records[n:] for m in messages_for(sim.state, r, "70001")]
    assert last.kind == "finished" and last.ticket.status == "done" and t.status.value == "done"

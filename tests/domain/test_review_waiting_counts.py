"""The waiting counts a step reports (``handle.Step.waiting``, what the TVs' "Đang chờ / Waiting"
line is updated with) for a visit of several steps (issue 20 review): the visit's number counts
in each queue it waits in, the moment it enters or leaves it, whatever its current step is."""

from __future__ import annotations

from server.domain import commands as cmd
from server.domain.handle import handle

from .sim import ADMIN, Sim
from .test_visits import clinic


def counts(sim: Sim, command: cmd.AnyCommand) -> dict[str, int]:
    """The waiting counts the command changed, merged over its records (the last one wins)."""
    sim.tick()
    step = handle(sim.state, command, sim.now, ADMIN)
    assert step.error is None, step.error
    sim.records.extend(step.records)
    out: dict[str, int] = {}
    for seq in sorted(step.waiting):
        out.update(step.waiting[seq])
    return out


def test_a_visit_counts_in_each_queue_it_enters_and_leaves() -> None:
    sim = Sim(clinic())
    sim.open(1, 4, 9, 10)
    sim.issue("R")
    sim.call(1)
    assert counts(sim, cmd.SendOn(counter=1, steps=[cmd.StepIn(service="K", counter=4)])) == {"K": 1}
    assert counts(sim, cmd.CallNext(counter=4)) == {"K": 0}
    sent = cmd.SendOn(counter=4, steps=[cmd.StepIn(service="X"), cmd.StepIn(service="H")], come_back=True)
    assert counts(sim, sent) == {"X": 1, "H": 1}  # waits in both queues at once
    assert counts(sim, cmd.CallNext(counter=10)) == {"X": 0, "H": 0}  # held in the lab's while at imaging
    assert counts(sim, cmd.FinishService(counter=10)) == {"X": 1}  # back in the lab's queue
    assert counts(sim, cmd.CallNext(counter=9)) == {"X": 0}
    assert counts(sim, cmd.FinishService(counter=9)) == {"K": 1}  # the return opens
    assert counts(sim, cmd.CallNext(counter=4)) == {"K": 0}


def test_a_step_cancelled_or_a_visit_cancelled_leaves_the_counts() -> None:
    sim = Sim(clinic())
    sim.open(1, 4, 9, 10)
    visit = sim.issue("K")
    sim.call(4)
    sim.do(cmd.SendOn(counter=4, steps=[cmd.StepIn(service="X"), cmd.StepIn(service="H")], come_back=True))
    assert counts(sim, cmd.CancelStep(label=visit.label, step=2)) == {"H": 0}
    assert counts(sim, cmd.CancelTicket(label=visit.label)) == {"X": 0}

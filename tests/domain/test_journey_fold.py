"""The fold of a visit's steps (visit_fold.py) beyond what the deciders produce today."""

from __future__ import annotations

import subprocess
import sys

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.fold import apply
from server.domain.lifecycle import Status

from .journeys import hospital, queues_of
from .sim import ROOT

SCRIPT = """
from server.domain import commands as cmd
from tests.domain.journeys import hospital, queues_of
sim = hospital()
t = sim.issue("E")
sim.call(1)
sim.do(cmd.SendOn(counter=1, steps=[cmd.StepIn(service="X")], come_back=True))
print(t.status.value, t.step, sorted(queues_of(sim.state, t)), [s.status for s in t.steps])
"""


def test_a_step_is_served_even_when_python_runs_without_asserts() -> None:
    """``python -O`` drops assert statements: the fold must not do its work inside one."""
    out = subprocess.run([sys.executable, "-O", "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[0] == "waiting 1 ['X'] ['done', 'open', 'pending']"


def test_a_call_that_names_no_step_is_for_the_visits_current_step() -> None:
    sim = hospital()
    t = sim.issue("E")
    sim.call(1)
    sim.do(cmd.SendOn(counter=1, steps=[cmd.StepIn(service="X")]))
    called = ev.TicketCalled(
        ticket=t.id,
        label=t.label,
        service="X",
        counter=3,
        rule="arrival_order",
        reason_vi="",
        reason_en="",
        klass="normal",
    )
    apply(sim.state, ev.Record(seq=sim.state.seq + 1, at=sim.now, actor="test", event=called))
    assert (t.status, t.counter, t.step, t.steps[1].status, t.steps[1].called_at) == (
        Status.CALLED,
        3,
        1,
        "active",
        sim.now,
    )
    assert queues_of(sim.state, t) == set()

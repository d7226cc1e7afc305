"""People ahead and the wait of a visit in each queue it waits in (``estimate.step_estimate``),
and the places of other tickets counted at the step a visit has open at that counter (not its
current step's), with the demo's lab (X, counter 9) and imaging (H, counter 10)."""

from __future__ import annotations

from server.domain import commands as cmd
from server.domain.estimate import estimate, estimate_simple, estimates, estimates_simple, step_estimate
from server.domain.state import Ticket
from server.domain.steps import find

from .sim import Sim, demo_config


def _to_lab_and_imaging(sim: Sim) -> Ticket:
    """A patient seen in room 4 and sent on to the lab and imaging, with a return to the room."""
    t = sim.issue("N")
    assert sim.call(4).ticket == t.id
    sim.do(cmd.StartService(counter=4))
    sim.do(cmd.SendOn(counter=4, steps=[cmd.StepIn(service="X"), cmd.StepIn(service="H")], come_back=True))
    return t


def test_a_visit_waiting_at_the_lab_and_imaging_has_a_place_and_a_wait_in_each() -> None:
    sim = Sim(demo_config())
    sim.open(4, 9)  # imaging (10) is closed
    for _ in range(2):
        sim.issue("X")  # two walk-ins at the lab before the patient
    sim.advance(3)
    t = _to_lab_and_imaging(sim)
    sim.issue("H")  # one at imaging after them
    lab, imaging, back = (find(t.steps, i) for i in (1, 2, 3))
    assert lab and imaging and back and back.status == "pending"
    at_lab = step_estimate(sim.state, t, lab, sim.now)
    assert (at_lab.ahead, at_lab.open_counters) == (2, 1) and at_lab.wait_minutes is not None
    assert at_lab == estimate_simple(sim.state, t.id, sim.now) == estimates_simple(sim.state, [t.id], sim.now)[t.id]
    # the simulation (issue 22): its next call, at the lab, after the two ahead (4 minutes each)
    simulated = estimate(sim.state, t.id, sim.now)
    assert simulated == estimates(sim.state, [t.id], sim.now)[t.id]
    assert (simulated.ahead, simulated.wait_minutes, simulated.call_at) == (2, 8, sim.now + 480)
    at_imaging = step_estimate(sim.state, t, imaging, sim.now)
    assert (at_imaging.ahead, at_imaging.wait_minutes, at_imaging.open_counters) == (0, None, 0)
    sim.open(10)
    assert step_estimate(sim.state, t, imaging, sim.now).wait_minutes == 0
    assert step_estimate(sim.state, t, back, sim.now).open_counters == 1  # (pending: not a queue yet)


def test_a_visit_counts_at_a_counter_by_its_place_in_that_counters_queue() -> None:
    sim = Sim(demo_config())
    sim.open(4, 10)
    t = _to_lab_and_imaging(sim)  # its current step is the lab's; its place at imaging: now
    sim.advance(10)
    walk_in = sim.issue("H")  # came to imaging 10 minutes after the patient was sent there
    assert t.step == 1 and walk_in.queue_key > find(t.steps, 2).queue_key  # type: ignore[union-attr]
    assert estimate(sim.state, walk_in.id, sim.now).ahead == 1
    assert estimates(sim.state, [walk_in.id], sim.now)[walk_in.id].ahead == 1
    assert step_estimate(sim.state, t, find(t.steps, 2), sim.now).ahead == 0  # type: ignore[arg-type]


def test_a_step_no_open_counter_serves_has_no_wait() -> None:
    sim = Sim(demo_config())
    sim.open(4)
    t = _to_lab_and_imaging(sim)
    lab = find(t.steps, 1)
    assert lab is not None
    lab.service = "ZZ"  # a service no counter serves any more (a configuration changed under it)
    assert step_estimate(sim.state, t, lab, sim.now).open_counters == 0


def test_many_visits_share_each_counters_sort_and_get_the_same_answers() -> None:
    sim = Sim(demo_config())
    sim.open(4, 9, 10)
    visits = []
    for i in range(6):
        visits.append(_to_lab_and_imaging(sim))
        sim.issue("H" if i % 2 else "X")
        sim.advance(1)
    places: dict[int, dict[int, int]] = {}
    for t in visits:
        for s in t.steps:
            if s.status == "open":
                alone = step_estimate(sim.state, t, s, sim.now)
                assert step_estimate(sim.state, t, s, sim.now, places) == alone
    assert set(places) == {9, 10}, "one sort a counter for all of them"
    at_imaging = [step_estimate(sim.state, t, find(t.steps, 2), sim.now).ahead for t in visits]  # type: ignore[arg-type]
    assert at_imaging == [0, 1, 3, 4, 6, 7], "the visits before, and the walk-ins at imaging after visits 1 and 3"

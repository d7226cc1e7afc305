"""How a visit ends when its last step to come ends elsewhere (issue 20 review): the staff cancel
the return or the HIS's result comes for the last step. A visit that was served somewhere (or
had a result) ends done, and counts in the visits' report like one that ended at a counter; a
visit whose every step was cancelled before anyone saw the patient ends cancelled, not done
(the HIS and the phone must not hear "served")."""

from __future__ import annotations

from server.domain import commands as cmd
from server.domain.access import Actor
from server.domain.his import ticket_key
from server.domain.lifecycle import Status

from .sim import Sim
from .test_visits import clinic, report

HIS = Actor(name="his:test", role="his")


def test_a_visit_whose_every_step_was_cancelled_unseen_ends_cancelled() -> None:
    sim = Sim(clinic())
    sim.open(4, 9)
    visit = sim.issue("K")  # waits for the room
    sim.do(cmd.OrderStep(key=ticket_key("s", sim.state.day, visit.id), order="SR-1", service="X"), HIS)
    sim.do(cmd.CancelStep(label=visit.label, step=1, reason="Chỉ định nhầm"))
    sim.do(cmd.CancelStep(label=visit.label, step=0))
    t = sim.state.tickets[visit.id]
    assert (t.status, t.finished_at) == (Status.CANCELLED, None)
    assert [s.status for s in t.steps] == ["cancelled", "cancelled"]
    assert not any(sim.state.waiting.values())  # in no queue
    assert report(sim)["visits"] == 0


def test_a_visit_whose_only_step_left_has_its_result_in_ends_done() -> None:
    sim = Sim(clinic())
    sim.open(4, 9)
    visit = sim.issue("K")
    sim.do(cmd.OrderStep(key=ticket_key("s", sim.state.day, visit.id), order="SR-1", service="X"), HIS)
    sim.do(cmd.CancelStep(label=visit.label, step=0))  # the doctor's step dropped
    sim.do(cmd.OrderResult(key=ticket_key("s", sim.state.day, visit.id), order="SR-1"))  # a result: done
    assert sim.state.tickets[visit.id].status is Status.DONE


def test_a_visit_that_ends_with_its_return_cancelled_counts_in_the_report() -> None:
    sim = Sim(clinic())
    sim.open(4, 9)
    visit = sim.issue("K")  # 08:00
    sim.advance(5)
    sim.call(4)
    sim.advance(10)
    sim.do(cmd.SendOn(counter=4, steps=[cmd.StepIn(service="X")], come_back=True))
    sim.advance(3)
    sim.call(9)
    sim.advance(2)
    sim.do(cmd.FinishService(counter=9))  # 08:20: the return to room 4 opens
    sim.advance(10)
    sim.do(cmd.CancelStep(label=visit.label, step=2, reason="Kết quả bình thường"))  # 08:30: no need
    assert sim.state.tickets[visit.id].status is Status.DONE
    v = report(sim)
    assert (v["visits"], v["journeys"]) == (1, 1)
    assert v["door_to_door"]["median"] == 30.0
    assert {r["key"]: r["wait"]["n"] for r in v["by_service"]} == {"K": 1, "X": 1}

"""A counter transfers a visit waiting in several queues by its number (issue 20 review): the
transfer moves the visit's current step. Imaging transferring a patient waiting for both the lab
and imaging moved the lab's place (the patient vanished from the lab's queue and stayed in
imaging's); it is refused, saying why, and the lab (where the current step is) may transfer it."""

from __future__ import annotations

import pytest

from server.domain import commands as cmd
from server.domain.errors import TicketError
from server.domain.state import Ticket

from .sim import Sim
from .test_visits import clinic


def waiting_for_lab_and_imaging(sim: Sim) -> Ticket:
    sim.open(1, 4, 9, 10)
    visit = sim.issue("K")
    sim.call(4)
    sim.do(cmd.SendOn(counter=4, steps=[cmd.StepIn(service="X"), cmd.StepIn(service="H")], come_back=True))
    t = sim.state.tickets[visit.id]
    assert (t.step, t.service, list(sim.state.waiting["X"]), list(sim.state.waiting["H"])) == (1, "X", [t.id], [t.id])
    return t


def test_imaging_may_not_transfer_the_labs_place() -> None:
    sim = Sim(clinic())
    t = waiting_for_lab_and_imaging(sim)
    with pytest.raises(TicketError) as refused:
        sim.do(cmd.Transfer(counter=10, label=t.label, to_service="R"))
    assert refused.value.code == "step_elsewhere"
    assert refused.value.params == {
        "label": t.label,
        "counter": 10,
        "service": "Xét nghiệm",
        "service_en": "Laboratory",
    }
    assert refused.value.message_vi.startswith(
        f"Số {t.label} đang chờ ở nhiều nơi: quầy 10 không chuyển được bước Xét nghiệm của họ"
    )
    assert refused.value.message_en.startswith(
        f"Ticket {t.label} waits in several queues: counter 10 cannot transfer its Laboratory step"
    )
    assert (list(sim.state.waiting["X"]), list(sim.state.waiting["H"])) == ([t.id], [t.id])  # nothing moved


def test_the_lab_and_a_counter_outside_the_visit_transfer_its_current_step() -> None:
    sim = Sim(clinic())
    t = waiting_for_lab_and_imaging(sim)
    sim.do(cmd.Transfer(counter=9, label=t.label, to_service="R"))
    assert [(s.service, s.status) for s in t.steps][1:3] == [("R", "open"), ("H", "open")]
    sim2 = Sim(clinic())
    other = waiting_for_lab_and_imaging(sim2)
    sim2.do(cmd.Transfer(counter=1, label=other.label, to_service="R"))  # reception serves neither
    assert list(sim2.state.waiting["R"]) == [other.id]

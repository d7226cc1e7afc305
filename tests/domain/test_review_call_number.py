"""A room calls, by its number, a patient who will come back to it but whose results are not all
in (issue 20 review): the refusal says so and what is still awaited, where it said that the room
does not serve the ticket's service (the room's own service: a doctor would not know why)."""

from __future__ import annotations

import pytest

from server.domain import commands as cmd
from server.domain.errors import TicketError

from .sim import Sim
from .test_visits import clinic


def test_calling_a_return_before_its_results_says_what_it_waits_for() -> None:
    sim = Sim(clinic())
    sim.open(1, 4, 9, 10)
    visit = sim.issue("K")
    sim.call(4)
    sim.do(cmd.SendOn(counter=4, steps=[cmd.StepIn(service="X"), cmd.StepIn(service="H")], come_back=True))
    sim.call(9)
    sim.do(cmd.FinishService(counter=9))  # the lab is done; imaging is not

    with pytest.raises(TicketError) as refused:
        sim.do(cmd.CallNumber(counter=4, label=visit.label))
    assert (refused.value.code, refused.value.params) == ("step_pending", {"label": visit.label, "waiting": "H"})
    assert refused.value.message_vi == f"Số {visit.label} sẽ quay lại đây khi có kết quả (còn chờ: H); chưa gọi được."
    assert refused.value.message_en.startswith(f"Ticket {visit.label} comes back here once its results are in")

    with pytest.raises(TicketError) as elsewhere:  # a counter the visit does not come back to: as before
        sim.do(cmd.CallNumber(counter=1, label=visit.label))
    assert elsewhere.value.code == "wrong_counter"

    sim.call(10)
    sim.do(cmd.FinishService(counter=10))
    assert sim.do(cmd.CallNumber(counter=4, label=visit.label))[-1].step == 3  # type: ignore[union-attr]

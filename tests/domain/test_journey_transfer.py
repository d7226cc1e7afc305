"""A visit's current step transferred (issue 20): never to a queue the visit still has a step to
come in (one place per queue), which left the patient twice in one queue and broke the waiting
index when either step ended; to any other queue as before."""

from __future__ import annotations

import pytest

from server.domain import commands as cmd
from server.domain.errors import TicketError
from server.domain.lifecycle import Status

from .sim import Sim, demo_config


def sent_on() -> Sim:
    """N001 sent from room 4 to the cashier and imaging with a return; imaging calls it."""
    sim = Sim(demo_config())
    sim.open(4, 10, 11)
    sim.issue("N")
    sim.call(4)
    sim.do(cmd.SendOn(counter=4, steps=[cmd.StepIn(service="TN"), cmd.StepIn(service="H")], come_back=True))
    sim.advance(1)
    sim.call(10)
    return sim


def test_a_step_is_not_transferred_to_a_queue_the_visit_has_a_step_in() -> None:
    sim = sent_on()
    with pytest.raises(TicketError) as refused:
        sim.do(cmd.Transfer(counter=10, to_service="TN", position="back"))
    assert refused.value.code == "step_duplicate"
    assert refused.value.params == {"label": "N001", "service": "Thu ngân", "service_en": "Cashier"}
    assert refused.value.message_en == "Ticket N001 already has a Cashier step to come."
    assert refused.value.field == "to_service"
    t = sim.state.by_label("N001")
    assert t is not None and t.status is Status.CALLED and t.counter == 10


def test_a_step_is_transferred_to_another_queue_and_ends_cleanly() -> None:
    sim = sent_on()
    sim.do(cmd.Transfer(counter=10, to_service="X", position="back"))
    t = sim.state.by_label("N001")
    assert t is not None and t.status is Status.WAITING
    assert [(s.service, s.status) for s in t.steps] == [("N", "done"), ("TN", "open"), ("X", "open"), ("N", "pending")]
    sim.do(cmd.CompleteStep(label="N001", step=1))  # the cashier's step ended: the lab's queue keeps it
    assert t.id in sim.state.waiting["X"] and t.id not in sim.state.waiting["TN"]

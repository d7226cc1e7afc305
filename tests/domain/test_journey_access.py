"""Who may end a visit's step (issue 20 review): a step's result is marked in, or the step
cancelled, by staff of a counter that performs it (the room it names, if it names one), by the
room that sent the patient to it, or by an administrator; any other counter is refused with
``forbidden_step``, naming the step's service by its configured name. Before, any counter could
mark any visit's step done."""

from __future__ import annotations

import pytest

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.access import Actor
from server.domain.journey import may_end_step
from server.domain.steps import find

from .journeys import assert_replays, hospital, where
from .sim import Sim
from .test_decide import refused
from .test_journey import sent_for_tests


def at(*counters: int) -> Actor:
    return Actor(name="staff:nv", role="counter", counters=list(counters))


@pytest.fixture
def sim() -> Sim:
    return hospital()


def test_a_counter_that_neither_performs_nor_ordered_a_step_may_not_end_it(sim: Sim) -> None:
    t = sim.state.tickets[sent_for_tests(sim)]  # room 1 sent them to the lab (1) and imaging (2), back to 1 (3)
    err = refused(sim, cmd.CompleteStep(label=t.label, step=1), "forbidden_step", at(4))  # imaging, for the lab
    assert err.status == 403 and err.field == "step"
    assert err.message_vi == (
        f"Quầy 4 không thực hiện bước Xét nghiệm của số {t.label}: chỉ nơi thực hiện bước này, phòng đã chỉ"
        " định hoặc quản trị viên mới được đánh dấu có kết quả hay hủy bước."
    )
    assert "Counter 4 does not perform" in err.message_en and "Xét nghiệm" in err.message_en
    refused(sim, cmd.CancelStep(label=t.label, step=1), "forbidden_step", at(4))
    refused(sim, cmd.CompleteStep(label=t.label, step=2), "forbidden_step", at(2))  # another exam room
    # the return names room 1: room 2 serves the same service but may not cancel it
    refused(sim, cmd.CancelStep(label=t.label, step=3), "forbidden_step", at(2))
    # a counter that was never told of a step, nor serves it: refused even before "already ended"
    refused(sim, cmd.CompleteStep(label=t.label, step=0), "forbidden_step", at(3))


def test_the_counter_that_performs_it_the_room_that_ordered_it_and_an_admin_may(sim: Sim) -> None:
    t = sim.state.tickets[sent_for_tests(sim)]
    # the cashier also takes blood (X): it performs the lab's step
    assert sim.do(cmd.CompleteStep(label=t.label, step=1), at(5)) == [
        ev.StepCompleted(ticket=t.id, label=t.label, step=1)
    ]
    assert sim.do(cmd.CancelStep(label=t.label, step=2, reason="không cần"), at(1)) == [  # room 1 ordered it
        ev.StepCancelled(ticket=t.id, label=t.label, step=2, reason="không cần")
    ]
    assert where(t)[3] == (3, "E", "open", 1)
    assert sim.do(cmd.CancelStep(label=t.label, step=3), at(3, 1)) != []  # several counters: one of them is room 1
    assert_replays(sim)
    other = sim.state.tickets[sent_for_tests(sim)]
    assert sim.do(cmd.CompleteStep(label=other.label, step=2), at(4)) != []  # imaging performs it
    assert sim.do(cmd.CompleteStep(label=other.label, step=1)) != []  # an administrator (sim's default)


def test_the_rule_itself_answers_yes_or_no_for_the_views(sim: Sim) -> None:
    """``may_end_step`` is what the commands are judged with and what the staff view offers."""
    t = sim.state.tickets[sent_for_tests(sim)]
    lab, imaging, back = (find(t.steps, n) for n in (1, 2, 3))
    assert lab is not None and imaging is not None and back is not None
    cfg = sim.state.config
    assert may_end_step(cfg, at(5), lab) and not may_end_step(cfg, at(4), lab)  # performs it; does not
    assert may_end_step(cfg, at(1), imaging) and not may_end_step(
        cfg, at(2), back
    )  # sent them; same service, not the room
    assert may_end_step(cfg, Actor(name="staff:admin", role="admin"), back)

"""Steps sent on in order (issue 20 follow-up): after the doctor a patient pays at the cashier
and only then goes to the pharmacy. ``send_on`` with ``in_order`` makes each step wait for every
step before it (``pending``, as a return waits for its tests): the later queue neither holds nor
calls the patient until the earlier steps have ended; a return (``come_back``) waits for all of
them. Sent at the same time (the default), the steps stay parallel."""

from __future__ import annotations

import pytest

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.identity import Identity
from server.domain.lifecycle import Status
from server.domain.state import Ticket

from .journeys import assert_replays, hospital, queues_of, where
from .sim import Sim
from .test_decide import refused

CASHIER_THEN_IMAGING = [cmd.StepIn(service="C"), cmd.StepIn(service="H")]
CHIP = Identity(source="chip", id_number="001099012345", name="Nguyễn Văn An")  # fictional


@pytest.fixture
def sim() -> Sim:
    return hospital()


def sent_in_order(
    sim: Sim, steps: list[cmd.StepIn], come_back: bool = False, identity: Identity | None = None
) -> Ticket:
    """A patient seen in room 1 and sent on to ``steps`` one after another."""
    t = sim.issue("E", identity=identity) if identity else sim.issue("E")
    sim.call(1)
    sim.do(cmd.SendOn(counter=1, steps=steps, in_order=True, come_back=come_back))
    return t


def test_in_order_each_step_waits_for_the_ones_before_it_and_the_return_for_all(sim: Sim) -> None:
    t = sim.issue("E")
    sim.call(1)
    three = [*CASHIER_THEN_IMAGING, cmd.StepIn(service="X", counter=3)]
    events = sim.do(cmd.SendOn(counter=1, steps=three, in_order=True, come_back=True, reason="Xem kết quả"))
    assert events[0] == ev.StepsAdded(
        ticket=t.id,
        label=t.label,
        steps=[
            ev.NewStep(id=1, service="C"),
            ev.NewStep(id=2, service="H", after=[1]),
            ev.NewStep(id=3, service="X", counter=3, after=[1, 2]),
            ev.NewStep(id=4, service="E", counter=1, after=[1, 2, 3], returning=True, reason="Xem kết quả"),
        ],
        from_counter=1,
    )
    assert where(t) == [(0, "E", "done", None), (1, "C", "open", None), (2, "H", "pending", None),
                        (3, "X", "pending", 3), (4, "E", "pending", 1)]  # fmt: skip
    assert (t.status, t.step, t.service) == (Status.WAITING, 1, "C")
    assert queues_of(sim.state, t) == {"C"}  # not in imaging's queue before paying
    assert_replays(sim)


def test_the_next_queue_cannot_call_them_until_the_step_before_ends_then_it_can(sim: Sim) -> None:
    t = sent_in_order(sim, CASHIER_THEN_IMAGING)
    refused(sim, cmd.CallNext(counter=4), "queue_empty")  # imaging: nobody for it yet
    err = refused(sim, cmd.CallNumber(counter=4, label=t.label), "step_pending")
    assert err.params == {"label": t.label, "waiting": "Thu ngân", "waiting_en": "Thu ngân"}
    assert err.message_vi == f"Số {t.label} sẽ đến đây sau khi xong: Thu ngân; chưa gọi được."
    assert err.message_en.startswith(f"Ticket {t.label} comes here once these are done: Thu ngân")

    sim.advance(60)
    sim.call(5)  # the cashier
    assert queues_of(sim.state, t) == set()
    sim.do(cmd.FinishService(counter=5))
    assert where(t)[1:] == [(1, "C", "done", None), (2, "H", "open", None)]
    assert t.steps[2].ready_at == sim.now  # its place in imaging's queue: when the cashier was done
    assert (t.status, t.step, queues_of(sim.state, t)) == (Status.WAITING, 2, {"H"})
    called = sim.do(cmd.CallNext(counter=4))
    assert isinstance(called[-1], ev.TicketCalled) and called[-1].step == 2
    sim.do(cmd.FinishService(counter=4))
    assert t.status is Status.DONE
    assert_replays(sim)


def test_a_later_step_cancelled_while_it_waits_does_not_open_the_one_after_it_early(sim: Sim) -> None:
    t = sent_in_order(sim, [*CASHIER_THEN_IMAGING, cmd.StepIn(service="X", counter=3)])
    sim.do(cmd.CancelStep(label=t.label, step=2, reason="không cần chụp"))
    assert where(t)[1:] == [(1, "C", "open", None), (2, "H", "cancelled", None), (3, "X", "pending", 3)]
    assert queues_of(sim.state, t) == {"C"}
    sim.call(5)
    sim.do(cmd.FinishService(counter=5))
    assert where(t)[3] == (3, "X", "open", 3) and queues_of(sim.state, t) == {"X"}
    assert_replays(sim)


def test_the_first_step_cancelled_opens_the_next_and_a_cancelled_visit_leaves_nothing_waiting(sim: Sim) -> None:
    t = sent_in_order(sim, CASHIER_THEN_IMAGING, come_back=True)
    sim.do(cmd.CancelStep(label=t.label, step=1))  # paid elsewhere: straight to imaging
    assert (t.step, queues_of(sim.state, t)) == (2, {"H"})
    sim.do(cmd.CancelTicket(label=t.label, reason="về"))
    assert t.status is Status.CANCELLED
    assert [s.status for s in t.steps] == ["done", "cancelled", "cancelled", "cancelled"]
    assert not any(t.id in ids for ids in sim.state.waiting.values())
    assert_replays(sim)


def test_sent_at_the_same_time_by_default_the_steps_are_parallel(sim: Sim) -> None:
    t = sim.issue("E")
    sim.call(1)
    sim.do(cmd.SendOn(counter=1, steps=CASHIER_THEN_IMAGING))
    assert [s.after for s in t.steps] == [[], [], []]
    assert queues_of(sim.state, t) == {"C", "H"}


def test_the_kiosk_tells_a_patient_whose_step_waits_for_the_ones_before_it(sim: Sim) -> None:
    t = sent_in_order(sim, CASHIER_THEN_IMAGING, identity=CHIP)
    err = refused(sim, cmd.IssueTicket(service="H", identity=CHIP), "duplicate_ticket")
    assert err.message_vi == (
        f"Bạn đã có số {t.label}: sau khi xong các bước trước, số {t.label} sẽ được gọi ở Hình ảnh."
        " Không cần lấy số mới."
    )
    assert err.message_en.startswith(f"You already hold number {t.label}: once the steps before it are done")

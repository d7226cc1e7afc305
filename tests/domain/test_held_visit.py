"""A visit's patient at the kiosk (issue 20 review): their visit already has a place in the lab's
queue, imaging's and (once the results are in) the exam room's; a new number for one of those
gave them a second place in the same queue. The issue is refused, telling the number they hold
and where to wait (Vietnamese first) when the chip proves who is there, as little as a typed
number's duplicate otherwise; the kiosk's question "what do they hold" says the same, and the
face check counts the visit's steps. People without a visit keep the rule they had."""

from __future__ import annotations

import pytest

from server.domain import commands as cmd
from server.domain.errors import DomainError
from server.domain.faces import FaceMatch
from server.domain.held import tickets_held
from server.domain.identity import Identity
from server.domain.state import Ticket

from .journeys import hospital
from .sim import Sim
from .test_decide import refused

ID = "001099012345"  # synthetic
OTHER = "079300000001"  # synthetic
CHIP = Identity(source="chip", id_number=ID, name="Nguyễn Văn An")  # fictional
FACE = [0.01 * (i % 7) for i in range(128)]


@pytest.fixture
def sim() -> Sim:
    return hospital()


def visit(sim: Sim) -> Ticket:
    """Seen in room 1, sent to the lab and imaging, back to room 1 with the results."""
    t = sim.issue("E", identity=CHIP, face=FACE)
    sim.call(1)
    sim.do(cmd.SendOn(counter=1, steps=[cmd.StepIn(service="X"), cmd.StepIn(service="H")], come_back=True))
    return t


def test_a_number_for_a_queue_the_visit_waits_in_is_refused_with_where_to_wait(sim: Sim) -> None:
    t = visit(sim)
    err = refused(sim, cmd.IssueTicket(service="H", identity=CHIP), "duplicate_ticket")
    assert err.field == t.label  # the kiosk shows the number it holds
    assert err.message_vi == (
        f"Bạn đã có số {t.label}: lượt khám của bạn đã gồm Chẩn đoán hình ảnh. Không cần lấy số mới, vui lòng"
        f" chờ gọi số {t.label} tại Hình ảnh."
    )
    assert err.message_en.startswith(f"You already hold number {t.label}: your visit already includes")
    # the lab: served at two counters, both named
    err = refused(sim, cmd.IssueTicket(service="X", identity=CHIP), "duplicate_ticket")
    assert err.message_vi.endswith("tại Xét nghiệm, Thu ngân.")
    # the return to room 1: called back there once the results are in
    err = refused(sim, cmd.IssueTicket(service="E", identity=CHIP), "duplicate_ticket")
    assert err.message_vi == (
        f"Bạn đã có số {t.label}: khi có kết quả, số {t.label} sẽ được gọi quay lại Phòng khám 1 · Tầng 1,"
        " phòng 101. Không cần lấy số mới."
    )
    # a typed number proves nobody is here: told no more than for any duplicate
    typed = Identity(source="typed", id_number=ID)
    assert refused(sim, cmd.IssueTicket(service="H", identity=typed), "duplicate_ticket").field is None
    # a queue the visit has no step in, and another person: issued as before
    assert sim.issue("C", identity=CHIP).label != t.label
    assert sim.issue("H", identity=Identity(source="chip", id_number=OTHER)).service == "H"


def test_the_kiosk_is_told_the_visits_places_before_it_issues(sim: Sim) -> None:
    t = visit(sim)
    held = tickets_held(sim.state, sim.now, id_number=ID, proven=True)
    steps = {h["service"]: (h["label"], h.get("step"), h.get("counters")) for h in held}
    assert steps == {
        "X": (t.label, "open", [3, 5]),
        "H": (t.label, "open", [4]),
        "E": (t.label, "pending", [1]),
    }
    assert tickets_held(sim.state, sim.now, id_number=ID, service="H") == [{"service": "H"}]
    assert tickets_held(sim.state, sim.now, id_number=ID, service="C") == []
    sim.call(4)  # at imaging now: still held there; the lab's place kept
    held = {h["service"]: h for h in tickets_held(sim.state, sim.now, id_number=ID, proven=True)}
    assert held["H"]["step"] == "active" and held["H"]["status"] == "called" and held["X"]["step"] == "open"


def test_the_face_check_counts_a_visits_steps(sim: Sim) -> None:
    t = visit(sim)
    with pytest.raises(DomainError) as exc:  # no card: the face of the visit, for imaging (not its current step)
        sim.do(cmd.IssueTicket(service="H", face=FACE), match=FaceMatch(ticket=t.id, distance=0.3))
    assert exc.value.code == "duplicate_face" and exc.value.field == t.label
    assert sim.issue("C", face=FACE, match=FaceMatch(ticket=t.id, distance=0.3)).face  # not in the visit

"""The band a call is expected in (issue 22: ``Estimate.call_from``/``call_to``) carried wherever
its expected time goes: the kiosk's issue answer, a ticket's public status, a visit's steps, and
what is worth a new message to a phone (``phones.moved``)."""

from __future__ import annotations

from typing import Any

from server.domain import commands as cmd
from server.domain.handle import handle
from server.phones import moved
from server.views import public_status

from .domain.sim import ADMIN, Sim, demo_config


def _in_order(x: dict[str, Any]) -> bool:
    return bool(x["call_from"] <= x["call_at"] <= x["call_to"] and x["call_from"] < x["call_to"])


def test_the_issue_answer_and_the_public_status_carry_the_band() -> None:
    sim = Sim()
    sim.open(1)
    for _ in range(5):
        sim.issue("A")
    step = handle(sim.state, cmd.IssueTicket(service="A"), sim.now, ADMIN)
    answer = step.result
    assert answer["ticket"] == "A006" and answer["wait_minutes"] == 20 and _in_order(answer)
    status = public_status(sim.state, sim.state.by_label("A006"), sim.now)  # type: ignore[arg-type]
    assert (status["call_from"], status["call_at"], status["call_to"]) == (
        answer["call_from"],
        answer["call_at"],
        answer["call_to"],
    )


def test_no_band_without_an_open_counter() -> None:
    sim = Sim()
    sim.issue("A")
    answer = handle(sim.state, cmd.IssueTicket(service="A"), sim.now, ADMIN).result
    assert (answer["call_at"], answer["call_from"], answer["call_to"]) == (None, None, None)


def test_each_open_step_of_a_visit_has_its_band() -> None:
    sim = Sim(demo_config())
    sim.open(4, 9, 10)
    for service in ("X", "X", "H", "H"):
        sim.issue(service)  # two at the lab and two at imaging before the patient
    t = sim.issue("N")
    assert sim.call(4).ticket == t.id
    sim.do(cmd.StartService(counter=4))
    sim.do(cmd.SendOn(counter=4, steps=[cmd.StepIn(service="X"), cmd.StepIn(service="H")], come_back=True))
    steps = {s["id"]: s for s in public_status(sim.state, t, sim.now)["steps"]}
    lab, imaging, back = steps[1], steps[2], steps[3]
    assert _in_order(lab), "its current step: the simulation's band"
    assert _in_order(imaging) and imaging["call_at"] == sim.now + imaging["wait_minutes"] * 60, "the simple one's"
    sim.do(cmd.CloseCounter(counter=10))
    imaging = public_status(sim.state, t, sim.now)["steps"][2]
    assert imaging["wait_minutes"] is None and imaging["call_from"] is None and imaging["call_to"] is None
    assert "call_at" not in back, "a return waiting for its tests is no queue yet"


WAITING = {"label": "A003", "status": "waiting", "ahead": 2, "wait_minutes": 8, "call_at": 1000.0}


def _with(**kw: Any) -> dict[str, Any]:
    return {**WAITING, "call_from": 700.0, "call_to": 1400.0, **kw}


def test_a_band_that_moves_by_more_than_a_minute_is_sent_and_a_smaller_move_is_not() -> None:
    sent = _with()
    assert not moved(sent, _with(call_from=750.0, call_to=1350.0, call_at=1040.0, wait_minutes=7))
    assert moved(sent, _with(call_to=1461.0)), "the band's end moved, its time did not"
    assert moved(sent, _with(call_from=639.0))
    assert moved(sent, _with(call_at=1061.0))
    assert moved(sent, _with(call_from=None, call_to=None, call_at=None, wait_minutes=None))
    assert moved(sent, _with(ahead=1))
    assert moved(WAITING, _with()), "a band that appears (a server that did not send it before)"


def test_a_visits_steps_are_compared_step_by_step_with_the_same_slack() -> None:
    def visit(*bands: tuple[float, float, float] | None) -> dict[str, Any]:
        steps = [
            {"id": i, "status": "open"}
            | ({"call_from": b[0], "call_at": b[1], "call_to": b[2], "wait_minutes": 5} if b else {})
            for i, b in enumerate(bands)
        ]
        return {**_with(), "steps": steps}

    sent = visit((700, 1000, 1400), (100, 200, 300))
    assert not moved(sent, visit((730, 1030, 1430), (110, 210, 310))), "a simple step's band drifts with the clock"
    assert moved(sent, visit((700, 1000, 1400), (100, 200, 400)))
    assert moved(sent, visit((700, 1000, 1400), None))
    assert moved(sent, visit((700, 1000, 1400))), "a step fewer"

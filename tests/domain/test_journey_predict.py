"""The wait predictor (predict.py) follows the room's order of returning and new patients, the
cap on returns in a row included (ordering.py, CounterState.run_return)."""

from __future__ import annotations

from server.domain import commands as cmd
from server.domain.predict import forecast

from .sim import Sim
from .test_predict import drive, send_to_tests, visit_config


def test_a_cycle_closed_by_a_return_starts_with_a_new_patient_in_the_forecast_too() -> None:
    sim = Sim(visit_config(return_mode="ratio", returning=1, new=2))
    sim.open(1, 2, 3)
    back = [send_to_tests(sim, "B") for _ in range(2)]  # room 2's two new calls fill its cycle
    new = [sim.issue("A") for _ in range(3)]
    for _ in back:
        sim.call(1)
        sim.advance(5)
        sim.do(cmd.FinishService(counter=1))
    sim.state.timing.arrivals.clear()
    expected = forecast(sim.state, sim.now)
    order = sorted(expected, key=lambda tid: (expected[tid], tid))
    assert order == [back[0].id, new[0].id, back[1].id, new[1].id, new[2].id]  # never two returns in a row
    called = drive(sim, (1, 2, 3))
    assert {tid: called[tid] for tid in expected} == expected

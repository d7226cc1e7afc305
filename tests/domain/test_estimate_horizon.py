"""The estimate skips the simulation where it could not reach the ticket (``_beyond_horizon``):
the simple formula's answer, cheaply, in the writer."""

from __future__ import annotations

from server.domain import commands as cmd
from server.domain.estimate import estimate, estimate_simple
from server.domain.predict import MAX_CALLS

from .sim import Sim


def test_with_no_counter_open_and_a_long_queue_the_simple_answer_is_given() -> None:
    sim = Sim()
    for _ in range(MAX_CALLS):
        sim.issue("A")
    last = sim.state.next_ticket - 1
    assert estimate(sim.state, last, sim.now) == estimate_simple(sim.state, last, sim.now)
    assert estimate(sim.state, last, sim.now).wait_minutes is None  # no counter serving A is open


def test_behind_a_queue_longer_than_the_horizon_the_simple_answer_is_given() -> None:
    sim = Sim()
    sim.do(cmd.OpenCounter(counter=1))
    for _ in range(MAX_CALLS + 5):
        sim.issue("A")
    last = sim.state.next_ticket - 1
    simple = estimate_simple(sim.state, last, sim.now)
    assert simple.ahead >= MAX_CALLS
    got = estimate(sim.state, last, sim.now)
    assert (got.ahead, got.wait_minutes) == (simple.ahead, simple.wait_minutes)

"""The wait of a number taken now, per service (``domain.new_wait``): what the TV shows the hall,
read off the waiting tickets' forecast, as the kiosk would then tell the patient."""

from __future__ import annotations

import datetime as dt

from server.domain import commands as cmd
from server.domain.estimate import estimate
from server.domain.new_wait import NewWait, new_waits
from server.domain.predict import forecast

from .sim import VN, Sim

MEAN_A = 4 * 60  # small_config: service A's configured mean


def test_no_wait_for_a_service_without_an_open_counter() -> None:
    sim = Sim()
    sim.issue("A")
    assert new_waits(sim.state, sim.now, forecast(sim.state, sim.now)) == {"A": None, "B": None}
    sim.open(3)  # B only
    waits = new_waits(sim.state, sim.now, forecast(sim.state, sim.now))
    assert waits["A"] is None and waits["B"] == NewWait(sim.now, sim.now, sim.now), "B: an idle counter, nobody waiting"


def test_nobody_waiting_and_every_counter_busy_one_interval_from_now() -> None:
    sim = Sim()
    sim.open(1)
    sim.issue("A")
    sim.call(1)
    wait = new_waits(sim.state, sim.now, forecast(sim.state, sim.now))["A"]
    assert wait is not None and wait.call_at == sim.now + MEAN_A
    assert wait.call_from < wait.call_at < wait.call_to


def test_behind_everyone_waiting_as_the_kiosk_then_tells_the_patient() -> None:
    sim = Sim()
    sim.open(1)
    for _ in range(3):
        sim.issue("A")
    wait = new_waits(sim.state, sim.now, forecast(sim.state, sim.now))["A"]
    assert wait is not None and wait.call_at == sim.now + 3 * MEAN_A  # called at once, then 4 and 8 minutes on
    issued = estimate(sim.state, sim.issue("A").id, sim.now)
    assert (issued.call_at, issued.call_from, issued.call_to) == (wait.call_at, wait.call_from, wait.call_to)
    sim.open(2)  # a second counter of A: the interval halves, and the forecast moves
    faster = new_waits(sim.state, sim.now, forecast(sim.state, sim.now))["A"]
    assert faster is not None and faster.call_at < wait.call_at


def test_no_wait_when_someone_waiting_is_not_called_before_closing() -> None:
    sim = Sim()
    sim.open(1)
    first = sim.issue("A")
    times = {first.id: None}
    assert new_waits(sim.state, sim.now, times)["A"] is None


def test_no_wait_when_the_call_would_fall_at_closing_time() -> None:
    sim = Sim(start=dt.datetime(2026, 11, 23, 16, 50, tzinfo=VN))  # closes at 17:00
    sim.open(1)
    for _ in range(2):
        sim.issue("A")
    assert new_waits(sim.state, sim.now, forecast(sim.state, sim.now))["A"] is not None  # 16:58
    sim.issue("A")
    assert new_waits(sim.state, sim.now, forecast(sim.state, sim.now))["A"] is None  # 17:02


def test_a_call_that_would_fall_in_the_lunch_break_is_expected_when_it_ends() -> None:
    sim = Sim(start=dt.datetime(2026, 11, 23, 11, 20, tzinfo=VN))  # the break: 11:30-13:00
    sim.open(1)
    sim.issue("A")
    sim.call(1)
    before = new_waits(sim.state, sim.now, forecast(sim.state, sim.now))["A"]
    assert before is not None and before.call_at == sim.now + MEAN_A  # 11:24, before the break
    for _ in range(2):
        sim.issue("A")
    wait = new_waits(sim.state, sim.now, forecast(sim.state, sim.now))["A"]
    lunch_end = dt.datetime(2026, 11, 23, 13, 0, tzinfo=VN).timestamp()
    assert wait is not None and wait.call_at >= lunch_end  # not at 11:32, in the break
    assert wait.call_to - wait.call_at <= before.call_to - before.call_at + 300  # the break adds no spread


def test_a_day_without_hours_has_no_closing_time() -> None:
    sim = Sim(start=dt.datetime(2026, 11, 28, 23, 0, tzinfo=VN))  # a Saturday
    sim.open(1)
    sim.issue("A")
    wait = new_waits(sim.state, sim.now, {})["A"]  # (the simple formula: its ticket not in the times given)
    assert wait is not None and wait.call_at == sim.now + MEAN_A


def test_past_the_forecasts_horizon_everyone_waiting_times_the_interval() -> None:
    sim = Sim()
    sim.open(1, 2)
    for _ in range(5):
        sim.issue("A")
    wait = new_waits(sim.state, sim.now, {})["A"]  # nobody of them in the forecast
    assert wait is not None and wait.call_at == sim.now + 5 * MEAN_A / 2


def test_every_waiting_ticket_counts_whatever_the_commands_since() -> None:
    sim = Sim()
    sim.open(1)
    for _ in range(4):
        sim.issue("A")
    sim.call(1)
    sim.advance(1)
    sim.do(cmd.PauseCounter(counter=1, reason="Họp giao ban"))
    assert new_waits(sim.state, sim.now, forecast(sim.state, sim.now))["A"] is None, "paused: none open"

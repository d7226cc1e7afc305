"""Satisfaction ratings (M3): asked by the counter, given on its rating screen (or on the
counter's own screen turned to the patient), once per finished ticket, tied to ticket, counter,
service and staff; and counted in the reports without identity."""

from __future__ import annotations

import datetime as dt

import pytest

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.access import Actor
from server.domain.reports import build, local_range

from .sim import VN, Sim, small_config
from .test_decide import refused

LAN = Actor(name="staff:lan", role="counter", counters=[1])
SCREEN_1 = Actor(name="device:rating-1", role="rating", counters=[1])
SCREEN_3 = Actor(name="device:rating-3", role="rating", counters=[3])


@pytest.fixture
def sim() -> Sim:
    s = Sim()
    s.do(cmd.OpenCounter(counter=1), LAN)
    s.open(3)
    return s


def serve(sim: Sim, counter: int = 1, actor: Actor = LAN, service: str = "A") -> str:
    """Issue a ticket, then call (whoever is next) and finish: the label served."""
    sim.issue(service)
    sim.advance(2)
    called = sim.do(cmd.CallNext(counter=counter), actor)[-1]
    assert isinstance(called, ev.TicketCalled)
    sim.do(cmd.FinishService(counter=counter), actor)
    return called.label


def test_the_counter_asks_and_its_screen_answers(sim: Sim) -> None:
    refused(sim, cmd.RequestRating(counter=1), "nothing_to_rate", LAN)
    first = serve(sim)
    second = serve(sim)
    asked = sim.do(cmd.RequestRating(counter=1), LAN)
    assert asked == [ev.RatingRequested(counter=1, ticket=sim.state.labels[second], label=second)]
    rated = sim.do(cmd.RateTicket(label=second, score=4, reasons=["wait"]), SCREEN_1)
    assert rated == [
        ev.TicketRated(
            ticket=sim.state.labels[second],
            label=second,
            service="A",
            counter=1,
            staff="staff:lan",
            score=4,
            reasons=["wait"],
        )
    ]
    assert sim.state.tickets[sim.state.labels[second]].rating == 4
    refused(sim, cmd.RateTicket(label=second, score=5), "not_rateable", SCREEN_1)  # once
    refused(sim, cmd.RequestRating(counter=1, label=second), "not_rateable", LAN)
    refused(sim, cmd.RateTicket(label=first, score=3), "wrong_counter", SCREEN_3)
    sim.do(cmd.RequestRating(counter=1, label=first), LAN)
    sim.do(cmd.RateTicket(label=first, score=2), LAN)  # the counter's screen turned to the patient


def test_only_finished_tickets_and_valid_scores(sim: Sim) -> None:
    waiting = sim.issue("A").label
    refused(sim, cmd.RateTicket(label=waiting, score=3), "not_rateable")
    refused(sim, cmd.RequestRating(counter=1, label=waiting), "not_rateable", LAN)
    done = serve(sim)
    for score in (0, 6, -1):
        refused(sim, cmd.RateTicket(label=done, score=score), "invalid_rating")
    refused(sim, cmd.RateTicket(label=done, score=3, reasons=["wait", "wait"]), "invalid_rating")
    refused(sim, cmd.RateTicket(label="A999", score=3), "unknown_ticket")
    other = serve(sim, 3, Actor(name="staff:hoa", role="admin"), "B")
    refused(sim, cmd.RequestRating(counter=1, label=other), "not_rateable", LAN)  # served elsewhere
    refused(sim, cmd.IssueTicket(service="A"), "forbidden", SCREEN_1)  # a rating screen rates only


def test_a_rating_screen_is_registered_for_one_counter(sim: Sim) -> None:
    sim.do(cmd.RegisterDevice(device="rating-1", kind="rating", name="Đánh giá quầy 1", counter=1, token_hash="h"))
    assert sim.state.devices["rating-1"].counter == 1
    for bad in (
        cmd.RegisterDevice(device="r2", kind="rating", name="x", token_hash="h"),
        cmd.RegisterDevice(device="r3", kind="rating", name="x", counter=99, token_hash="h"),
        cmd.RegisterDevice(device="t1", kind="tv", name="x", counter=1, token_hash="h"),
    ):
        refused(sim, bad, "unknown_counter")


def test_ratings_in_the_reports(sim: Sim) -> None:
    for score in (5, 4, 2):
        label = serve(sim)
        sim.do(cmd.RateTicket(label=label, score=score), SCREEN_1)
    serve(sim)  # not rated
    start, end = local_range(dt.date(2026, 11, 23), dt.date(2026, 11, 23), VN)
    report = build(sim.records, start, end, sim.now, small_config())
    assert report["total"]["rating"] == {"n": 3, "mean": 3.67}
    assert {r["key"]: r["rating"]["n"] for r in report["by_counter"]} == {"1": 3}
    assert {r["key"]: r["rating"]["mean"] for r in report["by_staff"]} == {"staff:lan": 3.67}
    assert "identity" not in str(report)

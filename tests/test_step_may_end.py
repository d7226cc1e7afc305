"""The staff view of a visit's steps says, per step, whether the view's counter may mark its result
in or cancel it (``may_end``), by the domain's own rule (``journey.may_end_step``, the one that
judges ``complete_step`` and ``cancel_step``): the counter page shows the buttons only there."""

from __future__ import annotations

from server.domain.access import Actor
from server.domain.journey import may_end_step
from server.views import snapshot, ticket_view

from .domain.journeys import hospital
from .domain.test_journey import sent_for_tests


def buttons(view: dict, label: str) -> dict[int, bool]:
    (t,) = [t for t in view["tickets"] if t.label == label]
    return {s.id: s.may_end for s in t.steps}


def test_each_counter_sees_may_end_where_the_rule_allows_it() -> None:
    sim = hospital()
    t = sim.state.tickets[sent_for_tests(sim)]  # room 1 sent them to the lab (1) and imaging (2), back to 1 (3)
    now = sim.now
    assert buttons(snapshot(sim.state, "staff", now, counter=1), t.label) == {0: True, 1: True, 2: True, 3: True}
    assert buttons(snapshot(sim.state, "staff", now, counter=4), t.label) == {0: False, 1: False, 2: True, 3: False}
    assert buttons(snapshot(sim.state, "staff", now, counter=5), t.label) == {0: False, 1: True, 2: False, 3: False}
    assert set(buttons(snapshot(sim.state, "admin", now), t.label).values()) == {True}
    # the same rule as the commands: a staff view's counter, step by step
    for n in (1, 2, 3, 4, 5):
        actor = Actor(name="view", role="counter", counters=[n])
        view = buttons(snapshot(sim.state, "staff", now, counter=n), t.label) if n in (1, 4, 5) else {}
        assert all(view[s.id] == may_end_step(sim.state.config, actor, s) for s in t.steps if s.id in view)


def test_the_public_never_gets_may_end() -> None:
    sim = hospital()
    t = sim.state.tickets[sent_for_tests(sim)]
    assert [s.may_end for s in ticket_view(t, sim.state.config, "public", 1).steps] == [False] * 4


def test_an_admin_at_a_counter_page_may_end_every_step_of_its_visits() -> None:
    """An admin signed in at a counter page read that counter's tickets as the counter's staff
    would: no buttons on the steps of other counters, though the commands let an admin end any
    step. The view follows who reads it."""
    sim = hospital()
    t = sim.state.tickets[sent_for_tests(sim)]
    admin = Actor(name="staff:admin", role="admin")
    assert buttons(snapshot(sim.state, "staff", sim.now, counter=4, viewer=admin), t.label) == dict.fromkeys(
        range(4), True
    )
    staff_of_4 = Actor(name="staff:cdha", role="counter", counters=[4])
    as_staff = buttons(snapshot(sim.state, "staff", sim.now, counter=4, viewer=staff_of_4), t.label)
    assert as_staff == {0: False, 1: False, 2: True, 3: False}

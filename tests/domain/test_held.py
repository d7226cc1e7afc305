"""The tickets a person holds already, as the kiosk asks at the identity step (issue 16, item 9):
the same rule as the issue's duplicate_ticket, for that person only."""

from __future__ import annotations

import pytest

from server.domain import commands as cmd
from server.domain.errors import IdentityError
from server.domain.held import tickets_held
from server.domain.identity import Identity

from .sim import Sim, small_config

ID = "001099012345"  # synthetic
OTHER = "079300000001"  # synthetic
BHYT = "DN4010123456789"  # synthetic


@pytest.fixture
def sim() -> Sim:
    s = Sim()
    s.open(1, 2, 3)
    return s


def test_nothing_held_before_the_first_ticket(sim: Sim) -> None:
    assert tickets_held(sim.state, sim.now, id_number=ID) == []


def test_the_held_tickets_are_those_the_issue_would_refuse(sim: Sim) -> None:
    sim.issue("B", identity=Identity(source="typed", id_number=ID))
    sim.issue("A", identity=Identity(source="chip", id_number=ID, name="Nguyễn Văn An"))
    sim.issue("A", identity=Identity(source="typed", id_number=OTHER))
    assert tickets_held(sim.state, sim.now, id_number=f" {ID[:4]} {ID[4:]} ", proven=True) == [
        {"label": "A001", "service": "A", "status": "waiting"},  # in the services' order
        {"label": "B1", "service": "B", "status": "waiting"},
    ]
    assert tickets_held(sim.state, sim.now, id_number=OTHER, proven=True) == [
        {"label": "A002", "service": "A", "status": "waiting"}
    ]
    # with both numbers the ID number is the person's key, as for the issue
    assert len(tickets_held(sim.state, sim.now, id_number=ID, bhyt_number=BHYT, proven=True)) == 2
    assert tickets_held(sim.state, sim.now, bhyt_number=BHYT, proven=True) == []


def test_a_bhyt_number_is_a_person_too(sim: Sim) -> None:
    sim.issue("A", identity=Identity(source="typed", bhyt_number=BHYT))
    assert tickets_held(sim.state, sim.now, bhyt_number=BHYT.lower(), proven=True) == [
        {"label": "A001", "service": "A", "status": "waiting"}
    ]


def test_a_ticket_that_ended_is_held_no_more_and_a_called_one_still_is(sim: Sim) -> None:
    sim.issue("A", identity=Identity(source="typed", id_number=ID))
    sim.call(1)
    assert tickets_held(sim.state, sim.now, id_number=ID, proven=True) == [
        {"label": "A001", "service": "A", "status": "called"}
    ]
    sim.do(cmd.FinishService(counter=1))
    assert tickets_held(sim.state, sim.now, id_number=ID) == []


def test_nothing_is_held_when_the_unit_allows_several_or_the_day_has_turned() -> None:
    several = Sim(small_config(queue={"one_ticket_per_person": False}))
    several.open(1)
    several.issue("A", identity=Identity(source="typed", id_number=ID))
    assert tickets_held(several.state, several.now, id_number=ID) == []
    sim = Sim()
    sim.open(1)
    sim.issue("A", identity=Identity(source="typed", id_number=ID))
    sim.advance(24 * 60)  # the next morning, before any command started the day
    assert tickets_held(sim.state, sim.now, id_number=ID) == []


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({}, "identity_missing"),
        ({"id_number": "123"}, "invalid_id_number"),
        ({"id_number": "0" * 13}, "invalid_id_number"),
        ({"bhyt_number": "DN9010123456789"}, "invalid_bhyt_number"),
    ],
)
def test_a_malformed_number_is_refused_as_the_issue_refuses_it(sim: Sim, fields: dict[str, str], code: str) -> None:
    with pytest.raises(IdentityError) as err:
        tickets_held(sim.state, sim.now, **fields)
    assert err.value.code == code


def test_a_typed_number_learns_only_whether_the_service_asked_is_held(sim: Sim) -> None:
    """Anyone can type a neighbour's number: no label, no status, no other service (issue 17)."""
    sim.issue("B", identity=Identity(source="typed", id_number=ID))
    sim.issue("A", identity=Identity(source="typed", id_number=ID))
    assert tickets_held(sim.state, sim.now, id_number=ID, service="A") == [{"service": "A"}]
    assert tickets_held(sim.state, sim.now, id_number=OTHER, service="A") == []
    assert tickets_held(sim.state, sim.now, id_number=ID) == []  # no service asked: nothing told
    assert len(tickets_held(sim.state, sim.now, id_number=ID, proven=True)) == 2

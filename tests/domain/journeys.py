"""A small hospital for the tests of visits of several steps (issue 20): two exam rooms, a lab,
an imaging room, a cashier that also takes blood (two services at one counter) and a service no
counter serves."""

from __future__ import annotations

from typing import Any

import msgspec

from server.domain import events as ev
from server.domain.access import Actor
from server.domain.config import Config
from server.domain.fold import fold
from server.domain.his import ticket_key
from server.domain.lifecycle import Status
from server.domain.state import QueueState, Ticket

from .sim import Sim, small_config

SERVICES = [
    {"code": "E", "name": "Khám bệnh", "department": "d1"},
    {"code": "X", "name": "Xét nghiệm", "department": "d1"},
    {"code": "H", "name": "Chẩn đoán hình ảnh", "department": "d1"},
    {"code": "C", "name": "Thu ngân", "department": "d1"},
    {"code": "Z", "name": "Không quầy nào phục vụ", "department": "d1"},
]
COUNTERS = [
    {
        "number": 1,
        "name": "Phòng khám 1",
        "zone": "z1",
        "kind": "room",
        "location": "Tầng 1, phòng 101",
        "services": [{"code": "E"}],
    },
    {"number": 2, "name": "Phòng khám 2", "zone": "z1", "kind": "room", "services": [{"code": "E"}]},
    {"number": 3, "name": "Xét nghiệm", "zone": "z2", "services": [{"code": "X"}]},
    {"number": 4, "name": "Hình ảnh", "zone": "z2", "services": [{"code": "H"}]},
    {"number": 5, "name": "Thu ngân", "zone": "z2", "services": [{"code": "C"}, {"code": "X"}]},
]
HIS_ACTOR = Actor(name="his:his", role="his")
HELD = (Status.CALLED, Status.SERVING, Status.PARKED, Status.MISSED)


def journey_config(**journeys: Any) -> Config:
    return small_config(services=SERVICES, counters=COUNTERS, journeys=journeys)


def hospital(**journeys: Any) -> Sim:
    sim = Sim(journey_config(**journeys))
    sim.open(1, 2, 3, 4, 5)
    return sim


def key(sim: Sim, t: Ticket) -> str:
    return ticket_key("70001", sim.state.day, t.id)


def where(t: Ticket) -> list[tuple[int, str, str, int | None]]:
    """Each step as (id, service, status, room)."""
    return [(s.id, s.service, s.status, s.counter) for s in t.steps]


def queues_of(state: QueueState, t: Ticket) -> set[str]:
    """The services whose waiting index holds ``t``."""
    return {service for service, ids in state.waiting.items() if t.id in ids}


def assert_replays(sim: Sim, config: Config | None = None) -> None:
    """The records folded again give the same state (the server's start after a restart);
    ``config``: the one the day started with, when it was replaced since."""
    again = fold(config or sim.state.config, sim.records)
    assert msgspec.json.encode(again) == msgspec.json.encode(sim.state)


def events_of(sim: Sim, kind: type[ev.Event]) -> list[Any]:
    return [r.event for r in sim.records if isinstance(r.event, kind)]

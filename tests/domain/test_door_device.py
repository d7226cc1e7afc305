"""A room's door screen is registered like a rating screen: bound to one counter or room, which
must exist; other kinds of device have none (issue 20)."""

from __future__ import annotations

import pytest

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.errors import DomainError

from .sim import Sim, demo_config

HASH = "h" * 64


def test_a_door_screen_is_bound_to_its_room() -> None:
    sim = Sim(demo_config())
    (e,) = sim.do(cmd.RegisterDevice(device="door-4", kind="door", name="Cửa phòng 4", counter=4, token_hash=HASH))
    assert isinstance(e, ev.DeviceRegistered) and (e.kind, e.counter) == ("door", 4)
    assert sim.state.devices["door-4"].counter == 4


@pytest.mark.parametrize(
    ("kind", "counter"),
    [("door", None), ("door", 99), ("tv", 4)],
    ids=["door without a room", "door of a room not configured", "a TV bound to a room"],
)
def test_a_door_needs_one_valid_room_and_only_it_and_a_rating_screen_have_one(kind: str, counter: int | None) -> None:
    sim = Sim(demo_config())
    with pytest.raises(DomainError) as refused:
        sim.do(cmd.RegisterDevice(device="d-1", kind=kind, name="Thiết bị", counter=counter, token_hash=HASH))  # type: ignore[arg-type]
    assert refused.value.code == "unknown_counter" and refused.value.field == "counter"
    assert "cửa phòng" in refused.value.message_vi and "door screen" in refused.value.message_en

"""The configuration of rooms and of returning patients (config.py: Counter.kind, location,
[journeys])."""

from __future__ import annotations

import pytest

from server.domain import commands as cmd
from server.domain.config_check import config_from_toml
from server.domain.errors import ConfigError

from .journeys import COUNTERS, SERVICES, hospital, journey_config
from .sim import demo_config, small_config
from .test_decide import refused


def test_the_demo_has_exam_rooms_with_their_place_and_a_ratio_for_returning_patients() -> None:
    cfg = demo_config()
    rooms = [c for c in cfg.counters if c.kind == "room"]
    assert rooms and all(c.location and c.location_en for c in rooms)
    assert cfg.journeys.return_mode in ("ratio", "arrival")
    counters = [c for c in small_config().counters]
    assert {c.kind for c in counters} == {"counter"} and all(c.location == "" for c in counters)


def test_a_room_is_read_from_toml() -> None:
    text = """
[unit]
name = "Trạm Y tế"
[hours.mon]
open = "07:00"
close = "17:00"
[[zones]]
code = "z1"
name = "Khu 1"
[[departments]]
code = "d1"
name = "Khám"
[[services]]
code = "E"
name = "Khám bệnh"
department = "d1"
[[counters]]
number = 1
name = "Phòng khám 1"
zone = "z1"
kind = "room"
location = "Tầng 2, phòng 201"
location_en = "Floor 2, room 201"
services = [{ code = "E" }]
[journeys]
return_mode = "arrival"
"""
    cfg = config_from_toml(text)
    room = cfg.counters[0]
    assert (room.kind, room.location, room.location_en) == ("room", "Tầng 2, phòng 201", "Floor 2, room 201")
    assert cfg.journeys.return_mode == "arrival"


@pytest.mark.parametrize(
    ("journeys", "counter", "field"),
    [
        ({"returning": 0}, {}, "journeys.returning"),
        ({"new": 21}, {}, "journeys.new"),
        ({}, {"location": "x" * 101}, "counters[0].location"),
        ({}, {"location_en": "x" * 101}, "counters[0].location"),
        ({"return_mode": "lottery"}, {}, "journeys.return_mode"),
        ({}, {"kind": "office"}, "counters[0].kind"),
    ],
)
def test_bad_room_or_journey_settings_name_the_field(journeys: dict, counter: dict, field: str) -> None:
    counters = [{**COUNTERS[0], **counter}, *COUNTERS[1:]]
    with pytest.raises(ConfigError) as err:
        small_config(services=SERVICES, counters=counters, journeys=journeys)
    assert err.value.field == field
    assert err.value.message_vi and err.value.message_en


def test_the_ratio_parts_may_be_1_to_20() -> None:
    assert journey_config(returning=20, new=1).journeys.returning == 20


def test_a_room_or_service_a_visit_still_has_a_step_for_cannot_be_removed() -> None:
    sim = hospital()
    t = sim.issue("E")
    sim.call(1)
    sim.do(cmd.SendOn(counter=1, steps=[cmd.StepIn(service="X"), cmd.StepIn(service="H")], come_back=True))
    assert (t.service, t.target_counter) == ("X", None)  # at the lab's queue first; imaging and room 1 to come
    no_imaging = small_config(services=SERVICES[:2] + SERVICES[3:], counters=COUNTERS[:3] + COUNTERS[4:])
    err = refused(sim, cmd.ReplaceConfig(config=no_imaging), "service_in_use")
    assert err.params["service"] == "H" and err.params["label"] == t.label
    no_room_1 = small_config(services=SERVICES, counters=COUNTERS[1:])
    assert refused(sim, cmd.ReplaceConfig(config=no_room_1), "counter_in_use").params["counter"] == 1
    sim.call(4)
    sim.do(cmd.FinishService(counter=4))  # imaging done: the H service may go; room 1 is still awaited
    sim.do(cmd.ReplaceConfig(config=no_imaging))
    assert refused(sim, cmd.ReplaceConfig(config=no_room_1), "counter_in_use")

"""What a configuration change changed (domain/config_diff.py): fields by path, lists of things
matched by their code, number, device or date, values as short JSON text, the list bounded."""

from __future__ import annotations

import copy

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.config_check import config_from_builtins
from server.domain.config_diff import MAX_CHANGES, ConfigChange, config_changes

from .sim import Sim, small_config_data


def test_a_renamed_service_and_a_new_counter_are_two_changes() -> None:
    before = small_config_data()
    after = copy.deepcopy(before)
    after["services"][0]["name"] = "Khám A tổng quát"
    after["counters"].append({"number": 9, "name": "Quầy 9", "zone": "z1", "services": [{"code": "A"}]})
    changes = config_changes(config_from_builtins(before), config_from_builtins(after))
    assert changes[0] == ConfigChange(path="services[A].name", before='"Khám A"', after='"Khám A tổng quát"')
    assert [c.path for c in changes] == ["services[A].name", "counters[9]"]
    assert changes[1].before == "" and '"Quầy 9"' in changes[1].after
    assert config_changes(config_from_builtins(before), config_from_builtins(before)) == []


def test_inserting_a_service_does_not_change_the_ones_after_it() -> None:
    before = {"services": [{"code": "A", "name": "a"}, {"code": "B", "name": "b"}]}
    after = {"services": [{"code": "Z", "name": "z"}, {"code": "A", "name": "a"}, {"code": "B", "name": "b"}]}
    assert config_changes(before, after) == [ConfigChange(path="services[Z]", after='{"code": "Z", "name": "z"}')]


def test_plain_lists_removed_fields_and_long_values() -> None:
    before = {"breaks": [1, 2], "gone": True, "same": [{"x": 1}, {"x": 1}], "text": "a"}
    after = {"breaks": [1, 3], "same": [{"x": 2}], "text": "b" * 500}
    changes = {c.path: c for c in config_changes(before, after)}
    assert changes["breaks"] == ConfigChange(path="breaks", before="[1, 2]", after="[1, 3]")
    assert changes["gone"] == ConfigChange(path="gone", before="true", after="")
    assert changes["same"].after == '[{"x": 2}]'  # objects without an identity: compared whole
    assert len(changes["text"].after) == 120 and changes["text"].after.endswith("…")
    assert config_changes({"l": []}, {"l": [{"code": "A"}, {"code": "A"}]})[0].path == "l"  # not unique


def test_the_list_of_changes_is_bounded() -> None:
    before = {f"k{i}": i for i in range(250)}
    after = {f"k{i}": i + 1 for i in range(250)}
    changes = config_changes(before, after)
    assert len(changes) == MAX_CHANGES
    assert changes[-1] == ConfigChange(path=f"… (+{250 - MAX_CHANGES + 1})")


def test_a_replaced_configuration_records_what_changed() -> None:
    sim = Sim(config_from_builtins(small_config_data()))
    data = small_config_data()
    data["unit"]["name"] = "Trạm Y tế xã"
    (event,) = sim.do(cmd.ReplaceConfig(config=config_from_builtins(data)))
    assert isinstance(event, ev.ConfigReplaced)
    assert event.changes == [ConfigChange(path="unit.name", before='"Trạm Y tế thử nghiệm"', after='"Trạm Y tế xã"')]

import copy
import datetime as dt
from typing import Any

import pytest

from server.domain.config_check import config_from_builtins, config_from_toml
from server.domain.errors import ConfigError, DomainError
from server.domain.hours import is_open

from .sim import VN, demo_config, small_config_data


def test_demo_configuration_is_a_district_health_centre() -> None:
    cfg = demo_config()
    names = {s.name for s in cfg.services}
    assert {"Tiếp nhận BHYT", "Khám Nội", "Khám Ngoại", "Khám Sản", "Khám Nhi", "Tai Mũi Họng"} <= names
    assert {"Răng Hàm Mặt", "Xét nghiệm", "Chẩn đoán hình ảnh", "Thu ngân", "Nhà thuốc"} <= names
    assert len(cfg.counters) == 12
    assert {c.zone for c in cfg.counters} == {z.code for z in cfg.zones} and len(cfg.zones) == 2
    assert cfg.unit.timezone == "Asia/Ho_Chi_Minh"
    assert any(c.online for c in cfg.counters)
    for s in cfg.services:
        assert cfg.counters_for(s.code), s.code


def mutate(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(small_config_data())
    target: Any = data
    parts = path.replace("]", "").replace("[", ".").split(".")
    for p in parts[:-1]:
        target = target[int(p)] if p.isdigit() else target[p]
    last = parts[-1]
    if value is DELETE:
        del target[int(last) if last.isdigit() else last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return data


DELETE = object()

BAD = [
    ("unit.name", " ", "unit.name"),
    ("unit.timezone", "Mars/Olympus", "unit.timezone"),
    ("hours.mon.open", "7h", "hours.mon.open"),
    ("hours.mon.close", "06:00", "hours.mon.close"),
    ("hours.mon.close", "24:01", "hours.mon.close"),
    ("hours.tue.breaks", [{"start": "12:00", "end": "11:00"}], "hours.tue.breaks[0]"),
    ("hours.tue.breaks", [{"start": "12", "end": "13:00"}], "hours.tue.breaks[0].start"),
    ("zones", [], "zones"),
    ("zones.0.code", "Khu 1", "zones[0].code"),
    ("zones.1.code", "z1", "zones[1]"),
    ("departments.0.code", "D 1", "departments[0].code"),
    ("services", [], "services"),
    ("services.0.code", "a1", "services[0].code"),
    ("services.0.name", "", "services[0].name"),
    ("services.0.department", "nowhere", "services[0].department"),
    ("services.0.colour", "red", "services[0].colour"),
    ("services.0.digits", 9, "services[0].digits"),
    ("services.0.number_end", 1000, "services[0].number_end"),
    ("services.0.mean_service_minutes", 0, "services[0].mean_service_minutes"),
    ("services.1.code", "A", "services[1]"),
    ("services.0.size", "huge", "services[0].size"),
    ("services.0.care_kind", "17", "services[0].care_kind"),
    ("services.0.care_kind", "1", "services[0].care_kind"),
    ("services.0.colour", 5, "services[0].colour"),
    ("counters.0.number", 0, "counters[0].number"),
    ("counters.0.zone", "z9", "counters[0].zone"),
    ("counters.0.services", [], "counters[0].services"),
    ("counters.0.services.0.code", "Z", "counters[0].services[0].code"),
    ("counters.0.services.0.weight", 0, "counters[0].services[0].weight"),
    ("counters.1.services", [{"code": "A"}, {"code": "A"}], "counters[1].services[1]"),
    ("counters.1.number", 1, "counters[1]"),
    ("counters.0.extra", 1, "counters[0]"),
    ("priority", {"ratio_normal": 0}, "priority.ratio_priority"),
    ("priority", {"max_wait_minutes": 0}, "priority.max_wait_minutes"),
    ("priority", {"mode": "random"}, "priority.mode"),
    ("queue", {"max_recalls": -1}, "queue.max_recalls"),
    ("display", {"columns": 5}, "display.columns"),
    ("display", {"rows": 9}, "display.rows"),
    ("display", {"last_calls": 21}, "display.last_calls"),
    ("display", {"flash_seconds": 0}, "display.last_calls"),
    ("display", {"theme": "neon"}, "display.theme"),
    ("kiosk", {"idle_seconds": 2}, "kiosk.idle_seconds"),
    ("speech", {"languages": []}, "speech.languages"),
    ("speech", {"languages": ["vi", "vi"]}, "speech.languages"),
    ("speech", {"repeat": 4}, "speech.repeat"),
    ("speech", {"region": "west"}, "speech.region"),
    ("speech", {"merge_max": 0}, "speech.merge_max"),
    ("speech", {"merge_max": 7}, "speech.merge_max"),
    ("speech", {"max_age_seconds": 4}, "speech.max_age_seconds"),
    ("speech", {"max_age_seconds": 301}, "speech.max_age_seconds"),
    ("speech", {"rate": 0.5}, "speech.rate"),
    ("speech", {"rate": 2.0}, "speech.rate"),
    ("speech", {"queue": "random"}, "speech.queue"),
    ("speech", {"second_language": "never"}, "speech.second_language"),
    ("speech", {"busy_rate": 1.6}, "speech.busy_rate"),
    ("speech", {"busy_rate": 1.1}, "speech.busy_rate"),  # slower than rate (1.25)
    ("speech", {"rate": 0.9, "busy_rate": 0.85}, "speech.busy_rate"),
    ("speech", {"busy_form": "terse"}, "speech.busy_form"),
    ("announcements", [{"text": " ", "times": ["10:00"]}], "announcements[0].text"),
    ("announcements", [{"text": "x", "times": []}], "announcements[0].times"),
    ("announcements", [{"text": "x", "times": ["25:00"]}], "announcements[0].times"),
    ("announcements", [{"text": "x", "times": ["10:00"], "days": ["monday"]}], "announcements[0].days"),
    ("announcements", [{"text": "x", "times": ["10:00"], "days": []}], "announcements[0].days"),
    ("announcements", [{"text": "x", "times": ["10:00"], "zones": ["roof"]}], "announcements[0].zones"),
    ("unit", DELETE, "(root)"),
]


@pytest.mark.parametrize(("path", "value", "field"), BAD)
def test_invalid_configuration_names_the_field(path: str, value: Any, field: str) -> None:
    with pytest.raises(DomainError) as err:
        config_from_builtins(mutate(path, value))
    assert err.value.code == "config_invalid"
    assert err.value.field == field
    assert field in err.value.message_en and field in err.value.message_vi


def test_more_than_forty_kiosk_services_is_refused() -> None:
    data = small_config_data()
    data["services"] = [
        {"code": "".join(chr(65 + (i // 26**k) % 26) for k in range(2)), "name": f"S{i}", "department": "d1"}
        for i in range(41)
    ]
    data["counters"] = [{"number": 1, "name": "Q", "zone": "z1", "services": [{"code": "AA"}]}]
    with pytest.raises(DomainError) as err:
        config_from_builtins(data)
    assert err.value.field == "services"


def test_toml_errors() -> None:
    with pytest.raises(DomainError) as err:
        config_from_toml(b"[unit\nname=")
    assert err.value.field == "(file)"
    with pytest.raises(DomainError) as err:
        config_from_toml(b'[unit]\nname = "x"\n')
    assert err.value.code == "config_invalid"


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (dt.datetime(2026, 11, 23, 6, 59), False),  # Monday before opening
        (dt.datetime(2026, 11, 23, 7, 0), True),
        (dt.datetime(2026, 11, 23, 11, 30), False),  # lunch break
        (dt.datetime(2026, 11, 23, 13, 0), True),
        (dt.datetime(2026, 11, 23, 17, 0), False),
        (dt.datetime(2026, 11, 28, 9, 0), False),  # Saturday: closed in the small config
        (dt.datetime(2027, 1, 1, 9, 0), False),  # holiday (Friday)
        (dt.datetime(2027, 1, 4, 9, 0), True),
    ],
)
def test_opening_hours(when: dt.datetime, expected: bool) -> None:
    cfg = config_from_builtins(small_config_data(hours={"holidays": [{"date": "2027-01-01", "name": "Tết"}]}))
    assert is_open(cfg, when.replace(tzinfo=VN)) is expected
    # The same instant given in UTC is judged in the unit's time zone.
    assert is_open(cfg, when.replace(tzinfo=VN).astimezone(dt.UTC)) is expected


def test_open_until_midnight() -> None:
    day = {"open": "00:00", "close": "24:00"}
    cfg = config_from_builtins(small_config_data(hours={"sun": day}))
    assert is_open(cfg, dt.datetime(2026, 11, 29, 23, 59, 59, tzinfo=VN))
    assert is_open(cfg, dt.datetime(2026, 11, 29, 0, 0, tzinfo=VN))
    assert not is_open(cfg, dt.datetime(2026, 11, 30, 0, 0, tzinfo=VN))  # Monday: closed in the small config


def test_counters_for_and_lookups() -> None:
    cfg = config_from_builtins(small_config_data())
    assert cfg.counters_for("A") == [1, 2]
    assert cfg.counters_for("B") == [2, 3]
    assert cfg.service("Z") is None and cfg.counter(99) is None
    assert cfg.hours.day(6) is None


def test_announcements_fall_due_in_local_time() -> None:
    from server.domain.hours import due_announcements

    data = small_config_data(hours={"holidays": [{"date": "2027-01-01", "name": "Tết"}]})
    data["announcements"] = [
        {"text": "Nhà thuốc đóng cửa sau 15 phút", "times": ["10:45", "16:45"]},
        {"text": "Chúc mừng năm mới", "times": ["00:00"], "days": ["mon", "sun"], "zones": ["z1"]},
    ]
    cfg = config_from_builtins(data)

    def at(*args: int) -> dt.datetime:
        return dt.datetime(*args, tzinfo=VN)

    monday = (2026, 11, 30)
    assert due_announcements(cfg, at(*monday, 10, 45, 10), at(*monday, 10, 44, 30)) == [(0, "10:45")]
    assert due_announcements(cfg, at(*monday, 10, 46), at(*monday, 10, 45, 10)) == []  # once only
    assert due_announcements(cfg, at(*monday, 10, 45), at(*monday, 10, 45)) == []
    assert due_announcements(cfg, at(2026, 11, 29, 10, 45, 10), at(2026, 11, 29, 10, 44)) == []  # Sunday
    assert due_announcements(cfg, at(2027, 1, 1, 10, 45, 10), at(2027, 1, 1, 10, 44)) == []  # holiday
    # across midnight, Sunday to Monday
    assert due_announcements(cfg, at(*monday, 0, 0, 20), at(2026, 11, 29, 23, 59, 40)) == [(1, "00:00")]
    # after a long sleep only the last two minutes count: 10:45 is not replayed at 16:46
    assert due_announcements(cfg, at(*monday, 16, 46), at(*monday, 8, 0)) == [(0, "16:45")]
    # in UTC it is the same instant
    assert due_announcements(cfg, at(*monday, 10, 45, 10).astimezone(dt.UTC), at(*monday, 10, 44)) == [(0, "10:45")]


def test_tv_media_names_come_from_the_library() -> None:
    from server.domain.config_check import config_from_builtins

    from .sim import small_config_data

    ok = config_from_builtins(small_config_data(display={"media_area": "right", "media": ["0123456789abcdef.mp4"]}))
    assert ok.display.media == ["0123456789abcdef.mp4"]
    for bad in ("../etc/passwd", "clip.mp4", "0123456789abcdef.svg"):
        with pytest.raises(ConfigError) as err:
            config_from_builtins(small_config_data(display={"media": [bad]}))
        assert err.value.field == "display.media[0]"


def test_per_screen_layouts_are_checked() -> None:
    from server.domain.config_check import config_from_builtins

    from .sim import small_config_data

    ok = config_from_builtins(
        small_config_data(
            display={
                "screens": [
                    {"device": "tv-1", "columns": 2, "rows": 4, "media": ["0123456789abcdef.jpg"]},
                    {"device": "tv-2"},
                ]
            }
        )
    )
    assert ok.display.screens[0].columns == 2 and ok.display.screens[1].theme is None
    bad_cases = [
        ({"device": ""}, "display.screens[0].device"),
        ({"device": "tv-1", "columns": 5}, "display.screens[0].columns"),
        ({"device": "tv-1", "rows": 9}, "display.screens[0].rows"),
        ({"device": "tv-1", "media": ["x.mp4"]}, "display.screens[0].media[0]"),
    ]
    for screen, field in bad_cases:
        with pytest.raises(ConfigError) as err:
            config_from_builtins(small_config_data(display={"screens": [screen]}))
        assert err.value.field == field
    with pytest.raises(ConfigError) as err:
        config_from_builtins(small_config_data(display={"screens": [{"device": "a"}, {"device": "a"}]}))
    assert err.value.field == "display.screens[1].device"

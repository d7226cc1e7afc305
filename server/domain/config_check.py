"""A configuration checked: what the types alone cannot say (codes and their formats, times,
ranges, references between sections, duplicates), and a configuration read from TOML or from
built-in data (the admin pages' JSON) then checked. A refusal is a :class:`ConfigError` whose
``field`` names the offending field, e.g. ``services[3].department``.
"""

from __future__ import annotations

import re
import zoneinfo

import msgspec

from .config import CARE_KINDS, WEEKDAYS, Config, DayHours
from .errors import ConfigError
from .hours import minutes

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
CLOSE = re.compile(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")  # a closing time may be the end of the day
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
SERVICE_CODE = re.compile(r"^[A-Z]{1,3}$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
FACILITY_CODE = re.compile(r"^[0-9]{5}$")  # MA_CSKCB
MEDIA_NAME = re.compile(r"^[0-9a-f]{16}\.(png|jpg|webp|mp4)$")


def _err(field: str, vi: str, en: str) -> ConfigError:
    return ConfigError("config_invalid", field, where=field, detail_vi=vi, detail_en=en)


def _check_day(field: str, day: DayHours) -> None:
    if not HHMM.match(day.open):
        raise _err(f"{field}.open", "giờ phải có dạng HH:MM", "time must be HH:MM")
    if not CLOSE.match(day.close):
        raise _err(f"{field}.close", "giờ phải có dạng HH:MM (đến 24:00)", "time must be HH:MM (up to 24:00)")
    if minutes(day.open) >= minutes(day.close):
        raise _err(f"{field}.close", "giờ đóng phải sau giờ mở", "closing time must be after opening")
    for j, b in enumerate(day.breaks):
        bf = f"{field}.breaks[{j}]"
        for name in ("start", "end"):
            if not HHMM.match(getattr(b, name)):
                raise _err(f"{bf}.{name}", "giờ phải có dạng HH:MM", "time must be HH:MM")
        if not (minutes(day.open) <= minutes(b.start) < minutes(b.end) <= minutes(day.close)):
            raise _err(bf, "giờ nghỉ phải nằm trong giờ làm việc", "break must lie within working hours")


def _unique(field: str, values: list[object]) -> None:
    seen: set[object] = set()
    for i, v in enumerate(values):
        if v in seen:
            raise _err(f"{field}[{i}]", f"trùng lặp ({v})", f"duplicate ({v})")
        seen.add(v)


def validate_config(cfg: Config) -> Config:
    """Check what the types alone cannot; raise :class:`ConfigError` naming the field."""
    if not cfg.unit.name.strip():
        raise _err("unit.name", "không được để trống", "must not be empty")
    try:
        zoneinfo.ZoneInfo(cfg.unit.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise _err("unit.timezone", "múi giờ không tồn tại", "unknown time zone") from None
    if cfg.unit.facility_code and not FACILITY_CODE.match(cfg.unit.facility_code):
        raise _err("unit.facility_code", "mã cơ sở KCB gồm 5 chữ số", "the facility code is 5 digits")
    for wd in WEEKDAYS:
        day = getattr(cfg.hours, wd)
        if day is not None:
            _check_day(f"hours.{wd}", day)
    if not cfg.zones:
        raise _err("zones", "cần ít nhất một khu", "at least one zone is needed")
    for i, z in enumerate(cfg.zones):
        if not SLUG.match(z.code):
            raise _err(f"zones[{i}].code", "chỉ gồm chữ thường, số, - _", "lowercase letters, digits, - _")
    _unique("zones", [z.code for z in cfg.zones])
    for i, d in enumerate(cfg.departments):
        if not SLUG.match(d.code):
            raise _err(f"departments[{i}].code", "chỉ gồm chữ thường, số, - _", "lowercase letters, digits, - _")
    _unique("departments", [d.code for d in cfg.departments])
    if not cfg.services:
        raise _err("services", "cần ít nhất một dịch vụ", "at least one service is needed")
    if sum(1 for s in cfg.services if s.on_kiosk) > 40:
        raise _err("services", "tối đa 40 dịch vụ trên kiosk", "at most 40 services on a kiosk")
    departments = {d.code for d in cfg.departments}
    for i, s in enumerate(cfg.services):
        f = f"services[{i}]"
        if not SERVICE_CODE.match(s.code):
            raise _err(f"{f}.code", "mã là 1-3 chữ in hoa (A, KN...)", "code is 1-3 capital letters (A, KN...)")
        if not s.name.strip():
            raise _err(f"{f}.name", "không được để trống", "must not be empty")
        if s.department not in departments:
            raise _err(f"{f}.department", "khoa/bộ phận không tồn tại", "no such department")
        if not COLOUR.match(s.colour):
            raise _err(f"{f}.colour", "màu có dạng #RRGGBB", "colour must be #RRGGBB")
        if not 1 <= s.digits <= 5:
            raise _err(f"{f}.digits", "từ 1 đến 5 chữ số", "between 1 and 5 digits")
        if not 0 <= s.number_start < s.number_end < 10**s.digits:
            raise _err(
                f"{f}.number_end",
                "dải số phải tăng và vừa số chữ số",
                "number range must increase and fit the digits",
            )
        if s.mean_service_minutes <= 0:
            raise _err(f"{f}.mean_service_minutes", "phải lớn hơn 0", "must be positive")
        if not 0 <= s.booking_early_minutes <= 240:
            raise _err(f"{f}.booking_early_minutes", "từ 0 đến 240 phút", "0 to 240 minutes")
        if s.care_kind not in CARE_KINDS:
            raise _err(f"{f}.care_kind", "mã loại KCB từ 01 đến 16", "a kind of care (MA_LOAI_KCB) 01 to 16")
    _unique("services", [s.code for s in cfg.services])
    zones = {z.code for z in cfg.zones}
    codes = {s.code for s in cfg.services}
    for i, c in enumerate(cfg.counters):
        f = f"counters[{i}]"
        if c.number < 1:
            raise _err(f"{f}.number", "số quầy từ 1 trở lên", "counter numbers start at 1")
        if c.zone not in zones:
            raise _err(f"{f}.zone", "khu không tồn tại", "no such zone")
        if not c.services:
            raise _err(f"{f}.services", "quầy phải phục vụ ít nhất một dịch vụ", "a counter serves a service")
        for j, cs in enumerate(c.services):
            if cs.code not in codes:
                raise _err(f"{f}.services[{j}].code", "dịch vụ không tồn tại", "no such service")
            if cs.weight <= 0:
                raise _err(f"{f}.services[{j}].weight", "trọng số phải lớn hơn 0", "weight must be positive")
        _unique(f"{f}.services", [cs.code for cs in c.services])
        if len(c.location) > 100 or len(c.location_en) > 100:
            raise _err(f"{f}.location", "tối đa 100 ký tự", "at most 100 characters")
    _unique("counters", [c.number for c in cfg.counters])
    p = cfg.priority
    jp = cfg.journeys
    for part in ("returning", "new"):  # the field at fault named (the admin form shows it)
        if not 1 <= getattr(jp, part) <= 20:
            raise _err(f"journeys.{part}", "tỉ lệ phải từ 1 đến 20", "ratio parts must be 1 to 20")
    if p.ratio_priority < 1 or p.ratio_normal < 1:
        raise _err("priority.ratio_priority", "tỉ lệ phải từ 1 trở lên", "ratio parts must be at least 1")
    if p.max_wait_minutes < 1:
        raise _err("priority.max_wait_minutes", "phải từ 1 phút trở lên", "must be at least 1 minute")
    if cfg.queue.max_recalls < 0:
        raise _err("queue.max_recalls", "không được âm", "must not be negative")
    disp = cfg.display
    if not 0 <= disp.columns <= 4:
        raise _err("display.columns", "từ 0 (tự động) đến 4 cột", "between 0 (automatic) and 4 columns")
    if not 0 <= disp.rows <= 8:
        raise _err("display.rows", "từ 0 (tự động) đến 8 hàng", "between 0 (automatic) and 8 rows")
    if not 0 <= disp.last_calls <= 20 or not 1 <= disp.flash_seconds <= 60:
        raise _err("display.last_calls", "từ 0 đến 20 số; nháy 1-60 giây", "0 to 20 calls; flash 1-60 seconds")
    if not cfg.speech.languages or len(set(cfg.speech.languages)) != len(cfg.speech.languages):
        raise _err("speech.languages", "chọn một hoặc hai ngôn ngữ khác nhau", "one or two different languages")
    if not 1 <= cfg.speech.repeat <= 3:
        raise _err("speech.repeat", "đọc từ 1 đến 3 lần", "between 1 and 3 times")
    if not 1 <= cfg.speech.merge_max <= 6:
        raise _err("speech.merge_max", "gộp từ 1 đến 6 lượt gọi một câu", "1 to 6 calls in one sentence")
    if not 5 <= cfg.speech.max_age_seconds <= 300:
        raise _err("speech.max_age_seconds", "từ 5 đến 300 giây", "between 5 and 300 seconds")
    if not 0.8 <= cfg.speech.rate <= 1.5:
        raise _err("speech.rate", "tốc độ đọc từ 0,8 đến 1,5", "a speaking rate between 0.8 and 1.5")
    if not cfg.speech.rate <= cfg.speech.busy_rate <= 1.5:
        raise _err(
            "speech.busy_rate",
            "tốc độ đọc khi đông từ speech.rate đến 1,5",
            "the busy speaking rate between speech.rate and 1.5",
        )
    for i, name in enumerate(cfg.display.media):
        if not MEDIA_NAME.match(name):
            raise _err(f"display.media[{i}]", "không phải tệp trong thư viện", "not a file of the media library")
    seen_screens: set[str] = set()
    for i, sd in enumerate(cfg.display.screens):
        f = f"display.screens[{i}]"
        if not sd.device or sd.device in seen_screens:
            raise _err(f"{f}.device", "thiếu hoặc trùng mã màn hình", "missing or repeated screen")
        seen_screens.add(sd.device)
        if sd.columns is not None and not 0 <= sd.columns <= 4:
            raise _err(f"{f}.columns", "từ 0 đến 4", "between 0 and 4")
        if sd.rows is not None and not 0 <= sd.rows <= 8:
            raise _err(f"{f}.rows", "từ 0 đến 8", "between 0 and 8")
        for j, name in enumerate(sd.media or []):
            if not MEDIA_NAME.match(name):
                raise _err(f"{f}.media[{j}]", "không phải tệp trong thư viện", "not a file of the media library")
    if not 0.0 < cfg.face.same_distance <= cfg.face.review_distance < 1.2:
        raise _err(
            "face.same_distance",
            "cần 0 < same_distance ≤ review_distance < 1,2",
            "needs 0 < same_distance <= review_distance < 1.2",
        )
    for i, a in enumerate(cfg.announcements):
        f = f"announcements[{i}]"
        if not a.text.strip():
            raise _err(f"{f}.text", "không được để trống", "must not be empty")
        if not a.times or not all(HHMM.match(t) for t in a.times):
            raise _err(f"{f}.times", "giờ có dạng HH:MM", "times must be HH:MM")
        if not a.days or any(d not in WEEKDAYS for d in a.days):
            raise _err(f"{f}.days", "ngày là mon..sun", "days are mon..sun")
        if any(z not in zones for z in a.zones):
            raise _err(f"{f}.zones", "khu không tồn tại", "no such zone")
    if not 5 <= cfg.kiosk.idle_seconds <= 600:
        raise _err("kiosk.idle_seconds", "từ 5 đến 600 giây", "between 5 and 600 seconds")
    return cfg


def _decode_error(exc: msgspec.ValidationError) -> ConfigError:
    text = str(exc)
    field = text.rsplit("at `$.", 1)[1].rstrip("`") if "at `$." in text else "(root)"
    return ConfigError("config_invalid", field, where=field, detail_vi=text, detail_en=text)


def config_from_toml(data: bytes | str) -> Config:
    try:
        cfg = msgspec.toml.decode(data, type=Config)
    except msgspec.ValidationError as exc:
        raise _decode_error(exc) from None
    except msgspec.DecodeError as exc:
        raise ConfigError("config_invalid.file", "(file)", detail=exc) from None
    return validate_config(cfg)


def config_from_builtins(data: object) -> Config:
    try:
        cfg = msgspec.convert(data, type=Config)
    except msgspec.ValidationError as exc:
        raise _decode_error(exc) from None
    return validate_config(cfg)

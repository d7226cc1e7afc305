"""The configuration model: unit, hours, departments, services, counters, zones, priority policy.

The admin edits a TOML file today (``config/demo.toml`` is the example); later the admin pages
send the same structure as a ``ReplaceConfig`` command. Either way :func:`load_config` /
:func:`validate_config` refuse an invalid configuration with a :class:`ConfigError` whose
``field`` names the offending field, e.g. ``services[3].department``.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
import zoneinfo
from collections.abc import Mapping
from typing import Annotated, Literal

import msgspec

from .errors import ConfigError

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
CLOSE = re.compile(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")  # a closing time may be the end of the day
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
SERVICE_CODE = re.compile(r"^[A-Z]{1,3}$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
FACILITY_CODE = re.compile(r"^[0-9]{5}$")  # MA_CSKCB
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# MA_LOAI_KCB, the kind of care of a visit (QĐ 1804/QĐ-BYT 2026, Appendix 01, 16 codes, from
# 1 Aug 2026; 01-10 as in QĐ 824/4750 before it): code -> (Vietnamese, English).
CARE_KINDS: dict[str, tuple[str, str]] = {
    "01": ("Khám bệnh", "Examination"),
    "02": ("Điều trị ngoại trú", "Outpatient treatment"),
    "03": ("Điều trị nội trú", "Inpatient treatment"),
    "04": ("Điều trị ban ngày", "Day treatment"),
    "05": ("Ngoại trú bệnh dài ngày, khám và lĩnh thuốc", "Chronic outpatient: examination and medicine"),
    "06": ("Điều trị lưu tại trạm y tế, phòng khám đa khoa khu vực", "Stay at a commune or area clinic"),
    "07": ("Nhận thuốc theo hẹn", "Medicine by appointment"),
    "08": ("Ngoại trú bệnh dài ngày, khám, kỹ thuật và thuốc", "Chronic outpatient: examination, procedures, medicine"),
    "09": ("Điều trị nội trú dưới 4 giờ", "Inpatient under 4 hours"),
    "10": ("Khác", "Other"),
    "11": ("Khám chữa bệnh lưu động", "Mobile care"),
    "12": ("Khám chữa bệnh tại nhà", "Home care"),
    "13": ("Y học gia đình", "Family medicine"),
    "14": ("Khám chữa bệnh từ xa", "Remote care"),
    "15": ("Khám sức khỏe định kỳ", "Periodic health check"),
    "16": ("Khám sàng lọc", "Screening"),
}


class Unit(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str
    name_en: str = ""
    logo: str = ""
    address: str = ""
    commune: str = ""
    district: str = ""
    province: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"
    facility_code: str = ""  # MA_CSKCB, the facility code the HIS knows this unit by (5 digits)


class Break(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    start: str
    end: str


class DayHours(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    open: str
    close: str
    breaks: list[Break] = []


class Holiday(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    date: dt.date
    name: str = ""
    name_en: str = ""


class Hours(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    mon: DayHours | None = None
    tue: DayHours | None = None
    wed: DayHours | None = None
    thu: DayHours | None = None
    fri: DayHours | None = None
    sat: DayHours | None = None
    sun: DayHours | None = None
    holidays: list[Holiday] = []

    def day(self, weekday: int) -> DayHours | None:
        """Hours of a weekday (0 = Monday)."""
        day: DayHours | None = getattr(self, WEEKDAYS[weekday])
        return day


class Zone(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: str
    name: str
    name_en: str = ""


class Department(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: str
    name: str
    name_en: str = ""
    order: int = 0


class Service(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: str
    name: str
    department: str
    name_en: str = ""
    colour: str = "#1565c0"
    size: Literal["normal", "large", "wide"] = "normal"
    order: int = 0
    number_start: int = 1
    number_end: int = 999
    digits: int = 3
    daily_reset: bool = True
    # a booked patient's place (domain/bookings.py): "slot" at the slot's start, "arrival" by
    # arrival but no earlier than booking_early_minutes before the slot's start
    booking_rule: Literal["slot", "arrival"] = "slot"
    booking_early_minutes: int = 30
    on_kiosk: bool = True
    mean_service_minutes: float = 5.0
    reading: Literal["number", "digits", "prefix_letters"] = "number"
    care_kind: str = "01"  # MA_LOAI_KCB: the kind of care (CARE_KINDS), passed on with every check-in


class CounterService(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: str
    weight: float = 1.0


class Counter(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    number: int
    name: str
    zone: str
    services: list[CounterService]
    name_en: str = ""
    online: bool = False  # handles online (pre-registered) cases
    walk_ins: bool = False  # an online counter also named to walk-in patients on their ticket
    kind: Literal["counter", "room"] = "counter"  # a room: an exam room with a doctor (door screen)
    location: str = ""  # where it is, for the patient's phone: "Tầng 2, khu B"
    location_en: str = ""


class PriorityPolicy(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """How priority tickets (Law 15/2023 Art. 3(2)) are interleaved with the others.

    - ``ratio``: ``ratio_priority`` priority calls, then ``ratio_normal`` normal calls, repeat.
    - ``strict``: every priority ticket before any normal one.
    - ``fifo``: arrival order only (priority ignored for ordering, still recorded).

    In every mode a ticket that has waited ``max_wait_minutes`` or more is called first (oldest
    first), so nobody starves; emergencies always go first.
    """

    mode: Literal["ratio", "strict", "fifo"] = "ratio"
    ratio_priority: int = 1
    ratio_normal: int = 2
    max_wait_minutes: int = 60
    elderly_age: int = 75
    child_age: int = 6
    honour_unconfirmed: bool = True


class JourneyPolicy(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """How a room orders the patients who come back to it (with their results) against new ones:

    - ``ratio``: ``returning`` returning patients, then ``new`` new patients, repeat (when both
      wait; the maximum wait still protects either side);
    - ``arrival``: a returning patient takes their place by when their results came.
    """

    return_mode: Literal["ratio", "arrival"] = "ratio"
    returning: int = 1
    new: int = 2


class QueuePolicy(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    max_recalls: int = 3
    reactivate_position: Literal["front", "back", "arrival"] = "back"
    one_ticket_per_person: bool = True


class Privacy(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What TV boards may show of a patient: nothing (default) or a masked name."""

    tv_name: Literal["hidden", "masked"] = "hidden"


class ScreenDisplay(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One TV's own layout: what it sets overrides the unit's ``[display]`` (unset: inherited)."""

    device: str  # the TV's registered device id
    columns: int | None = None
    rows: int | None = None
    theme: Literal["multi", "mono"] | None = None
    media_area: Literal["none", "right"] | None = None
    media: list[str] | None = None  # its own playlist


class Display(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """How TV boards look. A screen's URL may override the columns, rows and theme."""

    theme: Literal["multi", "mono"] = "multi"
    columns: int = 0  # 0: chosen from the number of counters (at most 4)
    rows: int = 0  # 0: chosen from the number of counters (at most 8)
    marquee: str = ""
    marquee_en: str = ""
    marquee_position: Literal["top", "bottom"] = "bottom"
    last_calls: int = 6
    flash_seconds: int = 10
    media_area: Literal["none", "right"] = "none"  # split screen: a media area beside the board
    media: list[str] = []  # the default playlist: names from the media library (images show 10 s)
    screens: list[ScreenDisplay] = []  # per-TV overrides
    his_room: bool = False  # show the room the HIS gave a ticket next to the counter it is called to


class Kiosk(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    idle_seconds: int = 40  # back to the start screen after this long without a touch
    show_wait: bool = True  # show people ahead and the estimated wait on the ticket screen


class Face(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The kiosk's face check (one ticket per person and service). Distances are between dlib
    descriptors: the same person usually scores 0.15-0.45, different people 0.8-0.9 (docs/face.md)."""

    enabled: bool = True  # kiosks with a camera on their bridge offer it (always with consent)
    same_distance: float = 0.45  # at or under: the same person; a second ticket is refused
    review_distance: float = 0.55  # above same, up to this: issued, and marked for staff to check
    notice: str = "2026-11"  # version of the consent text the kiosk shows (recorded with the ticket)


class IdentityPolicy(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """VNeID at the kiosk (docs/vneid.md): the site's verifier of the QR codes the VNeID app
    shows that cannot be read offline, called by the server (never by a page), and how long the
    kiosk waits for it. Without one, the kiosk sends the patient to the counter."""

    vneid_verifier: Annotated[str, msgspec.Meta(max_length=300, pattern=r"^(https?://[^\s]+)?$")] = ""
    vneid_timeout_seconds: Annotated[float, msgspec.Meta(ge=0.5, le=10.0)] = 4.0


class InsurancePolicy(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The health-insurance check of a ticket issued with an ID or BHYT number (docs/insurance.md):
    ``bhxh`` asks the social-insurance gateway (its credentials are in the settings file
    ``QUEUE_INSURANCE``, never here), ``his`` the hospital information system, ``none`` nobody.
    The kiosk waits at most ``budget_seconds``; past it the ticket is issued "to be checked"."""

    check: Literal["none", "bhxh", "his"] = "none"
    budget_seconds: Annotated[float, msgspec.Meta(ge=0.0, le=15.0)] = 3.0


class Speech(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """How calls are announced: languages in order, repeats, the regional reading of numbers
    (north: linh, nghìn; south: lẻ, ngàn, tư) and the voice packs' region."""

    enabled: bool = True
    languages: list[Literal["vi", "en"]] = msgspec.field(default_factory=lambda: ["vi", "en"])
    repeat: int = 1
    region: Literal["north", "central", "south"] = "north"
    gender: Literal["any", "female", "male"] = "any"  # preferred voice when packs of both exist
    # the hall's speaker (decision 0010): "plan" merges a burst into one sentence, lets a newer
    # call at a counter replace its unspoken older one and drops calls older than max_age_seconds;
    # "every" says every call in full, one after another (the old way: it falls behind in a burst)
    queue: Literal["plan", "every"] = "plan"
    second_language: Literal["when_quiet", "always"] = "when_quiet"  # quiet: one call, none waiting
    merge_max: int = 4  # calls in one sentence
    max_age_seconds: int = 30  # older calls are shown, not spoken
    rate: float = 1.25  # speaking rate of the words (1.0: the voice pack's own pace)
    # a backlog (more than one call to say, or a call right after another): "compact" reads the
    # numbers digit by digit, the prefix once per service in a row, "quầy" per call; "full"
    # keeps the quiet hall's words. Either way the words are said at busy_rate.
    busy_form: Literal["compact", "full"] = "compact"
    busy_rate: float = 1.5  # rate..1.5


class Announcement(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A message read out at set times (S6), e.g. "the pharmacy closes in 15 minutes"."""

    text: str
    times: list[str]
    text_en: str = ""
    days: list[str] = msgspec.field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri", "sat"])
    zones: list[str] = []  # none: every zone


class Config(msgspec.Struct, frozen=True, forbid_unknown_fields=True, weakref=True):
    unit: Unit
    hours: Hours
    zones: list[Zone]
    departments: list[Department]
    services: list[Service]
    counters: list[Counter]
    priority: PriorityPolicy = PriorityPolicy()
    queue: QueuePolicy = QueuePolicy()
    journeys: JourneyPolicy = JourneyPolicy()
    privacy: Privacy = Privacy()
    display: Display = Display()
    kiosk: Kiosk = Kiosk()
    speech: Speech = Speech()
    face: Face = Face()
    identity: IdentityPolicy = IdentityPolicy()
    insurance: InsurancePolicy = InsurancePolicy()
    announcements: list[Announcement] = []
    version: int = 1

    def service(self, code: str) -> Service | None:
        return _index(self).services.get(code)

    def counter(self, number: int) -> Counter | None:
        return _index(self).counters.get(number)

    def counters_for(self, service_code: str) -> list[int]:
        """Counters that serve a service (derived from each counter's list of services)."""
        return list(_index(self).serving.get(service_code, ()))

    def counters_offered(self, service_code: str, channel: str) -> list[int]:
        """The counters a ticket names ("please go to"): an online counter only for online
        registrations unless it takes walk-ins; every serving counter if that leaves none."""
        serving = self.counters_for(service_code)
        if channel == "online":
            return serving
        index = _index(self).counters
        offered = [n for n in serving if not index[n].online or index[n].walk_ins]
        return offered or serving

    def choosing(self) -> Mapping[int, tuple[tuple[str, float], ...]]:
        """By counter number, what decides which ticket it calls: its services and their
        weights, in order (counters with the same choose alike)."""
        return _index(self).choosing

    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.unit.timezone)


class _Index:
    """Look-ups by code and number, built once per configuration (they are on every hot path)."""

    def __init__(self, cfg: Config) -> None:
        self.services = {s.code: s for s in cfg.services}
        self.counters = {c.number: c for c in cfg.counters}
        self.serving: dict[str, list[int]] = {}
        self.choosing = {c.number: tuple((s.code, s.weight) for s in c.services) for c in cfg.counters}
        for c in cfg.counters:
            for cs in c.services:
                self.serving.setdefault(cs.code, []).append(c.number)


_INDEXES: dict[int, tuple[weakref.ref[Config], _Index]] = {}


def _index(cfg: Config) -> _Index:
    found = _INDEXES.get(id(cfg))
    if found is not None and found[0]() is cfg:
        return found[1]
    index = _Index(cfg)
    key = id(cfg)
    _INDEXES[key] = (weakref.ref(cfg, lambda _ref: _INDEXES.pop(key, None)), index)
    return index


MEDIA_NAME = re.compile(r"^[0-9a-f]{16}\.(png|jpg|webp|mp4)$")


def _err(field: str, vi: str, en: str) -> ConfigError:
    return ConfigError("config_invalid", field, where=field, detail_vi=vi, detail_en=en)


def _minutes(text: str) -> int:
    return int(text[:2]) * 60 + int(text[3:])


def _check_day(field: str, day: DayHours) -> None:
    if not HHMM.match(day.open):
        raise _err(f"{field}.open", "giờ phải có dạng HH:MM", "time must be HH:MM")
    if not CLOSE.match(day.close):
        raise _err(f"{field}.close", "giờ phải có dạng HH:MM (đến 24:00)", "time must be HH:MM (up to 24:00)")
    if _minutes(day.open) >= _minutes(day.close):
        raise _err(f"{field}.close", "giờ đóng phải sau giờ mở", "closing time must be after opening")
    for j, b in enumerate(day.breaks):
        bf = f"{field}.breaks[{j}]"
        for name in ("start", "end"):
            if not HHMM.match(getattr(b, name)):
                raise _err(f"{bf}.{name}", "giờ phải có dạng HH:MM", "time must be HH:MM")
        if not (_minutes(day.open) <= _minutes(b.start) < _minutes(b.end) <= _minutes(day.close)):
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


def is_open(cfg: Config, now: dt.datetime) -> bool:
    """Whether the unit is within working hours (and not on a break or a holiday) at ``now``."""
    local = now.astimezone(cfg.tzinfo())
    if any(h.date == local.date() for h in cfg.hours.holidays):
        return False
    day = cfg.hours.day(local.weekday())
    if day is None:
        return False
    m = local.hour * 60 + local.minute
    if not _minutes(day.open) <= m < _minutes(day.close):
        return False
    return not any(_minutes(b.start) <= m < _minutes(b.end) for b in day.breaks)


def due_announcements(cfg: Config, now: dt.datetime, since: dt.datetime) -> list[tuple[int, str]]:
    """The (announcement index, "HH:MM") whose time came in (since, now], local time of the
    unit, on their days and not on holidays."""
    tz = cfg.tzinfo()
    start, end = since.astimezone(tz), now.astimezone(tz)
    out: list[tuple[int, str]] = []
    if end <= start or end - start > dt.timedelta(hours=1):  # asleep for long: do not replay old ones
        start = max(start, end - dt.timedelta(minutes=2))
    day = start.date()
    while day <= end.date():
        weekday = WEEKDAYS[day.weekday()]
        holiday = any(h.date == day for h in cfg.hours.holidays)
        for i, a in enumerate(cfg.announcements):
            if holiday or weekday not in a.days:
                continue
            for t in a.times:
                at = dt.datetime.combine(day, dt.time(int(t[:2]), int(t[3:])), tz)
                if start < at <= end:
                    out.append((i, t))
        day += dt.timedelta(days=1)
    return out

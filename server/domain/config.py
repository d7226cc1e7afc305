"""The configuration model: unit, hours, departments, services, counters, zones, priority policy,
and the look-ups by code and number every hot path uses.

The admin edits a TOML file (``config/demo.toml`` is the example) or sends the same structure
as a ``ReplaceConfig`` command from the admin pages. Either way it is read and checked by
``config_check.py`` (``config_from_toml``, ``validate_config``), which refuses an invalid
configuration with a :class:`ConfigError` whose ``field`` names the offending field, e.g.
``services[3].department``. When the unit is open and which announcements are due: ``hours.py``.
"""

from __future__ import annotations

import datetime as dt
import weakref
import zoneinfo
from collections.abc import Mapping
from typing import Annotated, Literal

import msgspec

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

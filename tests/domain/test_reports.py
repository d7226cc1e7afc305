"""Report figures against a generated morning whose true values the test keeps itself.

Every change happens on a whole minute; the test's own model (who waits, who is at which
counter, who is away) gives the expected counts, waits, service times and idle minutes, which
are then compared with ``reports.build`` over the domain's log."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

import pytest

from server.domain import commands as cmd
from server.domain.access import Actor
from server.domain.config import Config
from server.domain.config_check import config_from_builtins
from server.domain.figures import percentile, summary
from server.domain.identity import Identity, PriorityGroup
from server.domain.reports import Report, build, half_year, local_range

from .sim import VN, Sim, small_config_data

STAFF = {
    1: Actor(name="staff:lan", role="admin"),
    2: Actor(name="staff:minh", role="admin"),
    3: Actor(name="staff:hoa", role="admin"),
}
SERVES = {1: {"A"}, 2: {"A", "B"}, 3: {"B"}}


def morning_config() -> Config:
    data = small_config_data()
    data["services"][1].update(number_end=999, digits=3)  # B's range is 1-5 in the small config
    return config_from_builtins(data)


@dataclass
class Truth:
    issued: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # by service
    by_hour: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_source: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    served: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # by counter
    missed: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    transferred: int = 0
    cancelled: int = 0
    waits: list[float] = field(default_factory=list)
    waits_by_counter: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    services: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    idle: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    priority: int = 0
    bhyt: int = 0


def generated_morning(seed: int) -> tuple[Sim, Truth, float, float]:
    rng = random.Random(seed)
    sim = Sim(morning_config(), start=dt.datetime(2026, 11, 23, 7, 0, tzinfo=VN))
    truth = Truth()
    t0 = sim.now
    for c, actor in STAFF.items():
        sim.do(cmd.OpenCounter(counter=c), actor)
    waiting: dict[str, list[str]] = {"A": [], "B": []}  # labels in the model
    issued_at: dict[str, float] = {}
    called_before: set[str] = set()
    current: dict[int, tuple[str, float, str]] = {}  # counter -> (label, busy until, outcome)
    started: dict[int, float] = {}
    away_until: dict[int, float] = {}
    for minute in range(240):  # 07:00-11:00
        sim.now = t0 + minute * 60
        now = sim.now
        # patients arrive
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            service = rng.choice("AB")
            kind = rng.choice(["none", "typed", "chip", "qr", "bhyt"])
            identity = None
            if kind in ("typed", "chip", "qr"):
                identity = Identity(source=kind, id_number=f"0010990{len(issued_at):05d}")
            elif kind == "bhyt":
                identity = Identity(source="typed", bhyt_number=f"DN40101{len(issued_at):08d}")
                truth.bhyt += 1
            declared = [PriorityGroup.PREGNANT] if rng.random() < 0.2 else []
            t = sim.issue(service, identity=identity, declared=declared)
            issued_at[t.label] = now
            waiting[service].append(t.label)
            truth.issued[service] += 1
            truth.by_hour[f"{dt.datetime.fromtimestamp(now, VN).hour:02d}"] += 1
            truth.by_source[identity.source if identity else "none"] += 1
            if declared and rng.random() < 0.5:  # staff confirm half, reject the others
                sim.do(cmd.ReviewPriority(label=t.label, confirmed=True))
                truth.priority += 1
            elif declared:
                sim.do(cmd.ReviewPriority(label=t.label, confirmed=False))
        # counters
        for c, actor in STAFF.items():
            if c in current:
                label, until, outcome = current[c]
                if now < until:
                    continue
                if outcome == "missed":
                    sim.do(cmd.MarkMissed(counter=c), actor)
                    truth.missed[c] += 1
                elif outcome == "transfer":
                    to = "B" if sim.state.tickets[sim.state.labels[label]].service == "A" else "A"
                    sim.do(cmd.Transfer(counter=c, to_service=to), actor)
                    waiting[to].append(label)
                    truth.transferred += 1
                else:
                    sim.do(cmd.FinishService(counter=c), actor)
                    truth.served[c] += 1
                    truth.services[c].append(now - started[c])
                del current[c]
            if now < away_until.get(c, 0):
                continue
            if rng.random() < 0.03:  # staff step away for a while, counter left open
                away_until[c] = now + rng.randint(3, 10) * 60
                continue
            if not any(waiting[s] for s in SERVES[c]):
                continue
            called = sim.call(c)
            label = called.label
            for s in waiting.values():
                if label in s:
                    s.remove(label)
            if label not in called_before:
                called_before.add(label)
                truth.waits.append(now - issued_at[label])
                truth.waits_by_counter[c].append(now - issued_at[label])
            r = rng.random()
            if r < 0.08:
                current[c] = (label, now + 60, "missed")
            elif r < 0.14:
                current[c] = (label, now + 60, "transfer")
            else:
                sim.do(cmd.StartService(counter=c), actor)
                started[c] = now
                current[c] = (label, now + rng.randint(2, 7) * 60, "finish")
        # idle over the coming minute, from the model
        for c in STAFF:
            if c not in current and any(waiting[s] for s in SERVES[c]):
                truth.idle[c] += 60
    # one cancellation at the end, of a ticket still waiting
    sim.now = t0 + 240 * 60
    label = next(lab for s in waiting.values() for lab in s)
    sim.do(cmd.CancelTicket(label=label))
    truth.cancelled = 1
    return sim, truth, t0, sim.now


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_report_figures_match_the_generated_morning(seed: int) -> None:
    sim, truth, t0, end = generated_morning(seed)
    start, stop = local_range(dt.date(2026, 11, 23), dt.date(2026, 11, 23), VN)
    report = build(sim.records, start, stop, end, morning_config())
    total = report["total"]
    assert total["issued"] == sum(truth.issued.values())
    assert {r["key"]: r["issued"] for r in report["by_service"]} == dict(truth.issued)
    assert {r["key"]: r["issued"] for r in report["by_hour"]} == dict(truth.by_hour)
    assert {r["key"]: r["issued"] for r in report["by_source"]} == dict(truth.by_source)
    assert total["served"] == sum(truth.served.values())
    by_counter = {int(r["key"]): r for r in report["by_counter"]}
    for c in STAFF:
        assert by_counter[c]["served"] == truth.served[c], c
        assert by_counter[c]["missed"] == truth.missed[c], c
        assert by_counter[c]["service"] == summary(truth.services[c]), c
        assert by_counter[c]["wait"] == summary(truth.waits_by_counter[c]), c
        assert by_counter[c]["idle_minutes"] == round(truth.idle[c] / 60, 2), c
    by_staff = {r["key"]: r for r in report["by_staff"]}
    for c, actor in STAFF.items():
        assert by_staff[actor.name]["served"] == truth.served[c]
        assert by_staff[actor.name]["idle_minutes"] == round(truth.idle[c] / 60, 2)
    assert total["missed"] == sum(truth.missed.values())
    assert total["transferred"] == truth.transferred
    assert total["cancelled"] == truth.cancelled
    assert total["wait"] == summary(truth.waits)
    assert total["idle_minutes"] == round(sum(truth.idle.values()) / 60, 2)
    assert total["priority_share"] == round(truth.priority / total["issued"], 4)
    assert [r["key"] for r in report["by_day"]] == ["2026-11-23"] and report["by_month"][0]["key"] == "2026-11"
    # idle time is the same in the day's and month's rows as in the total; it has no meaning
    # by hour of issue, service, department, source or insurance
    assert report["by_day"][0]["idle_minutes"] == total["idle_minutes"] == report["by_month"][0]["idle_minutes"]
    for group in ("hour", "service", "department", "source", "insurance", "department_insurance"):
        assert {r["idle_minutes"] for r in report[f"by_{group}"]} == {None}, group
    # every row names its key
    assert {r["key"]: r["name"] for r in report["by_service"]} == {
        "A": {"vi": "Khám A", "en": "Khám A"},
        "B": {"vi": "Khám B", "en": "Khám B"},
    }
    assert by_counter[1]["name"] == {"vi": "Quầy 1", "en": "Quầy 1"}
    assert by_staff["staff:lan"]["name"] == {"vi": "lan", "en": "lan"}  # no account: the username
    assert {r["key"]: r["name"]["en"] for r in report["by_source"]} == {
        k: {
            "chip": "Chip ID card",
            "typed": "Typed ID number",
            "none": "No document",
            "qr": "ID card QR code",
            "vneid": "VNeID",
        }[k]
        for k in truth.by_source
    }
    assert report["by_day"][0]["name"] == {"vi": "", "en": ""}
    insurance = {r["key"]: r["issued"] for r in report["by_insurance"]}
    assert insurance == {"bhyt": truth.bhyt, "other": total["issued"] - truth.bhyt}
    assert total["wait"]["n"] > 30 and total["served"] > 20, "the generated morning is not trivial"


def test_events_outside_the_range_are_not_counted() -> None:
    sim, truth, t0, end = generated_morning(4)
    start, stop = local_range(dt.date(2026, 11, 24), dt.date(2026, 11, 24), VN)  # the next day
    report = build(sim.records, start, stop, end + 86400, morning_config())
    assert report["total"]["issued"] == 0 and report["total"]["served"] == 0
    assert report["total"]["wait"] == {"n": 0, "mean": None, "median": None, "p90": None}
    assert report["total"]["priority_share"] is None and report["by_service"] == []
    earlier, _ = local_range(dt.date(2026, 11, 22), dt.date(2026, 11, 22), VN)
    report = build(sim.records, earlier, start, end, morning_config())  # two days, cut before now
    assert report["total"]["issued"] == sum(truth.issued.values())


def test_percentiles_and_summaries() -> None:
    assert percentile([5.0], 90) == 5.0
    assert percentile([float(x) for x in range(1, 11)], 90) == 9.0
    assert percentile([float(x) for x in range(1, 101)], 90) == 90.0
    assert summary([60.0, 120.0, 180.0, 240.0]) == {"n": 4, "mean": 2.5, "median": 2.5, "p90": 4.0}
    assert summary([60.0, 600.0, 120.0]) == {"n": 3, "mean": 4.33, "median": 2.0, "p90": 10.0}


def test_half_years() -> None:
    assert half_year(2026, 1) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert half_year(2026, 2) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    with pytest.raises(ValueError):
        half_year(2026, 3)


def test_recalls_and_a_range_that_ends_before_the_log() -> None:
    sim = Sim(morning_config(), start=dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    sim.do(cmd.OpenCounter(counter=1), STAFF[1])
    t = sim.issue("A")
    sim.advance(5)
    sim.call(1)
    sim.advance(1)
    sim.do(cmd.Recall(counter=1), STAFF[1])
    sim.advance(1)
    sim.do(cmd.FinishService(counter=1), STAFF[1])  # no start pressed: timed from the call
    cut = sim.now + 1  # the range's end is exclusive
    sim.advance(1)
    sim.issue("A")  # after the range's end
    start, _ = local_range(dt.date(2026, 11, 23), dt.date(2026, 11, 23), VN)
    report = build(sim.records, start, cut, cut, morning_config())
    assert report["total"]["issued"] == 1 and report["total"]["served"] == 1
    assert report["total"]["wait"]["mean"] == 5.0 and report["total"]["service"]["mean"] == 2.0
    assert t.recalls == 1


def test_idle_time_is_split_at_midnight_and_names_come_from_the_configuration() -> None:
    data = morning_config_data_all_day()
    sim = Sim(config_from_builtins(data), start=dt.datetime(2026, 11, 23, 23, 0, tzinfo=VN))
    sim.do(cmd.CreateStaff(username="lan", full_name="Nguyễn Thị Lan", role="counter", counters=[1], password_hash="h"))
    sim.do(cmd.OpenCounter(counter=1), STAFF[1])
    sim.advance(30)
    sim.issue("A")  # 23:30: counter 1 is idle while A001 waits
    sim.advance(60)  # the report is made at 00:30 the next day, nothing having happened since
    start, stop = local_range(dt.date(2026, 11, 23), dt.date(2026, 11, 24), VN)
    report = build(sim.records, start, stop, sim.now, config_from_builtins(data))
    assert {r["key"]: r["idle_minutes"] for r in report["by_day"]} == {"2026-11-23": 30.0, "2026-11-24": 30.0}
    assert report["total"]["idle_minutes"] == 60.0
    assert {r["key"]: r["idle_minutes"] for r in report["by_counter"]} == {"1": 60.0}
    assert report["by_staff"][0]["name"] == {"vi": "Nguyễn Thị Lan", "en": "Nguyễn Thị Lan"}
    assert report["by_counter"][0]["name"] == {"vi": "Quầy 1", "en": "Counter 1"}
    assert report["by_department"][0]["name"] == {"vi": "Khám", "en": "Clinics"}
    assert report["by_department_insurance"][0]["name"] == {
        "vi": "Khám / Không BHYT",
        "en": "Clinics / Without health insurance",
    }
    assert report["by_insurance"][0]["name"] == {"vi": "Không BHYT", "en": "Without health insurance"}


def test_names_of_keys_the_configuration_no_longer_has() -> None:
    report = Report(0, 1, morning_config())
    assert report.name("service", "Z") == {"vi": "", "en": ""}
    assert report.name("department", "gone") == {"vi": "", "en": ""}
    assert report.name("counter", "99") == {"vi": "", "en": ""}
    assert report.name("counter", "x") == {"vi": "", "en": ""}
    assert report.name("source", "fax") == {"vi": "fax", "en": "fax"}
    assert report.name("insurance", "odd") == {"vi": "odd", "en": "odd"}
    assert report.name("department_insurance", "/bhyt") == {
        "vi": "Khác / Có BHYT",
        "en": "Other / With health insurance",
    }
    assert report.name("hour", "07") == {"vi": "", "en": ""}


def morning_config_data_all_day() -> dict[str, object]:
    """The morning's configuration open around the clock, with English names."""
    data = small_config_data()
    data["hours"] = {d: {"open": "00:00", "close": "24:00"} for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    data["departments"][0]["name_en"] = "Clinics"
    data["counters"][0]["name_en"] = "Counter 1"
    return data

"""Insured or not in the figures: a generated morning whose truth the test keeps (who is insured,
and by what evidence: the insurance check's answer, on time or late; a BHYT number presented
while the gateway was down; the HIS's registration), against the report's insured counts by
department and by department × kind of care (the six-monthly matrix)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from server.domain import commands as cmd
from server.domain.access import SYSTEM, Actor
from server.domain.config import Config
from server.domain.config_check import config_from_builtins
from server.domain.his import ticket_key
from server.domain.identity import Identity
from server.domain.insurance import Answer
from server.domain.reports import build, local_range

from .sim import VN, Sim, small_config_data

HIS = Actor(name="his:his", role="his")
SERVICES = {"A": ("d1", "01"), "B": ("d1", "07"), "C": ("d2", "01")}  # service -> department, kind of care
# how a patient comes, and what the figures should make of it
PATHS = (
    "id_checked_insured",  # an ID card; the check says 000
    "id_checked_late",  # an ID card; the check says 000 minutes later (past the kiosk's budget)
    "id_checked_expired",  # an ID card; the check says 010
    "bhyt_checked_expired",  # a BHYT number presented; the check says 010: not insured
    "bhyt_gateway_down",  # a BHYT number presented; the gateway did not answer: insured (presented)
    "id_gateway_down",  # an ID card; no answer: not insured
    "id_gateway_down_his",  # an ID card; no answer; the HIS's registration says insured
    "id_account_error",  # an ID card; the check says 401 (our account): presented decides, not insured
    "nothing",  # no identity
)
INSURED = {"id_checked_insured", "id_checked_late", "bhyt_gateway_down", "id_gateway_down_his"}


def config() -> Config:
    data = small_config_data(insurance={"check": "bhxh"})
    data["departments"] = [{"code": "d1", "name": "Khám"}, {"code": "d2", "name": "Nhi", "name_en": "Children"}]
    data["services"] = [
        {"code": code, "name": f"Dịch vụ {code}", "department": dept, "care_kind": kind, "number_end": 999, "digits": 3}
        for code, (dept, kind) in SERVICES.items()
    ]
    data["counters"] = [
        {"number": n, "name": f"Quầy {n}", "zone": "z1", "services": [{"code": s} for s in SERVICES]} for n in (1, 2)
    ]
    return config_from_builtins(data)


Cells = Counter[tuple[str, str, str]]  # (department, care kind, bhyt|other) -> visits


def generated_morning(seed: int = 19) -> tuple[Sim, Cells, Cells]:
    """160 patients on the paths above, some served; the truth: issued and served by cell."""
    rng = random.Random(seed)
    sim = Sim(config(), start=dt.datetime(2026, 11, 23, 7, 0, tzinfo=VN))
    for c in (1, 2):
        sim.do(cmd.OpenCounter(counter=c))
    issued: Cells = Counter()
    served: Cells = Counter()
    late: list[str] = []
    for n in range(160):
        sim.advance(1)
        service, path = rng.choice(list(SERVICES)), rng.choice(PATHS)
        identity = None
        if path.startswith("id_"):
            identity = Identity(source="chip", id_number=f"0010990{n:05d}")
        elif path.startswith("bhyt_"):
            identity = Identity(source="typed", bhyt_number=f"DN40101{n:08d}")
        t = sim.issue(service, identity=identity)
        answer = {
            "id_checked_insured": Answer(code="000", valid_to="31/12/2026", place="70001"),
            "id_checked_expired": Answer(code="010"),
            "bhyt_checked_expired": Answer(code="010"),
            "id_account_error": Answer(code="401"),
        }.get(path, Answer(error="timeout") if "gateway_down" in path else None)
        if answer is not None:
            sim.do(cmd.RecordInsuranceCheck(label=t.label, answer=answer), SYSTEM)
        if path == "id_gateway_down_his":
            sim.do(cmd.RecordRegistration(key=ticket_key("70001", sim.state.day, t.id), insured=True), HIS)
        if path == "id_checked_late":
            late.append(t.label)
        dept, kind = SERVICES[service]
        cell = (dept, kind, "bhyt" if path in INSURED else "other")
        issued[cell] += 1
        if rng.random() < 0.6:  # served at once
            counter = rng.choice((1, 2))
            sim.do(cmd.CallNumber(counter=counter, label=t.label))
            sim.do(cmd.FinishService(counter=counter))
            served[cell] += 1
        if late and rng.random() < 0.3:  # a slow portal answers a ticket issued a while ago
            sim.do(cmd.RecordInsuranceCheck(label=late.pop(0), answer=Answer(code="000")), SYSTEM)
    for label in late:
        sim.do(cmd.RecordInsuranceCheck(label=label, answer=Answer(code="000")), SYSTEM)
    return sim, issued, served


def test_insured_counts_follow_the_evidence_by_department_and_kind_of_care() -> None:
    sim, issued, served = generated_morning()
    day = dt.date(2026, 11, 23)
    report = build(sim.records, *local_range(day, day, VN), sim.now + 60, sim.state.config)
    cells = {r["key"]: r for r in report["by_care_insurance"]}
    assert {k: v["issued"] for k, v in cells.items()} == {"/".join(k): n for k, n in issued.items()}
    assert {k: v["served"] for k, v in cells.items() if v["served"]} == {"/".join(k): n for k, n in served.items()}
    by_dept = {r["key"]: r["issued"] for r in report["by_department_insurance"]}
    for dept in ("d1", "d2"):
        for ins in ("bhyt", "other"):
            assert by_dept.get(f"{dept}/{ins}", 0) == sum(n for (d, _, i), n in issued.items() if (d, i) == (dept, ins))
    insured = {r["key"]: r["issued"] for r in report["by_insurance"]}
    assert insured["bhyt"] == sum(n for (_, _, i), n in issued.items() if i == "bhyt")
    assert insured["bhyt"] + insured["other"] == report["total"]["issued"] == 160
    names = {r["key"]: r["name"] for r in report["by_care_insurance"]}
    assert names["d2/01/bhyt"] == {
        "vi": "Nhi / Khám bệnh / Có BHYT",
        "en": "Children / Examination / With health insurance",
    }


def test_five_bhyt_reception_tickets_by_id_card_checked_insured_count_as_five_insured() -> None:
    sim = Sim(config(), start=dt.datetime(2026, 11, 23, 7, 0, tzinfo=VN))
    for n in range(5):
        t = sim.issue("A", identity=Identity(source="chip", id_number=f"00109901234{n}"))
        sim.do(cmd.RecordInsuranceCheck(label=t.label, answer=Answer(code="000")), SYSTEM)
    day = dt.date(2026, 11, 23)
    report = build(sim.records, *local_range(day, day, VN), sim.now + 60, sim.state.config)
    assert [(r["key"], r["issued"]) for r in report["by_insurance"]] == [("bhyt", 5)]
    assert [(r["key"], r["issued"]) for r in report["by_care_insurance"]] == [("d1/01/bhyt", 5)]

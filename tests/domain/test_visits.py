"""The visits' figures (server/domain/visits.py) through the report: door-to-door time, time
per step, the waits between steps, by service, hour and room; where patients wait longest."""

from __future__ import annotations

import datetime as dt

from server.domain import commands as cmd
from server.domain.config import Config
from server.domain.config_check import config_from_builtins
from server.domain.reports import build

from .sim import VN, Sim, small_config_data


def clinic() -> Config:
    return config_from_builtins(
        small_config_data(
            services=[
                {"code": "R", "name": "Tiếp đón", "department": "d1"},
                {"code": "K", "name": "Khám", "department": "d1"},
                {"code": "X", "name": "Xét nghiệm", "name_en": "Laboratory", "department": "d1"},
                {"code": "H", "name": "Chẩn đoán hình ảnh", "department": "d1"},
            ],
            counters=[
                {"number": 1, "name": "Tiếp đón", "zone": "z1", "services": [{"code": "R"}]},
                {"number": 4, "name": "Phòng khám 4", "zone": "z1", "services": [{"code": "K"}], "kind": "room"},
                {"number": 9, "name": "Xét nghiệm", "zone": "z2", "services": [{"code": "X"}]},
                {"number": 10, "name": "X-quang", "zone": "z2", "services": [{"code": "H"}]},
            ],
        )
    )


def report(sim: Sim) -> dict:  # type: ignore[type-arg]
    day = dt.datetime(2026, 11, 23, tzinfo=VN)
    start, end = day.timestamp(), (day + dt.timedelta(days=1)).timestamp()
    return build(sim.records, start, end, sim.now, sim.state.config)["visits"]


def test_a_whole_visit_and_a_one_queue_visit() -> None:
    sim = Sim(clinic())
    sim.open(1, 4, 9, 10)
    single = sim.issue("K")  # 08:00, a visit of one queue
    visit = sim.issue("R")
    sim.advance(2)
    assert sim.call(4).ticket == single.id  # waited 2 min
    sim.advance(5)
    sim.do(cmd.FinishService(counter=4))  # served 5 min
    assert sim.call(1).ticket == visit.id  # waited 7 min at reception
    sim.advance(3)
    sim.do(cmd.SendOn(counter=1, steps=[cmd.StepIn(service="K", counter=4)]))
    sim.advance(4)
    sim.call(4)  # waited 4 min for the room
    sim.advance(10)
    sim.do(cmd.SendOn(counter=4, steps=[cmd.StepIn(service="X"), cmd.StepIn(service="H")], come_back=True))
    sim.advance(6)
    sim.call(9)  # lab after 6 min; imaging held meanwhile
    sim.advance(2)
    sim.do(cmd.FinishService(counter=9))
    sim.advance(1)
    sim.call(10)  # imaging: opened 9 min before
    sim.advance(4)
    sim.do(cmd.FinishService(counter=10))
    sim.advance(8)
    sim.call(4)  # the return, 8 min after the results were all in
    sim.advance(3)
    sim.do(cmd.FinishService(counter=4))  # the visit ends: 7 + 3 + 4 + 10 + 6 + 2 + 1 + 4 + 8 + 3 = 48 min
    cancelled = sim.issue("X")
    sim.do(cmd.CancelTicket(label=cancelled.label))  # no door-to-door time

    v = report(sim)
    assert (v["visits"], v["journeys"]) == (2, 1)
    assert v["door_to_door"] == {"n": 2, "mean": 27.5, "median": 27.5, "p90": 48.0}
    assert [r["key"] for r in v["door_by_hour"]] == ["08"]
    assert {r["key"]: r["door_to_door"]["n"] for r in v["door_by_service"]} == {"K": 1, "R": 1}
    assert next(r for r in v["door_by_service"] if r["key"] == "R")["name"]["vi"] == "Tiếp đón"
    by_service = {r["key"]: r for r in v["by_service"]}
    assert by_service["K"]["wait"]["n"] == 3  # the single visit, the first exam, the return
    assert sorted([by_service["K"]["wait"]["mean"]]) == [round((2 + 4 + 8) / 3, 2)]
    assert by_service["X"]["wait"]["mean"] == 6 and by_service["X"]["service"]["mean"] == 2
    assert by_service["H"]["wait"]["mean"] == 9 and by_service["H"]["service"]["mean"] == 4
    assert by_service["X"]["name"]["en"] == "Laboratory"
    rooms = {r["key"]: r for r in v["by_room"]}
    assert [r["key"] for r in v["by_room"]] == ["1", "4", "9", "10"]  # by number
    assert rooms["4"]["service"]["n"] == 3 and rooms["1"]["wait"]["mean"] == 7
    assert v["between"] == {"n": 4, "mean": 6.75, "median": 7.0, "p90": 9.0}  # room, lab, imaging, return
    assert [r["key"] for r in v["longest_waits"]["services"]] == ["H", "K", "R", "X"]
    assert v["longest_waits"]["rooms"][0]["key"] == "10" and v["longest_waits"]["rooms"][0]["name"]["vi"] == "X-quang"


def test_a_step_called_then_cancelled_counts_its_wait_only() -> None:
    sim = Sim(clinic())
    sim.open(1, 9, 10)
    t = sim.issue("R")
    sim.call(1)
    sim.do(cmd.SendOn(counter=1, steps=[cmd.StepIn(service="X"), cmd.StepIn(service="H"), cmd.StepIn(service="K")]))
    room = next(s for s in sim.state.tickets[t.id].steps if s.service == "K")
    sim.do(cmd.CancelStep(label=t.label, step=room.id))  # never called: no wait counted
    sim.advance(3)
    sim.call(9)
    sim.do(cmd.MarkMissed(counter=9))
    sim.do(cmd.Reactivate(label=t.label))
    lab = next(s for s in sim.state.tickets[t.id].steps if s.service == "X")
    sim.do(cmd.CancelStep(label=t.label, step=lab.id))
    sim.call(10)
    sim.do(cmd.FinishService(counter=10))
    v = report(sim)
    by_service = {r["key"]: r for r in v["by_service"]}
    assert by_service["X"]["wait"]["n"] == 1 and by_service["X"]["service"]["n"] == 0
    assert "9" not in {r["key"] for r in v["by_room"]}  # it was never served there
    assert "K" not in by_service

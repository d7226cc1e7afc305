"""The rooms' door screens (server/doors.py): what the view of one room holds, with the demo's
rooms and a real domain (tests/domain/sim.py); and through a real hub and SQLite file, that a
door screen gets its own room's calls and view and never another room's, is let go when
its device is revoked, and resumes from its last seq: the calls at its room it missed, in order,
then its view; a fresh view alone when its seq is unknown here or older than the ring."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path
from typing import Any

import msgspec

from server.domain import commands as cmd
from server.domain.access import Actor
from server.domain.config import Privacy
from server.domain.identity import Identity, mask_name
from server.doors import MISSED_CALLS, REFRESH_EVERY, Doors, door_view
from server.fanout import Conn
from server.hub import Hub
from server.protocol import Welcome
from server.sqlite_log import SqliteLog as EventLog

from .domain.sim import VN, Sim, demo_config
from .logs import LogStore
from .test_hub import ADMIN, Clock, Recorder, _hubs, _stop_hubs  # noqa: F401 (its autouse fixture stops the hubs)

DOCTOR = Actor(name="staff:bs.an", role="counter", counters=[4])


def journey_sim() -> Sim:
    """The demo (room 4: internal medicine, service N; lab 9: X; imaging 10: H), a doctor
    signed in at room 4, and three patients: N001 sent to the lab and imaging and back."""
    sim = Sim(demo_config(), start=dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    sim.do(
        cmd.CreateStaff(username="bs.an", full_name="Nguyễn Văn An", role="counter", counters=[4], password_hash="x")
    )
    sim.do(cmd.OpenCounter(counter=4), DOCTOR)
    sim.open(9, 10)
    for _ in range(3):
        sim.issue("N")
    sim.call(4)  # N001
    sim.do(
        cmd.SendOn(
            counter=4, steps=[cmd.StepIn(service="X"), cmd.StepIn(service="H")], come_back=True, reason="Xem kết quả"
        ),
        DOCTOR,
    )
    return sim


def test_the_view_of_a_room_names_it_its_doctor_and_its_next_numbers() -> None:
    sim = journey_sim()
    sim.call(4)  # N002
    view = door_view(sim.state, 4, sim.now)
    assert (view["name"], view["location"], view["location_en"]) == (
        "Phòng khám Nội",
        "Tầng 1, phòng 104",
        "Floor 1, room 104",
    )
    assert view["doctor"] == "Nguyễn Văn An", "a room shows the full name of the doctor signed in"
    assert view["current"]["label"] == "N002" and view["current"]["status"] == "called"
    assert [n["label"] for n in view["next"]] == ["N003"] and view["waiting"] == 1
    assert view["status"] == "open" and view["pause_reason"] == ""


def test_a_returning_patient_is_marked_with_the_results_they_bring_never_the_doctors_words() -> None:
    sim = journey_sim()
    for room in (9, 10):  # N001 at the lab, then imaging: each served, so the return opens
        sim.call(room)
        sim.do(cmd.FinishService(counter=room))
    view = door_view(sim.state, 4, sim.now)
    by_label = {n["label"]: n for n in view["next"]}
    back = by_label["N001"]
    assert back["returning"] is True
    assert back["after"] == ["Xét nghiệm", "Chẩn đoán hình ảnh"] and back["after_en"] == ["Laboratory", "Imaging"]
    assert not by_label["N002"]["returning"]
    assert "Xem kết quả" not in msgspec.json.encode(view).decode(), "the doctor's reason is for staff only"
    sim.call(4)
    assert door_view(sim.state, 4, sim.now)["current"]["returning"] is True


def test_a_pause_and_its_reason_a_closed_room_has_no_doctor() -> None:
    sim = journey_sim()
    sim.do(cmd.PauseCounter(counter=4, reason="Hội chẩn"), DOCTOR)
    view = door_view(sim.state, 4, sim.now)
    assert (view["status"], view["pause_reason"], view["doctor"]) == ("paused", "Hội chẩn", "Nguyễn Văn An")
    sim.do(cmd.ResumeCounter(counter=4), DOCTOR)
    sim.do(cmd.CloseCounter(counter=4), DOCTOR)
    view = door_view(sim.state, 4, sim.now)
    assert (view["status"], view["doctor"]) == ("closed", "")


def test_a_plain_counter_shows_no_staff_name_and_names_are_masked_only_if_the_tvs_may() -> None:
    sim = journey_sim()
    sim.do(cmd.OpenCounter(counter=1), Actor(name="staff:bs.an", role="admin"))
    assert door_view(sim.state, 1, sim.now)["doctor"] == "", "who works at a counter is not for the hall"
    sim.issue("N", identity=Identity(source="typed", id_number="001099012345", name="Trần Thị Bình"))
    hidden = door_view(sim.state, 4, sim.now)
    assert all(n["name"] == "" for n in hidden["next"])
    assert "Bình" not in msgspec.json.encode(hidden).decode()
    sim.state.config = msgspec.structs.replace(sim.state.config, privacy=Privacy(tv_name="masked"))
    masked = door_view(sim.state, 4, sim.now)
    assert [n["name"] for n in masked["next"]][-1] == mask_name("Trần Thị Bình") != "Trần Thị Bình"


WELCOME = Welcome(role="door", actor="device:door-4", seq=0, resumed=False, heartbeat=20, counter=4)


async def door_hub(tmp_path: Path, ring_size: int = 10_000) -> tuple[Hub, Doors]:
    eventlog = EventLog(tmp_path / "q.sqlite3")
    await eventlog.open()
    hub = Hub(eventlog, demo_config(), clock=Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN)), ring_size=ring_size)
    _hubs.append(hub)
    doors = Doors(hub.clock, hub.read)
    hub.committed.append(doors.committed)
    await hub.start()
    return hub, doors


async def connect(hub: Hub, doors: Doors, rec: Recorder, room: int, device: str, last: int | None = None) -> Conn:
    async def make() -> Conn:  # in a task of its own, as the websocket handler is
        return Conn(rec, "door", "public", f"device:{device}")

    conn = await asyncio.create_task(make())
    assert await hub.read(lambda s, now: doors.follow(s, conn, device, room, WELCOME, now, last, hub.ring))
    return conn


async def test_a_door_gets_its_rooms_calls_at_once_and_never_another_rooms(tmp_path: Path) -> None:
    hub, doors = await door_hub(tmp_path)
    for service in ("N", "NG", "N"):
        await hub.submit(cmd.IssueTicket(service=service), ADMIN)
    for room in (4, 5):
        await hub.submit(cmd.OpenCounter(counter=room), ADMIN)
    rec4, rec5 = (
        Recorder(LogStore("sqlite", tmp_path / "q.sqlite3")),
        Recorder(LogStore("sqlite", tmp_path / "q.sqlite3")),
    )
    await connect(hub, doors, rec4, 4, "door-4")
    await connect(hub, doors, rec5, 5, "door-5")
    assert rec4.messages[0]["type"] == "welcome" and rec4.messages[1]["type"] == "door"
    assert [n["label"] for n in rec4.messages[1]["view"]["next"]] == ["N001", "N002"]
    await hub.submit(cmd.CallNext(counter=5), ADMIN)  # NG001 at room 5
    await hub.submit(cmd.CallNext(counter=4), ADMIN)  # N001 at room 4
    await hub.submit(cmd.ParkTicket(counter=4), ADMIN)  # held aside, then called back: a call again
    await hub.submit(cmd.UnparkTicket(counter=4, label="N001"), ADMIN)
    calls4 = [m["event"] for m in rec4.messages if m["type"] == "event"]
    assert [(e["type"], e["label"], e["counter"]) for e in calls4] == [
        ("ticket_called", "N001", 4),
        ("ticket_unparked", "N001", 4),
    ]
    views4 = [m["view"] for m in rec4.messages if m["type"] == "door"]
    assert views4[-1]["current"]["label"] == "N001", "the room's view is sent with its call, not a second later"
    assert all(v["room"] == 4 for v in views4)
    seen4 = msgspec.json.encode(rec4.messages).decode()
    assert "NG001" not in seen4, "nothing of room 5 reaches the door of room 4"
    assert [m["event"]["label"] for m in rec5.messages if m["type"] == "event"] == ["NG001"]


async def test_a_revoked_door_is_let_go(tmp_path: Path) -> None:
    hub, doors = await door_hub(tmp_path)
    rec = Recorder(LogStore("sqlite", tmp_path / "q.sqlite3"))
    await hub.submit(
        cmd.RegisterDevice(device="door-4", kind="door", name="Cửa phòng 4", counter=4, token_hash="h" * 64), ADMIN
    )
    conn = await connect(hub, doors, rec, 4, "door-4")
    assert len(doors) == 1
    await hub.submit(cmd.RevokeDevice(device="door-4"), ADMIN)
    assert conn.dropped and len(doors) == 0


async def test_numbers_issued_elsewhere_reach_the_door_within_a_second_in_one_view(tmp_path: Path) -> None:
    hub, doors = await door_hub(tmp_path)
    rec = Recorder(LogStore("sqlite", tmp_path / "q.sqlite3"))
    await connect(hub, doors, rec, 4, "door-4")
    t0 = time.monotonic()
    for _ in range(12):  # twelve patients take a number, each a commit that names no room
        await hub.submit(cmd.IssueTicket(service="N"), ADMIN)
    burst = time.monotonic() - t0
    await asyncio.sleep(REFRESH_EVERY + 0.3)
    views = [m["view"] for m in rec.messages[2:] if m["type"] == "door"]
    assert views and [n["label"] for n in views[-1]["next"]] == ["N001", "N002", "N003", "N004", "N005"]
    assert views[-1]["waiting"] == 12
    assert len(views) <= 1 + burst / REFRESH_EVERY, f"{len(views)} views for a burst of {burst:.2f} s"
    await hub.submit(cmd.IssueTicket(service="NG"), ADMIN)  # another room's queue: nothing to compute here
    assert not doors.stale and doors.timer is None
    await asyncio.sleep(REFRESH_EVERY + 0.3)
    assert [m["view"] for m in rec.messages[2:] if m["type"] == "door"] == views


def greeting(rec: Recorder) -> tuple[bool, list[tuple[str, int]], dict[str, Any]]:
    """A door's welcome's ``resumed``, the calls it got (label, room) in order, and its view,
    checking they came in that order: welcome, calls, view."""
    types = [m["type"] for m in rec.messages]
    assert types[0] == "welcome" and types[-1] == "door" and set(types[1:-1]) <= {"event"}, types
    calls = [(m["event"]["label"], m["event"]["counter"]) for m in rec.messages[1:-1]]
    assert rec.messages[-1]["seq"] == rec.messages[0]["seq"], "the view is as of the welcome's seq"
    return rec.messages[0]["resumed"], calls, rec.messages[-1]["view"]


async def test_a_door_back_from_an_absence_gets_the_calls_it_missed_in_order_then_its_view(tmp_path: Path) -> None:
    hub, doors = await door_hub(tmp_path)
    for service in ("N", "NG", "N", "N"):
        await hub.submit(cmd.IssueTicket(service=service), ADMIN)
    for room in (4, 5):
        await hub.submit(cmd.OpenCounter(counter=room), ADMIN)
    rec = Recorder(LogStore("sqlite", tmp_path / "q.sqlite3"))
    conn = await connect(hub, doors, rec, 4, "door-4")
    last = rec.messages[-1]["seq"]  # what the screen resumes from: its last view's seq
    doors.remove(conn)  # its link drops
    await hub.submit(cmd.CallNext(counter=4), ADMIN)  # N001
    await hub.submit(cmd.CallNext(counter=5), ADMIN)  # NG001: another room's
    await hub.submit(cmd.FinishAndCallNext(counter=4), ADMIN)  # N002
    back = Recorder(LogStore("sqlite", tmp_path / "q.sqlite3"))
    conn = await connect(hub, doors, back, 4, "door-4", last)
    resumed, calls, view = greeting(back)
    assert resumed is True
    assert calls == [("N001", 4), ("N002", 4)], "each missed call of its room, once, in order"
    assert view["current"]["label"] == "N002" and [n["label"] for n in view["next"]] == ["N003"]
    assert back.messages[-1]["seq"] == hub.state.seq

    doors.remove(conn)  # away again, and nothing is called meanwhile
    await hub.submit(cmd.IssueTicket(service="N"), ADMIN)
    again = Recorder(LogStore("sqlite", tmp_path / "q.sqlite3"))
    await connect(hub, doors, again, 4, "door-4", back.messages[-1]["seq"])
    resumed, calls, view = greeting(again)
    assert resumed is True and calls == [], "no call was missed: none is sent again"
    assert view["waiting"] == 2


async def test_a_door_whose_seq_is_unknown_or_too_old_gets_a_fresh_view_and_no_calls(tmp_path: Path) -> None:
    hub, doors = await door_hub(tmp_path, ring_size=4)
    for _ in range(3):
        await hub.submit(cmd.IssueTicket(service="N"), ADMIN)
    await hub.submit(cmd.OpenCounter(counter=4), ADMIN)
    start = hub.state.seq
    for _ in range(2):
        await hub.submit(cmd.CallNext(counter=4), ADMIN)
        await hub.submit(cmd.FinishService(counter=4), ADMIN)
    await hub.submit(cmd.CallNext(counter=4), ADMIN)  # N003, the last of five events after `start`
    for last in (None, start, hub.state.seq + 100, -1):  # none; older than the ring; another database's
        rec = Recorder(LogStore("sqlite", tmp_path / "q.sqlite3"))
        conn = await connect(hub, doors, rec, 4, "door-4", last)
        resumed, calls, view = greeting(rec)
        assert (resumed, calls) == (False, []), last
        assert view["current"]["label"] == "N003"
        doors.remove(conn)
    rec = Recorder(LogStore("sqlite", tmp_path / "q.sqlite3"))
    await connect(hub, doors, rec, 4, "door-4", start + 1)  # just within the ring: a resume
    resumed, calls, _ = greeting(rec)
    assert resumed is True and calls == [("N002", 4), ("N003", 4)]


async def test_a_resume_sends_at_most_the_last_calls(tmp_path: Path) -> None:
    hub, doors = await door_hub(tmp_path)
    for _ in range(MISSED_CALLS + 3):
        await hub.submit(cmd.IssueTicket(service="N"), ADMIN)
    await hub.submit(cmd.OpenCounter(counter=4), ADMIN)
    last = hub.state.seq
    await hub.submit(cmd.CallNext(counter=4), ADMIN)
    for _ in range(MISSED_CALLS + 2):
        await hub.submit(cmd.FinishAndCallNext(counter=4), ADMIN)
    rec = Recorder(LogStore("sqlite", tmp_path / "q.sqlite3"))
    await connect(hub, doors, rec, 4, "door-4", last)
    resumed, calls, view = greeting(rec)
    assert resumed is True and len(calls) == MISSED_CALLS
    assert calls[-1][0] == view["current"]["label"] == f"N{MISSED_CALLS + 3:03d}"

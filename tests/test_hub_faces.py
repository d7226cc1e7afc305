"""Faces through the hub with a real SQLite file: one active ticket per face and service, the
doubtful case for staff, descriptors kept only while the ticket lives and never in the log."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from server.domain import commands as cmd
from server.domain.access import Actor
from server.sqlite_log import SqliteLog

from .domain.sim import VN
from .logs import LogStore
from .test_hub import ADMIN, Clock, FailingLog, _stop_hubs, make_hub  # noqa: F401 (its autouse fixture stops the hubs)

KIOSK = Actor(name="device:kiosk-1", role="kiosk")


def face(seed: int) -> np.ndarray:
    """A synthetic unit-scale descriptor (real ones are tested on photos in tests/test_face.py)."""
    v = np.random.default_rng(seed).normal(size=128)
    return (v / np.linalg.norm(v)).astype(np.float32)


def near(v: np.ndarray, distance: float, seed: int = 99) -> np.ndarray:
    """A descriptor at exactly ``distance`` from ``v``."""
    d = np.random.default_rng(seed).normal(size=128)
    return (v + distance * d / np.linalg.norm(d)).astype(np.float32)


def issue(service: str, vec: np.ndarray | None) -> cmd.IssueTicket:
    return cmd.IssueTicket(service=service, face=None if vec is None else [float(x) for x in vec])


def face_rows(db: Path) -> list[int]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return sorted(t for (t,) in conn.execute("SELECT ticket FROM faces"))


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))


async def test_a_second_ticket_for_the_same_face_is_refused_with_the_first_shown(tmp_path: Path, clock: Clock) -> None:
    hub = await make_hub(LogStore("sqlite", tmp_path / "q.sqlite3"), clock)
    me = face(1)
    first = await hub.submit(issue("A", me), KIOSK)
    assert first.error is None
    again = await hub.submit(issue("A", near(me, 0.3)), KIOSK)
    assert again.error is not None and again.error.code == "duplicate_face"
    assert again.error.field == first.result["ticket"]
    other_service = await hub.submit(issue("B", me), KIOSK)
    assert other_service.error is None, "one ticket per service, not per day"
    someone_else = await hub.submit(issue("A", face(2)), KIOSK)
    assert someone_else.error is None
    doubtful = await hub.submit(issue("A", near(me, 0.5)), KIOSK)
    assert doubtful.error is None
    t = hub.state.by_label(doubtful.result["ticket"])
    assert t is not None and t.face_review == first.result["ticket"] and t.face_distance == pytest.approx(0.5, abs=1e-3)
    assert len(hub.faces) == 4


async def test_the_nearest_ticket_of_the_same_service_is_the_one_named(tmp_path: Path, clock: Clock) -> None:
    hub = await make_hub(LogStore("sqlite", tmp_path / "q.sqlite3"), clock)
    me = face(3)
    a1 = await hub.submit(issue("A", near(me, 0.5, seed=5)), KIOSK)
    b1 = await hub.submit(issue("B", me), KIOSK)  # nearer (0.0), but another service
    assert a1.error is None and b1.error is None
    a2 = await hub.submit(issue("A", me), KIOSK)
    assert a2.error is None
    t = hub.state.by_label(a2.result["ticket"])
    assert t is not None and t.face_review == a1.result["ticket"]
    a3 = await hub.submit(issue("A", near(me, 0.2, seed=6)), KIOSK)
    assert a3.error is not None and a3.error.field == a2.result["ticket"], "the nearest A ticket"


async def test_descriptors_live_as_long_as_the_ticket(tmp_path: Path, clock: Clock) -> None:
    db = tmp_path / "q.sqlite3"
    hub = await make_hub(LogStore("sqlite", tmp_path / "q.sqlite3"), clock)
    await hub.submit(cmd.OpenCounter(counter=1), ADMIN)
    me = face(4)
    first = await hub.submit(issue("A", me), KIOSK)
    ticket = hub.state.by_label(first.result["ticket"])
    assert ticket is not None and face_rows(db) == [ticket.id]
    await hub.submit(cmd.CallNext(counter=1), ADMIN)
    assert face_rows(db) == [ticket.id], "called is still active"
    await hub.submit(cmd.FinishService(counter=1), ADMIN)
    assert face_rows(db) == [] and len(hub.faces) == 0
    second = await hub.submit(issue("A", me), KIOSK)
    assert second.error is None, "a finished ticket no longer blocks the face"


async def test_a_restart_keeps_the_active_faces_and_a_new_day_purges_them(tmp_path: Path, clock: Clock) -> None:
    db = tmp_path / "q.sqlite3"
    hub = await make_hub(LogStore("sqlite", tmp_path / "q.sqlite3"), clock)
    me = face(5)
    first = await hub.submit(issue("A", me), KIOSK)
    await hub.stop()
    await hub.log.close()
    hub = await make_hub(LogStore("sqlite", tmp_path / "q.sqlite3"), clock)
    assert len(hub.faces) == 1
    again = await hub.submit(issue("A", me), KIOSK)
    assert again.error is not None and again.error.field == first.result["ticket"]
    clock.now += 86400  # the next morning
    await hub.tick()
    assert face_rows(db) == [] and len(hub.faces) == 0
    fresh = await hub.submit(issue("A", me), KIOSK)
    assert fresh.error is None


async def test_no_descriptor_reaches_the_event_log_or_the_command_results(tmp_path: Path, clock: Clock) -> None:
    db = tmp_path / "q.sqlite3"
    hub = await make_hub(LogStore("sqlite", tmp_path / "q.sqlite3"), clock)
    me = face(6)
    out = await hub.submit(issue("A", me), KIOSK, key="k1")
    assert out.error is None
    with contextlib.closing(sqlite3.connect(db)) as conn:
        bodies = b"".join(bytes(b) for (b,) in conn.execute("SELECT body FROM events"))
        results = b"".join(bytes(b) for (b,) in conn.execute("SELECT result FROM commands"))
        (blob,) = conn.execute("SELECT descriptor FROM faces").fetchone()
    for x in me[:8]:
        text = repr(float(x))[:8].encode()
        assert text not in bodies and text not in results
    assert np.array_equal(np.frombuffer(blob, np.float32), me)


async def test_a_failed_commit_keeps_no_face(tmp_path: Path, clock: Clock) -> None:
    log = FailingLog(SqliteLog(tmp_path / "q.sqlite3"))
    hub = await make_hub(LogStore("sqlite", tmp_path / "q.sqlite3"), clock, log)
    me = face(7)
    log.fail_next = True
    out = await hub.submit(issue("A", me), KIOSK)
    assert out.error is not None and out.error.code == "storage_error"
    assert len(hub.faces) == 0 and face_rows(tmp_path / "q.sqlite3") == []
    out = await hub.submit(issue("A", me), KIOSK)
    assert out.error is None and len(hub.faces) == 1


async def test_turning_the_check_off_purges_the_faces(tmp_path: Path, clock: Clock) -> None:
    import msgspec

    hub = await make_hub(LogStore("sqlite", tmp_path / "q.sqlite3"), clock)
    await hub.submit(issue("A", face(8)), KIOSK)
    off = msgspec.structs.replace(hub.state.config, face=msgspec.structs.replace(hub.state.config.face, enabled=False))
    out = await hub.submit(cmd.ReplaceConfig(config=off), ADMIN)
    assert out.error is None
    assert len(hub.faces) == 0 and face_rows(tmp_path / "q.sqlite3") == []
    out = await hub.submit(issue("A", face(8)), KIOSK)
    assert out.error is None and len(hub.faces) == 0

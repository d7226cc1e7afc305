"""A follower's fold of the writer's records (``server/follow.py``): the same state as the
writer's, the same waiting counts the writer announced for each record, records already held
skipped, and a gap stopping the fold until the next read fills it."""

from __future__ import annotations

import msgspec

from server.domain import commands as cmd
from server.domain.handle import handle
from server.domain.state import QueueState
from server.follow import fold

from .domain.sim import ADMIN, Sim, small_config


def writer_day() -> tuple[Sim, dict[int, dict[str, int]]]:
    """A writer's morning, and the waiting counts its steps announced, by seq."""
    sim = Sim()
    announced: dict[int, dict[str, int]] = {}
    commands: list[cmd.AnyCommand] = [cmd.OpenCounter(counter=1), cmd.OpenCounter(counter=3)]
    commands += [cmd.IssueTicket(service=s) for s in "AABAB"]
    commands += [cmd.CallNext(counter=1), cmd.CallNext(counter=3), cmd.FinishAndCallNext(counter=1)]
    for c in commands:
        sim.tick()
        step = handle(sim.state, c, sim.now, ADMIN)
        assert step.error is None, step.error
        sim.records.extend(step.records)
        announced.update(step.waiting)
        sim.advance(1)
    return sim, announced


def test_fold_gives_the_writers_state_and_counts() -> None:
    sim, announced = writer_day()
    state = QueueState(config=small_config())
    counts: dict[int, dict[str, int]] = {}
    records = sim.records
    for chunk in (records[:4], records[2:9], records[9:]):  # overlapping reads: what is held is skipped
        before = state.seq
        step = fold(state, chunk)
        counts.update(step.waiting)
        assert [r.seq for r in step.records] == [r.seq for r in chunk if r.seq > before]
    assert state.seq == sim.state.seq == len(records)
    assert msgspec.msgpack.encode(state) == msgspec.msgpack.encode(sim.state)
    assert counts == announced and counts  # the same counts the writer's screens were told


def test_a_gap_stops_the_fold_until_it_is_read() -> None:
    sim, _ = writer_day()
    state = QueueState(config=small_config())
    step = fold(state, [*sim.records[:3], *sim.records[5:8]])
    assert [r.seq for r in step.records] == [1, 2, 3] and state.seq == 3
    step = fold(state, sim.records[3:])
    assert step.records[0].seq == 4 and state.seq == len(sim.records)

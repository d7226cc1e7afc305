import contextlib
import datetime as dt

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.errors import DomainError
from server.domain.fold import fold
from server.domain.identity import Identity, PriorityGroup
from server.domain.lifecycle import Status
from server.domain.state import RECENT_SERVICE_TIMES, Handoff, QueueState, raw_kind

from .sim import Sim, small_config

CONFIG = small_config(
    services=[
        {"code": "A", "name": "Khám A", "department": "d1"},
        {"code": "B", "name": "Khám B", "department": "d1", "digits": 2, "number_end": 99},
    ]
)


def busy_day() -> Sim:
    sim = Sim(CONFIG)
    sim.open(1, 2, 3)
    for i in range(30):
        ident = Identity(source="typed", id_number=f"0010990{i:05d}")
        sim.issue("A" if i % 3 else "B", identity=ident, declared=[PriorityGroup.PREGNANT] if i % 5 == 0 else [])
        sim.advance(0.5)
    for _ in range(8):
        sim.call(1)
        sim.advance(2)
        sim.do(cmd.FinishAndCallNext(counter=1))
        sim.do(cmd.MarkMissed(counter=1))
        sim.call(3)
        sim.do(cmd.Transfer(counter=3, to_service="A", position="front"))
    sim.call(2)
    sim.do(cmd.ParkTicket(counter=2))
    sim.do(cmd.PauseCounter(counter=2, reason="Họp giao ban"))
    return sim


def test_replaying_the_log_gives_the_same_state() -> None:
    sim = busy_day()
    encoded = [msgspec.json.encode(r) for r in sim.records]
    decoded = [msgspec.json.decode(b, type=ev.Record) for b in encoded]
    assert decoded == sim.records
    replayed = fold(CONFIG, decoded)
    assert msgspec.json.encode(replayed) == msgspec.json.encode(sim.state)


def test_an_empty_log_folds_to_a_new_state() -> None:
    state = fold(CONFIG, [])
    assert state.seq == 0 and state.tickets == {}
    assert msgspec.json.encode(state) == msgspec.json.encode(QueueState(config=CONFIG))


def test_state_keeps_only_today() -> None:
    sim = busy_day()
    sim.advance(24 * 60)
    sim.issue("A")
    assert [t.label for t in sim.state.tickets.values()] == ["A001"]
    assert sim.state.active_by_person == {} and sim.state.last_calls == []
    assert all(c.current is None and c.parked == [] and c.served == 0 for c in sim.state.counters.values())
    assert sim.state.counters[2].status == "paused"  # counter status survives the night


def test_service_times_keep_the_recent_ones() -> None:
    sim = Sim()
    sim.open(1)
    for _ in range(RECENT_SERVICE_TIMES + 5):
        sim.issue("A")
        sim.call(1)
        sim.advance(1)
        sim.do(cmd.FinishService(counter=1))
    assert len(sim.state.service_times["A"]) == RECENT_SERVICE_TIMES


def test_new_state_has_a_closed_counter_per_configured_counter() -> None:
    state = QueueState(config=small_config())
    assert sorted(state.counters) == [1, 2, 3]
    assert all(c.status == "closed" for c in state.counters.values())
    assert state.local_day(dt.datetime(2026, 11, 23, 17, 30, tzinfo=dt.UTC).timestamp()) == "2026-11-24"


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "issue",
                "issue_p",
                "issue_e",
                "call",
                "finish",
                "miss",
                "reactivate",
                "transfer",
                "transfer_to",
                "review_yes",
                "review_no",
                "park",
                "unpark",
                "cancel",
                "wait",
            ]
        ),
        st.integers(1, 3),
        st.integers(0, 40),
    ),
    max_size=60,
)


def check_indexes(state: QueueState) -> None:
    """The indexes apply keeps equal the ones computed from scratch."""
    waiting = [t for t in state.tickets.values() if t.status is Status.WAITING]
    assert {s: sorted(ids) for s, ids in state.waiting.items() if ids} == {
        s: sorted(t.id for t in waiting if t.service == s) for s in {t.service for t in waiting}
    }
    assert set(state.targeted) == {t.id for t in waiting if t.target_counter is not None}
    kinds: dict[str, list[int]] = {}
    for t in waiting:
        if t.target_counter is None:
            kinds.setdefault(t.service, [0, 0, 0, 0, 0])[raw_kind(t)] += 1
    assert {s: k for s, k in state.kinds.items() if any(k)} == kinds
    assert state.labels == {t.label: t.id for t in state.tickets.values()}


@settings(max_examples=120, deadline=None)
@given(ACTIONS)
def test_indexes_stay_exact_whatever_happens(actions: list[tuple[str, int, int]]) -> None:
    sim = Sim(CONFIG)
    sim.open(1, 2, 3)
    for action, counter, n in actions:
        labels = sorted(t.label for t in sim.state.tickets.values())
        label = labels[n % len(labels)] if labels else "A001"
        command: cmd.AnyCommand | None = {
            "issue": cmd.IssueTicket(service="AB"[n % 2]),
            "issue_p": cmd.IssueTicket(service="AB"[n % 2], declared=[PriorityGroup.PREGNANT]),
            "issue_e": cmd.IssueTicket(service="AB"[n % 2], declared=[PriorityGroup.EMERGENCY]),
            "call": cmd.CallNext(counter=counter),
            "finish": cmd.FinishService(counter=counter),
            "miss": cmd.MarkMissed(counter=counter),
            "reactivate": cmd.Reactivate(label=label, position=["front", "back", "arrival"][n % 3]),
            "transfer": cmd.Transfer(counter=counter, label=label if n % 2 else "", to_service="AB"[n % 2]),
            "transfer_to": cmd.Transfer(counter=counter, to_counter=2),
            "review_yes": cmd.ReviewPriority(label=label, confirmed=True, groups=[PriorityGroup.ELDERLY_75]),
            "review_no": cmd.ReviewPriority(label=label, confirmed=False),
            "park": cmd.ParkTicket(counter=counter),
            "unpark": cmd.UnparkTicket(counter=counter, label=label),
            "cancel": cmd.CancelTicket(label=label),
            "wait": None,
        }[action]
        if command is None:
            sim.advance(n)
            continue
        with contextlib.suppress(DomainError):
            sim.do(command)
        check_indexes(sim.state)
    sim.advance(24 * 60)
    sim.tick()
    check_indexes(sim.state)
    # The replay's batch fold (apply_all) ends where applying one record at a time did.
    assert msgspec.json.encode(fold(CONFIG, sim.records)) == msgspec.json.encode(sim.state)


def test_a_transfer_from_a_counter_is_remembered_for_that_counter() -> None:
    sim = Sim(CONFIG)
    sim.open(1, 2, 3)
    waiting, called, serving = sim.issue("A"), sim.issue("A"), sim.issue("A")
    sim.do(cmd.Transfer(counter=1, label=waiting.label, to_service="B", position="back"))
    assert waiting.handoffs == [], "a waiting ticket was at no counter"
    sim.call(1)
    call_at = sim.now
    sim.advance(2)
    sim.do(cmd.Recall(counter=1))
    sim.do(cmd.Transfer(counter=1, to_service="B", to_counter=3, position="front"))
    assert called.handoffs == [Handoff(1, "A", call_at, None, 1, "B", 3, sim.now)]
    assert (called.status, called.service, called.counter) == (Status.WAITING, "B", None)
    sim.do(cmd.CallNumber(counter=2, label=serving.label))
    sim.do(cmd.StartService(counter=2))
    start_at = sim.now
    sim.advance(3)
    sim.do(cmd.Transfer(counter=2, to_service="B", position="arrival"))
    assert serving.handoffs == [Handoff(2, "A", start_at, start_at, 0, "B", None, sim.now)]

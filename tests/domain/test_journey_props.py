"""Property tests over random visits of several steps (issue 20), driven through ``Sim``: random
sends on (at the same time or in order, with and without come-back), calls at random counters, finishes, misses and
reactivations, parks, transfers, cancels of steps and of visits, the HIS's orders and results,
priority and emergency patients. After every command:

- a patient is never at two places at once (at most one counter has them, current or parked)
  and is in no waiting queue while called, served, parked or missed;
- the waiting index is exactly the open steps of the waiting visits;
- a visit's steps agree with it: one active step (the current one) while the patient is at a
  counter, none while waiting; no step live once the visit has ended, and the visit ends when
  its last step does (so a cancelled visit leaves no step waiting anywhere);
- steps sent on in order open one after another: none opens (or is called) before every step
  sent before it has ended, and then no earlier than that end;
- returning and new patients both keep moving: with both waiting at a room, no more than
  ``new`` new calls in a row and no more than ``returning`` returning calls in a row
  (emergency and the maximum wait excepted).

Then every counter keeps calling and finishing, the results come in: every step ends and every
visit with it; and the records folded again give the same state.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.errors import DomainError
from server.domain.identity import PriorityGroup
from server.domain.lifecycle import ACTIVE, FINAL, Status
from server.domain.ordering import candidates, place
from server.domain.state import QueueState, Ticket, raw_kind
from server.domain.steps import ENDED, LIVE, awaited, find, ready

from .journeys import HELD, HIS_ACTOR, assert_replays, hospital, key

COUNTERS = (1, 2, 3, 4, 5)
SERVICES = ("E", "E", "E", "C", "X")  # what a patient comes for (mostly the exam rooms)
NEXT = ("X", "H", "C", "E")  # where a counter sends a patient on
PRIORITY = ([], [], [], [PriorityGroup.PREGNANT], [PriorityGroup.EMERGENCY])
KINDS = (
    "issue", "issue", "issue", "call", "call", "call", "call", "call", "start", "finish", "finish", "finish",
    "finish_next", "send", "send", "send", "miss", "reactivate", "park", "unpark", "transfer", "cancel",
    "cancel_step", "complete_step", "order", "order", "result", "result", "end_episode", "review", "advance", "move",
)  # fmt: skip
ACTIONS = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(0, 7), st.integers(0, 7), st.booleans()), min_size=20, max_size=80
)
POLICIES = st.sampled_from(
    [{"returning": 1, "new": 2}, {"returning": 2, "new": 1}, {"returning": 1, "new": 1}, {"return_mode": "arrival"}]
)


class Walk:
    """One random day at the small hospital, with the records of each room's calls."""

    def __init__(self, policy: dict[str, Any]) -> None:
        self.sim = hospital(**policy)
        self.orders = 0
        self.runs: dict[int, tuple[int, int]] = {c: (0, 0) for c in COUNTERS}  # (returning, new) in a row
        self.in_order: list[tuple[int, list[int]]] = []  # (ticket, its steps sent on in order)

    @property
    def state(self) -> QueueState:
        return self.sim.state

    def pick(self, n: int, statuses: tuple[Status, ...]) -> Ticket | None:
        found = [t for t in self.state.tickets.values() if t.status in statuses]
        return found[n % len(found)] if found else None

    def do(self, command: cmd.AnyCommand, his: bool = False) -> None:
        """Send ``command``; a refusal is fine (it changes nothing); a room's call is checked."""
        counter = getattr(command, "counter", None)
        waiting = self.kinds_waiting(counter) if isinstance(counter, int) else (False, False)
        try:
            events = self.sim.do(command, HIS_ACTOR) if his else self.sim.do(command)
        except DomainError:
            return
        for e in events:
            if isinstance(e, ev.TicketCalled):
                self.called(e, waiting)
            if isinstance(e, ev.StepsAdded) and isinstance(command, cmd.SendOn) and command.in_order:
                self.in_order.append((e.ticket, [n.id for n in e.steps if not n.returning]))
        check(self.state)
        check_in_order(self.state, self.in_order)

    def kinds_waiting(self, counter: int) -> tuple[bool, bool]:
        """Whether returning patients, and new ones, wait for ``counter`` now."""
        cfg = self.state.config.counter(counter)
        if cfg is None:
            return False, False
        weights = {s.code: s.weight for s in cfg.services}
        back = [_returning(place(t, counter, weights)[2]) for t in candidates(self.state, counter)]
        return any(back), not all(back)

    def called(self, e: ev.TicketCalled, waiting: tuple[bool, bool]) -> None:
        r, n = self.runs[e.counter]
        r, n = (r + 1, 0) if e.returning else (0, n + 1)
        self.runs[e.counter] = (r, n)
        j = self.state.config.journeys
        if j.return_mode != "ratio" or not all(waiting) or e.rule in ("emergency", "max_wait"):
            return
        if e.returning:
            assert r <= j.returning, f"{r} returning patients in a row at {e.counter} while new ones waited"
        else:
            assert n <= j.new, f"{n} new patients in a row at {e.counter} while returning ones waited"

    def counter(self, kind: str, a: int) -> int:
        """A counter the action can act at (one with someone to call, or someone at it), else any."""
        if kind in ("call", "advance", "issue"):
            some = [n for n in COUNTERS if self.state.counters[n].current is None and candidates(self.state, n)]
        else:
            some = [n for n in COUNTERS if self.state.counters[n].current is not None]
        return (some or list(COUNTERS))[a % len(some or COUNTERS)]

    def step(self, kind: str, a: int, b: int, flag: bool) -> None:
        counter = self.counter(kind, a)
        if kind == "issue":
            self.do(cmd.IssueTicket(service=SERVICES[a % len(SERVICES)], declared=PRIORITY[b % len(PRIORITY)]))
        elif kind == "call":
            self.do(cmd.CallNext(counter=counter))
        elif kind == "start":
            self.do(cmd.StartService(counter=counter))
        elif kind == "finish":
            self.do(cmd.FinishService(counter=counter))
        elif kind == "finish_next":
            self.do(cmd.FinishAndCallNext(counter=counter))
        elif kind == "send":
            first = NEXT[b % len(NEXT)]
            steps = [cmd.StepIn(service=first, counter=5 if first == "X" and flag else 0)]
            if b >= 4:
                steps.append(cmd.StepIn(service=NEXT[(b + 1) % len(NEXT)]))
            if b >= 6:
                steps.append(cmd.StepIn(service=NEXT[(b + 2) % len(NEXT)]))
            in_order = (a + b) % 2 == 0
            back = flag or b % 2 == 1
            self.do(cmd.SendOn(counter=counter, steps=steps, in_order=in_order, come_back=back, reason="kết quả"))
        elif kind == "miss":
            self.do(cmd.MarkMissed(counter=counter))
        elif kind == "park":
            self.do(cmd.ParkTicket(counter=counter))
        elif kind == "transfer":
            self.do(cmd.Transfer(counter=counter, to_service=NEXT[b % len(NEXT)], to_counter=counter if flag else 0))
        elif kind == "advance":
            self.sim.advance(a + b)
        else:
            self.on_ticket(kind, a, b, flag)

    def on_ticket(self, kind: str, a: int, b: int, flag: bool) -> None:
        t = self.pick(
            a, {"unpark": (Status.PARKED,), "reactivate": (Status.MISSED,), "move": (Status.WAITING,)}.get(kind, ACTIVE)
        )
        if t is None:
            return
        if kind == "unpark":
            assert t.counter is not None
            self.do(cmd.UnparkTicket(counter=t.counter, label=t.label))
        elif kind == "reactivate":
            self.do(cmd.Reactivate(label=t.label, position="front" if flag else None))
        elif kind == "cancel":
            self.do(cmd.CancelTicket(label=t.label, reason="về"))
        elif kind == "move":  # a waiting patient moved by staff (to a room of its service, or another service)
            to = ("E", "X", "H", "C")[b % 4]
            self.do(
                cmd.Transfer(
                    counter=1, label=t.label, to_service=to if flag else t.service, to_counter=0 if flag else 2
                )
            )
        elif kind in ("cancel_step", "complete_step") and t.steps:
            step = t.steps[b % len(t.steps)].id
            what = cmd.CancelStep if kind == "cancel_step" else cmd.CompleteStep
            self.do(what(label=t.label, step=step))
        elif kind == "order":
            self.orders += 1
            service = ("X", "H", "C")[b % 3]
            self.do(cmd.OrderStep(key=key(self.sim, t), order=f"O{self.orders}", service=service, come_back=flag), True)
        elif kind == "result":
            ordered = [s.order for s in t.steps if s.order]
            if ordered:
                outcome = "done" if flag else "cancelled"
                self.do(cmd.OrderResult(key=key(self.sim, t), order=ordered[b % len(ordered)], outcome=outcome), True)
        elif kind == "end_episode" and b == 0:  # now and then
            self.do(cmd.EndEpisode(key=key(self.sim, t), outcome="finished" if flag else "cancelled"), True)
        elif kind == "review" and t.priority_pending:
            self.do(cmd.ReviewPriority(label=t.label, confirmed=flag))

    def drain(self) -> None:
        """Every counter keeps calling and finishing; results come in; the missed come back."""
        for _ in range(500):
            before = self.state.seq
            for t in list(self.state.tickets.values()):
                if t.status is Status.MISSED:
                    self.do(cmd.Reactivate(label=t.label))
                for s in t.steps:
                    if s.status == "served":
                        self.do(cmd.CompleteStep(label=t.label, step=s.id))
            for n in COUNTERS:
                c = self.state.counters[n]
                if c.current is not None:
                    self.do(cmd.FinishService(counter=n))
                elif c.parked:
                    self.do(cmd.UnparkTicket(counter=n, label=self.state.tickets[c.parked[0]].label))
                else:
                    self.do(cmd.CallNext(counter=n))
            if self.state.seq == before:
                return
        raise AssertionError("the day never ends")


def _returning(s: object) -> bool:
    return bool(getattr(s, "returning", False))


def check(state: QueueState) -> None:
    """The invariants of the module's docstring, on the whole state."""
    at: dict[int, int] = {}
    for c in state.counters.values():
        for tid in [*([c.current] if c.current is not None else []), *c.parked]:
            assert tid not in at, f"ticket {tid} at counters {at[tid]} and {c.number}"
            at[tid] = c.number
    index: dict[str, set[int]] = {service: set(ids) for service, ids in state.waiting.items() if ids}
    expected: dict[str, set[int]] = {}
    kinds: dict[str, list[int]] = {}
    targeted: set[int] = set()
    for t in state.tickets.values():
        if t.status in (Status.CALLED, Status.SERVING):
            assert at.get(t.id) == t.counter and state.counters[t.counter].current == t.id
        elif t.status is Status.PARKED:
            assert at.get(t.id) == t.counter and t.id in state.counters[t.counter].parked
        else:
            assert t.id not in at, f"{t.label} ({t.status}) is at counter {at.get(t.id)}"
        check_steps(t)
        if t.status is not Status.WAITING:
            continue
        places = [(s.service, s.counter) for s in t.steps if s.status == "open"] or [(t.service, t.target_counter)]
        if t.steps and not any(s.status == "open" for s in t.steps):
            places = []  # waiting for results: in no queue
        for service, target in places:
            expected.setdefault(service, set()).add(t.id)
            if target is None:
                kinds.setdefault(service, [0] * 5)[raw_kind(t)] += 1
            else:
                targeted.add(t.id)
    assert index == expected, "the waiting index is not the open steps of the waiting visits"
    assert {k: v for k, v in state.kinds.items() if any(v)} == kinds
    assert set(state.targeted) == targeted


def check_steps(t: Ticket) -> None:
    if not t.steps:
        return
    active = [s.id for s in t.steps if s.status == "active"]
    current = next(s for s in t.steps if s.id == t.step)
    live = [s for s in t.steps if s.status in LIVE]
    if t.status in HELD:
        assert active == [t.step], f"{t.label} at a counter with active steps {active}"
    else:
        assert active == [], f"{t.label} {t.status} with active steps {active}"
    if t.status is Status.WAITING:
        assert current.status in ("open", "pending")
        assert current.status == "open" or not any(s.status == "open" for s in t.steps)
    if t.status in FINAL:
        assert live == [], f"{t.label} {t.status} with steps to come {[s.id for s in live]}"
    else:
        assert live, f"{t.label} {t.status} with no step to come"
    for s in t.steps:
        if s.status == "served":
            assert awaited(t.steps, s.id)
        if s.status == "pending":
            assert not ready(t.steps, s), f"{t.label}'s step {s.id} is ready but still pending"
        elif s.status in ("open", "active"):
            assert ready(t.steps, s), f"{t.label}'s step {s.id} is {s.status} before what it waits for ended"


def check_in_order(state: QueueState, groups: list[tuple[int, list[int]]]) -> None:
    """Each step sent on in order opened (``ready_at``) only once every step before it had ended,
    and is neither open, at a counter nor served while one of those is still to come."""
    for ticket, ids in groups:
        t = state.tickets[ticket]
        steps = [s for i in ids if (s := find(t.steps, i)) is not None]
        for k, s in enumerate(steps):
            before = steps[:k]
            if s.status in ("open", "active", "served"):
                assert all(x.status in ENDED for x in before), f"{t.label}'s step {s.id} {s.status} too early"
            if s.ready_at is not None:
                ends = [x.ended_at for x in before]
                assert all(e is not None and e <= s.ready_at for e in ends), f"{t.label}'s step {s.id} opened early"


@settings(max_examples=150, deadline=None)
@given(POLICIES, ACTIONS)
def test_random_visits_keep_every_rule_and_every_step_ends(policy: dict[str, Any], actions: list[Any]) -> None:
    walk = Walk(policy)
    for kind, a, b, flag in actions:
        walk.step(kind, a, b, flag)
    assert_replays(walk.sim)
    walk.drain()
    for t in walk.state.tickets.values():
        assert t.status in FINAL, f"{t.label} is still {t.status} at the end of the day"
        assert all(s.status in ("done", "cancelled") for s in t.steps), f"{t.label}: a step never ended"
    assert not any(walk.state.waiting.values())
    assert all(c.current is None and not c.parked for c in walk.state.counters.values())
    assert_replays(walk.sim)


def test_the_walk_reaches_what_it_means_to_test() -> None:
    """The walk is not vacuous: one fixed day has sends with come-back and in order, returns,
    orders, results."""
    walk = Walk({"returning": 1, "new": 2})
    script = [("issue", 0, 0, False)] * 6 + [
        ("call", 0, 0, False),
        ("send", 0, 4, True),
        ("call", 4, 0, False),
        ("order", 0, 2, True),
        ("finish", 4, 0, False),
        ("call", 3, 0, False),
        ("finish", 3, 0, False),
    ]
    for action in script:
        walk.step(*action)
    walk.drain()
    events = [r.event for r in walk.sim.records]
    assert any(isinstance(e, ev.TicketCalled) and e.returning and e.rule == "return_turn" for e in events)
    assert any(isinstance(e, ev.StepsAdded) and any(n.order for n in e.steps) for e in events)
    assert all(t.status is Status.DONE for t in walk.state.tickets.values())
    ticket, ids = walk.in_order[0]  # sent on in order: the second step was called once the first was done
    assert len(ids) == 2
    firsts = [s for s in walk.state.tickets[ticket].steps if s.id in ids]
    assert firsts[0].ended_at is not None and firsts[1].called_at is not None
    assert firsts[0].ended_at <= firsts[1].called_at


ROOM = st.lists(
    st.tuples(st.sampled_from(("new", "new", "call", "call", "send", "send", "lab", "finish", "wait")), st.booleans()),
    min_size=20,
    max_size=80,
)
RATIOS = st.sampled_from([{"returning": 1, "new": 2}, {"returning": 2, "new": 1}, {"returning": 2, "new": 3}])


@settings(max_examples=100, deadline=None)
@given(RATIOS, ROOM)
def test_returning_and_new_patients_both_keep_moving_at_a_busy_room(policy: dict[str, Any], actions: list[Any]) -> None:
    """One exam room and its lab: the room sends patients to the lab and back while new ones
    arrive; the ratio holds at each call (Walk.called) and everyone is seen in the end."""
    walk = Walk(policy)
    for n in (2, 4, 5):
        walk.do(cmd.CloseCounter(counter=n))
    for kind, flag in actions:
        if kind == "new":
            walk.do(cmd.IssueTicket(service="E"))
        elif kind == "call":
            walk.do(cmd.CallNext(counter=1))
        elif kind == "send":
            walk.do(cmd.SendOn(counter=1, steps=[cmd.StepIn(service="X")], come_back=flag))
        elif kind == "lab":
            walk.do(cmd.FinishAndCallNext(counter=3) if walk.state.counters[3].current else cmd.CallNext(counter=3))
        elif kind == "finish":
            walk.do(cmd.FinishService(counter=1))
        else:
            walk.sim.advance(1)
    walk.drain()
    assert all(t.status is Status.DONE for t in walk.state.tickets.values())
    assert_replays(walk.sim)

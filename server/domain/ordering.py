"""Which waiting ticket a counter calls next, and why (pure; see :class:`PriorityPolicy`).

Rules, in order:

1. ``emergency``: an emergency ticket goes first.
2. ``max_wait``: a ticket that has waited ``max_wait_minutes`` or more goes next (oldest first),
   so that nobody starves whatever the priority mix.
3. By mode: ``fifo`` takes the longest (weighted) wait; ``strict`` takes priority tickets first;
   ``ratio`` alternates ``ratio_priority`` priority calls with ``ratio_normal`` normal calls.

Within a class the ticket with the longest weighted wait wins: ``(now - queue_key) * weight`` of
its service at this counter (all weights 1: plain arrival order). A ticket transferred to a
specific counter is only called there.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from .config import PriorityPolicy
from .events import Klass
from .state import CounterState, QueueState, Ticket
from .steps import Step, open_here
from .waiting import next_cycle, next_return

REASONS: dict[str, tuple[str, str]] = {
    "emergency": ("Cấp cứu được ưu tiên trước hết", "Emergency goes first"),
    "max_wait": ("Đã chờ quá thời gian tối đa", "Waited longer than the maximum wait"),
    "arrival_order": ("Theo thứ tự đến", "Arrival order"),
    "priority_first": ("Đối tượng ưu tiên được gọi trước", "Priority patients are called first"),
    "priority_turn": ("Đến lượt đối tượng ưu tiên (theo tỉ lệ)", "Priority turn (by ratio)"),
    "normal_turn": ("Đến lượt thường (theo tỉ lệ)", "Normal turn (by ratio)"),
    "only_priority": ("Chỉ còn đối tượng ưu tiên đang chờ", "Only priority patients are waiting"),
    "only_normal": ("Không có đối tượng ưu tiên đang chờ", "No priority patient is waiting"),
    "specific_number": ("Nhân viên gọi số cụ thể", "Staff called this number"),
    "unparked": ("Gọi lại phiếu đang tạm giữ", "Held ticket called back"),
    "return_turn": ("Đến lượt bệnh nhân quay lại (có kết quả)", "Returning patient's turn (results ready)"),
    "return_results": ("Bệnh nhân quay lại, theo giờ có kết quả", "Returning patient, by when the results came"),
}


class Choice(msgspec.Struct, frozen=True):
    ticket: int
    rule: str
    klass: Klass
    step: int | None = None  # the visit's step it is called for (None: a visit of one queue)
    returning: bool = False

    @property
    def reason_vi(self) -> str:
        return REASONS[self.rule][0]

    @property
    def reason_en(self) -> str:
        return REASONS[self.rule][1]


def candidates(state: QueueState, counter: int) -> list[Ticket]:
    cfg = state.config.counter(counter)
    if cfg is None:
        return []
    out: list[Ticket] = []
    seen: set[int] = set()  # a visit with open steps at two of this counter's services: once
    codes = [s.code for s in cfg.services]
    for code in codes:
        for t in state.waiting_in(code):
            if t.steps:
                if t.id in seen or open_here(t.steps, codes, counter) is None:
                    continue
                seen.add(t.id)
            elif t.target_counter is not None and t.target_counter != counter:
                continue
            out.append(t)
    return out


def place(t: Ticket, counter: int, weights: dict[str, float]) -> tuple[float, str, Step | None]:
    """Where ``t`` stands in ``counter``'s queue: its queue key, the service it waits for there,
    and the step (for a visit of several steps)."""
    if not t.steps:
        return t.queue_key, t.service, None
    s = open_here(t.steps, weights, counter)
    assert s is not None  # candidates() only offers visits with a step open here
    return s.queue_key, s.service, s


def _pick(
    tickets: list[Ticket],
    state: QueueState,
    counter: int,
    now: float,
    cycle: tuple[int, int],
    back: tuple[int, int, int],
) -> Choice | None:
    if not tickets:
        return None
    cfg = state.config.counter(counter)
    weights = {s.code: s.weight for s in cfg.services} if cfg else {}
    places = {t.id: place(t, counter, weights) for t in tickets if t.steps}
    choice = _pick_in(tickets, state, weights, places, now, cycle, back)
    here = places.get(choice.ticket)
    if here is None or here[2] is None:
        return choice
    step = here[2]
    return Choice(ticket=choice.ticket, rule=choice.rule, klass=choice.klass, step=step.id, returning=step.returning)


def _pick_in(
    tickets: list[Ticket],
    state: QueueState,
    weights: dict[str, float],
    places: dict[int, tuple[float, str, Step | None]],
    now: float,
    cycle: tuple[int, int],
    back: tuple[int, int, int],
) -> Choice:
    policy = state.config.priority

    def key(t: Ticket) -> float:
        return places[t.id][0] if t.steps else t.queue_key

    def longest(group: list[Ticket]) -> Ticket:
        def waited(t: Ticket) -> tuple[float, int]:
            k, service, _ = places[t.id] if t.steps else (t.queue_key, t.service, None)
            return ((now - k) * weights.get(service, 1.0), -t.id)

        return max(group, key=waited)

    klass = {t.id: t.klass(policy.honour_unconfirmed) for t in tickets}
    emergencies = [t for t in tickets if klass[t.id] == "emergency"]
    if emergencies:
        return Choice(ticket=longest(emergencies).id, rule="emergency", klass="emergency")
    limit = policy.max_wait_minutes * 60
    starving = [t for t in tickets if now - key(t) >= limit]
    if starving:
        oldest = min(starving, key=lambda t: (key(t), t.id))
        return Choice(ticket=oldest.id, rule="max_wait", klass=klass[oldest.id])
    returning = [t for t in tickets if t.id in places and _returning(places[t.id])]
    journeys = state.config.journeys
    if returning and journeys.return_mode == "ratio":
        new = [t for t in tickets if t not in returning]
        cr, cn, run = back
        if cr >= journeys.returning and cn >= journeys.new:
            cr, cn = 0, 0  # a full cycle (or one the ratio lowered): a new cycle
        # a cycle's returning patients first, but never more than `returning` of them in a row (a
        # cycle filled with new calls while nobody returned, then closed by a return, starts again)
        if not new or (cr < journeys.returning and run < journeys.returning):
            t = min(returning, key=lambda t: (key(t), t.id))
            return Choice(ticket=t.id, rule="return_turn", klass=klass[t.id])
        tickets = new
    choice = _by_policy(tickets, klass, longest, cycle, policy)
    if returning and choice.ticket in {t.id for t in returning}:  # by arrival: their results' time
        return Choice(ticket=choice.ticket, rule="return_results", klass=choice.klass)
    return choice


def _by_policy(
    tickets: list[Ticket],
    klass: dict[int, Klass],
    longest: Callable[[list[Ticket]], Ticket],
    cycle: tuple[int, int],
    policy: PriorityPolicy,
) -> Choice:
    if policy.mode == "fifo":
        t = longest(tickets)
        return Choice(ticket=t.id, rule="arrival_order", klass=klass[t.id])
    prio = [t for t in tickets if klass[t.id] == "priority"]
    normal = [t for t in tickets if klass[t.id] == "normal"]
    if policy.mode == "strict":
        if prio:
            return Choice(ticket=longest(prio).id, rule="priority_first", klass="priority")
        return Choice(ticket=longest(normal).id, rule="only_normal", klass="normal")
    cp, cn = cycle
    if cp >= policy.ratio_priority and cn >= policy.ratio_normal:
        cp, cn = 0, 0  # a cycle full under a ratio changed since (lowered mid-cycle): a new cycle
    if prio and cp < policy.ratio_priority:
        return Choice(ticket=longest(prio).id, rule="priority_turn" if normal else "only_priority", klass="priority")
    if normal and cn < policy.ratio_normal:
        return Choice(ticket=longest(normal).id, rule="normal_turn" if prio else "only_normal", klass="normal")
    if prio:
        return Choice(ticket=longest(prio).id, rule="only_priority", klass="priority")
    return Choice(ticket=longest(normal).id, rule="only_normal", klass="normal")


def _returning(here: tuple[float, str, Step | None]) -> bool:
    return here[2] is not None and here[2].returning


def choose_next(state: QueueState, counter: int, now: float) -> Choice | None:
    """The ticket ``counter`` should call now, with the rule that chose it; None if nobody waits."""
    c = state.counters.get(counter) or CounterState(number=counter)
    back = (c.cycle_return, c.cycle_new, c.run_return)
    return _pick(candidates(state, counter), state, counter, now, (c.cycle_priority, c.cycle_normal), back)


def queue_order(state: QueueState, counter: int, now: float, limit: int = 200) -> list[Choice]:
    """The order in which ``counter`` would call its waiting tickets if nobody else arrived."""
    c = state.counters.get(counter) or CounterState(number=counter)
    cycle = (c.cycle_priority, c.cycle_normal)
    back = (c.cycle_return, c.cycle_new, c.run_return)
    ratio = (state.config.priority.ratio_priority, state.config.priority.ratio_normal)
    journeys = (state.config.journeys.returning, state.config.journeys.new)
    remaining = candidates(state, counter)
    order: list[Choice] = []
    while remaining and len(order) < limit:
        choice = _pick(remaining, state, counter, now, cycle, back)
        assert choice is not None
        order.append(choice)
        cycle = next_cycle(cycle, choice.klass, ratio)
        back = next_return(back, choice.returning, journeys)
        remaining = [t for t in remaining if t.id != choice.ticket]
    return order

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

import msgspec

from .events import Klass
from .state import CounterState, QueueState, Ticket, next_cycle

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
}


class Choice(msgspec.Struct, frozen=True):
    ticket: int
    rule: str
    klass: Klass

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
    return [
        t
        for s in cfg.services
        for t in state.waiting_in(s.code)
        if t.target_counter is None or t.target_counter == counter
    ]


def _pick(tickets: list[Ticket], state: QueueState, counter: int, now: float, cycle: tuple[int, int]) -> Choice | None:
    if not tickets:
        return None
    policy = state.config.priority
    cfg = state.config.counter(counter)
    weights = {s.code: s.weight for s in cfg.services} if cfg else {}

    def longest(group: list[Ticket]) -> Ticket:
        return max(group, key=lambda t: ((now - t.queue_key) * weights.get(t.service, 1.0), -t.id))

    klass = {t.id: t.klass(policy.honour_unconfirmed) for t in tickets}
    emergencies = [t for t in tickets if klass[t.id] == "emergency"]
    if emergencies:
        return Choice(ticket=longest(emergencies).id, rule="emergency", klass="emergency")
    limit = policy.max_wait_minutes * 60
    starving = [t for t in tickets if now - t.queue_key >= limit]
    if starving:
        oldest = min(starving, key=lambda t: (t.queue_key, t.id))
        return Choice(ticket=oldest.id, rule="max_wait", klass=klass[oldest.id])
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


def choose_next(state: QueueState, counter: int, now: float) -> Choice | None:
    """The ticket ``counter`` should call now, with the rule that chose it; None if nobody waits."""
    c = state.counters.get(counter) or CounterState(number=counter)
    return _pick(candidates(state, counter), state, counter, now, (c.cycle_priority, c.cycle_normal))


def queue_order(state: QueueState, counter: int, now: float, limit: int = 200) -> list[Choice]:
    """The order in which ``counter`` would call its waiting tickets if nobody else arrived."""
    c = state.counters.get(counter) or CounterState(number=counter)
    cycle = (c.cycle_priority, c.cycle_normal)
    ratio = (state.config.priority.ratio_priority, state.config.priority.ratio_normal)
    remaining = candidates(state, counter)
    order: list[Choice] = []
    while remaining and len(order) < limit:
        choice = _pick(remaining, state, counter, now, cycle)
        assert choice is not None
        order.append(choice)
        cycle = next_cycle(cycle, choice.klass, ratio)
        remaining = [t for t in remaining if t.id != choice.ticket]
    return order

"""The lifecycles of the queue, each as one transition table (h11's ``_state.py`` is the
model: everything that decides a state machine's moves lives in this file).

- Tickets: every change of a ticket's status goes through :func:`transition`; an action the
  table does not list for the current status is refused with ``illegal_transition``.
- Counters: closed, open or paused; every counter command is checked by
  :func:`counter_transition`, whose second table names the refusal of each move the first does
  not allow (so that "counter 3 is paused; resume it first" is said, not a generic refusal).
"""

from __future__ import annotations

import enum

from .errors import CounterError, TransitionError


class Status(enum.StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    PARKED = "parked"
    MISSED = "missed"
    DONE = "done"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Action(enum.StrEnum):
    CALL = "call"
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    MISS = "miss"
    REACTIVATE = "reactivate"
    TRANSFER = "transfer"
    PARK = "park"
    UNPARK = "unpark"
    CANCEL = "cancel"
    EXPIRE = "expire"
    CONTINUE = "continue"  # a step of the visit ends and others remain: waiting again (journey.py)
    END = "end"  # the visit's last remaining steps ended elsewhere (a result, a cancelled order)


W, C, S, P, M = Status.WAITING, Status.CALLED, Status.SERVING, Status.PARKED, Status.MISSED

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (W, Action.CALL): C,
    (C, Action.RECALL): C,
    (C, Action.START): S,
    (C, Action.FINISH): Status.DONE,
    (S, Action.FINISH): Status.DONE,
    (C, Action.CONTINUE): W,
    (S, Action.CONTINUE): W,
    (W, Action.END): Status.DONE,
    (C, Action.MISS): M,
    (M, Action.REACTIVATE): W,
    (W, Action.TRANSFER): W,
    (C, Action.TRANSFER): W,
    (S, Action.TRANSFER): W,
    (C, Action.PARK): P,
    (S, Action.PARK): P,
    (P, Action.UNPARK): C,
    (W, Action.CANCEL): Status.CANCELLED,
    (C, Action.CANCEL): Status.CANCELLED,
    (P, Action.CANCEL): Status.CANCELLED,
    (M, Action.CANCEL): Status.CANCELLED,
    (W, Action.EXPIRE): Status.EXPIRED,
    (C, Action.EXPIRE): Status.EXPIRED,
    (S, Action.EXPIRE): Status.EXPIRED,
    (P, Action.EXPIRE): Status.EXPIRED,
    (M, Action.EXPIRE): Status.EXPIRED,
}

# A person holding a ticket in one of these may not take another for the same service.
ACTIVE = frozenset({W, C, S, P, M})
FINAL = frozenset({Status.DONE, Status.CANCELLED, Status.EXPIRED})

STATUS_VI = {
    W: "đang chờ",
    C: "đã gọi",
    S: "đang phục vụ",
    P: "tạm giữ",
    M: "vắng mặt",
    Status.DONE: "đã xong",
    Status.CANCELLED: "đã hủy",
    Status.EXPIRED: "hết hạn",
}


def transition(status: Status, action: Action) -> Status:
    """The status after ``action``, or :class:`TransitionError` if the table forbids it."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise TransitionError(
            "illegal_transition", action=action.value, status=status.value, status_vi=STATUS_VI[status]
        ) from None


class CounterStatus(enum.StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


class CounterAction(enum.StrEnum):
    OPEN = "open"
    CLOSE = "close"
    PAUSE = "pause"
    RESUME = "resume"
    SERVE = "serve"  # call, recall, unpark...: work that needs an open counter (it stays open)


CLOSED, OPEN, PAUSED = CounterStatus.CLOSED, CounterStatus.OPEN, CounterStatus.PAUSED

COUNTER_TRANSITIONS: dict[tuple[CounterStatus, CounterAction], CounterStatus] = {
    (CLOSED, CounterAction.OPEN): OPEN,
    (OPEN, CounterAction.CLOSE): CLOSED,
    (PAUSED, CounterAction.CLOSE): CLOSED,
    (OPEN, CounterAction.PAUSE): PAUSED,
    (PAUSED, CounterAction.RESUME): OPEN,
    (OPEN, CounterAction.SERVE): OPEN,
}

# Every other (status, action): the catalogue key it is refused with.
COUNTER_REFUSALS: dict[tuple[CounterStatus, CounterAction], str] = {
    (OPEN, CounterAction.OPEN): "counter_already_open",
    (PAUSED, CounterAction.OPEN): "counter_already_open",
    (CLOSED, CounterAction.CLOSE): "counter_closed",
    (CLOSED, CounterAction.PAUSE): "counter_closed",
    (PAUSED, CounterAction.PAUSE): "counter_paused",
    (CLOSED, CounterAction.RESUME): "counter_not_paused",
    (OPEN, CounterAction.RESUME): "counter_not_paused",
    (CLOSED, CounterAction.SERVE): "counter_closed",
    (PAUSED, CounterAction.SERVE): "counter_paused",
}


def counter_transition(status: str, action: CounterAction, counter: int) -> CounterStatus:
    """The counter's status after ``action``, or the :class:`CounterError` the tables name."""
    key = (CounterStatus(status), action)
    new = COUNTER_TRANSITIONS.get(key)
    if new is None:
        raise CounterError(COUNTER_REFUSALS[key], "counter", counter=counter)
    return new

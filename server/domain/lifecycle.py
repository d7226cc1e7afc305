"""The ticket lifecycle as one transition table (h11's ``_state.py`` is the model).

Every change of a ticket's status goes through :func:`transition`; an action that the table
does not list for the current status is refused with the stable code ``illegal_transition``.
"""

from __future__ import annotations

import enum

from .errors import TransitionError


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


W, C, S, P, M = Status.WAITING, Status.CALLED, Status.SERVING, Status.PARKED, Status.MISSED

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (W, Action.CALL): C,
    (C, Action.RECALL): C,
    (C, Action.START): S,
    (C, Action.FINISH): Status.DONE,
    (S, Action.FINISH): Status.DONE,
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

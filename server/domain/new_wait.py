"""The wait of a number taken now, per service (pure): what the TV tells the hall, "Lấy số bây
giờ: chờ khoảng 20–30 phút" (issue 22).

It is read off the forecast the phones already use (``predict.forecast``: when each waiting
ticket is expected to be called), not simulated again with a ticket added: a normal ticket
issued now stands behind every ticket now waiting for its service (nobody else is expected but
the priority patients the forecast already counts), so it is expected one interval after the
last of them is called, an interval being the service's mean service time over its open
counters (``estimate.mean_service_seconds``: the time until the next of ``k`` busy counters is
free, for service times without memory). With nobody waiting it is called at once if one of its
open counters is idle, else one interval from now. Its band is ``estimate.band``'s, the one the
ticket would be given at the kiosk.

- no counter of the service open: no wait (``None``; the board shows nothing for it);
- a ticket waiting for it has no time (not called before closing) or the expected call falls at
  or after the closing time: no wait either; one that falls in a break (the lunch break) is
  expected when the break ends;
- a ticket waiting for it is past the forecast's horizon (thousands waiting): the simple formula,
  everyone waiting for it times the interval.

Cost: O(tickets waiting) with the forecast given (which costs what the phones' refresh costs).
"""

from __future__ import annotations

import msgspec

from .estimate import mean_service_seconds, service_band
from .predict import at_work, working_day
from .state import QueueState


class NewWait(msgspec.Struct, frozen=True):
    """When a normal ticket issued now is expected to be called, and the band (epoch seconds)."""

    call_at: float
    call_from: float
    call_to: float


def new_waits(state: QueueState, now: float, times: dict[int, float | None]) -> dict[str, NewWait | None]:
    """Each configured service's ``NewWait``, or None (see the module's rules); ``times``: the
    waiting tickets' expected calls (``predict.forecast(state, now)``)."""
    breaks, close = working_day(state.config, now)
    return {s.code: _new_wait(state, s.code, now, times, breaks, close) for s in state.config.services}


def _new_wait(
    state: QueueState,
    service: str,
    now: float,
    times: dict[int, float | None],
    breaks: list[tuple[float, float]],
    close: float | None,
) -> NewWait | None:
    open_counters = [
        n for n in state.config.counters_for(service) if n in state.counters and state.counters[n].status == "open"
    ]
    if not open_counters:
        return None
    interval = mean_service_seconds(state, service) / len(open_counters)
    ahead = state.waiting.get(service, {})
    if not ahead:
        idle = any(state.counters[n].current is None for n in open_counters)
        at = now if idle else now + interval
    elif all(tid in times for tid in ahead):
        known = [t for tid in ahead if (t := times[tid]) is not None]
        if len(known) < len(ahead):
            return None  # one of them is not expected to be called before closing
        at = max(now, *known) + interval
    else:  # past the forecast's horizon
        at = now + len(ahead) * interval
    due = at_work(at, breaks, close)  # one that would fall in a break is called after it
    if due is None:
        return None
    low, high = service_band(state, service, len(open_counters), now, due, pause=due - at)
    return NewWait(call_at=due, call_from=low, call_to=high)

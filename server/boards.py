"""The boards' "take a number now" wait (issue 22): for each service, the wait of a normal
ticket issued now (``domain.new_wait``), pushed to the TVs ("Lấy số bây giờ: chờ khoảng
20–30 phút") as a ``new_wait`` message.

Bounded as the phones' places are (``server/phones.py``): after a commit that may move a queue
the value is stale; at the end of the writer's batch it is computed again (one forecast of the
waiting tickets, ``predict.forecast``, then O(tickets waiting)) at most every ``EVERY`` seconds,
and only while a TV is connected; it is sent only when a service's band moved by more than a
minute at either end, or a service gained or lost its wait. A TV that connects gets the last
value at once (computed then if there is none yet, or it is stale and due).
Between commits nothing is computed: a queue that does not move keeps the wait it had.

Why the forecast, not people ahead times the mean: the TV then says what the kiosk will tell the
patient who takes the number (the same simulation: breaks, closing time, shared counters, the
priority patients to come), and the cost is bounded by the forecast's horizon. Measured with 500
waiting over 10 counters (``bench.estimates.waiting_state``, host at load average 12-13): the
forecast 6.6-9.3 ms, ``new_waits`` given it 0.13-0.18 ms; at most once every 5 s, under 0.2% of
the writer's time (the phones' refresh of all 500 took 15-19 ms at the same load).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable

from .domain import events as ev
from .domain.new_wait import new_waits
from .domain.predict import forecast
from .domain.state import QueueState
from .fanout import Fanout
from .phones import QUIET
from .protocol import NewWaitMsg, WaitBand, encoder

ROLE = "tv"  # the screens it is sent to
EVERY = 5.0  # seconds between two computations at most
MOVE_SECONDS = 60.0  # a band's end that moves by more than this is sent again

Waits = dict[str, tuple[float, float] | None]  # service -> its band, seconds from the time computed


class Boards:
    """The last ``new_wait`` sent to the public screens, and when to compute it again."""

    def __init__(self, fanout: Fanout) -> None:
        self.fanout = fanout
        self.sent: Waits = {}
        self.text = ""  # the last message sent (what a screen that connects is given)
        self.stale = True
        self.refreshed = -math.inf  # time.monotonic() of the last computation
        self.timer: asyncio.TimerHandle | None = None
        self.every = EVERY
        self.computed = 0  # how many times it was computed (tests, metrics)

    def publish(self, records: list[ev.Record]) -> None:
        """After a commit: the wait may have moved unless every event is a quiet one."""
        if any(not isinstance(r.event, QUIET) for r in records):
            self.stale = True

    def after_batch(self, state: QueueState, now: float, wake: Callable[[], None]) -> None:
        """At the end of the writer's batch: compute and send the wait if it may have moved, a
        screen is there to see it, and it is time; else have ``wake`` called when it will be."""
        if not self.stale or self.timer is not None or not self.boards():
            return
        wait = self.refreshed + self.every - time.monotonic()
        if wait <= 0:
            self.refresh(state, now)
            return

        def due() -> None:
            self.timer = None
            wake()

        self.timer = asyncio.get_running_loop().call_later(wait, due)

    def boards(self) -> bool:
        """Whether a board is connected."""
        return any(c.role == ROLE for c in self.fanout.by_audience["public"].values())

    def refresh(self, state: QueueState, now: float) -> None:
        """Compute the wait of each service; send it to the TVs if it moved (framed once; a TV
        that cannot be written to is dropped, as the broadcaster drops it)."""
        self.stale = False
        self.refreshed = time.monotonic()
        self.computed += 1
        waits = new_waits(state, now, forecast(state, now))
        current: Waits = {
            code: None if w is None else (w.call_from - now, w.call_to - now) for code, w in waits.items()
        }
        if self.text and not moved(self.sent, current):
            return
        self.sent = current
        bands = {
            code: None if b is None else WaitBand(low=math.floor(b[0] / 60), high=math.ceil(b[1] / 60))
            for code, b in current.items()
        }
        self.text = encoder.encode(NewWaitMsg(seq=state.seq, at=now, waits=bands)).decode()
        self.fanout.send_where("public", lambda c: c.role == ROLE, self.text)

    def greeting(self, state: QueueState, now: float) -> str:
        """What a TV that connects is sent: the last value, computed first if there
        is none yet, or it is stale and due (sent then to the others too)."""
        if not self.text or (self.stale and time.monotonic() >= self.refreshed + self.every):
            self.refresh(state, now)
        return self.text

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


def moved(sent: Waits, current: Waits) -> bool:
    """Whether a service's wait appeared, went, or moved by more than a minute at either end."""
    if sent.keys() != current.keys():
        return True
    for code, now in current.items():
        before = sent[code]
        if before is None or now is None:
            if before != now:
                return True
        elif abs(now[0] - before[0]) > MOVE_SECONDS or abs(now[1] - before[1]) > MOVE_SECONDS:
            return True
    return False

"""Statistics from the event log (pure): what happened between two local dates, by day, hour,
service, counter, staff and identity source (M4, V6).

The log is replayed through the same ``apply`` as the live state, so the figures follow the
queue's own rules (a transfer keeps its number, a missed ticket can come back...). Definitions,
for every group a ticket or an event falls in:

- ``issued``: tickets issued (grouped by the day, hour and service of issue, and source);
- ``served``: services finished (by the counter and staff that finished them);
- ``missed``: no-shows marked (an event each; a ticket reactivated and missed again counts twice);
- ``transferred``, ``cancelled``: events;
- ``wait``: from issue to the ticket's first call (minutes; mean, median, 90th percentile);
- ``estimate_error``: the wait shown at issue (``TicketIssued.wait_minutes``) less that wait,
  for the tickets shown one (mean absolute error, 90th percentile of the absolute error, bias,
  shares within 5 and 10 minutes), grouped as the wait is (by service and hour of issue...);
- ``service``: from the start of service (or the call, when nobody pressed start) to its end;
- ``idle_minutes``: time a counter was open, not paused, without a current ticket, while a
  ticket of a service it serves was waiting (by counter, staff, day and month; the total is
  the sum over counters; ``None`` for the groups it does not apply to: hour of issue, service,
  department, identity source, insurance);
- ``priority_share``: issued tickets whose priority was not rejected;
- ``rating``: satisfaction scores (1-5) given for the group's tickets;
- ``booked``: bookings honoured in time (``honoured``) or after the slot's end (``late``), and
  ``no_show``: bookings of a day that no ticket honoured, counted when the day has ended (by
  day, month, service and department).

Every row carries ``name``, the key's name in Vietnamese and English (a service's, a counter's,
a staff member's full name...), so that no report shows a bare code. Percentiles are
nearest-rank. Identity never appears in a report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import events as ev
from .bookings import no_shows
from .config import CARE_KINDS, Config
from .figures import Figures
from .fold import apply
from .lifecycle import Status
from .state import QueueState
from .visits import Visits

IDLE_GROUPS = frozenset({"day", "month", "counter", "staff"})  # where idle time is counted
SOURCE_NAMES = {
    "chip": ("Thẻ CCCD gắn chip", "Chip ID card"),
    "qr": ("Mã QR trên CCCD", "ID card QR code"),
    "typed": ("Nhập số định danh", "Typed ID number"),
    "vneid": ("VNeID", "VNeID"),
    "none": ("Không mang giấy tờ", "No document"),
}
INSURANCE_NAMES = {"bhyt": ("Có BHYT", "With health insurance"), "other": ("Không BHYT", "Without health insurance")}

GROUPS = (
    "day",
    "month",
    "hour",
    "service",
    "department",
    "counter",
    "staff",
    "source",
    "insurance",
    "department_insurance",  # "<department>/bhyt" or "<department>/other"
    "care_insurance",  # "<department>/<care kind>/<bhyt|other>": the six-monthly matrix (QĐ 2733 App. 01 Art. 8)
)
INSURANCE_GROUPS = ("insurance", "department_insurance", "care_insurance")  # counted at the end (insured())


@dataclass
class _Seen:
    """What the report remembers of a ticket (no identity, only its source)."""

    day: str
    hour: str
    service: str
    department: str
    source: str
    care_kind: str  # the service's MA_LOAI_KCB
    bhyt_number: bool  # a health-insurance number was presented
    issued_at: float
    shown: int | None = None  # the wait shown at issue, minutes (None: none shown, or an older log)
    checked: bool | None = None  # what the insurance check said (InsuranceChecked), if anything
    his_insured: bool | None = None  # what the HIS's registration said, if anything
    own: Figures = field(default_factory=Figures)  # the ticket's part of every figure (insured() decides where)
    called: bool = False
    called_at: float = 0.0
    started_at: float | None = None
    counter: int | None = None  # the counter that called it last
    staff: str = ""


class Report:
    """Fed with records in log order (all of them, from the start of the log: the state before
    ``start`` matters); counts what happens in ``[start, end)`` (epoch seconds)."""

    def __init__(self, start: float, end: float, config: Config) -> None:
        self.start, self.end = start, end
        self.state = QueueState(config=config)
        self.groups: dict[str, dict[str, Figures]] = {g: {} for g in GROUPS}
        self.total = Figures()
        self.tickets: dict[int, _Seen] = {}
        self.last_at: float | None = None
        self.visits = Visits()  # the visits that ended served in the period (domain/visits.py)

    def _in(self, *keys: tuple[str, str | None]) -> list[Figures]:
        out = [self.total]
        for group, key in keys:
            if key:
                rows = self.groups[group]
                figures = rows.get(key)
                if figures is None:  # made once per row, not once per call (a report's hot path)
                    figures = rows[key] = Figures()
                out.append(figures)
        return out

    def _idle(self, until: float) -> None:
        """Idle time of open counters between the previous record and ``until``, split at
        local midnights so that each day (and month) gets its own part."""
        if self.last_at is None:
            return
        lo, hi = max(self.last_at, self.start), min(until, self.end)
        if hi <= lo:
            return
        state = self.state
        idle = [
            c for c in state.counters.values() if c.status == "open" and c.current is None and self._awaited(c.number)
        ]
        if not idle:
            return
        tz = state.config.tzinfo()
        while lo < hi:
            day = dt.datetime.fromtimestamp(lo, tz).date()
            part = min(hi, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tz).timestamp())
            for c in idle:
                keys = (
                    ("counter", str(c.number)),
                    ("staff", c.staff),
                    ("day", day.isoformat()),
                    ("month", day.isoformat()[:7]),
                )
                for f in self._in(*keys):
                    f.idle_seconds += part - lo
            lo = part
        # (the total's idle time is the sum over counters)

    def _awaited(self, counter: int) -> bool:
        """Whether a ticket of a service the counter serves is waiting."""
        cc = self.state.config.counter(counter)
        return cc is not None and any(self.state.waiting.get(s.code) for s in cc.services)

    def name(self, group: str, key: str) -> dict[str, str]:
        """The name of a row's key in Vietnamese and English (empty where the key is its own
        name: a day, a month, an hour)."""
        cfg = self.state.config
        vi = en = ""
        if group == "service" and (svc := cfg.service(key)) is not None:
            vi, en = svc.name, svc.name_en or svc.name
        elif group == "department":
            dept = next((d for d in cfg.departments if d.code == key), None)
            vi, en = (dept.name, dept.name_en or dept.name) if dept is not None else ("", "")
        elif group == "counter" and key.isdigit() and (cc := cfg.counter(int(key))) is not None:
            vi, en = cc.name, cc.name_en or cc.name
        elif group == "staff":
            account = self.state.staff.get(key.removeprefix("staff:"))
            vi = en = account.full_name if account is not None and account.full_name else key.removeprefix("staff:")
        elif group == "source":
            vi, en = SOURCE_NAMES.get(key, (key, key))
        elif group == "insurance":
            vi, en = INSURANCE_NAMES.get(key, (key, key))
        elif group in ("department_insurance", "care_insurance"):
            dept_code, _, rest = key.partition("/")
            care, _, insurance = rest.rpartition("/")
            d, i = self.name("department", dept_code), INSURANCE_NAMES.get(insurance, (insurance, insurance))
            k = CARE_KINDS.get(care, (care, care)) if care else ("", "")
            vi = " / ".join(p for p in (d["vi"] or "Khác", k[0], i[0]) if p)
            en = " / ".join(p for p in (d["en"] or "Other", k[1], i[1]) if p)
        return {"vi": vi, "en": en}

    def feed(self, record: ev.Record) -> None:
        self._idle(record.at)
        self.last_at = record.at
        inside = self.start <= record.at < self.end
        e = record.event
        if inside:
            self._count(e, record.at)
        if isinstance(e, ev.DayStarted):
            self._no_shows(record.at)
        step_of = e.ticket if isinstance(e, ev.StepCompleted | ev.StepCancelled) else None  # of a live visit
        apply(self.state, record)
        if inside and isinstance(e, ev.TicketIssued):
            self._issued(e, record.at)
        ended = e.ticket if isinstance(e, ev.ServiceFinished) and not e.visit_open else None
        if step_of is not None and self.state.tickets[step_of].status is Status.DONE:
            ended = step_of  # its last step to come ended elsewhere (a result, a cancelled return)
        if inside and ended is not None:  # the visit ended served
            t = self.state.tickets[ended]
            hour = dt.datetime.fromtimestamp(t.issued_at, self.state.config.tzinfo()).strftime("%H")
            self.visits.ended(t, record.at, hour)

    def _issued(self, e: ev.TicketIssued, at: float) -> None:
        tz = self.state.config.tzinfo()
        local = dt.datetime.fromtimestamp(at, tz)
        svc = self.state.config.service(e.service)
        seen = _Seen(
            day=e.day,
            hour=f"{local.hour:02d}",
            service=e.service,
            department=svc.department if svc is not None else "",
            source=e.identity.source if e.identity is not None else "none",
            care_kind=svc.care_kind if svc is not None else "",
            bhyt_number=e.identity is not None and bool(e.identity.bhyt_number),
            issued_at=at,
            shown=e.wait_minutes,
        )
        self.tickets[e.ticket] = seen
        for f in self._of_ticket(seen):
            f.issued += 1
            if e.booking:
                f.booked[1 if e.booking_late else 0] += 1

    def _no_shows(self, now: float) -> None:
        """The bookings of the state's day that no ticket honoured, once it has ended, if in range."""
        day = dt.date.fromisoformat(self.state.day or "1970-01-01")
        first, over = local_range(day, day, self.state.config.tzinfo())
        if now < over or not self.start <= first < self.end:
            return
        for service, n in no_shows(self.state).items():
            svc = self.state.config.service(service)
            keys = (("day", day.isoformat()), ("month", day.isoformat()[:7]), ("service", service))
            for f in self._in(*keys, ("department", svc.department if svc is not None else "")):
                f.booked[2] += n

    def _of_ticket(self, seen: _Seen, *more: tuple[str, str | None]) -> list[Figures]:
        return self._in(
            ("day", seen.day),
            ("month", seen.day[:7]),
            ("hour", seen.hour),
            ("service", seen.service),
            ("department", seen.department),
            ("source", seen.source),
            *more,
        ) + [seen.own]

    def _ticket_groups(self, seen: _Seen, counter: int | None) -> list[Figures]:
        staff = self.state.counters[counter].staff if counter is not None and counter in self.state.counters else ""
        return self._of_ticket(seen, ("counter", str(counter) if counter is not None else None), ("staff", staff))

    def _count(self, e: ev.AnyEvent, at: float) -> None:
        ticket = getattr(e, "ticket", None)
        seen = self.tickets.get(ticket) if isinstance(ticket, int) else None
        if seen is None:  # issued before the range (or not a ticket event)
            return
        if isinstance(e, ev.TicketCalled):
            if not seen.called:
                for f in self._ticket_groups(seen, e.counter):
                    f.waits.append(at - seen.issued_at)
                    if seen.shown is not None:
                        f.estimate_errors.append(seen.shown - (at - seen.issued_at) / 60)
            seen.called, seen.called_at, seen.counter, seen.started_at = True, at, e.counter, None
        elif isinstance(e, ev.TicketRecalled | ev.TicketUnparked):
            seen.counter = e.counter
        elif isinstance(e, ev.ServiceStarted):
            seen.started_at = at
        elif isinstance(e, ev.ServiceFinished):
            began = seen.started_at if seen.started_at is not None else seen.called_at
            for f in self._ticket_groups(seen, e.counter):
                f.served += 1
                f.services.append(at - began)
        elif isinstance(e, ev.TicketMissed):
            for f in self._ticket_groups(seen, e.counter):
                f.missed += 1
        elif isinstance(e, ev.TicketTransferred):
            for f in self._ticket_groups(seen, e.from_counter):
                f.transferred += 1
        elif isinstance(e, ev.TicketCancelled):
            for f in self._ticket_groups(seen, seen.counter):
                f.cancelled += 1
        elif isinstance(e, ev.InsuranceChecked) and e.insured is not None:
            seen.checked = e.insured
        elif isinstance(e, ev.HisRegistrationRecorded) and e.insured is not None:
            seen.his_insured = e.insured
        elif isinstance(e, ev.TicketRated):
            for f in self._of_ticket(seen, ("counter", str(e.counter)), ("staff", e.staff)):
                f.ratings.append(e.score)

    def result(self, now: float) -> dict[str, Any]:
        """The figures as of ``now`` (idle time runs until then); priority shares are taken
        from the tickets' final state."""
        self._idle(min(now, self.end))
        self._no_shows(now)
        self.last_at = None
        for ticket, seen in self.tickets.items():
            t = self.state.tickets.get(ticket)
            if t is not None and t.priority and not t.priority_rejected:
                for f in self._of_ticket(seen):
                    f.priority += 1
        for seen in self.tickets.values():
            insurance = "bhyt" if insured(seen) else "other"
            for group, key in (
                ("insurance", insurance),
                ("department_insurance", f"{seen.department}/{insurance}"),
                ("care_insurance", f"{seen.department}/{seen.care_kind}/{insurance}"),
            ):
                self.groups[group].setdefault(key, Figures()).add(seen.own)
        visits = self.visits.result()
        longest = visits["longest_waits"]
        for row in [*visits["by_service"], *visits["door_by_service"], *longest["services"]]:
            row["name"] = self.name("service", row["key"])
        for row in [*visits["by_room"], *longest["rooms"]]:
            row["name"] = self.name("counter", row["key"])
        return {
            "visits": visits,
            "total": self.total.as_dict(),
            **{
                f"by_{group}": [
                    {"key": key, "name": self.name(group, key), **figures.as_dict(group in IDLE_GROUPS)}
                    for key, figures in sorted(self.groups[group].items())
                ]
                for group in GROUPS
            },
        }


def insured(seen: _Seen) -> bool:
    """Whether a ticket counts as insured: what its insurance check said, else what the HIS's
    registration said, else whether a BHYT number was presented."""
    for said in (seen.checked, seen.his_insured):
        if said is not None:
            return said
    return seen.bhyt_number


def build(records: Iterable[ev.Record], start: float, end: float, now: float, config: Config) -> dict[str, Any]:
    """The report of ``[start, end)`` from a log read from its beginning, as of ``now``
    (``config``: the one in force before the log's first configuration event)."""
    report = Report(start, end, config)
    for r in records:
        if r.at >= end:
            break
        report.feed(r)
    return report.result(now)


def local_range(first: dt.date, last: dt.date, tz: dt.tzinfo) -> tuple[float, float]:
    """Epoch seconds from the start of ``first`` to the end of ``last`` (local days)."""
    start = dt.datetime.combine(first, dt.time(0), tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tz)
    return start.timestamp(), end.timestamp()


def half_year(year: int, half: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a half year (1: January-June, 2: July-December)."""
    if half not in (1, 2):
        raise ValueError("half is 1 or 2")
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else (dt.date(year, 7, 1), dt.date(year, 12, 31))

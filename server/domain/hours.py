"""The unit's hours read: whether it is open at a moment (not on a break or a holiday), and
which scheduled announcements came due between two moments, in the unit's local time.
"""

from __future__ import annotations

import datetime as dt

from .config import WEEKDAYS, Config


def minutes(text: str) -> int:
    """Minutes since midnight of a checked "HH:MM" (or "24:00")."""
    return int(text[:2]) * 60 + int(text[3:])


def is_open(cfg: Config, now: dt.datetime) -> bool:
    """Whether the unit is within working hours (and not on a break or a holiday) at ``now``."""
    local = now.astimezone(cfg.tzinfo())
    if any(h.date == local.date() for h in cfg.hours.holidays):
        return False
    day = cfg.hours.day(local.weekday())
    if day is None:
        return False
    m = local.hour * 60 + local.minute
    if not minutes(day.open) <= m < minutes(day.close):
        return False
    return not any(minutes(b.start) <= m < minutes(b.end) for b in day.breaks)


def due_announcements(cfg: Config, now: dt.datetime, since: dt.datetime) -> list[tuple[int, str]]:
    """The (announcement index, "HH:MM") whose time came in (since, now], local time of the
    unit, on their days and not on holidays."""
    tz = cfg.tzinfo()
    start, end = since.astimezone(tz), now.astimezone(tz)
    out: list[tuple[int, str]] = []
    if end <= start or end - start > dt.timedelta(hours=1):  # asleep for long: do not replay old ones
        start = max(start, end - dt.timedelta(minutes=2))
    day = start.date()
    while day <= end.date():
        weekday = WEEKDAYS[day.weekday()]
        holiday = any(h.date == day for h in cfg.hours.holidays)
        for i, a in enumerate(cfg.announcements):
            if holiday or weekday not in a.days:
                continue
            for t in a.times:
                at = dt.datetime.combine(day, dt.time(int(t[:2]), int(t[3:])), tz)
                if start < at <= end:
                    out.append((i, t))
        day += dt.timedelta(days=1)
    return out

"""What a configuration change changed, field by field (pure): the audit log shows it as
``services[N].name: "Khám Nội" → "Khám Nội tổng quát"`` instead of a whole configuration.

Lists of things with a code (services, departments, zones), a number (counters), a device (TV
screens) or a date (holidays) are matched by it, so that inserting a service does not show every
later one as changed; other lists are compared as whole values."""

from __future__ import annotations

import json
from typing import Any

import msgspec

MAX_CHANGES = 100  # a change list is bounded; the rest is counted in one last entry
MAX_VALUE = 120  # characters of a value's text

IDENTITIES = ("code", "number", "device", "date")


class ConfigChange(msgspec.Struct, frozen=True, gc=False):
    """One field: its path, and its value before and after as short JSON text ("" when absent)."""

    path: str
    before: str = ""
    after: str = ""


def _text(value: Any) -> str:
    if value is _ABSENT:
        return ""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


_ABSENT = object()


def _identity(*lists: list[Any]) -> str | None:
    """The field that names each item of lists of objects: every item has it, unique within
    its list."""
    items = [i for items in lists for i in items]
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in IDENTITIES:
        names = [[i.get(key) for i in items] for items in lists]
        if all(None not in n and len(set(map(str, n))) == len(n) for n in names):
            return key
    return None


def _walk(before: Any, after: Any, path: str, out: list[ConfigChange]) -> None:
    if before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*before, *(k for k in after if k not in before)]:
            _walk(before.get(key, _ABSENT), after.get(key, _ABSENT), f"{path}.{key}" if path else key, out)
        return
    if isinstance(before, list) and isinstance(after, list):
        key = _identity(before, after)
        if key is not None:
            old = {str(i[key]): i for i in before}
            new = {str(i[key]): i for i in after}
            for name in [*old, *(n for n in new if n not in old)]:
                _walk(old.get(name, _ABSENT), new.get(name, _ABSENT), f"{path}[{name}]", out)
            return
    out.append(ConfigChange(path=path, before=_text(before), after=_text(after)))


def config_changes(before: Any, after: Any) -> list[ConfigChange]:
    """The fields that differ between two configurations (msgspec structs or their builtins)."""
    out: list[ConfigChange] = []
    _walk(msgspec.to_builtins(before), msgspec.to_builtins(after), "", out)
    if len(out) > MAX_CHANGES:
        rest = len(out) - MAX_CHANGES + 1
        out = [*out[: MAX_CHANGES - 1], ConfigChange(path=f"… (+{rest})")]
    return out

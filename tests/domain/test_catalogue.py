"""The one catalogue of error codes and messages, and the errors that take theirs from it."""

from __future__ import annotations

import importlib
import itertools
import json
import pkgutil
import string
from pathlib import Path

import pytest

from server.domain import error_codes
from server.domain.catalogue import CATALOGUE, code_of, codes, messages
from server.domain.errors import CounterError, DomainError, UnknownCounter
from server.domain.lifecycle import (
    COUNTER_REFUSALS,
    COUNTER_TRANSITIONS,
    CounterAction,
    CounterStatus,
    counter_transition,
)

FROZEN = Path(__file__).parent / "fixtures" / "catalogue.json"


def names(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_entry_is_worded_in_both_languages_and_formats(key: str) -> None:
    entry = CATALOGUE[key]
    assert entry.vi.strip() and entry.en.strip() and entry.vi != entry.en
    assert 400 <= entry.status < 600
    params = {name: 7 for name in names(entry.vi) | names(entry.en)}
    vi, en = messages(key, params)
    assert "{" not in vi and "{" not in en
    assert code_of(key).isidentifier() and code_of(key) == code_of(key).lower()


def test_a_variant_is_the_same_code_on_the_wire() -> None:
    err = DomainError("unknown_counter.choose", "counter")
    assert err.code == "unknown_counter" and err.key == "unknown_counter.choose" and err.field == "counter"
    assert codes() == sorted(set(codes())) and "unknown_counter" in codes()
    assert not any("." in c for c in codes())


def test_an_error_keeps_its_data_and_knows_its_status() -> None:
    err = UnknownCounter(12, "to_counter")
    assert err.params == {"counter": 12} and err.field == "to_counter"
    assert "12" in err.message_vi and "12" in err.message_en and err.status == 400
    assert DomainError("forbidden").status == 403 and DomainError("unauthenticated").status == 401
    assert DomainError("storage_error").status == 503 and DomainError("unknown_ticket.today").status == 404


def test_a_key_missing_from_the_catalogue_is_a_bug_not_a_refusal() -> None:
    with pytest.raises(KeyError):
        DomainError("no_such_code")


def test_the_counter_tables_cover_every_move_once() -> None:
    every = set(itertools.product(CounterStatus, CounterAction))
    assert set(COUNTER_TRANSITIONS) | set(COUNTER_REFUSALS) == every
    assert not set(COUNTER_TRANSITIONS) & set(COUNTER_REFUSALS)
    assert all(key in CATALOGUE for key in COUNTER_REFUSALS.values())


@pytest.mark.parametrize(("status", "action"), sorted(COUNTER_REFUSALS))
def test_a_refused_counter_move_says_why(status: CounterStatus, action: CounterAction) -> None:
    with pytest.raises(CounterError) as err:
        counter_transition(status.value, action, 4)
    assert err.value.key == COUNTER_REFUSALS[(status, action)] and "4" in err.value.message_en


def test_an_allowed_counter_move_gives_the_new_status() -> None:
    assert counter_transition("closed", CounterAction.OPEN, 1) is CounterStatus.OPEN
    assert counter_transition("paused", CounterAction.RESUME, 1) is CounterStatus.OPEN
    assert counter_transition("open", CounterAction.SERVE, 1) is CounterStatus.OPEN


def test_the_catalogue_is_the_one_written_before_it_was_held_by_area() -> None:
    """``fixtures/catalogue.json`` is the catalogue as one dict wrote it (7 December 2026): the
    modules by area merge into the same keys, in the same order, with the same texts and statuses.
    A new entry is added to both on purpose."""
    frozen = json.loads(FROZEN.read_text(encoding="utf-8"))
    assert [[key, e.vi, e.en, e.status] for key, e in CATALOGUE.items()] == frozen


def test_every_area_is_merged_and_no_key_is_held_by_two() -> None:
    """A key written in two areas would lose one text silently in the merge; an area dict left out
    of the merge would lose all of its codes."""
    held: list[str] = []
    for area in pkgutil.iter_modules(error_codes.__path__):
        module = importlib.import_module(f"{error_codes.__name__}.{area.name}")
        tables = [table for name, table in vars(module).items() if name.isupper() and isinstance(table, dict)]
        assert tables, area.name
        held += [key for table in tables for key in table]
    assert sorted(held) == sorted(CATALOGUE)

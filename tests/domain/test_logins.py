"""The login limits' rules on the attempts' times alone (``domain/logins.py``): the same rules
whether the times live in one process's memory or in PostgreSQL for several."""

from __future__ import annotations

import pytest

from server.domain.errors import DomainError
from server.domain.logins import LoginRules

RULES = LoginRules(per_user=2, per_address=3, window=900.0, max_delay=60.0, spare=4)


def refused(counted: list[tuple[list[float], int]], now: float) -> int:
    with pytest.raises(DomainError) as err:
        RULES.admit(counted, now)
    assert err.value.code == "too_many_attempts" and err.value.params["seconds"] == int(err.value.field or "")
    return int(err.value.params["seconds"])


def test_an_attempt_is_counted_under_the_users_key_and_the_addresss() -> None:
    assert RULES.keys("10.0.0.1", "lan", True) == [("10.0.0.1|lan", 2), ("10.0.0.1", 3)]
    assert RULES.keys("10.0.0.1", "made-up", False) == [("10.0.0.1|?", 2), ("10.0.0.1", 3)]
    assert RULES.admit([([], 2), ([5.0], 3)], 10.0) == [[10.0], [5.0, 10.0]]


def test_past_a_keys_limit_the_wait_doubles_after_its_last_attempt_up_to_the_most() -> None:
    assert refused([([100.0, 100.0], 2), ([], 3)], 100.0) == 3  # 2 s after the last, rounded up
    assert RULES.admit([([100.0, 100.0], 2), ([], 3)], 102.0) == [[100.0, 100.0, 102.0], [102.0]]
    assert refused([([100.0] * 3, 2), ([], 3)], 101.0) == 4  # 4 s after the last
    assert refused([([0.0] * 5 + [100.0], 2), ([], 3)], 100.0) == 33  # 2**5 = 32
    assert refused([([0.0] * 7 + [100.0], 2), ([], 3)], 100.0) == 61  # 2**7 = 128: 60 at most
    assert refused([([], 2), ([1.0, 2.0, 3.0], 3)], 3.5) == 2  # the address's limit alone


def test_attempts_leave_the_window_and_the_times_kept_are_bounded() -> None:
    assert RULES.recent([1.0, 100.0, 950.0], 1000.0) == [950.0]
    assert RULES.admit([([1.0, 2.0], 2), ([], 3)], 902.0) == [[902.0], [902.0]]  # both forgotten
    long = [float(t) for t in range(10)]
    assert RULES.admit([(long, 20), ([], 3)], 10.0) == [[*long, 10.0], [10.0]]
    assert RULES.admit([(long, 2), ([], 3)], 200.0)[0] == [5.0, 6.0, 7.0, 8.0, 9.0, 200.0]  # limit + spare


def test_a_success_takes_the_newest_attempt_back() -> None:
    assert LoginRules.taken_back([1.0, 2.0, 3.0]) == [1.0, 2.0]
    assert LoginRules.taken_back([]) == []

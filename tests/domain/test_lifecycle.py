import itertools

import pytest

from server.domain.errors import TransitionError
from server.domain.lifecycle import ACTIVE, FINAL, TRANSITIONS, Action, Status, transition

EXPECTED = {
    ("waiting", "call"): "called",
    ("called", "recall"): "called",
    ("called", "start"): "serving",
    ("called", "finish"): "done",
    ("serving", "finish"): "done",
    ("called", "miss"): "missed",
    ("missed", "reactivate"): "waiting",
    ("waiting", "transfer"): "waiting",
    ("called", "transfer"): "waiting",
    ("serving", "transfer"): "waiting",
    ("called", "park"): "parked",
    ("serving", "park"): "parked",
    ("parked", "unpark"): "called",
    ("waiting", "cancel"): "cancelled",
    ("called", "cancel"): "cancelled",
    ("parked", "cancel"): "cancelled",
    ("missed", "cancel"): "cancelled",
    ("waiting", "expire"): "expired",
    ("called", "expire"): "expired",
    ("serving", "expire"): "expired",
    ("parked", "expire"): "expired",
    ("missed", "expire"): "expired",
    ("called", "continue"): "waiting",
    ("serving", "continue"): "waiting",
    ("waiting", "end"): "done",
}


@pytest.mark.parametrize(("status", "action"), sorted(EXPECTED))
def test_every_allowed_row(status: str, action: str) -> None:
    assert transition(Status(status), Action(action)) is Status(EXPECTED[(status, action)])


ILLEGAL = [(s, a) for s, a in itertools.product(Status, Action) if (s.value, a.value) not in EXPECTED]


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_every_other_pair_is_refused_with_a_stable_code(status: Status, action: Action) -> None:
    with pytest.raises(TransitionError) as err:
        transition(status, action)
    assert err.value.code == "illegal_transition"
    assert status.value in err.value.message_en
    assert err.value.message_vi


def test_table_has_exactly_the_expected_rows() -> None:
    assert {(s.value, a.value): t.value for (s, a), t in TRANSITIONS.items()} == EXPECTED


def test_final_states_have_no_way_out() -> None:
    for s in FINAL:
        assert not [a for (src, a) in TRANSITIONS if src is s]
    assert ACTIVE.isdisjoint(FINAL)
    assert set(Status) == ACTIVE | FINAL

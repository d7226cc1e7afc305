"""Commands are bounded at decoding (issue 17, item 5): every string by its length, every
choice by its values, every list by its size; nothing longer reaches ``decide``."""

from __future__ import annotations

import msgspec
import pytest

from server.domain import commands as cmd

decode = msgspec.json.Decoder(cmd.AnyCommand).decode


@pytest.mark.parametrize(
    ("command", "field"),
    [
        ({"type": "issue_ticket", "service": "A", "channel": "tv"}, "channel"),
        ({"type": "issue_ticket", "service": "A", "channel": "k" * 200_000}, "channel"),
        ({"type": "issue_ticket", "service": "A" * 17}, "service"),
        ({"type": "issue_ticket", "service": "A", "face": [0.0] * 129}, "face"),
        ({"type": "cancel_ticket", "label": "A" * 17}, "label"),
        ({"type": "pause_counter", "counter": 1, "reason": "x" * 201}, "reason"),
        (
            {"type": "create_staff", "username": "u", "full_name": "N" * 101, "role": "counter", "password_hash": "h"},
            "full_name",
        ),
        ({"type": "register_device", "device": "d" * 65, "kind": "tv", "name": "TV", "token_hash": "h"}, "device"),
    ],
)
def test_a_field_past_its_bound_is_refused(command: dict[str, object], field: str) -> None:
    with pytest.raises(msgspec.ValidationError, match=f"at `\\$.{field}`"):
        decode(msgspec.json.encode(command))


def test_fields_within_their_bounds_are_taken() -> None:
    issue = decode(b'{"type": "issue_ticket", "service": "AAAAAAAAAAAAAAAA", "channel": "online"}')
    assert issue == cmd.IssueTicket(service="A" * 16, channel="online")
    pause = decode(msgspec.json.encode({"type": "pause_counter", "counter": 1, "reason": "x" * 200}))
    assert pause == cmd.PauseCounter(counter=1, reason="x" * 200)

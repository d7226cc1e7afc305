"""A phone following a visit of several steps (issue 20), against a real server process: the
steps come with its status (where to go, people ahead and the wait in each queue it waits in),
a step added, completed or cancelled is pushed at once like a call, and a step's reason (the
doctor's words) never reaches the phone nor the public ticket query (whose answer has the
shape /api/openapi.json describes)."""

from __future__ import annotations

import json
import time
from typing import Any

from .server_harness import Client, ServerProc
from .test_openapi import check, served_document, strict
from .test_phones import phone
from .test_ws import staff

REASON = "Xem kết quả xét nghiệm máu"


async def _next(me: Client, cause: str) -> tuple[dict[str, Any], float]:
    """The next status with ``cause`` (places may move meanwhile), and how long it took."""
    start = time.monotonic()
    while (msg := await me.recv(timeout=3))["cause"] != cause:
        pass
    return msg["ticket"], time.monotonic() - start


async def test_a_phone_follows_the_steps_of_a_visit_at_once_and_never_sees_the_reason(server: ServerProc) -> None:
    room, lab = await staff(server, 4), await staff(server, 9)
    for c in (4, 9):
        assert (await room.command({"type": "open_counter", "counter": c}))["type"] == "ack"
    assert (await lab.command({"type": "issue_ticket", "service": "X"}))["type"] == "ack"  # X001 at the lab first
    assert (await room.command({"type": "issue_ticket", "service": "N"}))["type"] == "ack"
    me, first = await phone(server, "N001")
    assert "steps" not in first["ticket"], "a visit of one queue, as before"
    assert (await room.command({"type": "call_next", "counter": 4}))["result"]["ticket"] == "N001"
    await _next(me, "ticket_called")

    sent = {"type": "send_on", "counter": 4, "steps": [{"service": "X"}, {"service": "H"}], "come_back": True}
    assert (await room.command({**sent, "reason": REASON}))["type"] == "ack"
    mine, took = await _next(me, "service_finished")  # the same commit as steps_added: its last event
    assert took < 1.0
    assert mine["status"] == "waiting" and mine["step"] == 1
    steps = {s["id"]: s for s in mine["steps"]}
    assert [(s["service"], s["status"], s["returning"]) for s in steps.values()] == [
        ("N", "done", False),
        ("X", "open", False),
        ("H", "open", False),
        ("N", "pending", True),
    ]
    assert steps[0]["served_by"] == 4 and steps[3]["counter"] == 4 and steps[3]["after"] == [1, 2]
    assert steps[1]["counters"] == [9] and steps[1]["ahead"] == 1 and steps[1]["open_counters"] == 1
    assert steps[2]["counters"] == [10] and steps[2]["ahead"] == 0 and steps[2]["wait_minutes"] is None  # closed
    assert mine["ahead"] == 1, "the ticket's own place: its current step's (the lab)"
    assert "ahead" not in steps[3], "a return waiting for its tests is no queue yet"

    assert (await lab.command({"type": "call_next", "counter": 9}))["result"]["ticket"] == "X001"
    assert (await lab.command({"type": "finish_and_call_next", "counter": 9}))["result"]["ticket"] == "N001"
    mine, took = await _next(me, "ticket_called")
    assert took < 1.0 and mine["counter"] == 9 and [s["status"] for s in mine["steps"]][1:3] == ["active", "open"]
    assert all("ahead" not in s for s in mine["steps"]), "held at the lab: no place in a queue"

    assert (await room.command({"type": "cancel_step", "label": "N001", "step": 2, "reason": "Máy chụp hỏng"}))[
        "type"
    ] == "ack"
    mine, took = await _next(me, "step_cancelled")
    assert took < 1.0 and mine["steps"][2]["status"] == "cancelled"

    status = server.get("/api/tickets/N001")
    for seen in (status, mine):
        text = json.dumps(seen, ensure_ascii=False)
        assert REASON not in text and "Máy chụp hỏng" not in text and "reason" not in text and "order" not in text
    assert status["steps"] == mine["steps"]
    check(strict(served_document(server)[1]), "get", "/api/tickets/{label}", 200, status)  # as described
    await me.close()

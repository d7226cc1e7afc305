"""The HIS's orders drive a visit's steps (issue 20) through the inbound API against a real
server: an order made while the doctor sees the patient sends them to the lab and brings them
back; its result opens the return; a withdrawn order cancels its step; the same message twice
is one change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .server_harness import Client, ServerProc
from .test_his_inbound import SITE, call, issue, write_links


@pytest.fixture
def his_server(tmp_path: Path) -> Iterator[ServerProc]:
    proc = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL", QUEUE_HIS=str(write_links(tmp_path / "etc"))).start()
    yield proc
    proc.kill()


async def test_an_order_sends_the_patient_to_the_lab_and_its_result_brings_them_back(his_server: ServerProc) -> None:
    label, key = await issue(his_server, "N")  # Khám Nội: room 4 in the demo
    staff = await Client.connect(his_server.ws_url)
    await staff.hello("admin", his_server.login())
    for counter in (4, 9, 10):
        assert (await staff.command({"type": "open_counter", "counter": counter}))["type"] == "ack"
    called = await staff.command({"type": "call_next", "counter": 4})
    assert called["type"] == "ack", called

    body = {"message_id": "o1", "order": "SR-1", "service": "X", "come_back": True, "reason": "Công thức máu"}
    status, _, answer = call(his_server, "POST", f"{SITE}/tickets/{key}/orders", body)
    assert status == 200, answer
    steps = {s["id"]: (s["service"], s["status"], s["order"], s["returning"]) for s in answer["steps"]}
    assert steps == {
        0: ("N", "done", "", False),  # the doctor's step ended: the patient went to the lab
        1: ("X", "open", "SR-1", False),
        2: ("N", "pending", "", True),  # back to room 4 once the result is in
    }
    assert answer["status"] == "waiting" and answer["service"] == "X"
    again = call(his_server, "POST", f"{SITE}/tickets/{key}/orders", body)
    assert again[0] == 200 and again[2]["steps"] == answer["steps"]  # the same message: one change

    # a second order while in the lab's queue: imaging too; the same return now waits for both
    status, _, answer = call(
        his_server,
        "POST",
        f"{SITE}/tickets/{key}/orders",
        {"message_id": "o2", "order": "SR-2", "service": "H", "come_back": True},
    )
    assert status == 200 and [s["status"] for s in answer["steps"]] == ["done", "open", "pending", "open"], answer

    # the lab takes the sample; its result comes; the return still waits for imaging, then imaging is withdrawn
    lab = await staff.command({"type": "call_next", "counter": 9})
    assert lab["type"] == "ack" and lab["result"]["ticket"] == label, lab
    refused = await staff.command({"type": "call_next", "counter": 10})  # held while at the lab
    assert refused["type"] == "error" and refused["code"] == "queue_empty", refused
    assert (await staff.command({"type": "finish_service", "counter": 9}))["type"] == "ack"
    status, _, answer = call(his_server, "POST", f"{SITE}/tickets/{key}/orders/SR-1/result", {"message_id": "r1"})
    assert status == 200 and [s["status"] for s in answer["steps"]] == ["done", "done", "pending", "open"], answer
    status, _, answer = call(
        his_server,
        "POST",
        f"{SITE}/tickets/{key}/orders/SR-2/result",
        {"message_id": "r2", "outcome": "cancelled", "reason": "Bác sĩ hủy"},
    )
    assert status == 200 and [s["status"] for s in answer["steps"]] == ["done", "done", "open", "cancelled"]
    back = await staff.command({"type": "call_next", "counter": 4})
    assert back["type"] == "ack" and back["result"]["ticket"] == label, back

    status, _, err = call(his_server, "POST", f"{SITE}/tickets/{key}/orders/NOPE/result", {"message_id": "r3"})
    assert status == 404 and err["error"]["code"] == "step_order_unknown", err
    status, _, err = call(his_server, "POST", f"{SITE}/tickets/{key}/orders", {"message_id": "o3", "order": "SR-3"})
    assert status == 400 and err["error"]["code"] == "his_send_target", err

"""The bridge as a page uses it: ``python -m hw_bridge`` in its own process, the virtual card in
the PC/SC reader, a websocket client with an allowed origin and the pairing token. A page from
another origin and a client without the token are refused."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from hw_bridge.cccd import testcard, testpassport
from hw_bridge.cccd.emulator import EmulatedCard
from hw_bridge.cccd.vpcd import READER, VirtualCard

from .. import bridge_harness
from ..server_harness import ServerProc

ORIGIN = "http://kiosk.test:8000"
TOKEN = "pairing-token-for-tests"


@contextlib.contextmanager
def running_bridge(tmp_path: Path, origins: str = ORIGIN) -> Iterator[str]:
    with bridge_harness.running_bridge(tmp_path, TOKEN, origins) as url:
        yield url
    assert "001099" not in (tmp_path / "bridge.log").read_text()  # no card data in the log


@pytest.fixture
def bridge(pcscd: None, tmp_path: Path) -> Iterator[str]:
    with running_bridge(tmp_path) as url:
        yield url


@contextlib.contextmanager
def paired(url: str) -> Iterator[tuple[ClientConnection, dict[str, Any]]]:
    with connect(url, origin=ORIGIN) as ws:  # type: ignore[arg-type]
        ws.send(json.dumps({"type": "hello", "token": TOKEN, "client": "kiosk-test"}))
        yield ws, json.loads(ws.recv(timeout=5))


def next_of(ws: ClientConnection, kind: str, timeout: float = 15) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        msg = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        if msg["type"] == kind or msg.get("event") == kind:
            return dict(msg)


def insert_until_seen(ws: ClientConnection, card: VirtualCard) -> dict[str, Any]:
    """Insert the card until the bridge reports it (vpcd may miss a card that comes right after
    one that vanished mid-read; see hw_bridge/cccd/vpcd.py)."""
    for _attempt in range(3):
        card.insert()
        try:
            return next_of(ws, "card_inserted", timeout=5)
        except TimeoutError:
            card.remove()
    raise AssertionError("the bridge never saw the card")


def test_other_origins_and_unpaired_clients_are_refused(bridge: str) -> None:
    with pytest.raises(InvalidStatus) as err:
        connect(bridge, origin="http://evil.example")  # type: ignore[arg-type]
    assert err.value.response.status_code == 403
    with connect(bridge, origin=ORIGIN) as ws:  # type: ignore[arg-type]
        ws.send(json.dumps({"type": "hello", "token": "guess"}))
        assert json.loads(ws.recv(timeout=5))["code"] == "unauthenticated"
        with pytest.raises(Exception):  # noqa: B017  (closed by the bridge: 4001)
            ws.recv(timeout=5)
        assert ws.close_code == 4001
    with connect(bridge, origin=ORIGIN) as ws:  # type: ignore[arg-type]
        ws.send(json.dumps({"type": "request", "id": "r1", "method": "status"}))
        assert json.loads(ws.recv(timeout=5))["code"] == "hello_first"
    deep = "[" * 5000 + "]" * 5000  # nested past the decoder's depth: an error code, not silence
    with connect(bridge, origin=ORIGIN) as ws:  # type: ignore[arg-type]
        ws.send('{"type": "hello", "x": ' + deep + "}")
        assert json.loads(ws.recv(timeout=5))["code"] == "hello_first"
    with paired(bridge) as (ws, _):
        ws.send('{"type": "request", "id": "r2", "method": "status", "params": ' + deep + "}")
        assert json.loads(ws.recv(timeout=5))["code"] == "bad_message"
        ws.send(json.dumps({"type": "request", "id": "r3", "method": "status"}))
        assert next_of(ws, "reply")["id"] == "r3"  # the bridge goes on


def test_card_events_and_reads(bridge: str) -> None:
    contents = testcard.make_card(testcard.Person(id_number="001099012345"))
    with paired(bridge) as (ws, welcome):
        assert welcome["type"] == "welcome" and "card.read" in welcome["methods"]
        assert [r["name"] for r in welcome["devices"]["card"]["readers"]] == [READER]

        ws.send(
            json.dumps({"type": "request", "id": "r0", "method": "card.read", "params": {"can": "012345", "wait": 0.5}})
        )
        assert next_of(ws, "error")["code"] == "no_card"

        card = VirtualCard(EmulatedCard.of(contents))
        try:
            inserted = insert_until_seen(ws, card)
            assert inserted["device"] == f"card:{READER}" and inserted["data"]["atr"]
            ws.send(json.dumps({"type": "request", "id": "r1", "method": "card.read", "params": {"can": "999999"}}))
            failed = next_of(ws, "error")
            assert failed["id"] == "r1" and failed["code"] == "wrong_can" and failed["message_vi"]
            ws.send(
                json.dumps(
                    {
                        "type": "request",
                        "id": "r2",
                        "method": "card.read",
                        "params": {"id_number": "001099012345", "portrait": True},
                    }
                )
            )
            reply = next_of(ws, "reply")
            result = reply["result"]
            assert reply["id"] == "r2" and result["id_number"] == "001099012345" and result["name"] == "Nguyễn Văn An"
            assert result["authenticity"] == "signature_valid_chain_not_verified"  # no trust store configured
            assert result["chip_authentication"] and result["active_authentication"]
            assert result["portrait"] and result["portrait_format"] == "jpeg2000" and result["elapsed_ms"] > 0
        finally:
            card.remove()
        assert next_of(ws, "card_removed")["data"]["reader"] == READER
        ws.send(json.dumps({"type": "request", "id": "r3", "method": "card.read", "params": {"can": "12345"}}))
        assert next_of(ws, "error")["code"] == "bad_params"


def test_the_speaker_plays_calls_one_after_another(pcscd: None, tmp_path: Path) -> None:
    site = ServerProc(tmp_path / "data", QUEUE_SYNC="NORMAL").start(timeout=60)
    try:
        with running_bridge(tmp_path / "bridge", f"{ORIGIN},{site.http}") as url, paired(url) as (ws, welcome):
            assert "speaker.play" in welcome["methods"]
            for i, label in enumerate(("A001", "B002")):
                call = {"url": f"{site.http}/audio/call/{label}/{i + 1}", "label": label}
                ws.send(json.dumps({"type": "request", "id": f"s{i}", "method": "speaker.play", "params": call}))
            first, second = next_of(ws, "reply", timeout=60), next_of(ws, "reply", timeout=60)
            assert [first["id"], second["id"]] == ["s0", "s1"]
            a, b = first["result"], second["result"]
            assert a["seconds"] > 2 and b["started_at"] >= a["ended_at"]  # never two at once
            assert a["ended_at"] - a["started_at"] >= a["seconds"] * 0.9  # played in real time
            ws.send(
                json.dumps(
                    {
                        "type": "request",
                        "id": "s2",
                        "method": "speaker.play",
                        "params": {"url": "http://example.org/x.wav"},
                    }
                )
            )
            assert next_of(ws, "error")["code"] == "forbidden_url"
    finally:
        site.kill()


def test_a_passport_with_its_typed_mrz_data(pcscd: None, tmp_path: Path) -> None:
    """The kiosk sends what the patient typed (document number, birth and expiry dates); the
    bridge answers with a `passport` identity, or says which part is wrong."""
    contents = testpassport.make_passport()

    def read(rid: str, **params: object) -> dict[str, Any]:
        ws.send(json.dumps({"type": "request", "id": rid, "method": "card.read", "params": params}))
        return next_of(ws, "reply" if rid.startswith("ok") else "error")

    with running_bridge(tmp_path) as url, paired(url) as (ws, _):
        card = VirtualCard(EmulatedCard.of(contents))
        try:
            insert_until_seen(ws, card)
            typed = {"document_number": "zp 481 5162", "birth_date": "1988-03-14", "expiry_date": "2031-06-30"}
            assert read("e1", **{**typed, "expiry_date": "2031-07-30"})["code"] == "wrong_mrz"
            assert read("e2", **{**typed, "document_number": "ZP-4815162"})["code"] == "invalid_passport_number"
            err = read("e3", **{**typed, "birth_date": "1988-02-30"})
            assert (err["code"], err["message_en"]) == (
                "invalid_passport_date",
                "The birth date is not valid (day/month/year).",
            )
            result = read("ok", **typed)["result"]
        finally:
            card.remove()
    assert {k: result[k] for k in ("source", "document_number", "name", "dob", "sex", "nationality", "expiry")} == {
        "source": "passport",
        "document_number": "ZP4815162",
        "name": "MARTIN CLAIRE ELISE",
        "dob": "1988-03-14",
        "sex": "female",
        "nationality": "UTO",
        "expiry": "2031-06-30",
    }
    assert result["portrait"] and result["portrait_format"] == "jpeg" and result["access"] == "pace"
    assert "ZP4815162" not in (tmp_path / "bridge.log").read_text()

"""The messages of the bridge's websocket (``docs/bridge-protocol.md`` is the contract).

Client to bridge: ``hello`` (the pairing token), ``request`` (a method with params, answered by
id). Bridge to client: ``welcome``, ``reply``, ``error``, ``event`` (device events)."""

from __future__ import annotations

from typing import Any

import msgspec

from server.domain.catalogue import code_of, messages

VERSION = 1


class Hello(msgspec.Struct, frozen=True, tag="hello", tag_field="type", forbid_unknown_fields=True):
    token: str
    client: str = ""


class Request(msgspec.Struct, frozen=True, tag="request", tag_field="type", forbid_unknown_fields=True):
    id: str
    method: str
    params: dict[str, Any] = {}


ClientMessage = Hello | Request


class Welcome(msgspec.Struct, frozen=True, tag="welcome", tag_field="type"):
    version: int
    methods: list[str]
    devices: dict[str, Any]


class Reply(msgspec.Struct, frozen=True, tag="reply", tag_field="type"):
    id: str
    result: Any


class Error(msgspec.Struct, frozen=True, tag="error", tag_field="type", omit_defaults=True):
    code: str
    message_vi: str
    message_en: str
    id: str | None = None


class Event(msgspec.Struct, frozen=True, tag="event", tag_field="type"):
    event: str  # card_inserted, card_read, card_removed, card_error
    device: str  # e.g. "card:Virtual PCD 00 00"
    at: float
    data: dict[str, Any]


decoder = msgspec.json.Decoder(ClientMessage)
encoder = msgspec.json.Encoder()


def error(key: str, request_id: str | None = None) -> Error:
    """An ``error`` message for a catalogue key (``bad_message``, ``hello_first``...)."""
    vi, en = messages(key, {})
    return Error(code_of(key), vi, en, request_id)

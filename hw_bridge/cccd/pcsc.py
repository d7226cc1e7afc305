"""The PC/SC transport (pyscard): readers, a connection to the card in one of them, and the
mapping of PC/SC failures to our error codes. A card that leaves during a read is
``card_removed``; no reader at all is ``reader_missing``."""

from __future__ import annotations

import contextlib
from typing import Any

from smartcard.Exceptions import CardConnectionException, NoCardException
from smartcard.System import readers as pcsc_readers

from ..errors import card_removed, reader_missing


def reader_names() -> list[str]:
    try:
        return [str(r) for r in pcsc_readers()]
    except Exception as exc:  # pcscd not running: pyscard raises its own error types
        raise reader_missing(type(exc).__name__) from None


class PcscTransport:
    """``transmit`` over a PC/SC connection (T=1 or T=0, extended APDUs as the reader allows)."""

    def __init__(self, reader: str | None = None) -> None:
        found = {str(r): r for r in _readers()}
        if not found:
            raise reader_missing()
        name = reader or next(iter(found))
        if name not in found:
            raise reader_missing(name)
        self.reader = name
        self.connection = found[name].createConnection()
        try:
            self.connection.connect()
        except (NoCardException, CardConnectionException) as exc:
            raise card_removed(f"connect: {type(exc).__name__}") from None

    def atr(self) -> bytes:
        return bytes(self.connection.getATR())

    def transmit(self, apdu: bytes) -> bytes:
        try:
            data, sw1, sw2 = self.connection.transmit(list(apdu))
        except (NoCardException, CardConnectionException) as exc:
            raise card_removed(type(exc).__name__) from None
        return bytes(data) + bytes([sw1, sw2])

    def close(self) -> None:
        with contextlib.suppress(Exception):  # already gone with the card
            self.connection.disconnect()


def _readers() -> list[Any]:
    try:
        return list(pcsc_readers())
    except Exception as exc:
        raise reader_missing(type(exc).__name__) from None

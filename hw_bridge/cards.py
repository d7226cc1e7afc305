"""The card reader as the bridge offers it: readers watched for cards coming and going, and a
read with a CAN that returns the identity or one error code. PC/SC calls block, so they run in
threads; events reach the asyncio loop with ``call_soon_threadsafe``. No APDU, and no personal
data beyond the result sent to the paired page, is ever logged."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography import x509

from .cccd.pcsc import PcscTransport, reader_names
from .cccd.reader import read_card
from .errors import CardError, reader_missing

log = logging.getLogger("hw_bridge.cards")
Emit = Callable[[str, str, dict[str, Any]], None]  # (event, device, data)


def load_trust_store(directory: Path | None) -> list[x509.Certificate]:
    """CSCA certificates (PEM or DER files) from a directory; none: chains are not verified."""
    certs: list[x509.Certificate] = []
    if directory is None or not directory.is_dir():
        return certs
    for path in sorted(directory.iterdir()):
        data = path.read_bytes()
        try:
            certs.append(
                x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)
            )
        except ValueError:
            log.warning("not a certificate, ignored: %s", path.name)
    return certs


class CardReaders:
    def __init__(self, emit: Emit, trust_store: list[x509.Certificate], reader_filter: str = "") -> None:
        self.emit = emit
        self.trust_store = trust_store
        self.reader_filter = reader_filter
        self.present: dict[str, bytes] = {}  # reader -> ATR of the card on it
        self.lock = asyncio.Lock()  # one read at a time
        self.loop: asyncio.AbstractEventLoop | None = None
        self._monitor: Any = None
        self._observer: Any = None
        self._changed = asyncio.Event()

    def readers(self) -> list[str]:
        try:
            return [r for r in reader_names() if self.reader_filter in r]
        except CardError:
            return []

    def start(self) -> None:
        """Watch the readers (pyscard's monitor thread, SCardGetStatusChange: it never powers
        the card, so it does not disturb a read)."""
        from smartcard.CardMonitoring import CardMonitor, CardObserver

        self.loop = asyncio.get_running_loop()
        owner = self

        class Observer(CardObserver):  # type: ignore[misc]
            def update(self, observable: Any, handlers: Any) -> None:
                added, removed = handlers
                assert owner.loop is not None
                for card in added:
                    owner.loop.call_soon_threadsafe(owner._inserted, str(card.reader), bytes(card.atr))
                for card in removed:
                    owner.loop.call_soon_threadsafe(owner._removed, str(card.reader))

        self._observer = Observer()
        self._monitor = CardMonitor()
        self._monitor.addObserver(self._observer)

    def stop(self) -> None:
        if self._monitor is not None:
            self._monitor.deleteObserver(self._observer)

    def _inserted(self, reader: str, atr: bytes) -> None:
        if self.reader_filter not in reader:
            return
        self.present[reader] = atr
        self._changed.set()
        self.emit("card_inserted", f"card:{reader}", {"reader": reader, "atr": atr.hex().upper()})

    def _removed(self, reader: str) -> None:
        if self.present.pop(reader, None) is not None:
            self.emit("card_removed", f"card:{reader}", {"reader": reader})

    def status(self) -> dict[str, Any]:
        readers = self.readers()
        return {"readers": [{"name": r, "card": r in self.present} for r in readers], "ok": bool(readers)}

    async def _wait_for_card(self, reader: str | None, wait: float) -> str:
        deadline = time.monotonic() + wait
        while True:
            cards = [r for r in self.present if reader is None or r == reader]
            if cards:
                return cards[0]
            left = deadline - time.monotonic()
            if left <= 0:
                if not self.readers():
                    raise reader_missing()
                raise CardError("no_card")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    async def read(
        self, can: str | None, mrz: bytes | None, portrait: bool, reader: str | None, wait: float
    ) -> dict[str, Any]:
        """Read the card (waiting up to ``wait`` seconds for one); emits ``card_read`` or
        ``card_error`` and returns the identity, or raises the ``CardError``."""
        async with self.lock:
            name = await self._wait_for_card(reader, wait)
            device = f"card:{name}"
            try:
                result = await asyncio.to_thread(self._read_blocking, name, can, mrz, portrait)
            except CardError as exc:
                log.info("card read failed: %s", exc.code)  # the code only, never card data
                self.emit(
                    "card_error",
                    device,
                    {"reader": name, "code": exc.code, "message_vi": exc.message_vi, "message_en": exc.message_en},
                )
                raise
            self.emit("card_read", device, {"reader": name, **result})
            return result

    def _read_blocking(self, reader: str, can: str | None, mrz: bytes | None, portrait: bool) -> dict[str, Any]:
        transport = PcscTransport(reader)
        try:
            read = read_card(
                transport, can=can, mrz_information=mrz, with_portrait=portrait, trust_store=self.trust_store
            )
        finally:
            transport.close()
        result = read.public()
        if read.portrait is not None:
            result["portrait_format"] = read.portrait.format
            result["portrait_base64"] = base64.b64encode(read.portrait.data).decode()
        return result

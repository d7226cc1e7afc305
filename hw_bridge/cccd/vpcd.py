"""Puts the card emulator into a real PC/SC reader: vsmartcard's ``vpcd`` driver (Debian
package vsmartcard-vpcd, loaded by pcscd) listens on TCP 35963 for a virtual card; the card
side connects and answers its messages (2-byte big-endian length, then the payload: one byte
00 power off, 01 power on, 02 reset, 04 get ATR; anything longer is an APDU). Connected means
inserted; closing the connection removes the card."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import CardError
from .emulator import ATR, EmulatedCard

if TYPE_CHECKING:
    from .pcsc import PcscTransport

VPCD_PORT = 35963


class VirtualCard:
    def __init__(
        self, card: EmulatedCard, port: int = VPCD_PORT, host: str = "127.0.0.1", remove_after: int | None = None
    ) -> None:
        self.card = card
        self.address = (host, port)
        self.remove_after = remove_after  # take the card away after this many APDUs
        self.apdus = 0
        self.sock: socket.socket | None = None
        self.thread: threading.Thread | None = None

    def insert(self) -> VirtualCard:
        self.sock = socket.create_connection(self.address, timeout=5)
        self.sock.settimeout(None)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.thread = threading.Thread(target=self._serve, name="vpcd-card", daemon=True)
        self.thread.start()
        return self

    def remove(self) -> None:
        sock, self.sock = self.sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(timeout=5)

    def _recv(self, sock: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            if hasattr(socket, "TCP_QUICKACK"):
                # vpcd writes the length and the message separately; a delayed ACK from us would
                # hold its second write for 40 ms (Nagle), on every APDU
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            part = sock.recv(n - len(data))
            if not part:
                raise ConnectionError("vpcd closed the connection")
            data += part
        return data

    def _serve(self) -> None:
        sock = self.sock
        assert sock is not None
        try:
            while True:
                size = int.from_bytes(self._recv(sock, 2), "big")
                msg = self._recv(sock, size)
                if size == 1:
                    if msg[0] in (0x00, 0x01, 0x02):  # power off, on, reset: no answer
                        self.card.reset()
                        continue
                    if msg[0] == 0x04:
                        answer = ATR
                    else:
                        continue
                else:
                    self.apdus += 1
                    if self.remove_after is not None and self.apdus > self.remove_after:
                        break  # the card leaves the field in the middle of the read
                    answer = self.card.process(msg)
                sock.sendall(len(answer).to_bytes(2, "big") + answer)
        except OSError:
            pass
        finally:
            if self.sock is sock:
                self.sock = None
                with contextlib.suppress(OSError):
                    sock.close()


READER = "Virtual PCD 00 00"
VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"


def start_pcscd(timeout: float = 10.0) -> subprocess.Popen[bytes] | None:
    """Make sure pcscd runs with the vpcd reader: None if it already did, else the process we
    started (the caller stops it). Raises FileNotFoundError if pcscd or vpcd is not installed."""
    from .pcsc import reader_names

    def present() -> bool:
        try:
            return READER in reader_names()
        except CardError:
            return False

    if present():
        return None
    binary = shutil.which("pcscd") or ("/usr/sbin/pcscd" if os.path.exists("/usr/sbin/pcscd") else None)
    if binary is None or not os.path.exists(VPCD_DRIVER):
        raise FileNotFoundError("pcscd and vsmartcard-vpcd are needed (apt-get install pcscd vsmartcard-vpcd)")
    proc = subprocess.Popen(
        [binary, "--foreground", "--auto-exit"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + timeout
    while not present():
        if time.monotonic() > deadline:
            proc.terminate()
            raise TimeoutError("pcscd did not show the virtual reader")
        time.sleep(0.1)
    return proc


@contextlib.contextmanager
def inserted(card: VirtualCard, reader: str = READER) -> Iterator[PcscTransport]:
    """Insert the virtual card, connect to it through pcscd, and take it out at the end.

    vpcd sometimes misses a card that connects right after one that vanished mid-read (it
    notices the old connection is dead only later); as a patient would, we take the card out
    and put it in again, up to three times."""
    from .pcsc import PcscTransport

    transport = None
    try:
        for _attempt in range(3):
            card.insert()
            deadline = time.monotonic() + 3
            while transport is None and time.monotonic() < deadline:
                try:
                    transport = PcscTransport(reader)
                except CardError:
                    time.sleep(0.05)
            if transport is not None:
                break
            card.remove()
        if transport is None:
            raise TimeoutError("pcscd did not see the card")
        yield transport
    finally:
        if transport is not None:
            transport.close()
        card.remove()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # until pcscd has seen it go
            try:
                PcscTransport(reader).close()
            except CardError as exc:
                if "NoCard" in exc.detail:
                    break
            time.sleep(0.05)

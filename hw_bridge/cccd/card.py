"""A card session: plain or protected APDUs over a transport, file selection and reading.

A transport is anything with ``transmit(apdu: bytes) -> bytes`` (the response with its status
word): the PC/SC reader, or the emulator directly in unit tests."""

from __future__ import annotations

from typing import Protocol

from ..errors import CardError, card_error, secure_messaging_failed
from . import tlv
from .sm import Command, SecureMessaging

SW_OK = 0x9000
MAX_SM_READ = 0xDF  # at most this many bytes per protected READ BINARY (some chips fail above)


class Transport(Protocol):
    def transmit(self, apdu: bytes) -> bytes: ...


class CardSession:
    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.sm: SecureMessaging | None = None
        self.apdus = 0  # how many APDUs this session sent (for the benchmark)

    def send(self, cmd: Command) -> tuple[bytes, int]:
        """Send a command (protected when a session key is set) and return data and status."""
        self.apdus += 1
        if self.sm is None:
            response = self.transport.transmit(cmd.encode())
            if len(response) < 2:
                raise card_error(0, "short response")
            return response[:-2], int.from_bytes(response[-2:], "big")
        try:
            return self.sm.unwrap(self.transport.transmit(self.sm.wrap(cmd)))
        except CardError as exc:
            if exc.code == "secure_messaging_failed":
                self.sm = None  # the card has dropped the session: nothing more is protected
            raise

    def check(self, cmd: Command, what: str) -> bytes:
        data, sw = self.send(cmd)
        if sw != SW_OK:
            raise card_error(sw, what)
        return data

    def select_application(self, aid: bytes) -> None:
        self.check(Command(0x00, 0xA4, 0x04, 0x0C, aid), "select application")

    def select_file(self, fid: int) -> int:
        data, sw = self.send(Command(0x00, 0xA4, 0x02, 0x0C, fid.to_bytes(2, "big")))
        return sw

    def read_binary(self, offset: int, length: int, sfi: int | None = None) -> tuple[bytes, int]:
        if sfi is not None:
            return self.send(Command(0x00, 0xB0, 0x80 | sfi, offset, b"", length))
        return self.send(Command(0x00, 0xB0, (offset >> 8) & 0x7F, offset & 0xFF, b"", length))

    def read_file(self, fid: int | None = None, sfi: int | None = None) -> bytes | None:
        """The whole file (a TLV object), by short file identifier (first read) or after SELECT;
        None if the card has no such file."""
        if sfi is None:
            assert fid is not None
            if self.select_file(fid) != SW_OK:
                return None
        head, sw = self.read_binary(0, 4, sfi)
        if sw in (0x6A82, 0x6A80, 0x6986) and not head:
            return None
        if sw not in (SW_OK, 0x6282) or len(head) < 2:
            raise card_error(sw, "read binary")
        try:
            total = tlv.total_length(head)
        except (ValueError, IndexError):
            raise secure_messaging_failed("file does not start with a TLV object") from None
        data = bytearray(head)
        chunk = MAX_SM_READ if self.sm is not None else 0xFF
        while len(data) < total:
            part, sw = self.read_binary(len(data), min(chunk, total - len(data)))
            if sw not in (SW_OK, 0x6282) or not part:
                raise card_error(sw, "read binary")
            data += part
        return bytes(data[:total])

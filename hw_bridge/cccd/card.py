"""A card session: plain or protected APDUs over a transport, file selection and reading.

A transport is anything with ``transmit(apdu: bytes) -> bytes`` (the response with its status
word): the PC/SC reader, or the emulator directly in unit tests."""

from __future__ import annotations

from typing import Protocol

from ..errors import CardError, card_error, status_error, unsupported_card
from . import tlv
from .sm import Command, SecureMessaging

SW_OK = 0x9000
MAX_SM_READ = 0xDF  # at most this many bytes per protected READ BINARY (some chips fail above)
HEAD = 8  # the first read of a file: a tag (up to 3 bytes) and a length (up to 0x84 and 4 bytes)
NO_SUCH_SFI = (0x6A82, 0x6A81, 0x6A86, 0x6986, 0x6B00)  # how chips without SFIs answer a read by SFI


class Transport(Protocol):
    def transmit(self, apdu: bytes) -> bytes: ...


class CardSession:
    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.sm: SecureMessaging | None = None
        self.apdus = 0  # how many APDUs this session sent (for the benchmark)
        self.sfi_works = True  # False once a file was found by SELECT after its SFI failed

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
        """READ BINARY of the selected file (or of ``sfi``, from offset 0-255); offsets past
        32767 use the odd instruction B1 with the offset in DO'54' and the data in DO'53'."""
        if sfi is not None:
            return self.send(Command(0x00, 0xB0, 0x80 | sfi, offset, b"", length))
        if offset <= 0x7FFF:
            return self.send(Command(0x00, 0xB0, offset >> 8, offset & 0xFF, b"", length))
        where = tlv.tlv(0x54, offset.to_bytes((offset.bit_length() + 7) // 8, "big"))
        le = min(length + 3, MAX_SM_READ if self.sm is not None else 0xFF)  # room for DO'53' around the data
        data, sw = self.send(Command(0x00, 0xB1, 0x00, 0x00, where, le))
        if not data:
            return data, sw
        try:
            return tlv.find(data, 0x53) or b"", sw
        except (ValueError, IndexError):
            raise unsupported_card("READ BINARY B1 without DO'53'") from None

    def read_file(self, name: str, fid: int, sfi: int | None = None) -> bytes | None:
        """The whole file (a TLV object) ``name``: by short file identifier, or, on a chip that
        has none (the read by SFI answers 6A82, 6A86...), by SELECT then READ BINARY; None when
        the chip has no such file. Any other status word raises its own ``CardError``."""
        head, sw = b"", 0x6A82
        if sfi is not None and self.sfi_works:
            head, sw = self.read_binary(0, HEAD, sfi)
        if sfi is None or not self.sfi_works or (sw in NO_SUCH_SFI and not head):
            selected = self.select_file(fid)
            if selected == 0x6A82:
                return None
            if selected != SW_OK:
                raise status_error(selected, name)
            head, sw = self.read_binary(0, HEAD)
            if sfi is not None and sw in (SW_OK, 0x6282):
                self.sfi_works = False  # the file is there, its SFI is not: select from now on
        if sw not in (SW_OK, 0x6282) or len(head) < 2:
            raise status_error(sw, name)
        try:
            total = tlv.total_length(head)
        except (ValueError, IndexError):
            raise unsupported_card(f"{name} does not start with a TLV object") from None
        data = bytearray(head)
        chunk = MAX_SM_READ if self.sm is not None else 0xFF
        while len(data) < total:
            part, sw = self.read_binary(len(data), min(chunk, total - len(data)))
            if sw not in (SW_OK, 0x6282) or not part:
                raise status_error(sw, name)
            data += part
        return bytes(data[:total])

"""Secure messaging (ICAO Doc 9303-11 §9.8): protected command and response APDUs with 3DES
(retail MAC) or AES (CMAC), and the send sequence counter. Both sides live here: the terminal
wraps commands and unwraps responses; the card (our emulator) opens commands and seals
responses with the same class."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import secure_messaging_failed
from . import crypto, tlv
from .crypto import Alg


@dataclass
class Command:
    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None  # None: no response data expected; 256 or 65536 for "all"

    def encode(self, extended: bool = False) -> bytes:
        """The plain APDU (ISO/IEC 7816-4 cases 1-4, short or extended)."""
        extended = extended or len(self.data) > 255 or (self.le is not None and self.le > 256)
        out = bytes([self.cla, self.ins, self.p1, self.p2])
        if extended:
            if self.data:
                out += b"\x00" + len(self.data).to_bytes(2, "big") + self.data
            if self.le is not None:
                out += (b"" if self.data else b"\x00") + (self.le & 0xFFFF).to_bytes(2, "big")
            return out
        if self.data:
            out += bytes([len(self.data)]) + self.data
        if self.le is not None:
            out += bytes([self.le & 0xFF])
        return out

    @classmethod
    def decode(cls, apdu: bytes) -> Command:
        if len(apdu) < 4:
            raise ValueError("APDU shorter than its header")
        head, body = apdu[:4], apdu[4:]
        cmd = cls(head[0], head[1], head[2], head[3])
        if not body:
            return cmd
        if len(body) == 1:
            cmd.le = body[0] or 256
        elif body[0] == 0 and len(body) >= 3:  # extended
            if len(body) == 3:
                cmd.le = int.from_bytes(body[1:3], "big") or 65536
            else:
                n = int.from_bytes(body[1:3], "big")
                cmd.data = body[3 : 3 + n]
                rest = body[3 + n :]
                if rest:
                    cmd.le = int.from_bytes(rest, "big") or 65536
        else:
            n = body[0]
            cmd.data = body[1 : 1 + n]
            if len(body) > 1 + n:
                cmd.le = body[1 + n] or 256
        return cmd


class SecureMessaging:
    def __init__(self, alg: Alg, ks_enc: bytes, ks_mac: bytes, ssc: bytes | int = 0) -> None:
        self.alg: Alg = alg
        self.ks_enc = ks_enc
        self.ks_mac = ks_mac
        self.block = 8 if alg == "3DES" else 16
        self.ssc = ssc if isinstance(ssc, int) else int.from_bytes(ssc, "big")

    def ssc_bytes(self) -> bytes:
        return self.ssc.to_bytes(self.block, "big")

    def _iv(self) -> bytes:
        if self.alg == "3DES":
            return bytes(8)
        return crypto.aes_ecb(self.ks_enc, self.ssc_bytes())

    def _mac(self, data: bytes) -> bytes:
        return crypto.mac(self.alg, self.ks_mac, self.ssc_bytes() + data)

    def _encrypt(self, data: bytes) -> bytes:
        return crypto.cbc_encrypt(self.alg, self.ks_enc, crypto.pad(data, self.block), self._iv())

    def _decrypt(self, data: bytes) -> bytes:
        return crypto.unpad(crypto.cbc_decrypt(self.alg, self.ks_enc, data, self._iv()))

    # ---- terminal side ---------------------------------------------------------------------

    def wrap(self, cmd: Command) -> bytes:
        """The protected form of a command (the SSC moves on by one)."""
        self.ssc += 1
        cla = cmd.cla | 0x0C
        header = bytes([cla, cmd.ins, cmd.p1, cmd.p2])
        dos = b""
        if cmd.data:
            if cmd.ins & 1:
                dos += tlv.tlv(0x85, self._encrypt(cmd.data))
            else:
                dos += tlv.tlv(0x87, b"\x01" + self._encrypt(cmd.data))
        extended = cmd.le is not None and cmd.le > 256
        if cmd.le is not None:
            le = cmd.le if cmd.le < (65536 if extended else 256) else 0
            dos += tlv.tlv(0x97, le.to_bytes(2 if extended else 1, "big"))
        mac = self._mac(crypto.pad(header, self.block) + dos)
        body = dos + tlv.tlv(0x8E, mac)
        return Command(cla, cmd.ins, cmd.p1, cmd.p2, body, 65536 if extended else 256).encode(
            extended or len(body) > 255
        )

    def unwrap(self, response: bytes) -> tuple[bytes, int]:
        """Data and status word of a protected response; a response whose MAC is wrong, or a
        plain status word that reports a secure messaging error (6987, 6988) or success, raises
        ``secure_messaging_failed`` (the session is then over). Any other plain status word
        (6A82 file not found, 6982...) is returned as it is: some chips do not protect error
        answers, and then do not count them in the send sequence counter either (vsmartcard's
        ePass does so), so neither do we, and the session goes on."""
        if len(response) < 2:
            raise secure_messaging_failed("short response")
        body, sw = response[:-2], int.from_bytes(response[-2:], "big")
        if not body:
            if sw in (0x9000, 0x6987, 0x6988):
                raise secure_messaging_failed(f"unprotected status {sw:04X}")
            return b"", sw
        self.ssc += 1
        try:
            objects = list(tlv.parse(body))
        except (ValueError, IndexError):
            raise secure_messaging_failed("bad response objects") from None
        mac_input = b""
        data_obj: tuple[int, bytes] | None = None
        status = sw
        got_mac = None
        for tag, value in objects:
            if tag in (0x85, 0x87):
                data_obj = (tag, value)
                mac_input += tlv.tlv(tag, value)
            elif tag == 0x99:
                status = int.from_bytes(value, "big")
                mac_input += tlv.tlv(tag, value)
            elif tag == 0x8E:
                got_mac = value
        if got_mac is None or got_mac != self._mac(mac_input):
            raise secure_messaging_failed("MAC of the response does not verify")
        data = b""
        if data_obj is not None:
            tag, value = data_obj
            enc = value[1:] if tag == 0x87 else value
            try:
                data = self._decrypt(enc)
            except ValueError:
                raise secure_messaging_failed("bad padding in the response") from None
        return data, status

    # ---- card side ---------------------------------------------------------------------------

    def open(self, apdu: bytes) -> Command:
        """The plain command inside a protected APDU (card side); raises on a bad MAC."""
        self.ssc += 1
        cmd = Command.decode(apdu)
        header = bytes([cmd.cla, cmd.ins, cmd.p1, cmd.p2])
        dos = b""
        plain = Command(cmd.cla & ~0x0C & 0xFF, cmd.ins, cmd.p1, cmd.p2)
        got_mac = None
        for tag, value in tlv.parse(cmd.data):
            if tag == 0x87:
                plain.data = self._decrypt(value[1:])
                dos += tlv.tlv(tag, value)
            elif tag == 0x85:
                plain.data = self._decrypt(value)
                dos += tlv.tlv(tag, value)
            elif tag == 0x97:
                plain.le = int.from_bytes(value, "big") or (65536 if len(value) == 2 else 256)
                dos += tlv.tlv(tag, value)
            elif tag == 0x8E:
                got_mac = value
        if got_mac is None or got_mac != self._mac(crypto.pad(header, self.block) + dos):
            raise secure_messaging_failed("MAC of the command does not verify")
        return plain

    def seal(self, data: bytes, sw: int, odd: bool = False) -> bytes:
        """A protected response (card side)."""
        self.ssc += 1
        dos = b""
        if data:
            dos += tlv.tlv(0x85, self._encrypt(data)) if odd else tlv.tlv(0x87, b"\x01" + self._encrypt(data))
        dos += tlv.tlv(0x99, sw.to_bytes(2, "big"))
        return dos + tlv.tlv(0x8E, self._mac(dos)) + sw.to_bytes(2, "big")

"""The card side of a CCCD, for tests and demo mode: it answers APDUs as the chip would, with
PACE (ECDH generic mapping, AES) and BAC (3DES), secure messaging, and the files of a
synthetic card. ``vpcd.py`` connects it to the real PC/SC stack through vsmartcard's virtual
reader, so the reader code under test cannot tell it from a card on a real reader.

Behaviour that matters for the tests: before authentication the data groups answer 6982;
a plain APDU during a protected session ends the session (6987/6988, ICAO §9.8.3); a wrong
password makes the last PACE step answer 6300; protected reads longer than the file answer
6282 with what there is. Flags make it behave like other chips: no short file identifiers,
error status words answered in plain, files refused (6982) after authentication."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ..errors import CardError
from . import crypto, pace, tlv
from .bac import keys_from_mrz
from .crypto import Alg
from .ec import STANDARD, Curve
from .lds import FILES
from .reader import AID
from .sm import Command, SecureMessaging
from .testcard import CardContents
from .testpassport import PassportContents

ATR = bytes.fromhex("3B8880010000000000000000FE")  # a contactless card behind a PC/SC reader (synthetic)
SW_OK = 0x9000


@dataclass
class _Pace:
    oid: bytes
    password: int
    curve: Curve
    alg: Alg
    size: int
    step: int = 0
    nonce: bytes = b""
    sk_map: int = 0
    g2: tuple[int, int] | None = None
    sk: int = 0
    pk_ifd: bytes = b""
    pk_ic: bytes = b""
    keys: tuple[bytes, bytes] | None = None


class EmulatedCard:
    def __init__(
        self,
        files: dict[str, bytes],
        can: str,
        mrz_information: bytes | None = None,
        ca_key: ec.EllipticCurvePrivateKey | None = None,
        aa_key: ec.EllipticCurvePrivateKey | None = None,
        sfi: bool = True,
        plain_errors: bool = False,
        denied: tuple[str, ...] = (),
    ) -> None:
        self.files = files
        self.can = can
        self.mrz_information = mrz_information
        self.ca_key = ca_key
        self.aa_key = aa_key
        self.sfi = sfi  # False: a chip without short file identifiers (READ BINARY by SFI: 6A82)
        self.plain_errors = plain_errors  # True: errors under SM answered as plain status words
        self.denied = denied  # files that answer 6982 even after authentication (as DG3 without EAC)
        self.reset()

    @classmethod
    def of(
        cls,
        contents: CardContents | PassportContents,
        mrz_information: bytes | None = None,
        **flags: bool | tuple[str, ...],
    ) -> EmulatedCard:
        """The emulator of a synthetic card or passport, with its chip keys (``flags``: see
        ``__init__``); a passport knows its own MRZ data."""
        if isinstance(contents, PassportContents):
            can, mrz_information = "", mrz_information or contents.traveller.mrz_information
        else:
            can = contents.person.can
        return cls(contents.files, can, mrz_information, contents.ca_key, contents.aa_key, **flags)  # type: ignore[arg-type]

    def reset(self) -> None:
        self.app_selected = False
        self.selected: str | None = None
        self.sm: SecureMessaging | None = None
        self.authenticated = False
        self.pace: _Pace | None = None
        self.challenge = b""
        self.ca_ready = False
        self.next_sm: SecureMessaging | None = None  # after chip authentication, from the next command

    # ---- dispatch -----------------------------------------------------------------------------

    def process(self, apdu: bytes) -> bytes:
        """One command APDU in, one response APDU out."""
        try:
            if apdu[0] & 0x0C == 0x0C:
                if self.sm is None:
                    return (0x6988).to_bytes(2, "big")
                try:
                    cmd = self.sm.open(apdu)
                except (CardError, ValueError):
                    self._end_session()
                    return (0x6988).to_bytes(2, "big")
                data, sw = self._command(cmd, protected=True)
                if self.sm is None:  # the command ended the session
                    return sw.to_bytes(2, "big")
                if self.plain_errors and sw != SW_OK and sw >> 8 not in (0x61, 0x62):
                    return sw.to_bytes(2, "big")  # not protected, not counted (vsmartcard's ePass does so)
                sealed = self.sm.seal(data, sw, odd=bool(cmd.ins & 1))
                if self.next_sm is not None:  # the answer to chip authentication uses the old keys
                    self.sm, self.next_sm = self.next_sm, None
                return sealed
            cmd = Command.decode(apdu)
            if self.sm is not None:
                self._end_session()  # a plain APDU aborts secure messaging
                return (0x6987).to_bytes(2, "big")
            data, sw = self._command(cmd, protected=False)
            return data + sw.to_bytes(2, "big")
        except (ValueError, IndexError):
            return (0x6700).to_bytes(2, "big")

    def _end_session(self) -> None:
        self.sm = None
        self.authenticated = False

    def _command(self, cmd: Command, protected: bool) -> tuple[bytes, int]:
        ins = cmd.ins
        if ins == 0xA4:
            return self._select(cmd)
        if ins in (0xB0, 0xB1):
            return self._read(cmd)
        if ins == 0x84:
            self.challenge = os.urandom(8)
            return self.challenge, SW_OK
        if ins == 0x82:
            return self._mutual_authenticate(cmd)
        if ins == 0x22:
            return self._mse_ca(cmd) if cmd.p1 == 0x41 else self._mse(cmd)
        if ins == 0x86:
            return self._chip_authenticate(cmd) if self.ca_ready else self._general_authenticate(cmd)
        if ins == 0x88:
            return self._internal_authenticate(cmd)
        return b"", 0x6D00

    # ---- files --------------------------------------------------------------------------------

    def _select(self, cmd: Command) -> tuple[bytes, int]:
        if cmd.p1 == 0x04:
            if cmd.data != AID:
                return b"", 0x6A82
            self.app_selected = True
            self.selected = None
            return b"", SW_OK
        if cmd.p1 == 0x00:
            return b"", 0x6D00  # like the Vietnamese cards: SELECT MF is not supported
        fid = int.from_bytes(cmd.data, "big")
        if fid == 0x011C and not self.app_selected and "CardAccess" in self.files:
            self.selected = "CardAccess"
            return b"", SW_OK
        for name, (file_id, _sfi, _tag) in FILES.items():
            if file_id == fid and self.app_selected and name in self.files:
                self.selected = name
                return b"", SW_OK
        return b"", 0x6A82

    def _read(self, cmd: Command) -> tuple[bytes, int]:
        odd = cmd.ins == 0xB1  # offset in DO'54', data in DO'53' (offsets past 32767)
        if cmd.p1 & 0x80 and not odd:
            sfi = cmd.p1 & 0x1F
            offset = cmd.p2
            name = (
                "CardAccess"
                if sfi == 0x1C and not self.app_selected and self.sfi and "CardAccess" in self.files
                else None
            )
            for n, (_fid, s, _tag) in FILES.items():
                if s == sfi and self.app_selected and n in self.files and self.sfi:
                    name = n
            if name is None:
                return b"", 0x6A82
            self.selected = name
        else:
            name = self.selected
            offset = int.from_bytes(tlv.find(cmd.data, 0x54) or b"", "big") if odd else (cmd.p1 << 8) | cmd.p2
            if name is None:
                return b"", 0x6986
        if name != "CardAccess" and (not self.authenticated or name in self.denied):
            return b"", 0x6982
        content = self.files[name]
        if offset > len(content):
            return b"", 0x6B00
        want = cmd.le or 256
        if odd:
            want -= 2 if want - 2 < 0x80 else 3
        part = content[offset : offset + want]
        return tlv.tlv(0x53, part) if odd else part, SW_OK if len(part) == want else 0x6282

    # ---- BAC ------------------------------------------------------------------------------------

    def _mutual_authenticate(self, cmd: Command) -> tuple[bytes, int]:
        if self.mrz_information is None or not self.challenge or len(cmd.data) != 40:
            return b"", 0x6985
        k_enc, k_mac = keys_from_mrz(self.mrz_information)
        e_ifd, m_ifd = cmd.data[:32], cmd.data[32:]
        if crypto.retail_mac(k_mac, crypto.pad(e_ifd, 8)) != m_ifd:
            return b"", 0x6300
        s = crypto.cbc_decrypt("3DES", k_enc, e_ifd)
        rnd_ifd, rnd_ic, k_ifd = s[:8], s[8:16], s[16:32]
        if rnd_ic != self.challenge:
            return b"", 0x6300
        k_ic = os.urandom(16)
        e_ic = crypto.cbc_encrypt("3DES", k_enc, rnd_ic + rnd_ifd + k_ic)
        seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
        answer = e_ic + crypto.retail_mac(k_mac, crypto.pad(e_ic, 8))
        # the answer goes out in plain; protection starts with the next command
        self.sm = SecureMessaging(
            "3DES", crypto.kdf(seed, crypto.KDF_ENC), crypto.kdf(seed, crypto.KDF_MAC), rnd_ic[4:] + rnd_ifd[4:]
        )
        self.authenticated = True
        return answer, SW_OK

    # ---- PACE -----------------------------------------------------------------------------------

    def _mse(self, cmd: Command) -> tuple[bytes, int]:
        if cmd.p1 != 0xC1 or cmd.p2 != 0xA4:
            return b"", 0x6A86
        objects = dict(tlv.parse(cmd.data))
        oid, ref = objects.get(0x80, b""), objects.get(0x83, b"")
        if oid[:-1] != pace.PACE_PREFIX or oid[-1] not in pace.CIPHERS or ref not in (b"\x01", b"\x02"):
            return b"", 0x6A80
        offered = {i.oid: i.parameter_id for i in pace.pace_infos(self.files.get("CardAccess", b""))}
        param = objects[0x84][0] if 0x84 in objects else offered.get(oid, 0x0D)  # else what it advertises
        if param not in STANDARD:
            return b"", 0x6A80
        alg, size = pace.CIPHERS[oid[-1]]
        self.pace = _Pace(oid, ref[0], STANDARD[param], alg, size)
        return b"", SW_OK

    def _password_key(self, p: _Pace) -> bytes:
        if p.password == pace.PASSWORD_CAN:
            return crypto.kdf(self.can.encode(), crypto.KDF_PACE, p.alg, p.size)
        assert self.mrz_information is not None
        return crypto.kdf(hashlib.sha1(self.mrz_information).digest(), crypto.KDF_PACE, p.alg, p.size)

    def _general_authenticate(self, cmd: Command) -> tuple[bytes, int]:
        p = self.pace
        if p is None:
            return b"", 0x6985
        inner = tlv.find(cmd.data, 0x7C)
        if inner is None:
            return b"", 0x6A80
        curve = p.curve
        if p.step == 0:
            block = 8 if p.alg == "3DES" else 16
            p.nonce = os.urandom(block)
            p.step = 1
            z = crypto.cbc_encrypt(p.alg, self._password_key(p), p.nonce)
            return tlv.tlv(0x7C, tlv.tlv(0x80, z)), SW_OK
        if p.step == 1:
            pk_map_ifd = curve.decode(tlv.find(inner, 0x81) or b"")
            p.sk_map = curve.private_key()
            pk_map_ic = curve.encode(curve.mul(p.sk_map, curve.g))
            p.g2 = pace.mapped_generator(curve, p.nonce, p.sk_map, pk_map_ifd)
            p.step = 2
            return tlv.tlv(0x7C, tlv.tlv(0x82, pk_map_ic)), SW_OK
        if p.step == 2:
            assert p.g2 is not None
            p.pk_ifd = tlv.find(inner, 0x83) or b""
            pk_ifd = curve.decode(p.pk_ifd)
            p.sk = curve.private_key()
            pk_ic = curve.encode(curve.mul(p.sk, p.g2))
            shared = curve.mul(p.sk, pk_ifd)
            assert shared is not None
            p.keys = pace.session_keys(p.alg, p.size, shared[0].to_bytes(curve.size, "big"))
            p.step = 3
            p.pk_ic = pk_ic
            return tlv.tlv(0x7C, tlv.tlv(0x84, pk_ic)), SW_OK
        # step 3: the terminal's token proves it knew the password
        assert p.keys is not None
        ks_enc, ks_mac = p.keys
        self.pace = None
        if tlv.find(inner, 0x85) != pace.auth_token(p.alg, ks_mac, p.oid, p.pk_ic):
            return b"", 0x6300
        token = pace.auth_token(p.alg, ks_mac, p.oid, p.pk_ifd)
        self.sm = SecureMessaging(p.alg, ks_enc, ks_mac, 0)
        self.authenticated = True
        return tlv.tlv(0x7C, tlv.tlv(0x86, token)), SW_OK

    # ---- chip and active authentication ---------------------------------------------------------

    def _mse_ca(self, cmd: Command) -> tuple[bytes, int]:
        if self.ca_key is None or self.sm is None:
            return b"", 0x6A88
        oid = tlv.find(cmd.data, 0x80) or b""
        if oid != bytes.fromhex("04007F00070202030202"):
            return b"", 0x6A80
        self.ca_ready = True
        return b"", SW_OK

    def _chip_authenticate(self, cmd: Command) -> tuple[bytes, int]:
        self.ca_ready = False
        assert self.ca_key is not None
        point = tlv.find(tlv.find(cmd.data, 0x7C) or b"", 0x80) or b""
        try:
            theirs = ec.EllipticCurvePublicKey.from_encoded_point(self.ca_key.curve, point)
        except ValueError:
            return b"", 0x6A80
        shared = self.ca_key.exchange(ec.ECDH(), theirs)
        self.next_sm = SecureMessaging(
            "AES", crypto.kdf(shared, crypto.KDF_ENC, "AES", 16), crypto.kdf(shared, crypto.KDF_MAC, "AES", 16), 0
        )
        return tlv.tlv(0x7C, b""), SW_OK

    def _internal_authenticate(self, cmd: Command) -> tuple[bytes, int]:
        if self.aa_key is None or not self.authenticated or len(cmd.data) != 8:
            return b"", 0x6985
        r, s = decode_dss_signature(self.aa_key.sign(cmd.data, ec.ECDSA(hashes.SHA256())))
        size = (self.aa_key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big"), SW_OK

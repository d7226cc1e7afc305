"""PACE with the generic mapping over elliptic curves (ICAO 9303-11 §4.4, BSI TR-03110):
the password (CAN or MRZ) decrypts a nonce from the chip, two ECDH exchanges map it to a new
generator and agree on the session keys, and both sides prove them with tokens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import unsupported_card, wrong_can
from . import crypto, tlv
from .card import CardSession
from .crypto import Alg
from .ec import STANDARD, Curve
from .sm import Command, SecureMessaging

PACE_PREFIX = bytes.fromhex("04007F000702020402")  # id-PACE-ECDH-GM
CIPHERS: dict[int, tuple[Alg, int]] = {1: ("3DES", 16), 2: ("AES", 16), 3: ("AES", 24), 4: ("AES", 32)}
PASSWORD_MRZ = 1
PASSWORD_CAN = 2


@dataclass(frozen=True)
class PaceInfo:
    oid: bytes  # the DER content of the protocol OID
    version: int
    parameter_id: int

    @property
    def cipher(self) -> tuple[Alg, int]:
        return CIPHERS[self.oid[-1]]

    @property
    def curve(self) -> Curve:
        return STANDARD[self.parameter_id]


def pace_infos(card_access: bytes) -> list[PaceInfo]:
    """The PACEInfos we can use (ECDH generic mapping, a standard curve) in EF.CardAccess."""
    found = []
    body = tlv.find(card_access, 0x31)
    for tag, info in tlv.parse(body or b""):
        if tag != 0x30:
            continue
        fields = list(tlv.parse(info))
        if not fields or fields[0][0] != 0x06:
            continue
        oid = fields[0][1]
        ints = [int.from_bytes(v, "big") for t, v in fields[1:] if t == 0x02]
        if oid[:-1] == PACE_PREFIX and oid[-1] in CIPHERS and len(ints) >= 2 and ints[1] in STANDARD:
            found.append(PaceInfo(oid, ints[0], ints[1]))
    return found


def auth_token(alg: Alg, ks_mac: bytes, oid: bytes, public_point: bytes) -> bytes:
    """T = MAC(KS_mac, 7F49 {06 oid, 86 point}) (9303-11 §4.4.3.4)."""
    data = tlv.tlv(0x7F49, tlv.tlv(0x06, oid) + tlv.tlv(0x86, public_point))
    if alg == "3DES":
        return crypto.retail_mac(ks_mac, crypto.pad(data, 8))
    return crypto.aes_cmac(ks_mac, data)[:8]


def mapped_generator(curve: Curve, nonce: bytes, sk_map: int, pk_map_ic: tuple[int, int]) -> tuple[int, int]:
    """G' = s * G + H, with H = SK_map,IFD * PK_map,IC (generic mapping, §4.4.3.3.1)."""
    h = curve.mul(sk_map, pk_map_ic)
    g = curve.add(curve.mul(int.from_bytes(nonce, "big"), curve.g), h)
    if g is None:
        raise wrong_can("mapping gave the point at infinity")
    return g


def session_keys(alg: Alg, size: int, shared_x: bytes) -> tuple[bytes, bytes]:
    return crypto.kdf(shared_x, crypto.KDF_ENC, alg, size), crypto.kdf(shared_x, crypto.KDF_MAC, alg, size)


def _ga(card: CardSession, tag: int, value: bytes, last: bool = False) -> bytes:
    body = tlv.tlv(0x7C, tlv.tlv(tag, value) if tag else b"")
    data, sw = card.send(Command(0x00 if last else 0x10, 0x86, 0x00, 0x00, body, 256))
    if sw != 0x9000:
        raise wrong_can(f"general authenticate {sw:04X}")
    inner = tlv.find(data, 0x7C)
    if inner is None:
        raise wrong_can("general authenticate: no dynamic authentication data")
    return inner


def establish(
    card: CardSession,
    info: PaceInfo,
    k_pi: bytes,
    password: int = PASSWORD_CAN,
    private_keys: Callable[[Curve], int] | None = None,
    send_parameter_id: bool = False,
) -> None:
    """Run PACE; on success the card session is protected with the new keys (SSC = 0).
    ``private_keys`` gives the terminal's ephemeral keys (tests pass the worked example's)."""
    alg, size = info.cipher
    curve = info.curve
    new_key = private_keys or (lambda c: c.private_key())
    mse = tlv.tlv(0x80, info.oid) + tlv.tlv(0x83, bytes([password]))
    if send_parameter_id:
        mse += tlv.tlv(0x84, bytes([info.parameter_id]))
    _data, sw = card.send(Command(0x00, 0x22, 0xC1, 0xA4, mse))
    if sw != 0x9000:
        raise unsupported_card(f"MSE:Set AT for PACE {sw:04X}")
    z = tlv.find(_ga(card, 0, b""), 0x80)
    if z is None:
        raise wrong_can("no encrypted nonce")
    nonce = crypto.cbc_decrypt(alg, k_pi, z)
    sk_map = new_key(curve)
    answer = tlv.find(_ga(card, 0x81, curve.encode(curve.mul(sk_map, curve.g))), 0x82)
    try:
        pk_map_ic = curve.decode(answer or b"")
    except ValueError:
        raise wrong_can("bad mapping key from the chip") from None
    g2 = mapped_generator(curve, nonce, sk_map, pk_map_ic)
    sk = new_key(curve)
    pk_ifd = curve.encode(curve.mul(sk, g2))
    answer = tlv.find(_ga(card, 0x83, pk_ifd), 0x84)
    try:
        pk_ic_point = curve.decode(answer or b"")
    except ValueError:
        raise wrong_can("bad ephemeral key from the chip") from None
    pk_ic = curve.encode(pk_ic_point)
    if pk_ic == pk_ifd:
        raise wrong_can("the chip echoed our key")
    shared = curve.mul(sk, pk_ic_point)
    if shared is None:
        raise wrong_can("shared secret at infinity")
    ks_enc, ks_mac = session_keys(alg, size, shared[0].to_bytes(curve.size, "big"))
    answer = tlv.find(_ga(card, 0x85, auth_token(alg, ks_mac, info.oid, pk_ic), last=True), 0x86)
    if answer != auth_token(alg, ks_mac, info.oid, pk_ifd):
        raise wrong_can("the chip's token does not verify")
    card.sm = SecureMessaging(alg, ks_enc, ks_mac, 0)

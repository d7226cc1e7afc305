"""Proofs that the chip is genuine, not a copy of its files (ICAO 9303-11 §6): chip
authentication (the chip's static ECDH key from DG14 gives new session keys: a clone without
the private key cannot continue secure messaging) and active authentication (the chip signs
our random challenge with the private key of DG15). Both are optional on a card; the result
says which ran."""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from ..errors import authenticity_failed
from . import crypto, tlv
from .card import SW_OK, CardSession
from .sm import Command, SecureMessaging

CA_PREFIX = bytes.fromhex("04007F0007020203")  # id-CA (.1 DH, .2 ECDH)
CA_ECDH = bytes.fromhex("04007F000702020302")  # id-CA-ECDH-*; last byte: 1 3DES, 2-4 AES-128/192/256
PK_ECDH = bytes.fromhex("04007F000702020102")  # id-PK-ECDH
AA_INFO = bytes.fromhex("678108010105")  # 2.23.136.1.1.5 ActiveAuthenticationInfo
ECDSA_PLAIN = {  # BSI TR-03111 plain signature algorithms
    bytes.fromhex("04007F00070101040101"): hashes.SHA1(),
    bytes.fromhex("04007F00070101040102"): hashes.SHA224(),
    bytes.fromhex("04007F00070101040103"): hashes.SHA256(),
    bytes.fromhex("04007F00070101040104"): hashes.SHA384(),
    bytes.fromhex("04007F00070101040105"): hashes.SHA512(),
}
CA_CIPHERS: dict[int, tuple[crypto.Alg, int]] = {1: ("3DES", 16), 2: ("AES", 16), 3: ("AES", 24), 4: ("AES", 32)}


@dataclass(frozen=True)
class SecurityInfos:
    ca_oid: bytes | None = None
    ca_key_id: int | None = None
    ca_public_key: bytes | None = None  # SubjectPublicKeyInfo (DER)
    aa_hash: hashes.HashAlgorithm | None = None


def security_infos(dg14: bytes) -> SecurityInfos:
    body = tlv.find(dg14, 0x6E)
    infos = tlv.find(body or b"", 0x31) if body is not None else None
    ca_oid = ca_key_id = ca_key = aa_hash = None
    for tag, info in tlv.parse(infos or b""):
        if tag != 0x30:
            continue
        parts = list(tlv.parse(info))
        if not parts or parts[0][0] != 0x06:
            continue
        oid = parts[0][1]
        if oid[:-1] == CA_ECDH and oid[-1] in CA_CIPHERS:
            ca_oid = oid
            ints = [int.from_bytes(v, "big") for t, v in parts[1:] if t == 0x02]
            ca_key_id = ints[1] if len(ints) > 1 else None
        elif oid == PK_ECDH and len(parts) > 1 and parts[1][0] == 0x30:
            ca_key = tlv.tlv(0x30, parts[1][1])
        elif oid == AA_INFO:
            algo = next((v for t, v in parts[1:] if t == 0x06), None)
            aa_hash = ECDSA_PLAIN.get(algo or b"", hashes.SHA256())
    return SecurityInfos(ca_oid, ca_key_id, ca_key, aa_hash)


def chip_authentication(card: CardSession, infos: SecurityInfos) -> bool:
    """Run CA (ECDH) when DG14 offers it; afterwards secure messaging uses the new keys.
    False when the card does not offer it; raises ``authenticity_failed`` if it fails."""
    if infos.ca_oid is None or infos.ca_public_key is None:
        return False
    try:
        chip_key = serialization.load_der_public_key(infos.ca_public_key)
    except ValueError:
        raise authenticity_failed("unreadable chip authentication key") from None
    if not isinstance(chip_key, ec.EllipticCurvePublicKey):
        return False  # DH chip authentication: not used by these cards
    mine = ec.generate_private_key(chip_key.curve)
    point = mine.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    mse = tlv.tlv(0x80, infos.ca_oid) + (
        tlv.tlv(0x84, bytes([infos.ca_key_id])) if infos.ca_key_id is not None else b""
    )
    if card.send(Command(0x00, 0x22, 0x41, 0xA4, mse))[1] != SW_OK:
        raise authenticity_failed("chip authentication refused")
    _data, sw = card.send(Command(0x00, 0x86, 0x00, 0x00, tlv.tlv(0x7C, tlv.tlv(0x80, point)), 256))
    if sw != SW_OK:
        raise authenticity_failed(f"chip authentication {sw:04X}")
    shared = mine.exchange(ec.ECDH(), chip_key)
    alg, size = CA_CIPHERS[infos.ca_oid[-1]]
    card.sm = SecureMessaging(
        alg, crypto.kdf(shared, crypto.KDF_ENC, alg, size), crypto.kdf(shared, crypto.KDF_MAC, alg, size), 0
    )
    return True


def active_authentication(card: CardSession, dg15: bytes, infos: SecurityInfos) -> bool:
    """Run AA with the DG15 key (ECDSA; RSA keys are reported as not checked)."""
    spki = tlv.find(dg15, 0x6F)
    try:
        key = serialization.load_der_public_key(spki or b"")
    except ValueError:
        raise authenticity_failed("unreadable active authentication key") from None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return False
    challenge = os.urandom(8)
    signature, sw = card.send(Command(0x00, 0x88, 0x00, 0x00, challenge, 256))
    if sw != SW_OK or len(signature) % 2:
        raise authenticity_failed(f"active authentication {sw:04X}")
    half = len(signature) // 2
    der = encode_dss_signature(int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big"))
    try:
        key.verify(der, challenge, ec.ECDSA(infos.aa_hash or hashes.SHA256()))
    except InvalidSignature:
        raise authenticity_failed("the chip's active authentication signature is not valid") from None
    return True

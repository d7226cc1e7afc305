"""Basic Access Control (ICAO 9303-11 §4.3): 3DES mutual authentication with keys derived from
the MRZ (document number, birth and expiry dates), then secure messaging."""

from __future__ import annotations

import hashlib
import os

from ..errors import wrong_mrz
from . import crypto
from .card import CardSession
from .sm import Command, SecureMessaging


def keys_from_mrz(mrz_information: bytes) -> tuple[bytes, bytes]:
    """K_enc and K_mac of the document (9303-11 §9.7.2)."""
    seed = hashlib.sha1(mrz_information).digest()[:16]
    return crypto.kdf(seed, crypto.KDF_ENC), crypto.kdf(seed, crypto.KDF_MAC)


def terminal_cryptogram(k_enc: bytes, k_mac: bytes, rnd_ifd: bytes, rnd_ic: bytes, k_ifd: bytes) -> bytes:
    """E_IFD || M_IFD for MUTUAL AUTHENTICATE."""
    e_ifd = crypto.cbc_encrypt("3DES", k_enc, rnd_ifd + rnd_ic + k_ifd)
    return e_ifd + crypto.retail_mac(k_mac, crypto.pad(e_ifd, 8))


def session_from_answer(
    k_enc: bytes, k_mac: bytes, rnd_ifd: bytes, rnd_ic: bytes, k_ifd: bytes, answer: bytes
) -> SecureMessaging:
    """Check the chip's answer and derive the session keys and the send sequence counter."""
    if len(answer) != 40 or crypto.retail_mac(k_mac, crypto.pad(answer[:32], 8)) != answer[32:]:
        raise wrong_mrz("BAC answer does not verify")
    r = crypto.cbc_decrypt("3DES", k_enc, answer[:32])
    if r[:8] != rnd_ic or r[8:16] != rnd_ifd:
        raise wrong_mrz("BAC answer is for another challenge")
    seed = bytes(a ^ b for a, b in zip(k_ifd, r[16:32], strict=True))
    ks_enc, ks_mac = crypto.kdf(seed, crypto.KDF_ENC), crypto.kdf(seed, crypto.KDF_MAC)
    return SecureMessaging("3DES", ks_enc, ks_mac, rnd_ic[4:] + rnd_ifd[4:])


def authenticate(card: CardSession, mrz_information: bytes) -> None:
    """Run BAC on a card whose eMRTD application is selected; the session is then protected."""
    k_enc, k_mac = keys_from_mrz(mrz_information)
    rnd_ic = card.check(Command(0x00, 0x84, 0x00, 0x00, b"", 8), "get challenge")
    rnd_ifd, k_ifd = os.urandom(8), os.urandom(16)
    cryptogram = terminal_cryptogram(k_enc, k_mac, rnd_ifd, rnd_ic, k_ifd)
    answer, sw = card.send(Command(0x00, 0x82, 0x00, 0x00, cryptogram, 40))
    if sw != 0x9000:
        raise wrong_mrz(f"mutual authenticate {sw:04X}")
    card.sm = session_from_answer(k_enc, k_mac, rnd_ifd, rnd_ic, k_ifd, answer)

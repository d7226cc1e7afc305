"""The symmetric cryptography of ICAO Doc 9303 Part 11: key derivation, 3DES and AES in CBC
mode, ISO/IEC 9797-1 padding and MACs, and the MRZ check digits. Pure functions over bytes."""

from __future__ import annotations

import hashlib
from typing import Literal

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.cmac import CMAC

Alg = Literal["3DES", "AES"]

KDF_ENC = 1
KDF_MAC = 2
KDF_PACE = 3


def pad(data: bytes, block: int) -> bytes:
    """ISO/IEC 9797-1 padding method 2: 0x80 then zeros to a whole block."""
    data += b"\x80"
    return data + bytes(-len(data) % block)


def unpad(data: bytes) -> bytes:
    end = data.rstrip(b"\x00")
    if not end.endswith(b"\x80"):
        raise ValueError("bad padding")
    return end[:-1]


def adjust_parity(key: bytes) -> bytes:
    """Set each DES key byte to odd parity (the low bit), as the worked examples print them."""
    return bytes((b & 0xFE) | ((bin(b >> 1).count("1") + 1) & 1) for b in key)


def kdf(secret: bytes, counter: int, alg: Alg = "3DES", size: int = 16) -> bytes:
    """Key derivation (9303-11 §9.7.1): SHA-1 for 3DES and AES-128, SHA-256 for AES-192/256."""
    data = secret + counter.to_bytes(4, "big")
    if alg == "3DES":
        return adjust_parity(hashlib.sha1(data).digest()[:16])
    digest = hashlib.sha1(data).digest() if size == 16 else hashlib.sha256(data).digest()
    return digest[:size]


def _tdes(key: bytes) -> TripleDES:
    return TripleDES(key + key[:8] if len(key) == 16 else key)


def cbc_encrypt(alg: Alg, key: bytes, data: bytes, iv: bytes | None = None) -> bytes:
    block = 8 if alg == "3DES" else 16
    algorithm = _tdes(key) if alg == "3DES" else algorithms.AES(key)
    enc = Cipher(algorithm, modes.CBC(iv or bytes(block))).encryptor()
    return enc.update(data) + enc.finalize()


def cbc_decrypt(alg: Alg, key: bytes, data: bytes, iv: bytes | None = None) -> bytes:
    block = 8 if alg == "3DES" else 16
    algorithm = _tdes(key) if alg == "3DES" else algorithms.AES(key)
    dec = Cipher(algorithm, modes.CBC(iv or bytes(block))).decryptor()
    return dec.update(data) + dec.finalize()


def aes_ecb(key: bytes, block: bytes) -> bytes:
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def retail_mac(key: bytes, data: bytes) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 with DES (single-DES CBC, then 3DES on the last block);
    ``data`` must already be padded."""
    k1, k2 = key[:8], key[8:16]
    h = bytes(8)
    for i in range(0, len(data) - 8, 8):
        h = cbc_encrypt("3DES", k1 + k1, bytes(a ^ b for a, b in zip(h, data[i : i + 8], strict=True)))
    last = bytes(a ^ b for a, b in zip(h, data[-8:], strict=True))
    return cbc_encrypt("3DES", k1 + k2, last)


def aes_cmac(key: bytes, data: bytes) -> bytes:
    c = CMAC(algorithms.AES(key))
    c.update(data)
    return c.finalize()


def mac(alg: Alg, key: bytes, data: bytes) -> bytes:
    """The 8-byte MAC of secure messaging over ``data`` padded to the block: the retail MAC for
    3DES, AES-CMAC truncated to 8 bytes for AES."""
    if alg == "3DES":
        return retail_mac(key, pad(data, 8))
    return aes_cmac(key, pad(data, 16))[:8]


def check_digit(text: str) -> str:
    """The MRZ check digit (weights 7, 3, 1; digits, A-Z = 10-35, '<' = 0)."""
    total = 0
    for i, ch in enumerate(text):
        if ch.isdigit():
            v = int(ch)
        elif "A" <= ch <= "Z":
            v = ord(ch) - 55
        elif ch == "<":
            v = 0
        else:
            raise ValueError(f"not an MRZ character: {ch!r}")
        total += v * (7, 3, 1)[i % 3]
    return str(total % 10)


def mrz_information(document_number: str, birth: str, expiry: str) -> bytes:
    """The BAC / PACE-MRZ key material: document number, birth and expiry dates (YYMMDD), each
    with its check digit (a document number shorter than 9 is padded with '<')."""
    doc = document_number.ljust(9, "<")
    return (doc + check_digit(doc) + birth + check_digit(birth) + expiry + check_digit(expiry)).encode()


def can_key(can: str, alg: Alg = "AES", size: int = 16) -> bytes:
    """K_pi for a CAN password (the digits as text)."""
    return kdf(can.encode(), KDF_PACE, alg, size)


def mrz_pace_key(document_number: str, birth: str, expiry: str, alg: Alg = "AES", size: int = 16) -> bytes:
    """K_pi for an MRZ password: KDF over SHA-1 of the MRZ information."""
    return kdf(hashlib.sha1(mrz_information(document_number, birth, expiry)).digest(), KDF_PACE, alg, size)

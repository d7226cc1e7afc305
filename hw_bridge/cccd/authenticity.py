"""Passive authentication (ICAO 9303-11 §5.1): the document security object (EF.SOD) is a CMS
SignedData over the hashes of the data groups, signed by a document signer certificate (DSC)
that a country signing CA (CSCA) issued. We check the signature, each data group we read
against its signed hash, and, when a trust store of CSCA certificates is configured, the DSC
against it. With no trust store the result says so: "signature valid, chain not verified" is
not the same as verified."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from asn1crypto import cms, core
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from ..errors import authenticity_failed
from . import tlv

LDS_SECURITY_OBJECT = "2.23.136.1.1.1"
HASHES = {"sha1": "sha1", "sha224": "sha224", "sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
Status = Literal["verified", "signature_valid_chain_not_verified"]


class DataGroupHash(core.Sequence):
    _fields = [("data_group_number", core.Integer), ("data_group_hash_value", core.OctetString)]


class DataGroupHashes(core.SequenceOf):
    _child_spec = DataGroupHash


class LdsVersionInfo(core.Sequence):
    _fields = [("lds_version", core.PrintableString), ("unicode_version", core.PrintableString)]


class LdsSecurityObject(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("hash_algorithm", cms.DigestAlgorithm),
        ("data_group_hash_values", DataGroupHashes),
        ("lds_version_info", LdsVersionInfo, {"optional": True}),
    ]


@dataclass(frozen=True)
class Authenticity:
    status: Status
    signer: str  # the DSC's subject
    hash_algorithm: str
    groups_checked: tuple[int, ...]


def _hash(name: str, data: bytes) -> bytes:
    return hashlib.new(HASHES[name], data).digest()


def _crypto_hash(name: str) -> hashes.HashAlgorithm:
    return {
        "sha1": hashes.SHA1(),
        "sha224": hashes.SHA224(),
        "sha256": hashes.SHA256(),
        "sha384": hashes.SHA384(),
        "sha512": hashes.SHA512(),
    }[name]


def _verify_signature(cert: x509.Certificate, signature: bytes, data: bytes, digest: str, algo: str) -> None:
    key = cert.public_key()
    h = _crypto_hash(digest)
    if isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signature, data, ec.ECDSA(h))
    elif isinstance(key, rsa.RSAPublicKey):
        pad = padding.PSS(padding.MGF1(h), padding.PSS.AUTO) if algo == "rsassa_pss" else padding.PKCS1v15()
        key.verify(signature, data, pad, h)
    else:
        raise authenticity_failed("unsupported document signer key")


def verify(sod: bytes, groups: dict[int, bytes], trust_store: list[x509.Certificate] | None = None) -> Authenticity:
    """Check EF.SOD's signature and every data group given (number -> whole file bytes).
    Raises ``authenticity_failed`` on any mismatch."""
    try:
        info = cms.ContentInfo.load(tlv.find(sod, 0x77) or b"")
        signed = info["content"]
        encap = signed["encap_content_info"]
        if encap["content_type"].dotted != LDS_SECURITY_OBJECT:
            raise authenticity_failed("EF.SOD does not hold an LDS security object")
        content = encap["content"].native
        lds = LdsSecurityObject.load(content)
        algorithm = lds["hash_algorithm"]["algorithm"].native
        signed_hashes = {
            h["data_group_number"].native: h["data_group_hash_value"].native for h in lds["data_group_hash_values"]
        }
        certificates = [c.chosen for c in signed["certificates"]]
        if not certificates:
            raise authenticity_failed("EF.SOD carries no document signer certificate")
        dsc = x509.load_der_x509_certificate(certificates[0].dump())
        signer = signed["signer_infos"][0]
        digest = signer["digest_algorithm"]["algorithm"].native
        attrs = signer["signed_attrs"]
        message_digest = None
        for attr in attrs:
            if attr["type"].native == "message_digest":
                message_digest = attr["values"][0].native
        if message_digest != _hash(digest, content):
            raise authenticity_failed("the signed digest does not match the security object")
        to_verify = b"\x31" + attrs.dump()[1:]  # signed over the SET OF, not the [0] tag
        _verify_signature(
            dsc, signer["signature"].native, to_verify, digest, signer["signature_algorithm"].signature_algo
        )
    except InvalidSignature:
        raise authenticity_failed("the document signer's signature is not valid") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise authenticity_failed(f"unreadable EF.SOD ({type(exc).__name__})") from None
    for number, data in groups.items():
        expected = signed_hashes.get(number)
        if expected is None:
            raise authenticity_failed(f"DG{number} is not in the security object")
        if _hash(algorithm, data) != expected:
            raise authenticity_failed(f"DG{number} does not match its signed hash")
    status: Status = "signature_valid_chain_not_verified"
    if trust_store:
        for csca in trust_store:
            if csca.subject != dsc.issuer:
                continue
            try:
                dsc.verify_directly_issued_by(csca)
            except (ValueError, TypeError, InvalidSignature):
                continue
            status = "verified"
            break
        else:
            raise authenticity_failed("the document signer is not issued by a trusted CSCA")
    return Authenticity(status, dsc.subject.rfc4514_string(), algorithm, tuple(sorted(groups)))

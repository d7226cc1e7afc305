"""Synthetic CCCD contents for the card emulator, the tests and demo mode: a fictional person,
the files a real card holds (EF.CardAccess, EF.COM, DG1, DG2 with a drawn JPEG 2000 portrait,
DG13, DG14, DG15, EF.SOD) and a test signing chain (CSCA -> document signer) made on the fly.
Nothing here is real personal data."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import unicodedata
from dataclasses import dataclass, field

from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from . import tlv
from .authenticity import LDS_SECURITY_OBJECT, DataGroupHash, DataGroupHashes, LdsSecurityObject, LdsVersionInfo
from .crypto import check_digit
from .reader import PACE_INFO_AES128_BP256

CA_INFO = bytes.fromhex("300F060A04007F00070202030202020101")  # as Vietnamese cards advertise it
TA_INFO = bytes.fromhex("300D060804007F00070202020201 01".replace(" ", ""))


@dataclass
class Person:
    id_number: str = "001099012345"
    full_name: str = "Nguyễn Văn An"
    birth_date: dt.date = dt.date(1949, 5, 1)
    sex: str = "Nam"
    nationality: str = "Việt Nam"
    ethnicity: str = "Kinh"
    religion: str = "Không"
    place_of_origin: str = "Xã Hòa Bình, Huyện Hòa An, Tỉnh Minh Sơn"
    residence: str = "Số 12 đường Lê Lợi, Thị trấn Hòa An, Huyện Hòa An, Tỉnh Minh Sơn"
    identifying_marks: str = "Nốt ruồi C:2cm trên trước mày phải"
    issue_date: dt.date = dt.date(2021, 7, 1)
    expiry_date: dt.date | None = None  # none: "Không thời hạn" (over 60)
    father: str = "Nguyễn Văn Bình"
    mother: str = "Trần Thị Cúc"
    spouse: str = ""
    old_id_number: str = "091234567"

    @property
    def can(self) -> str:
        return self.id_number[-6:]

    @property
    def document_number(self) -> str:
        return self.id_number[-9:]


def _ascii_name(name: str) -> str:
    text = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c)).upper()


def mrz_lines(p: Person) -> str:
    doc = p.document_number
    l1 = "IDVNM" + doc + check_digit(doc) + p.id_number + "<<" + check_digit(p.id_number)
    birth = p.birth_date.strftime("%y%m%d")
    expiry = (p.expiry_date or dt.date(2099, 12, 31)).strftime("%y%m%d")
    sex = {"Nam": "M", "Nữ": "F"}.get(p.sex, "<")
    l2 = birth + check_digit(birth) + sex + expiry + check_digit(expiry) + "VNM" + "<" * 11
    l2 += check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    parts = _ascii_name(p.full_name).split()
    l3 = (parts[0] + "<<" + "<".join(parts[1:]))[:30].ljust(30, "<")
    assert len(l1) == len(l2) == 30
    return l1 + l2 + l3


def dg1(p: Person) -> bytes:
    return tlv.tlv(0x61, tlv.tlv(0x5F1F, mrz_lines(p).encode()))


def portrait_jp2(seed: int = 0, size: tuple[int, int] = (240, 320)) -> bytes:
    """A drawn face (no real person) encoded as JPEG 2000, the format of many chip portraits."""
    from PIL import Image, ImageDraw

    w, h = size
    img = Image.new("RGB", size, (230, 236, 242))
    d = ImageDraw.Draw(img)
    skin = (224 - seed % 30, 189 - seed % 20, 160)
    d.ellipse((w * 0.2, h * 0.15, w * 0.8, h * 0.8), fill=skin)
    d.rectangle((w * 0.2, h * 0.1, w * 0.8, h * 0.3), fill=(40, 30, 25))
    for x in (0.38, 0.62):
        d.ellipse((w * x - 10, h * 0.42, w * x + 10, h * 0.47), fill=(40, 40, 40))
    d.arc((w * 0.38, h * 0.55, w * 0.62, h * 0.68), 20, 160, fill=(150, 60, 60), width=4)
    buf = io.BytesIO()
    img.save(buf, "JPEG2000", quality_mode="rates", quality_layers=[40])
    return buf.getvalue()


def dg2(image: bytes) -> bytes:
    """DG2 with one ISO/IEC 19794-5 facial record around ``image``."""
    face_info = bytes(20)  # landmarks 0, sex, eyes, hair, features, expression, pose: unspecified
    image_info = bytes([0x01, 0x01]) + (240).to_bytes(2, "big") + (320).to_bytes(2, "big") + bytes(4)
    record = face_info + image_info + image
    header = b"FAC\x00" + b"010\x00" + (14 + len(record) + 4).to_bytes(4, "big") + (1).to_bytes(2, "big")
    block = header + (len(record) + 4).to_bytes(4, "big") + record
    bht = tlv.tlv(
        0xA1,
        tlv.tlv(0x80, b"\x01\x01") + tlv.tlv(0x81, b"\x02") + tlv.tlv(0x87, b"\x01\x01") + tlv.tlv(0x88, b"\x00\x08"),
    )
    template = tlv.tlv(0x7F60, bht + tlv.tlv(0x5F2E, block))
    return tlv.tlv(0x75, tlv.tlv(0x7F61, tlv.tlv(0x02, b"\x01") + template))


def dg13(p: Person) -> bytes:
    def field_(n: int, *values: bytes) -> bytes:
        return tlv.tlv(0x30, tlv.tlv(0x02, bytes([n])) + b"".join(values))

    def utf8(text: str) -> bytes:
        return tlv.tlv(0x0C, unicodedata.normalize("NFC", text).encode())

    def printable(text: str) -> bytes:
        return tlv.tlv(0x13, text.encode())

    expiry = p.expiry_date.strftime("%d/%m/%Y") if p.expiry_date else "Không thời hạn"
    fields = [
        field_(1, printable(p.id_number)),
        field_(2, utf8(p.full_name)),
        field_(3, printable(p.birth_date.strftime("%d/%m/%Y"))),
        field_(4, utf8(p.sex)),
        field_(5, utf8(p.nationality)),
        field_(6, utf8(p.ethnicity)),
        field_(7, utf8(p.religion)),
        field_(8, utf8(p.place_of_origin)),
        field_(9, utf8(p.residence)),
        field_(10, utf8(p.identifying_marks)),
        field_(11, printable(p.issue_date.strftime("%d/%m/%Y"))),
        field_(12, utf8(expiry)),
        field_(13, tlv.tlv(0x30, utf8(p.father)), tlv.tlv(0x30, utf8(p.mother))),
        field_(14, *([tlv.tlv(0x30, utf8(p.spouse))] if p.spouse else [])),
        field_(15, printable(p.old_id_number)),
        field_(16, printable("0011223344556677")),
    ]
    oid = tlv.tlv(0x06, bytes.fromhex("28D316010008"))  # 1.0.10646.1.0.8, UTF-8
    body = tlv.tlv(0x02, b"\x01") + oid + tlv.tlv(0x31, b"".join(fields))
    return tlv.tlv(0x6D, tlv.tlv(0x30, body))


def card_access() -> bytes:
    return tlv.tlv(0x31, TA_INFO + CA_INFO + PACE_INFO_AES128_BP256)


def com(groups: list[int]) -> bytes:
    tags = bytes({1: 0x61, 2: 0x75, 13: 0x6D, 14: 0x6E, 15: 0x6F}[g] for g in groups)
    return tlv.tlv(0x60, tlv.tlv(0x5F01, b"0107") + tlv.tlv(0x5F36, b"040000") + tlv.tlv(0x5C, tags))


@dataclass
class SigningChain:
    csca: x509.Certificate
    dsc: x509.Certificate
    dsc_key: ec.EllipticCurvePrivateKey


def _name(cn: str, country: str = "VN") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, country), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def signing_chain(label: str = "TEST", country: str = "VN") -> SigningChain:
    """A fresh CSCA and document signer (ECDSA P-256), clearly marked as test certificates."""
    now = dt.datetime.now(dt.UTC)
    csca_key = ec.generate_private_key(ec.SECP256R1())
    csca_name = _name(f"{label} CSCA (synthetic, not valid)", country)
    csca = (
        x509.CertificateBuilder()
        .subject_name(csca_name)
        .issuer_name(csca_name)
        .public_key(csca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(csca_key, hashes.SHA256())
    )
    dsc_key = ec.generate_private_key(ec.SECP256R1())
    dsc = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{label} Document Signer (synthetic)", country))
        .issuer_name(csca_name)
        .public_key(dsc_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(csca_key, hashes.SHA256())
    )
    return SigningChain(csca, dsc, dsc_key)


def sod(groups: dict[int, bytes], chain: SigningChain) -> bytes:
    """EF.SOD: a CMS SignedData over the SHA-256 hashes of ``groups``."""
    lds = LdsSecurityObject(
        {
            "version": 0,
            "hash_algorithm": {"algorithm": "sha256"},
            "data_group_hash_values": DataGroupHashes(
                [
                    DataGroupHash({"data_group_number": n, "data_group_hash_value": hashlib.sha256(d).digest()})
                    for n, d in sorted(groups.items())
                ]
            ),
            "lds_version_info": LdsVersionInfo({"lds_version": "0108", "unicode_version": "040000"}),
        }
    ).dump()
    attrs = cms.CMSAttributes(
        [
            {"type": "content_type", "values": [LDS_SECURITY_OBJECT]},
            {"type": "message_digest", "values": [hashlib.sha256(lds).digest()]},
        ]
    )
    signature = chain.dsc_key.sign(attrs.dump(), ec.ECDSA(hashes.SHA256()))
    cert = asn1_x509.Certificate.load(chain.dsc.public_bytes(serialization.Encoding.DER))
    signer = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                "issuer_and_serial_number",
                cms.IssuerAndSerialNumber({"issuer": cert.issuer, "serial_number": cert.serial_number}),
            ),
            "digest_algorithm": {"algorithm": "sha256"},
            "signed_attrs": attrs,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}),
            "signature": signature,
        }
    )
    signed = cms.SignedData(
        {
            "version": "v3",
            "digest_algorithms": [{"algorithm": "sha256"}],
            "encap_content_info": {
                "content_type": LDS_SECURITY_OBJECT,
                "content": core.ParsableOctetString(lds),
            },
            "certificates": [cert],
            "signer_infos": [signer],
        }
    )
    return tlv.tlv(0x77, cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump())


def _spki(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def dg14(ca_key: ec.EllipticCurvePrivateKey) -> bytes:
    """Chip authentication (ECDH, AES-128, key 1), its public key, active authentication with
    ECDSA-SHA256 (plain signatures), and PACE."""
    ca_info = tlv.tlv(
        0x30, tlv.tlv(0x06, bytes.fromhex("04007F00070202030202")) + tlv.tlv(0x02, b"\x01") + tlv.tlv(0x02, b"\x01")
    )
    ca_key_info = tlv.tlv(
        0x30, tlv.tlv(0x06, bytes.fromhex("04007F000702020102")) + _spki(ca_key) + tlv.tlv(0x02, b"\x01")
    )
    aa_info = tlv.tlv(
        0x30,
        tlv.tlv(0x06, bytes.fromhex("678108010105"))
        + tlv.tlv(0x02, b"\x01")
        + tlv.tlv(0x06, bytes.fromhex("04007F00070101040103")),
    )
    return tlv.tlv(0x6E, tlv.tlv(0x31, ca_info + ca_key_info + aa_info + PACE_INFO_AES128_BP256))


def dg15(aa_key: ec.EllipticCurvePrivateKey) -> bytes:
    return tlv.tlv(0x6F, _spki(aa_key))


@dataclass
class CardContents:
    person: Person
    files: dict[str, bytes] = field(default_factory=dict)  # "COM", "DG1", ..., "SOD", "CardAccess"
    chain: SigningChain | None = None
    ca_key: ec.EllipticCurvePrivateKey | None = None  # the chip's static chip-authentication key
    aa_key: ec.EllipticCurvePrivateKey | None = None  # the chip's active-authentication key


def make_card(
    person: Person | None = None, chain: SigningChain | None = None, portrait: bytes | None = None
) -> CardContents:
    """A card for ``person``; ``portrait`` (JPEG or JPEG 2000) replaces the drawn face."""
    person = person or Person()
    chain = chain or signing_chain()
    ca_key = ec.generate_private_key(ec.BrainpoolP256R1())
    aa_key = ec.generate_private_key(ec.SECP256R1())
    files = {
        "DG1": dg1(person),
        "DG2": dg2(portrait or portrait_jp2(int(person.id_number[-3:]))),
        "DG13": dg13(person),
        "DG14": dg14(ca_key),
        "DG15": dg15(aa_key),
    }
    signed = {int(name[2:]): data for name, data in files.items()}
    files["COM"] = com(sorted(signed))
    files["SOD"] = sod(signed, chain)
    files["CardAccess"] = card_access()
    return CardContents(person, files, chain, ca_key, aa_key)

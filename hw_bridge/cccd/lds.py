"""The files of the eMRTD application (ICAO 9303-10 Logical Data Structure) as the CCCD and
passports hold them: EF.COM, DG1 (the machine-readable zone, TD1, TD2 or TD3), DG2 (the portrait), DG13 (the Vietnamese
personal data, keyed by field number). Parsers take the whole file bytes and never guess by
position: a malformed file raises ``ValueError``."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from dataclasses import dataclass, field

from . import tlv
from .crypto import check_digit

# file identifier, short file identifier and tag of each file we read
FILES: dict[str, tuple[int, int, int]] = {
    "COM": (0x011E, 0x1E, 0x60),
    "DG1": (0x0101, 0x01, 0x61),
    "DG2": (0x0102, 0x02, 0x75),
    "DG13": (0x010D, 0x0D, 0x6D),
    "DG14": (0x010E, 0x0E, 0x6E),
    "DG15": (0x010F, 0x0F, 0x6F),
    "SOD": (0x011D, 0x1D, 0x77),
}
TAG_TO_DG = {0x61: 1, 0x75: 2, 0x63: 3, 0x6D: 13, 0x6E: 14, 0x6F: 15}


def com_groups(com: bytes) -> list[int]:
    """Data group numbers listed in EF.COM (tag list 5C)."""
    body = tlv.find(com, 0x60)
    tags = tlv.find(body or b"", 0x5C) if body is not None else None
    if tags is None:
        raise ValueError("EF.COM without a tag list")
    return sorted(TAG_TO_DG[t] for t in tags if t in TAG_TO_DG)


@dataclass(frozen=True)
class Mrz:
    document_code: str
    issuing_state: str
    document_number: str
    optional1: str
    birth: str  # YYMMDD
    sex: str  # M, F or <
    expiry: str  # YYMMDD
    nationality: str
    optional2: str
    name_field: str  # PRIMARY<<SECONDARY<NAMES<<<
    check_digits_ok: bool
    format: str = "TD1"  # TD1, TD2 or TD3

    @property
    def surname(self) -> str:
        return self.name_field.partition("<<")[0].replace("<", " ").strip()

    @property
    def given_names(self) -> str:
        return self.name_field.partition("<<")[2].replace("<", " ").strip()

    @property
    def names(self) -> str:
        """'SURNAME, GIVEN NAMES' (the Latin transliteration of the document)."""
        return ", ".join(p for p in (self.surname, self.given_names) if p)

    @property
    def full_name(self) -> str:
        """'SURNAME GIVEN NAMES', in the document's order."""
        return " ".join(p for p in (self.surname, self.given_names) if p)

    @property
    def id_number(self) -> str:
        """The 12-digit ID number a CCCD carries in the optional data of line 1."""
        digits = self.optional1.replace("<", "")
        return digits[:12] if len(digits) >= 12 and digits[:12].isdigit() else ""


def _check(field: str, digit: str, optional: bool = False) -> bool:
    """A check digit; an optional field left empty may carry '<' as its digit (9303-4 §4.2.2)."""
    if optional and digit == "<" and not field.strip("<"):
        return True
    return check_digit(field) == digit


def parse_dg1(dg1: bytes) -> Mrz:
    """The MRZ of DG1: TD1 (ID cards, 3 lines of 30), TD2 (2 of 36) or TD3 (passports, 2 of 44),
    its fields and whether every check digit holds."""
    body = tlv.find(dg1, 0x61)
    mrz_bytes = tlv.find(body or b"", 0x5F1F) if body is not None else None
    if mrz_bytes is None:
        raise ValueError("DG1 without an MRZ")
    text = mrz_bytes.decode("ascii")
    if len(text) == 90:
        return _td1(text)
    if len(text) in (72, 88):
        return _td2_td3(text)
    raise ValueError(f"not an MRZ of TD1, TD2 or TD3 ({len(text)} characters)")


def _td1(text: str) -> Mrz:
    l1, l2, l3 = text[:30], text[30:60], text[60:]
    checks = [
        _check(l1[5:14], l1[14]),
        _check(l2[0:6], l2[6]),
        _check(l2[8:14], l2[14]),
        _check(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29]),
    ]
    return Mrz(
        document_code=l1[0:2].rstrip("<"),
        issuing_state=l1[2:5],
        document_number=l1[5:14].rstrip("<"),
        optional1=l1[15:30],
        birth=l2[0:6],
        sex=l2[7],
        expiry=l2[8:14],
        nationality=l2[15:18],
        optional2=l2[18:29],
        name_field=l3,
        check_digits_ok=all(checks),
        format="TD1",
    )


def _td2_td3(text: str) -> Mrz:
    """TD3 (passports) and TD2 share one layout: line 2 holds the number, dates and an optional
    field (the personal number in TD3, with its own check digit) before the composite digit."""
    width = len(text) // 2
    l1, l2 = text[:width], text[width:]
    td3 = width == 44
    optional = l2[28:42] if td3 else l2[28:35]
    checks = [
        _check(l2[0:9], l2[9]),
        _check(l2[13:19], l2[19]),
        _check(l2[21:27], l2[27]),
        _check(l2[0:10] + l2[13:20] + l2[21 : width - 1], l2[width - 1]),
    ]
    if td3:
        checks.append(_check(optional, l2[42], optional=True))
    return Mrz(
        document_code=l1[0:2].rstrip("<"),
        issuing_state=l1[2:5],
        document_number=l2[0:9].rstrip("<"),
        optional1="",
        birth=l2[13:19],
        sex=l2[20],
        expiry=l2[21:27],
        nationality=l2[10:13],
        optional2=optional,
        name_field=l1[5:],
        check_digits_ok=all(checks),
        format="TD3" if td3 else "TD2",
    )


@dataclass(frozen=True)
class Portrait:
    format: str  # "jpeg" or "jpeg2000"
    data: bytes
    width: int
    height: int


JPEG_SOI = b"\xff\xd8\xff"
JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
J2K_CODESTREAM = b"\xff\x4f\xff\x51"


def parse_dg2(dg2: bytes) -> Portrait:
    """The first facial image of DG2 (ISO/IEC 19794-5 inside the biometric template), decoded
    to check that it is a real image."""
    from PIL import Image  # only the bridge needs Pillow

    body = _biometric_data(dg2)
    for fmt, magic in (("jpeg", JPEG_SOI), ("jpeg2000", JP2_SIGNATURE), ("jpeg2000", J2K_CODESTREAM)):
        at = body.find(magic)
        if at >= 0:
            data = body[at:]
            try:
                with Image.open(io.BytesIO(data)) as img:
                    img.load()
                    return Portrait(fmt, data, img.width, img.height)
            except Exception as exc:  # Pillow raises several kinds for a broken image
                raise ValueError(f"the portrait does not decode: {exc}") from None
    raise ValueError("no JPEG or JPEG 2000 image in DG2")


def _biometric_data(dg2: bytes) -> bytes:
    """The biometric data block (5F2E or 7F2E) of the first biometric template."""
    stack = [dg2]
    while stack:
        data = stack.pop(0)
        for tag, value in tlv.parse(data):
            if tag in (0x5F2E, 0x7F2E):
                return value
            if tag in (0x75, 0x7F61, 0x7F60, 0xA1):
                stack.append(value)
    raise ValueError("DG2 has no biometric data block")


# DG13 field numbers -> names (the DG13 layout of the Vietnamese card)
DG13_FIELDS = {
    1: "id_number",
    2: "full_name",
    3: "birth_date",
    4: "sex",
    5: "nationality",
    6: "ethnicity",
    7: "religion",
    8: "place_of_origin",
    9: "residence",
    10: "identifying_marks",
    11: "issue_date",
    12: "expiry_date",
    13: "parents",
    14: "spouse",
    15: "old_id_number",
    16: "chip_serial",
}
STRING_TAGS = (0x0C, 0x13, 0x16, 0x1E)  # UTF8String, PrintableString, IA5String, BMPString


@dataclass
class PersonalData:
    """DG13 as read: each field by its number's name; text NFC-normalised."""

    fields: dict[str, str] = field(default_factory=dict)
    parents: list[str] = field(default_factory=list)
    spouse: str = ""
    unknown: dict[int, list[str]] = field(default_factory=dict)

    def date(self, name: str) -> dt.date | None:
        text = self.fields.get(name, "")
        try:
            return dt.datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError:
            return None


def _strings(data: bytes) -> list[str]:
    """Every string inside ``data`` (nested constructed objects included), in order."""
    out = []
    for tag, value in tlv.parse(data):
        if tag in STRING_TAGS:
            text = value.decode("utf-16-be") if tag == 0x1E else value.decode("utf-8")
            out.append(unicodedata.normalize("NFC", text).strip())
        elif tag & 0x20:  # constructed: look inside
            out.extend(_strings(value))
    return out


def parse_dg13(dg13: bytes) -> PersonalData:
    body = tlv.find(dg13, 0x6D)
    seq = tlv.find(body or b"", 0x30) if body is not None else None
    if seq is None:
        raise ValueError("DG13 without its sequence")
    fields = tlv.find(seq, 0x31)
    if fields is None:
        raise ValueError("DG13 without its set of fields")
    out = PersonalData()
    for tag, item in tlv.parse(fields):
        if tag != 0x30:
            continue
        parts = list(tlv.parse(item))
        if not parts or parts[0][0] != 0x02:
            continue
        number = int.from_bytes(parts[0][1], "big")
        rest = b"".join(tlv.tlv(t, v) for t, v in parts[1:])
        texts = [s for s in _strings(rest) if s]
        if number == 13:
            out.parents = texts
        elif number == 14:
            out.spouse = texts[0] if texts else ""
        elif number in DG13_FIELDS:
            out.fields[DG13_FIELDS[number]] = texts[0] if texts else ""
        else:
            out.unknown[number] = texts
    return out

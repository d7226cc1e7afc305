"""Reading a CCCD or a passport (any ICAO 9303 eMRTD) from card-present to identity:
EF.CardAccess, PACE with the CAN or the MRZ data (BAC with the MRZ data where the chip has no
PACE), the eMRTD application under secure messaging, the data groups, and passive
authentication. The result is all or nothing: any failure raises a ``CardError`` with
a stable code and no partial identity escapes. APDU payloads are never logged."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field

from cryptography import x509

from ..errors import CardError, authenticity_failed, status_error, unsupported_card, wrong_mrz
from . import authenticity, bac, chip, crypto, lds, pace, tlv
from .card import SW_OK, CardSession, Transport
from .sm import Command

AID = bytes.fromhex("A0000002471001")  # the eMRTD application
PACE_INFO_AES128_BP256 = bytes.fromhex("3012060A04007F0007020204020202010202010D")

# What Vietnamese cards advertise (as seen in Vietnamese readers' apps), used when EF.CardAccess cannot be read
DEFAULT_CARD_ACCESS = tlv.tlv(0x31, PACE_INFO_AES128_BP256)


@dataclass
class CardRead:
    id_number: str
    full_name: str
    birth_date: str  # YYYY-MM-DD
    sex: str  # "male", "female" or ""
    fields: dict[str, str]
    parents: list[str]
    spouse: str
    mrz_names: str
    portrait: lds.Portrait | None
    authenticity: authenticity.Authenticity
    access: str  # "pace" or "bac"
    chip_authentication: bool  # ran and passed (False: the card does not offer it)
    active_authentication: bool
    apdus: int
    seconds: float
    groups: list[int] = field(default_factory=list)
    document: str = "id_card"  # "id_card" (a Vietnamese CCCD, DG13) or "passport" (any other eMRTD)
    document_number: str = ""
    nationality: str = ""  # the MRZ's three-letter code
    expiry_date: str = ""  # YYYY-MM-DD; "" when the document has none

    def public(self) -> dict[str, object]:
        """What the bridge sends to the kiosk page (no portrait bytes, no chip serial)."""
        return {
            "source": "passport" if self.document == "passport" else "chip",
            "id_number": self.id_number,
            "name": self.full_name,
            "dob": self.birth_date,
            "sex": self.sex,
            "document_number": self.document_number,
            "nationality": self.nationality,
            "expiry": self.expiry_date,
            "fields": {k: v for k, v in self.fields.items() if k != "chip_serial"},
            "parents": self.parents,
            "spouse": self.spouse,
            "portrait": self.portrait is not None,
            "authenticity": self.authenticity.status,
            "signer": self.authenticity.signer,
            "access": self.access,
            "chip_authentication": self.chip_authentication,
            "active_authentication": self.active_authentication,
            "apdus": self.apdus,
            "elapsed_ms": round(self.seconds * 1000),
        }


def _card_access(card: CardSession) -> bytes | None:
    """EF.CardAccess, read at MF level without selecting the MF (Vietnamese cards refuse that):
    by its short file identifier, else by SELECT; None if the chip has none."""
    data, sw = card.read_binary(0, 256, sfi=0x1C)
    if sw not in (SW_OK, 0x6282) or not data:
        data, sw = card.read_binary(0, 256) if card.select_file(0x011C) == SW_OK else (b"", 0x6A82)
    return data if sw in (SW_OK, 0x6282) and data else None


def _open(card: CardSession, can: str | None, mrz_information: bytes | None) -> str:
    """Open the chip: PACE with the CAN, else PACE with the MRZ data, else BAC with the MRZ
    data; the eMRTD application is then selected under secure messaging. Returns the access."""
    card_access = _card_access(card)
    if card_access is None and can is not None:
        card_access = DEFAULT_CARD_ACCESS  # what Vietnamese cards are known to offer
    paces = pace.pace_infos(card_access or b"")
    if can is not None and paces:
        alg, size = paces[0].cipher
        pace.establish(card, paces[0], crypto.kdf(can.encode(), crypto.KDF_PACE, alg, size), pace.PASSWORD_CAN)
        card.select_application(AID)
        return "pace"
    if mrz_information is None:
        raise unsupported_card(
            "no key to open the card" if can is None else "the card offers no PACE we support and no MRZ data"
        )
    if paces:
        alg, size = paces[0].cipher
        k_pi = crypto.kdf(hashlib.sha1(mrz_information).digest(), crypto.KDF_PACE, alg, size)
        try:
            pace.establish(card, paces[0], k_pi, pace.PASSWORD_MRZ)
        except CardError as exc:
            if exc.code == "wrong_can":
                raise wrong_mrz(exc.detail) from None
            if exc.code != "unsupported_card":
                raise
        else:
            card.select_application(AID)
            return "pace"
    _data, sw = card.send(Command(0x00, 0xA4, 0x04, 0x0C, AID))  # BAC, as every eMRTD offers it
    if sw != SW_OK:
        raise unsupported_card(f"select eMRTD {sw:04X}")
    bac.authenticate(card, mrz_information)
    return "bac"


def read_card(
    transport: Transport,
    can: str | None = None,
    mrz_information: bytes | None = None,
    with_portrait: bool = True,
    trust_store: list[x509.Certificate] | None = None,
) -> CardRead:
    """Read a Vietnamese ID card (with the CAN or the MRZ data) or any other eMRTD, a passport
    above all (with the MRZ data: document number, birth and expiry dates)."""
    t0 = time.perf_counter()
    card = CardSession(transport)
    access = _open(card, can, mrz_information)
    files: dict[str, bytes] = {}
    com = card.read_file("EF.COM", *_ids("COM"))
    if com is None:
        raise unsupported_card("no EF.COM")
    groups = lds.com_groups(com)

    def read(number: int) -> bytes:
        if number not in groups:
            raise unsupported_card(f"DG{number} missing")
        data = card.read_file(f"DG{number}", *_ids(f"DG{number}"))
        if data is None:  # listed in EF.COM, yet not on the chip
            raise status_error(0x6A82, f"DG{number}")
        files[f"DG{number}"] = data
        return data

    infos = chip.security_infos(read(14)) if 14 in groups else chip.SecurityInfos()
    ca = chip.chip_authentication(card, infos)
    try:
        read(1)
    except CardError as exc:
        if ca and exc.code == "secure_messaging_failed":  # a copy: it lacks DG14's private key
            raise authenticity_failed("chip authentication: the chip does not hold the key of DG14") from None
        raise
    try:
        mrz = lds.parse_dg1(files["DG1"])
    except (ValueError, UnicodeDecodeError) as exc:
        raise unsupported_card(f"unreadable DG1 ({exc})") from None
    id_card = mrz.format == "TD1" and mrz.issuing_state == "VNM" and mrz.document_code.startswith("I")
    for number in ([13] if id_card else []) + ([2] if with_portrait else []):
        read(number)
    aa = chip.active_authentication(card, read(15), infos) if 15 in groups else False
    sod = card.read_file("EF.SOD", *_ids("SOD"))
    if sod is None:
        raise authenticity_failed("no EF.SOD")
    checked = authenticity.verify(sod, {int(k[2:]): v for k, v in files.items()}, trust_store)
    try:
        personal = lds.parse_dg13(files["DG13"]) if id_card else lds.PersonalData()
        portrait = lds.parse_dg2(files["DG2"]) if with_portrait else None
    except (ValueError, UnicodeDecodeError) as exc:
        raise unsupported_card(f"unreadable data group ({exc})") from None
    if not mrz.check_digits_ok:
        raise authenticity_failed("a check digit of the MRZ is wrong")
    common = {
        "mrz_names": mrz.names,
        "portrait": portrait,
        "authenticity": checked,
        "access": access,
        "chip_authentication": ca,
        "active_authentication": aa,
        "apdus": card.apdus,
        "seconds": time.perf_counter() - t0,
        "groups": sorted(int(k[2:]) for k in files),
        "document_number": mrz.document_number,
        "nationality": mrz.nationality,
        "expiry_date": _mrz_date(mrz.expiry, future=True),
    }
    if not id_card:
        fields = {"document_code": mrz.document_code, "issuing_state": mrz.issuing_state}
        return CardRead(
            id_number="",
            full_name=mrz.full_name,
            birth_date=_mrz_date(mrz.birth, future=False),
            sex=MRZ_SEX.get(mrz.sex, ""),
            fields=fields,
            parents=[],
            spouse="",
            document="passport",
            **common,  # type: ignore[arg-type]
        )
    id_number = personal.fields.get("id_number", "") or mrz.id_number
    if mrz.id_number and mrz.id_number != id_number:
        raise authenticity_failed("the MRZ and the personal data disagree")
    birth = personal.date("birth_date")
    return CardRead(
        id_number=id_number,
        full_name=personal.fields.get("full_name", ""),
        birth_date=birth.isoformat() if birth else "",
        sex={"nam": "male", "nữ": "female"}.get(personal.fields.get("sex", "").lower(), ""),
        fields=personal.fields,
        parents=personal.parents,
        spouse=personal.spouse,
        **common,  # type: ignore[arg-type]
    )


MRZ_SEX = {"M": "male", "F": "female"}


def _mrz_date(yymmdd: str, future: bool) -> str:
    """YYMMDD as YYYY-MM-DD: a birth date is in the past, an expiry date within 50 years on;
    "" when the field is empty or not a date."""
    try:
        yy, mm, dd = int(yymmdd[0:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
        this = dt.date.today().year
        year = this - this % 100 + yy
        if future and year < this - 50:
            year += 100
        elif not future and year > this:
            year -= 100
        return dt.date(year, mm, dd).isoformat()
    except ValueError:
        return ""


def _ids(name: str) -> tuple[int, int]:
    fid, sfi, _tag = lds.FILES[name]
    return fid, sfi


__all__ = ["CardError", "CardRead", "read_card"]

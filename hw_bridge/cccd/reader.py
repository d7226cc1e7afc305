"""Reading a CCCD from card-present to identity: EF.CardAccess, PACE with the CAN (BAC with
the MRZ data as fallback), the eMRTD application under secure messaging, the data groups, and
passive authentication. The result is all or nothing: any failure raises a ``CardError`` with
a stable code and no partial identity escapes. APDU payloads are never logged."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from cryptography import x509

from ..errors import CardError, authenticity_failed, unsupported_card
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

    def public(self) -> dict[str, object]:
        """What the bridge sends to the kiosk page (no portrait bytes, no chip serial)."""
        return {
            "id_number": self.id_number,
            "name": self.full_name,
            "dob": self.birth_date,
            "sex": self.sex,
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


def _card_access(card: CardSession) -> bytes:
    """EF.CardAccess, read at MF level without selecting the MF (Vietnamese cards refuse that):
    by its short file identifier, else by SELECT; else what these cards are known to offer."""
    data, sw = card.read_binary(0, 256, sfi=0x1C)
    if sw not in (SW_OK, 0x6282) or not data:
        data, sw = card.read_binary(0, 256) if card.select_file(0x011C) == SW_OK else (b"", 0x6A82)
    return data if sw in (SW_OK, 0x6282) and data else DEFAULT_CARD_ACCESS


def read_card(
    transport: Transport,
    can: str | None = None,
    mrz_information: bytes | None = None,
    with_portrait: bool = True,
    trust_store: list[x509.Certificate] | None = None,
) -> CardRead:
    t0 = time.perf_counter()
    card = CardSession(transport)
    access = ""
    paces = pace.pace_infos(_card_access(card))
    if can is not None and paces:
        info = paces[0]
        alg, size = info.cipher
        pace.establish(card, info, crypto.kdf(can.encode(), crypto.KDF_PACE, alg, size), pace.PASSWORD_CAN)
        card.select_application(AID)
        access = "pace"
    elif mrz_information is not None:
        _data, sw = card.send(Command(0x00, 0xA4, 0x04, 0x0C, AID))
        if sw != SW_OK:
            raise unsupported_card(f"select eMRTD {sw:04X}")
        bac.authenticate(card, mrz_information)
        access = "bac"
    elif can is not None:
        raise unsupported_card("the card offers no PACE we support and no MRZ data was given for BAC")
    else:
        raise unsupported_card("no key to open the card")
    files: dict[str, bytes] = {}
    com = card.read_file(*_ids("COM"))
    if com is None:
        raise unsupported_card("no EF.COM")
    groups = lds.com_groups(com)

    def read(number: int) -> bytes:
        if number not in groups:
            raise unsupported_card(f"DG{number} missing")
        data = card.read_file(*_ids(f"DG{number}"))
        if data is None:
            raise unsupported_card(f"DG{number} unreadable")
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
    for number in [13] + ([2] if with_portrait else []):
        read(number)
    aa = chip.active_authentication(card, read(15), infos) if 15 in groups else False
    sod = card.read_file(*_ids("SOD"))
    if sod is None:
        raise authenticity_failed("no EF.SOD")
    checked = authenticity.verify(sod, {int(k[2:]): v for k, v in files.items()}, trust_store)
    try:
        mrz = lds.parse_dg1(files["DG1"])
        personal = lds.parse_dg13(files["DG13"])
        portrait = lds.parse_dg2(files["DG2"]) if with_portrait else None
    except (ValueError, UnicodeDecodeError) as exc:
        raise unsupported_card(f"unreadable data group ({exc})") from None
    id_number = personal.fields.get("id_number", "") or mrz.id_number
    if not mrz.check_digits_ok or (mrz.id_number and mrz.id_number != id_number):
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
        mrz_names=mrz.names,
        portrait=portrait,
        authenticity=checked,
        access=access,
        chip_authentication=ca,
        active_authentication=aa,
        apdus=card.apdus,
        seconds=time.perf_counter() - t0,
        groups=sorted(int(k[2:]) for k in files),
    )


def _ids(name: str) -> tuple[int | None, int | None]:
    fid, sfi, _tag = lds.FILES[name]
    return fid, sfi


__all__ = ["CardError", "CardRead", "read_card"]

"""The other identity inputs of the kiosk: the QR code printed on the front of the CCCD, the
typed 12-digit ID number, the 15-character health-insurance (BHYT) number, and a passport's
MRZ data (document number, birth and expiry dates) typed on the keypad.

The QR holds ``id|old id|name|ddmmyyyy|sex|address|issue ddmmyyyy`` (newer cards add empty
fields at the end). It is not signed: it identifies, it does not prove; the chip does. Its ID
number gives the CAN (the last 6 digits) that opens the chip with PACE."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from ..errors import CardError
from .crypto import mrz_information

ID_NUMBER = re.compile(r"^[0-9]{12}$")
OLD_ID = re.compile(r"^([0-9]{9}|[0-9]{12})?$")
BHYT = re.compile(r"^[A-Z]{2}[1-5][0-9]{12}$")
PASSPORT_NUMBER = re.compile(r"^[A-Z0-9]{1,9}$")


def validate_id_number(raw: str) -> str:
    value = "".join(raw.split())
    if not ID_NUMBER.match(value):
        raise CardError("invalid_id_number")
    return value


def validate_bhyt(raw: str) -> str:
    value = "".join(raw.split()).upper()
    if not BHYT.match(value):
        raise CardError("invalid_bhyt_number")
    return value


def passport_key(document_number: str, birth_date: str, expiry_date: str) -> bytes:
    """The MRZ data that opens a passport's chip (BAC, or PACE with the MRZ as password), from
    what the patient typed: the document number and the dates as YYYY-MM-DD (or the MRZ's
    YYMMDD). Each part at fault has its own error."""
    number = "".join(document_number.split()).upper()
    if not PASSPORT_NUMBER.match(number):
        raise CardError("invalid_passport_number")
    return mrz_information(number, _mrz_date(birth_date, "birth"), _mrz_date(expiry_date, "expiry"))


def _mrz_date(text: str, which: str) -> str:
    for fmt in ("%Y-%m-%d", "%y%m%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).strftime("%y%m%d")
        except ValueError:
            pass
    raise CardError(f"invalid_passport_date.{which}")


def _date(text: str, code: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%d%m%Y").date()
    except ValueError:
        raise CardError(code) from None


@dataclass(frozen=True)
class CardQr:
    id_number: str
    old_id_number: str
    name: str
    birth_date: dt.date
    sex: str  # "male" or "female"
    address: str
    issue_date: dt.date | None

    @property
    def can(self) -> str:
        """The card access number that opens the chip: the last 6 digits of the ID number."""
        return self.id_number[-6:]


def parse_qr(text: str) -> CardQr:
    parts = text.strip().split("|")
    while len(parts) > 7 and parts[-1] == "":
        parts.pop()  # the empty fields newer cards add
    if len(parts) not in (6, 7):
        raise CardError("qr_format", f"{len(parts)} fields")
    id_number = validate_id_number(parts[0])
    if not OLD_ID.match(parts[1]):
        raise CardError("invalid_old_id")
    name = unicodedata.normalize("NFC", parts[2]).strip()
    if not name:
        raise CardError("qr_format.no_name")
    birth = _date(parts[3], "invalid_birth_date")
    sex_text = unicodedata.normalize("NFC", parts[4]).strip().lower()
    sex = {"nam": "male", "nữ": "female"}.get(sex_text)
    if sex is None:
        raise CardError("invalid_sex")
    issue = _date(parts[6], "invalid_issue_date") if len(parts) == 7 and parts[6] else None
    return CardQr(id_number, parts[1], name, birth, sex, unicodedata.normalize("NFC", parts[5]).strip(), issue)

"""The other identity inputs of the kiosk: the QR code printed on the front of the CCCD, the
typed 12-digit ID number and the 15-character health-insurance (BHYT) number.

The QR holds ``id|old id|name|ddmmyyyy|sex|address|issue ddmmyyyy`` (newer cards add empty
fields at the end). It is not signed: it identifies, it does not prove; the chip does. Its ID
number gives the CAN (the last 6 digits) that opens the chip with PACE."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from ..errors import CardError

ID_NUMBER = re.compile(r"^[0-9]{12}$")
OLD_ID = re.compile(r"^([0-9]{9}|[0-9]{12})?$")
BHYT = re.compile(r"^[A-Z]{2}[1-5][0-9]{12}$")


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

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

from .errors import CardError

ID_NUMBER = re.compile(r"^[0-9]{12}$")
OLD_ID = re.compile(r"^([0-9]{9}|[0-9]{12})?$")
BHYT = re.compile(r"^[A-Z]{2}[1-5][0-9]{12}$")


def _bad(code: str, vi: str, en: str, detail: str = "") -> CardError:
    return CardError(code, vi, en, detail)


def validate_id_number(raw: str) -> str:
    value = "".join(raw.split())
    if not ID_NUMBER.match(value):
        raise _bad(
            "invalid_id_number",
            "Số định danh cá nhân phải gồm đúng 12 chữ số.",
            "The personal ID number must be exactly 12 digits.",
        )
    return value


def validate_bhyt(raw: str) -> str:
    value = "".join(raw.split()).upper()
    if not BHYT.match(value):
        raise _bad(
            "invalid_bhyt_number",
            "Số thẻ BHYT gồm 15 ký tự: 2 chữ cái, 1 chữ số mức hưởng (1-5) và 12 chữ số.",
            "A BHYT card number has 15 characters: 2 letters, a benefit digit (1-5) and 12 digits.",
        )
    return value


def _date(text: str, code: str, what_vi: str, what_en: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%d%m%Y").date()
    except ValueError:
        raise _bad(
            code, f"{what_vi} trong mã QR không hợp lệ.", f"The {what_en} in the QR code is not valid."
        ) from None


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
        raise _bad(
            "qr_format",
            "Mã QR không phải của thẻ căn cước.",
            "This QR code is not from an ID card.",
            f"{len(parts)} fields",
        )
    id_number = validate_id_number(parts[0])
    if not OLD_ID.match(parts[1]):
        raise _bad(
            "invalid_old_id", "Số CMND cũ trong mã QR không hợp lệ.", "The old ID number in the QR code is not valid."
        )
    name = unicodedata.normalize("NFC", parts[2]).strip()
    if not name:
        raise _bad("qr_format", "Mã QR thiếu họ tên.", "The QR code has no name.")
    birth = _date(parts[3], "invalid_birth_date", "Ngày sinh", "date of birth")
    sex_text = unicodedata.normalize("NFC", parts[4]).strip().lower()
    sex = {"nam": "male", "nữ": "female"}.get(sex_text)
    if sex is None:
        raise _bad("invalid_sex", "Giới tính trong mã QR không hợp lệ.", "The sex in the QR code is not valid.")
    issue = _date(parts[6], "invalid_issue_date", "Ngày cấp", "issue date") if len(parts) == 7 and parts[6] else None
    return CardQr(id_number, parts[1], name, birth, sex, unicodedata.normalize("NFC", parts[5]).strip(), issue)

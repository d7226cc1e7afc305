"""The rules of the numbers a patient identifies with (pure): the 12-digit personal ID number,
the 15-character BHYT card number (or the 10-digit social-insurance number alone), and the
fields and dates of the QR code printed on the chip ID card (and shown by the VNeID app).

Every refusal is an :class:`IdentityError` whose catalogue entry names the part at fault, in
Vietnamese and English (``invalid_id_number.province``: "digits 1-3 ..."). The consistency of an
ID number with a date of birth and sex is checked by :func:`id_mismatches`: ``identity`` refuses
a typed mismatch and only warns staff of one the card itself carries (chip, QR, VNeID).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import msgspec

from .errors import IdentityError

# Digits 1-3 of the personal ID: the province (or centrally run city) where the birth was
# registered. Decree 137/2015/NĐ-CP Art. 7 sets the structure; the code table is Annex I of
# Circular 07/2016/TT-BCA, carried over by Circular 59/2021/TT-BCA (Art. 7 and its annex): the
# 2-digit administrative codes of the 63 provinces (Decision 124/2004/QĐ-TTg) with a leading 0,
# 001 Hà Nội ... 096 Cà Mau. The gaps (003, 005, 007, ...) are no province. The merger of 1 July
# 2025 changes no number already issued. (Births registered abroad are given the code of a
# country in that annex: such a number is refused when typed; read from the card it is a
# warning for staff, like every other disagreement of the card with these rules.)
PROVINCES: frozenset[str] = frozenset(
    f"{n:03d}"
    for n in (
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36,
        37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74,
        75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    )
)  # fmt: skip

# The BHYT card: 2 letters of the beneficiary group (mã đối tượng), the benefit level 1-5, the
# 2-digit code of the issuing social-insurance province, the 10-digit social-insurance number.
# Groups: Decision 1351/QĐ-BHXH (16/11/2015) Annex 1, amended by Decisions 1697/QĐ-BHXH (2023)
# and 1018/QĐ-BHXH (2024); a group the social insurance adds is one line here.
BHYT_GROUPS: frozenset[str] = frozenset(
    [
        "DN", "HX", "CH", "NN", "TK", "HC", "XK", "CA", "TB", "NO", "XB", "TN", "CS", "XN", "MS", "HD", "TQ", "TA",
        "TY", "HG", "LS", "HS", "SV", "GB", "GD", "ND", "TH", "TV", "TD", "TU", "BA", "HT", "TC", "CN", "PV", "TG",
        "DS", "HK", "CC", "TE", "CK", "CB", "KC", "HN", "DT", "DK", "XD", "BT", "TS", "AK", "CT", "LH", "QN", "CY",
    ]
)  # fmt: skip
# Province codes of the card: the social-insurance office of the province that issued it uses
# the province's 2-digit administrative code (Decision 1351/QĐ-BHXH Annex 1, section 2); 97 is
# the Ministry of Defence's social insurance and 98 the People's Police's.
BHYT_PROVINCES: frozenset[str] = frozenset({p[1:] for p in PROVINCES} | {"97", "98"})

_DIGITS = re.compile(r"^[0-9]+$")
_OLD_ID = re.compile(r"^([0-9]{9}|[0-9]{12})?$")
_SIX_FIELDS = re.compile(r"^[0-9]{2}/?[0-9]{2}/?[0-9]{4}$")
_EARLIEST = dt.date(1890, 1, 1)


def check_id_number(raw: str, today: dt.date) -> str:
    """The 12-digit personal ID number, normalised, or the refusal naming the part at fault."""
    value = "".join(raw.split())
    if len(value) != 12 or not _DIGITS.match(value):
        raise IdentityError("invalid_id_number", "id_number")
    if len(set(value)) == 1:
        raise IdentityError("invalid_id_number.repeated", "id_number")
    if value[:3] not in PROVINCES:
        raise IdentityError("invalid_id_number.province", "id_number", code=value[:3])
    century = 1900 + 100 * (int(value[3]) // 2)
    if century > today.year:
        raise IdentityError("invalid_id_number.century", "id_number", digit=value[3])
    if century + int(value[4:6]) > today.year:
        raise IdentityError("invalid_id_number.year", "id_number", yy=value[4:6])
    return value


def id_mismatches(id_number: str, dob: dt.date | None, sex: str) -> list[str]:
    """What the ID number says against the date of birth and sex (catalogue keys; empty when
    they agree or are not known): digit 4 gives the century and the sex, digits 5-6 the year."""
    if len(id_number) != 12 or not _DIGITS.match(id_number):
        return []
    g = int(id_number[3])
    out = []
    if dob is not None and 1900 + 100 * (g // 2) + int(id_number[4:6]) != dob.year:
        out.append("id_birth_year_mismatch")
    if sex and ("female" if g % 2 else "male") != sex:
        out.append("id_sex_mismatch")
    return out


def check_bhyt(raw: str) -> str:
    """The BHYT card number (15 characters) or the 10-digit social-insurance number alone
    (cards of the 2021 template print only it; the social insurance's card check takes it),
    normalised, or the refusal naming the part at fault."""
    value = "".join(raw.split()).upper()
    if len(value) == 10 and _DIGITS.match(value):
        if len(set(value)) == 1:
            raise IdentityError("invalid_bhyt_number.repeated", "bhyt_number")
        return value
    if len(value) != 15:
        raise IdentityError("invalid_bhyt_number", "bhyt_number")
    group, level, province, number = value[:2], value[2], value[3:5], value[5:]
    if not group.isascii() or not group.isalpha():
        raise IdentityError("invalid_bhyt_number.letters", "bhyt_number")
    if group not in BHYT_GROUPS:
        raise IdentityError("invalid_bhyt_number.group", "bhyt_number", group=group)
    if level not in "12345":
        raise IdentityError("invalid_bhyt_number.level", "bhyt_number", level=level)
    if not _DIGITS.match(province) or province not in BHYT_PROVINCES:
        raise IdentityError("invalid_bhyt_number.province", "bhyt_number", code=province)
    if not _DIGITS.match(number):
        raise IdentityError("invalid_bhyt_number.digits", "bhyt_number")
    if len(set(number)) == 1:
        raise IdentityError("invalid_bhyt_number.repeated", "bhyt_number")
    return value


def check_card_dates(dob: dt.date, issued: dt.date | None, expiry: dt.date | None, today: dt.date) -> None:
    """A card's dates: born in the past, issued neither in the future nor before the birth,
    expiring after the issue."""
    if not _EARLIEST <= dob <= today:
        raise IdentityError("invalid_birth_date", "dob")
    if issued is not None and issued > today:
        raise IdentityError("invalid_issue_date.future", "issued")
    if issued is not None and issued < dob:
        raise IdentityError("invalid_issue_date.before_birth", "issued")
    if expiry is not None and issued is not None and expiry <= issued:
        raise IdentityError("invalid_expiry_date", "expiry")


class CardQr(msgspec.Struct, frozen=True):
    """What the card's QR code says (not signed: it identifies, it does not prove)."""

    id_number: str
    old_id_number: str
    name: str
    dob: dt.date
    sex: str  # "male" | "female"
    address: str
    issued: dt.date | None


def looks_like_card_qr(text: str) -> bool:
    """Whether a scanned text is meant as the card's QR (12 digits, then a ``|``): then its faults
    are told; anything else is not a card's QR at all (a VNeID session code, a web link)."""
    return bool(re.match(r"^[0-9]{12}\|", text.strip().lstrip("\ufeff")))


def _date(text: str, key: str, field: str) -> dt.date:
    digits = text.strip().replace("/", "")
    try:
        if len(digits) != 8 or not _DIGITS.match(digits):
            raise ValueError(text)
        return dt.date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
    except ValueError:
        raise IdentityError(key, field) from None


def parse_card_qr(text: str, today: dt.date) -> CardQr:
    """The card's QR, ``id|old id|name|ddmmyyyy|Nam/Nữ|address|issue ddmmyyyy`` (newer cards add
    empty fields; phone apps re-emit 6 fields and ``dd/mm/yyyy``), checked field by field."""
    parts = unicodedata.normalize("NFC", text.strip().lstrip("\ufeff")).split("|")
    while len(parts) > 7 and parts[-1].strip() == "":
        parts.pop()
    if len(parts) == 6 and _SIX_FIELDS.match(parts[2].strip()):
        parts.insert(1, "")  # a phone app's copy: no old ID number, the issue date kept
    if len(parts) not in (6, 7):
        raise IdentityError("qr_format", "qr")
    id_number = check_id_number(parts[0], today)
    if not _OLD_ID.match(parts[1].strip()):
        raise IdentityError("invalid_old_id", "old_id_number")
    name = " ".join(parts[2].split())
    if not name or len(name) > 100:
        raise IdentityError("qr_format.no_name", "name")
    dob = _date(parts[3], "invalid_birth_date", "dob")
    sex = {"nam": "male", "nữ": "female"}.get(parts[4].strip().lower())
    if sex is None:
        raise IdentityError("invalid_sex", "sex")
    issued = _date(parts[6], "invalid_issue_date", "issued") if len(parts) == 7 and parts[6].strip() else None
    check_card_dates(dob, issued, None, today)
    address = " ".join(parts[5].split())[:200]
    return CardQr(id_number, parts[1].strip(), name, dob, sex, address, issued)

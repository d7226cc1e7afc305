"""Patient identity on a ticket, its validation, and the priority groups of Law 15/2023.

Hard rules (refused): the personal ID number is exactly 12 digits; the BHYT card number is
15 characters (2 letters for the beneficiary group, 1 benefit digit 1-5, 2 digits of the
province, 10 digits of the social-insurance number). Soft checks (``id_warnings``) never refuse:
the ID's century/sex digit and birth year against the date of birth and sex read from the card.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Literal

import msgspec

from .errors import IdentityError

ID_NUMBER = re.compile(r"^[0-9]{12}$")
BHYT_NUMBER = re.compile(r"^[A-Z]{2}[1-5][0-9]{12}$")

Source = Literal["chip", "qr", "typed", "vneid", "passport"]
Sex = Literal["male", "female", ""]


class PriorityGroup(enum.StrEnum):
    """Law 15/2023/QH15 Art. 3(2); disability split in two as the law words it."""

    EMERGENCY = "emergency"
    CHILD_UNDER_6 = "child_under_6"
    PREGNANT = "pregnant"
    DISABILITY_EXTREME = "disability_extreme"
    DISABILITY_SEVERE = "disability_severe"
    ELDERLY_75 = "elderly_75"
    REVOLUTIONARY_MERIT = "revolutionary_merit"


class Identity(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    source: Source
    id_number: str = ""
    bhyt_number: str = ""
    name: str = ""
    dob: dt.date | None = None
    sex: Sex = ""
    passport_number: str = ""  # source "passport": the document number of its MRZ
    nationality: str = ""  # source "passport": the MRZ's three-letter nationality code

    def person_key(self) -> str:
        """The key used for 'one active ticket per person per service'."""
        return f"id:{self.id_number}" if self.id_number else (f"bhyt:{self.bhyt_number}" if self.bhyt_number else "")


def normalise_id_number(raw: str) -> str:
    return "".join(raw.split())


def normalise_bhyt(raw: str) -> str:
    return "".join(raw.split()).upper()


def validate_id_number(raw: str) -> str:
    value = normalise_id_number(raw)
    if not ID_NUMBER.match(value):
        raise IdentityError("invalid_id_number", "id_number")
    return value


def validate_bhyt(raw: str) -> str:
    value = normalise_bhyt(raw)
    if not BHYT_NUMBER.match(value):
        raise IdentityError("invalid_bhyt_number", "bhyt_number")
    return value


def validate_identity(ident: Identity, today: dt.date) -> Identity:
    """Return the identity with normalised numbers, or raise :class:`IdentityError`."""
    if not ident.id_number and not ident.bhyt_number:
        raise IdentityError("identity_missing", "id_number")
    id_number = validate_id_number(ident.id_number) if ident.id_number else ""
    bhyt = validate_bhyt(ident.bhyt_number) if ident.bhyt_number else ""
    if ident.dob is not None and not dt.date(1890, 1, 1) <= ident.dob <= today:
        raise IdentityError("invalid_dob", "dob")
    name = " ".join(ident.name.split())[:100]
    return msgspec.structs.replace(ident, id_number=id_number, bhyt_number=bhyt, name=name)


def id_warnings(ident: Identity) -> list[str]:
    """Soft checks of the ID number against the date of birth and sex (never a refusal)."""
    warnings: list[str] = []
    if len(ident.id_number) != 12 or ident.dob is None:
        return warnings
    g = int(ident.id_number[3])
    century = 1900 + 100 * (g // 2)
    if century + int(ident.id_number[4:6]) != ident.dob.year:
        warnings.append("id_birth_year_mismatch")
    if ident.sex and ("female" if g % 2 else "male") != ident.sex:
        warnings.append("id_sex_mismatch")
    return warnings


def age_on(dob: dt.date, day: dt.date) -> int:
    """Completed years of age on ``day``."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def derived_groups(dob: dt.date | None, today: dt.date, elderly_age: int, child_age: int) -> list[PriorityGroup]:
    """Priority groups that follow from the date of birth alone (no confirmation needed)."""
    if dob is None:
        return []
    age = age_on(dob, today)
    if age >= elderly_age:
        return [PriorityGroup.ELDERLY_75]
    if age < child_age:
        return [PriorityGroup.CHILD_UNDER_6]
    return []


def mask_name(name: str) -> str:
    """'Nguyễn Văn An' -> 'Nguyễn V. A.': the family name and initials (for TV boards, if enabled)."""
    parts = name.split()
    if not parts:
        return ""
    return " ".join([parts[0], *(p[0] + "." for p in parts[1:])])

"""Patient identity on a ticket, its validation, and the priority groups of Law 15/2023.

The rules of the numbers are in ``idrules``. A number typed (on the kiosk, or sent by the HIS)
is refused when it breaks one, naming the part at fault; so is a typed ID number whose
century/sex digit or birth year disagrees with a date of birth or sex given with it. What the
card itself says (read from the chip, its QR, or VNeID) is never refused for these rules, only
the plain format (12 digits): its disagreements are warnings for staff (``id_warnings``, carried
by the issue event to the counter).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Literal

import msgspec

from .errors import IdentityError
from .idrules import check_bhyt, check_id_number, id_mismatches

ID_NUMBER = re.compile(r"^[0-9]{12}$")
PASSPORT_NUMBER = re.compile(r"^[A-Z0-9]{1,9}$")  # ICAO 9303: the MRZ's document number field
NATIONALITY = re.compile(r"^[A-Z]{1,3}$")  # ICAO 9303: three letters (a filler "<" dropped)
FAR = dt.date(9999, 12, 31)  # a day no birth year is after: the rules without "not born yet"

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
        if self.id_number:
            return f"id:{self.id_number}"
        if self.bhyt_number:
            return f"bhyt:{self.bhyt_number}"
        return f"passport:{self.nationality}:{self.passport_number}" if self.passport_number else ""


def normalise_id_number(raw: str) -> str:
    return "".join(raw.split())


def validate_id_number(raw: str, today: dt.date = FAR) -> str:
    """A typed ID number, normalised, or the refusal naming the part at fault (idrules)."""
    return check_id_number(raw, today)


def validate_bhyt(raw: str) -> str:
    """A typed BHYT card number (or 10-digit social-insurance number), normalised, or the refusal."""
    return check_bhyt(raw)


def from_card(ident: Identity) -> bool:
    """Whether the identity is what a card or the VNeID app says (not typed by anyone)."""
    return ident.source != "typed"


def validate_identity(ident: Identity, today: dt.date) -> Identity:
    """Return the identity with normalised numbers, or raise :class:`IdentityError`."""
    passport = "".join(ident.passport_number.split()).upper() if ident.source == "passport" else ""
    if passport and not PASSPORT_NUMBER.match(passport):
        raise IdentityError("invalid_passport_number", "passport_number")
    nationality = ident.nationality.strip().strip("<").upper() if passport else ""
    if passport and not NATIONALITY.match(nationality):
        raise IdentityError("invalid_nationality", "nationality")
    if not ident.id_number and not ident.bhyt_number and not passport:
        raise IdentityError("identity_missing", "id_number")
    if ident.dob is not None and not dt.date(1890, 1, 1) <= ident.dob <= today:
        raise IdentityError("invalid_dob", "dob")
    if from_card(ident):
        id_number = normalise_id_number(ident.id_number)
        if id_number and not ID_NUMBER.match(id_number):
            raise IdentityError("invalid_id_number", "id_number")
    else:
        id_number = validate_id_number(ident.id_number, today) if ident.id_number else ""
        for key in id_mismatches(id_number, ident.dob, ident.sex):
            raise IdentityError(key, "id_number")
    bhyt = validate_bhyt(ident.bhyt_number) if ident.bhyt_number else ""
    name = " ".join(ident.name.split())[:100]
    return msgspec.structs.replace(
        ident, id_number=id_number, bhyt_number=bhyt, name=name, passport_number=passport, nationality=nationality
    )


def id_warnings(ident: Identity, today: dt.date) -> list[str]:
    """What staff should look at in an identity read from a card (never a refusal): its ID
    number against the rules of the numbers, and against the date of birth and sex the card
    gives. Catalogue keys; empty for a typed identity (refused instead, ``validate_identity``)."""
    if not from_card(ident) or not ident.id_number:
        return []
    try:
        check_id_number(ident.id_number, today)
    except IdentityError as exc:
        return [exc.key, *id_mismatches(ident.id_number, ident.dob, ident.sex)]
    return id_mismatches(ident.id_number, ident.dob, ident.sex)


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

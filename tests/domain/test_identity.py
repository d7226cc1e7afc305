import datetime as dt

import pytest

from server.domain.errors import IdentityError
from server.domain.identity import (
    Identity,
    PriorityGroup,
    age_on,
    derived_groups,
    id_warnings,
    mask_name,
    validate_bhyt,
    validate_id_number,
    validate_identity,
)

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize("raw", ["001099012345", " 001 099 012345 ", "079300000001"])
def test_valid_id_numbers(raw: str) -> None:
    assert validate_id_number(raw) == "".join(raw.split())


@pytest.mark.parametrize("raw", ["", "12345678901", "1234567890123", "00109901234a", "００１０９９０１２３４５"])
def test_invalid_id_numbers(raw: str) -> None:
    with pytest.raises(IdentityError) as err:
        validate_id_number(raw)
    assert err.value.code == "invalid_id_number"
    assert err.value.field == "id_number"


@pytest.mark.parametrize("raw", ["DN4010123456789", "gd 4 79 0123456789", "TE1010000000001"])
def test_valid_bhyt(raw: str) -> None:
    assert len(validate_bhyt(raw)) == 15


@pytest.mark.parametrize(
    "raw", ["DN401012345678", "DN40101234567890", "D14010123456789", "DN6010123456789", "DN0010123456789", "123456789"]
)
def test_invalid_bhyt(raw: str) -> None:
    with pytest.raises(IdentityError) as err:
        validate_bhyt(raw)
    assert err.value.code == "invalid_bhyt_number"


def test_identity_needs_a_number() -> None:
    with pytest.raises(IdentityError) as err:
        validate_identity(Identity(source="typed", name="Nguyễn Văn An"), TODAY)
    assert err.value.code == "identity_missing"


def test_identity_is_normalised() -> None:
    ident = validate_identity(
        Identity(source="qr", id_number=" 001099012345", bhyt_number="dn4010123456789", name="  Nguyễn   Văn  An "),
        TODAY,
    )
    assert (ident.id_number, ident.bhyt_number, ident.name) == ("001099012345", "DN4010123456789", "Nguyễn Văn An")


@pytest.mark.parametrize("dob", [dt.date(1889, 12, 31), dt.date(2026, 11, 24)])
def test_impossible_birth_dates(dob: dt.date) -> None:
    with pytest.raises(IdentityError) as err:
        validate_identity(Identity(source="chip", id_number="001099012345", dob=dob), TODAY)
    assert err.value.code == "invalid_dob"


def test_person_key() -> None:
    assert Identity(source="typed", id_number="001099012345").person_key() == "id:001099012345"
    assert Identity(source="typed", bhyt_number="DN4010123456789").person_key() == "bhyt:DN4010123456789"
    assert Identity(source="typed").person_key() == ""


def test_age_boundaries() -> None:
    assert age_on(dt.date(1951, 11, 23), TODAY) == 75
    assert age_on(dt.date(1951, 11, 24), TODAY) == 74
    assert age_on(dt.date(2020, 11, 24), TODAY) == 5


@pytest.mark.parametrize(
    ("dob", "groups"),
    [
        (None, []),
        (dt.date(1951, 11, 23), [PriorityGroup.ELDERLY_75]),  # 75 today
        (dt.date(1951, 11, 24), []),  # 75 tomorrow
        (dt.date(2020, 11, 24), [PriorityGroup.CHILD_UNDER_6]),  # 5 years old
        (dt.date(2020, 11, 23), []),  # 6 today
    ],
)
def test_groups_derived_from_birth_date(dob: dt.date | None, groups: list[PriorityGroup]) -> None:
    assert derived_groups(dob, TODAY, 75, 6) == groups


def test_soft_warnings() -> None:
    ok = Identity(source="chip", id_number="001099012345", dob=dt.date(1999, 1, 2), sex="male")
    assert id_warnings(ok, TODAY) == []
    female_2000s = Identity(source="chip", id_number="001305012345", dob=dt.date(2005, 1, 2), sex="female")
    assert id_warnings(female_2000s, TODAY) == []
    wrong = Identity(source="chip", id_number="001099012345", dob=dt.date(1998, 1, 2), sex="female")
    assert id_warnings(wrong, TODAY) == ["id_birth_year_mismatch", "id_sex_mismatch"]
    assert id_warnings(Identity(source="typed", id_number="001099012345"), TODAY) == []
    assert id_warnings(Identity(source="qr", bhyt_number="DN4010123456789"), TODAY) == []


def test_card_data_that_break_the_rules_are_warnings_not_refusals() -> None:
    """What the card says is never refused for the rules: staff see why it looks wrong."""
    odd = Identity(source="qr", id_number="003099012345", dob=dt.date(1999, 1, 2), sex="female")
    assert validate_identity(odd, TODAY).id_number == "003099012345"
    assert id_warnings(odd, TODAY) == ["invalid_id_number.province", "id_sex_mismatch"]
    with pytest.raises(IdentityError) as err:
        validate_identity(Identity(source="chip", id_number="00109901234"), TODAY)
    assert err.value.code == "invalid_id_number"


@pytest.mark.parametrize(
    ("dob", "sex", "key"),
    [
        (dt.date(1998, 1, 2), "male", "id_birth_year_mismatch"),
        (dt.date(1999, 1, 2), "female", "id_sex_mismatch"),
    ],
)
def test_typed_mismatch_is_refused(dob: dt.date, sex: str, key: str) -> None:
    """A typed ID number with a date of birth or sex it contradicts (a booking from the HIS)."""
    ident = Identity(source="typed", id_number="001099012345", dob=dob, sex=sex)  # type: ignore[arg-type]
    with pytest.raises(IdentityError) as err:
        validate_identity(ident, TODAY)
    assert err.value.key == key
    assert "4" in err.value.message_vi and "4th" in err.value.message_en


def test_mask_name() -> None:
    assert mask_name("Nguyễn Văn An") == "Nguyễn V. A."
    assert mask_name("  ") == ""
    assert mask_name("Lê") == "Lê"


def test_a_passport_is_an_identity_of_its_own_and_keys_one_person() -> None:
    ident = validate_identity(
        Identity(source="passport", passport_number=" l898902c3 ", nationality="utO", name="MARTIN  CLAIRE"), TODAY
    )
    assert (ident.passport_number, ident.nationality, ident.name) == ("L898902C3", "UTO", "MARTIN CLAIRE")
    assert ident.person_key() == "passport:UTO:L898902C3"
    assert Identity(source="typed").person_key() == ""
    # a typed identity's passport fields count for nothing: it still needs a number
    with pytest.raises(IdentityError) as err:
        validate_identity(Identity(source="typed", passport_number="L898902C3", nationality="UTO"), TODAY)
    assert err.value.code == "identity_missing"


@pytest.mark.parametrize(
    ("number", "nationality", "code", "field"),
    [
        ("L898902C3X", "UTO", "invalid_passport_number", "passport_number"),
        ("L8989-02", "UTO", "invalid_passport_number", "passport_number"),
        ("L898902C3", "U1O", "invalid_nationality", "nationality"),
        ("L898902C3", "", "invalid_nationality", "nationality"),
    ],
)
def test_a_passports_number_and_nationality_are_checked(number: str, nationality: str, code: str, field: str) -> None:
    with pytest.raises(IdentityError) as err:
        validate_identity(Identity(source="passport", passport_number=number, nationality=nationality), TODAY)
    assert (err.value.code, err.value.field) == (code, field)

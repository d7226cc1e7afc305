"""The rules of the numbers (server/domain/idrules.py): a table of valid and invalid personal ID
and BHYT numbers, each refusal naming the part at fault; the card QR's fields and dates.
Synthetic numbers only."""

import datetime as dt

import pytest

from server.domain.catalogue import CATALOGUE
from server.domain.errors import IdentityError
from server.domain.idrules import (
    BHYT_PROVINCES,
    PROVINCES,
    check_bhyt,
    check_card_dates,
    check_id_number,
    id_mismatches,
    looks_like_card_qr,
    parse_card_qr,
)

TODAY = dt.date(2026, 12, 7)

# (number, catalogue key or None when valid, a word the Vietnamese message has, one the English has)
ID_TABLE = [
    ("001099012345", None, "", ""),
    ("079300000001", None, "", ""),  # 2000, female
    ("096226123456", None, "", ""),  # 2026, male: born this year
    (" 001 099 012345 ", None, "", ""),
    ("00109901234", "invalid_id_number", "12 chữ số", "12 digits"),
    ("00109901234a", "invalid_id_number", "12 chữ số", "12 digits"),
    ("000000000000", "invalid_id_number.repeated", "lặp lại", "repeated"),
    ("999999999999", "invalid_id_number.repeated", "lặp lại", "repeated"),
    ("003099012345", "invalid_id_number.province", "3 chữ số đầu (003)", "first 3 digits (003)"),
    ("097099012345", "invalid_id_number.province", "(097)", "(097)"),
    ("123456789012", "invalid_id_number.province", "(123)", "(123)"),
    ("001499012345", "invalid_id_number.century", "chữ số thứ 4 (4)", "4th digit (4)"),
    ("001227012345", "invalid_id_number.year", "5–6 (27)", "5th-6th digits (27)"),
    ("001299012345", "invalid_id_number.year", "(99)", "(99)"),
]


@pytest.mark.parametrize(("raw", "key", "vi", "en"), ID_TABLE)
def test_id_number_table(raw: str, key: str | None, vi: str, en: str) -> None:
    if key is None:
        assert check_id_number(raw, TODAY) == "".join(raw.split())
        return
    with pytest.raises(IdentityError) as err:
        check_id_number(raw, TODAY)
    assert (err.value.key, err.value.field) == (key, "id_number")
    assert vi in err.value.message_vi and en in err.value.message_en


BHYT_TABLE = [
    ("DN4010123456789", None, "", ""),
    ("gd 4 79 0123456789", None, "", ""),
    ("CA5970123456789", None, "", ""),  # the People's Police's fund
    ("TE1960000000123", None, "", ""),
    ("0123456789", None, "", ""),  # the 10-digit social-insurance number alone
    ("0000000000", "invalid_bhyt_number.repeated", "lặp lại", "repeated"),
    ("DN40101234567", "invalid_bhyt_number", "15 ký tự", "15 characters"),
    ("D14010123456789", "invalid_bhyt_number.letters", "2 chữ cái", "2 letters"),
    ("ĐN4010123456789", "invalid_bhyt_number.letters", "2 chữ cái", "2 letters"),
    ("ZZ4010123456789", "invalid_bhyt_number.group", "ZZ", "ZZ"),
    ("DN6010123456789", "invalid_bhyt_number.level", "thứ 3 (6)", "3rd character (6)"),
    ("DN0010123456789", "invalid_bhyt_number.level", "(0)", "(0)"),
    ("DN4030123456789", "invalid_bhyt_number.province", "4–5 (03)", "4th-5th characters (03)"),
    ("DN4X10123456789", "invalid_bhyt_number.province", "(X1)", "(X1)"),
    ("DN401012345678A", "invalid_bhyt_number.digits", "mã số BHXH", "social-insurance number"),
    ("DN4010000000000", "invalid_bhyt_number.repeated", "lặp lại", "repeated"),
]


@pytest.mark.parametrize(("raw", "key", "vi", "en"), BHYT_TABLE)
def test_bhyt_table(raw: str, key: str | None, vi: str, en: str) -> None:
    if key is None:
        assert check_bhyt(raw) == "".join(raw.split()).upper()
        return
    with pytest.raises(IdentityError) as err:
        check_bhyt(raw)
    assert (err.value.key, err.value.field) == (key, "bhyt_number")
    assert vi in err.value.message_vi and en in err.value.message_en


def test_the_code_lists() -> None:
    assert len(PROVINCES) == 63 and min(PROVINCES) == "001" and max(PROVINCES) == "096"
    assert {"001", "079", "048", "092"} <= PROVINCES and not {"000", "003", "097"} & PROVINCES
    assert len(BHYT_PROVINCES) == 65 and {"01", "79", "97", "98"} <= BHYT_PROVINCES


@pytest.mark.parametrize(
    ("number", "dob", "sex", "found"),
    [
        ("001099012345", dt.date(1999, 5, 1), "male", []),
        ("001305012345", dt.date(2005, 5, 1), "female", []),
        ("001099012345", dt.date(2099, 5, 1), "", ["id_birth_year_mismatch"]),
        ("001199012345", None, "male", ["id_sex_mismatch"]),
        ("001099012345", None, "", []),
        ("", dt.date(1999, 5, 1), "male", []),
    ],
)
def test_id_mismatches(number: str, dob: dt.date | None, sex: str, found: list[str]) -> None:
    assert id_mismatches(number, dob, sex) == found


QR = "001099012345|123456789|Nguyễn Văn A|01011999|Nam|Số 1, Phố Giả, Hà Nội|01072021"


@pytest.mark.parametrize(
    "text",
    [
        QR,
        "\ufeff" + QR + "\r\n",
        QR + "||||",  # newer cards: empty trailing fields
        "001099012345||Nguyễn Văn A|01/01/1999|Nam|Hà Nội|01/07/2021",
        "001099012345|Nguyễn Văn A|01/01/1999|Nam|Hà Nội|01/07/2021",  # a phone app's 6 fields
        "001099012345|123456789|Nguyễn Văn A|01011999|Nam|Hà Nội",  # no issue date
    ],
)
def test_card_qr_read(text: str) -> None:
    card = parse_card_qr(text, TODAY)
    assert (card.id_number, card.name, card.dob, card.sex) == (
        "001099012345",
        "Nguyễn Văn A",
        dt.date(1999, 1, 1),
        "male",
    )
    assert looks_like_card_qr(text)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("001099012345|a|b", "qr_format"),
        ("000000000000|123456789|A|01011999|Nam|x|01072021", "invalid_id_number.repeated"),
        ("001099012345|12345|A|01011999|Nam|x|01072021", "invalid_old_id"),
        ("001099012345|123456789| |01011999|Nam|x|01072021", "qr_format.no_name"),
        ("001099012345|123456789|A|31021999|Nam|x|01072021", "invalid_birth_date"),
        ("001099012345|123456789|A|1999|Nam|x|01072021", "invalid_birth_date"),
        ("001099012345|123456789|A|01011999|M|x|01072021", "invalid_sex"),
        ("001099012345|123456789|A|01011999|Nữ|x|0107202", "invalid_issue_date"),
        ("001099012345|123456789|A|01011999|Nam|x|01012027", "invalid_issue_date.future"),
        ("001099012345|123456789|A|01011999|Nam|x|01011998", "invalid_issue_date.before_birth"),
        ("001099012345|123456789|A|01012027|Nam|x|", "invalid_birth_date"),
    ],
)
def test_card_qr_refused(text: str, key: str) -> None:
    with pytest.raises(IdentityError) as err:
        parse_card_qr(text, TODAY)
    assert err.value.key == key


def test_card_dates() -> None:
    check_card_dates(dt.date(1999, 1, 1), dt.date(2021, 7, 1), dt.date(2039, 1, 1), TODAY)
    check_card_dates(dt.date(1999, 1, 1), None, dt.date(2039, 1, 1), TODAY)
    with pytest.raises(IdentityError) as err:
        check_card_dates(dt.date(1999, 1, 1), dt.date(2021, 7, 1), dt.date(2021, 7, 1), TODAY)
    assert err.value.key == "invalid_expiry_date"


def test_not_a_card_qr() -> None:
    assert not looks_like_card_qr("https://example.org/not-a-card")
    assert not looks_like_card_qr("VNEID:8f1c2a-session")


def test_every_refusal_is_in_the_catalogue() -> None:
    for key in [k for _, k, _, _ in ID_TABLE + BHYT_TABLE if k] + ["id_birth_year_mismatch", "id_sex_mismatch"]:
        assert key in CATALOGUE

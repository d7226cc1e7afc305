"""Passports and chips unlike our CCCD, read through the real PC/SC stack (pcscd with
vsmartcard's virtual reader, pyscard, the project's card emulator on the vpcd wire): a TD3
passport with PACE or BAC and the MRZ data, a wrong MRZ, a chip without short file
identifiers, plain status words under secure messaging, and a data group longer than 65535
bytes."""

from __future__ import annotations

import datetime as dt

import pytest

from hw_bridge.cccd import crypto, lds, testcard, testpassport
from hw_bridge.cccd.emulator import EmulatedCard
from hw_bridge.cccd.reader import CardRead, read_card
from hw_bridge.cccd.vpcd import VirtualCard, inserted
from hw_bridge.errors import CardError


@pytest.fixture(scope="module")
def passport() -> testpassport.PassportContents:
    return testpassport.make_passport()


@pytest.fixture(scope="module")
def id_card() -> testcard.CardContents:
    return testcard.make_card(testcard.Person(id_number="052180000456", full_name="Lê Thị Hoa", sex="Nữ"))


def through_pcscd(emulated: EmulatedCard, **kw: object) -> tuple[CardRead, int]:
    """The read as the bridge does it, and the APDUs the card answered."""
    card = VirtualCard(emulated)
    with inserted(card) as transport:
        read = read_card(transport, **kw)  # type: ignore[arg-type]
    return read, card.apdus


def failure(emulated: EmulatedCard, **kw: object) -> CardError:
    with inserted(VirtualCard(emulated)) as transport, pytest.raises(CardError) as err:
        read_card(transport, **kw)  # type: ignore[arg-type]
    return err.value


@pytest.mark.parametrize("access", ["pace", "bac"])
def test_a_passport_with_its_mrz_data(pcscd: None, access: str) -> None:
    contents = testpassport.make_passport(pace=access == "pace")
    assert contents.chain is not None
    read, apdus = through_pcscd(
        EmulatedCard.of(contents), mrz_information=contents.traveller.mrz_information, trust_store=[contents.chain.csca]
    )
    assert read.access == access and read.document == "passport"
    public = read.public()
    assert {k: public[k] for k in ("source", "name", "dob", "sex", "document_number", "nationality", "expiry")} == {
        "source": "passport",
        "name": "MARTIN CLAIRE ELISE",
        "dob": "1988-03-14",
        "sex": "female",
        "document_number": "ZP4815162",
        "nationality": "UTO",
        "expiry": "2031-06-30",
    }
    assert read.portrait is not None and read.portrait.format == "jpeg" and read.portrait.width == 240
    assert read.authenticity.status == "verified" and read.authenticity.groups_checked == (1, 2, 15)
    assert "UTOPIA TEST Document Signer" in read.authenticity.signer
    assert read.active_authentication and not read.chip_authentication
    assert read.groups == [1, 2, 15] and read.apdus == apdus  # no DG13 asked of a passport


def test_a_vietnamese_passport_needs_no_dg13(pcscd: None) -> None:
    traveller = testpassport.Traveller(
        surname="TRAN", given_names="MINH KHOA", document_number="C0123456", issuing_state="VNM", nationality="VNM",
        birth_date=dt.date(2001, 11, 2), sex="M", expiry_date=dt.date(2032, 1, 15), personal_number="001201000123",
    )  # fmt: skip
    contents = testpassport.make_passport(traveller)
    read, _ = through_pcscd(EmulatedCard.of(contents), mrz_information=traveller.mrz_information, with_portrait=False)
    assert (read.full_name, read.birth_date, read.sex, read.document_number, read.nationality) == (
        "TRAN MINH KHOA",
        "2001-11-02",
        "male",
        "C0123456",
        "VNM",
    )
    assert read.authenticity.status == "signature_valid_chain_not_verified" and read.groups == [1, 15]


@pytest.mark.parametrize("access", ["pace", "bac"])
def test_a_wrong_mrz_is_told_as_such(pcscd: None, passport: testpassport.PassportContents, access: str) -> None:
    files = dict(passport.files)
    if access == "bac":
        del files["CardAccess"]
    card = EmulatedCard(files, "", passport.traveller.mrz_information, None, passport.aa_key)
    wrong = crypto.mrz_information("ZP4815162", "880314", "310631")  # the expiry one day off
    err = failure(card, mrz_information=wrong)
    assert err.code == "wrong_mrz"
    assert err.message_vi == "Số hộ chiếu, ngày sinh hoặc ngày hết hạn không khớp với chip."
    assert err.message_en == "The passport number, birth date or expiry date does not match the chip."


def test_a_wrong_can_is_still_the_can(pcscd: None, id_card: testcard.CardContents) -> None:
    assert failure(EmulatedCard.of(id_card), can="000457").code == "wrong_can"


@pytest.mark.parametrize("plain_errors", [False, True], ids=["protected-errors", "plain-errors"])
def test_chips_without_short_file_identifiers(
    pcscd: None, passport: testpassport.PassportContents, id_card: testcard.CardContents, plain_errors: bool
) -> None:
    """READ BINARY by SFI answers 6A82: every file is then selected by its file ID and read."""
    emulated = EmulatedCard.of(passport, sfi=False, plain_errors=plain_errors)
    read, _ = through_pcscd(emulated, mrz_information=passport.traveller.mrz_information)
    assert read.document_number == "ZP4815162" and read.portrait is not None
    emulated = EmulatedCard.of(id_card, sfi=False, plain_errors=plain_errors)
    read, _ = through_pcscd(emulated, can="000456")
    assert read.full_name == "Lê Thị Hoa" and read.chip_authentication and read.active_authentication


@pytest.mark.parametrize("plain_errors", [False, True], ids=["protected-errors", "plain-errors"])
@pytest.mark.parametrize("document", ["id_card", "passport"])
def test_a_status_word_is_told_as_what_it_is(
    pcscd: None,
    passport: testpassport.PassportContents,
    id_card: testcard.CardContents,
    plain_errors: bool,
    document: str,
) -> None:
    """A data group the chip lists but does not hold (6A82), or will not give (6982), in a
    protected or a plain answer, has its own code, not secure_messaging_failed."""
    contents = passport if document == "passport" else id_card
    key: dict[str, object] = (
        {"mrz_information": passport.traveller.mrz_information} if document == "passport" else {"can": "000456"}
    )
    files = {k: v for k, v in contents.files.items() if k != "DG2"}
    missing = EmulatedCard.of(contents, plain_errors=plain_errors)
    missing.files = files
    err = failure(missing, **key)
    assert (err.code, err.params) == ("card_file_not_found", {"file": "DG2"})
    assert err.message_en == "The chip does not hold a file that must be read (DG2)."
    denied = EmulatedCard.of(contents, plain_errors=plain_errors, denied=("DG2",))
    err = failure(denied, **key)
    assert (err.code, err.params) == ("card_access_denied", {"file": "DG2"})
    assert err.message_vi == "Chip không cho phép đọc tệp dữ liệu (DG2)."
    read, _ = through_pcscd(denied, with_portrait=False, **key)  # DG2 not asked for
    assert read.groups == ([1, 15] if document == "passport" else [1, 13, 14, 15])


def test_a_data_group_longer_than_65535_bytes(pcscd: None) -> None:
    """DG2 of 70 KB: its length takes 3 bytes (75 83 ...), its end lies past offset 32767 (READ
    BINARY B1 with the offset in DO'54'); on an ID card and on a passport."""
    image = testpassport.portrait_jpeg(noise=True)
    chain = testcard.signing_chain()
    card = testcard.make_card(testcard.Person(id_number="001199000321"), chain, image)
    book = testpassport.make_passport(chain=chain, portrait=image)
    assert len(card.files["DG2"]) > 65535 and card.files["DG2"][:2] == book.files["DG2"][:2] == b"\x75\x83"
    cases: list[tuple[EmulatedCard, dict[str, object]]] = [
        (EmulatedCard.of(card), {"can": "000321"}),
        (EmulatedCard.of(book), {"mrz_information": book.traveller.mrz_information}),
        (EmulatedCard.of(book, sfi=False, plain_errors=True), {"mrz_information": book.traveller.mrz_information}),
    ]
    for emulated, key in cases:
        read, apdus = through_pcscd(emulated, trust_store=[chain.csca], **key)
        assert read.portrait is not None and read.portrait.data == image
        assert read.authenticity.status == "verified"  # the whole DG2 against its signed hash
        assert apdus > len(card.files["DG2"]) // 0xDF


def test_the_icao_specimen_td3() -> None:
    """ICAO Doc 9303-4 Appendix A's specimen passport MRZ (Utopia, Anna Maria Eriksson)."""
    mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<" + "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
    parsed = lds.parse_dg1(lds_dg1(mrz))
    assert parsed.check_digits_ok and parsed.format == "TD3"
    assert (parsed.document_code, parsed.issuing_state, parsed.document_number) == ("P", "UTO", "L898902C3")
    assert (parsed.birth, parsed.sex, parsed.expiry, parsed.nationality) == ("740812", "F", "120415", "UTO")
    assert (parsed.surname, parsed.given_names, parsed.optional2) == ("ERIKSSON", "ANNA MARIA", "ZE184226B<<<<<")
    for at in (53, 63, 71, 86, 87):  # each check digit in turn made wrong
        broken = mrz[:at] + str((int(mrz[at]) + 1) % 10) + mrz[at + 1 :]
        assert not lds.parse_dg1(lds_dg1(broken)).check_digits_ok, at
    with pytest.raises(ValueError):
        lds.parse_dg1(lds_dg1(mrz[:80]))


def lds_dg1(mrz: str) -> bytes:
    from hw_bridge.cccd import tlv

    return tlv.tlv(0x61, tlv.tlv(0x5F1F, mrz.encode()))

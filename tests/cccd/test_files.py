"""Parsing the card's files and checking their authenticity, on synthetic card contents
(hw_bridge.cccd.testcard: a fictional person, a drawn portrait, a test signing chain)."""

from __future__ import annotations

import datetime as dt

import pytest

from hw_bridge.cccd import authenticity, lds, testcard, tlv
from hw_bridge.cccd.qr import parse_qr, validate_bhyt, validate_id_number
from hw_bridge.errors import CardError


@pytest.fixture(scope="module")
def card() -> testcard.CardContents:
    return testcard.make_card(testcard.Person(spouse="Lê Thị Dung"))


def test_dg1_mrz(card: testcard.CardContents) -> None:
    mrz = lds.parse_dg1(card.files["DG1"])
    assert mrz.document_code == "ID" and mrz.issuing_state == "VNM"
    assert mrz.document_number == "099012345" and mrz.id_number == "001099012345"
    assert mrz.birth == "490501" and mrz.sex == "M" and mrz.nationality == "VNM"
    assert mrz.names == "NGUYEN, VAN AN"
    assert mrz.check_digits_ok
    broken = card.files["DG1"].replace(b"490501", b"490502")
    assert not lds.parse_dg1(broken).check_digits_ok


def test_dg13_fields_by_number(card: testcard.CardContents) -> None:
    data = lds.parse_dg13(card.files["DG13"])
    assert data.fields["id_number"] == "001099012345"
    assert data.fields["full_name"] == "Nguyễn Văn An"
    assert data.date("birth_date") == dt.date(1949, 5, 1)
    assert data.fields["sex"] == "Nam" and data.fields["nationality"] == "Việt Nam"
    assert data.fields["expiry_date"] == "Không thời hạn" and data.date("expiry_date") is None
    assert data.parents == ["Nguyễn Văn Bình", "Trần Thị Cúc"]
    assert data.spouse == "Lê Thị Dung"
    assert data.fields["old_id_number"] == "091234567"


def test_dg13_text_is_nfc_and_order_does_not_matter() -> None:
    decomposed = "Nguye\u0302\u0303n Va\u0306n An"  # the same name with combining marks
    p = testcard.Person(full_name=decomposed)
    raw = testcard.dg13(p)
    assert lds.parse_dg13(raw).fields["full_name"] == "Nguyễn Văn An"
    # fields in another order (a DER-sorted SET), one unknown field number: still keyed by number
    body = tlv.find(tlv.find(raw, 0x6D) or b"", 0x30) or b""
    fields = list(tlv.parse(tlv.find(body, 0x31) or b""))
    shuffled = b"".join(tlv.tlv(t, v) for t, v in reversed(fields)) + tlv.tlv(
        0x30, tlv.tlv(0x02, b"\x11") + tlv.tlv(0x0C, "mới".encode())
    )
    rebuilt = tlv.tlv(0x6D, tlv.tlv(0x30, tlv.tlv(0x02, b"\x01") + tlv.tlv(0x31, shuffled)))
    data = lds.parse_dg13(rebuilt)
    assert data.fields["id_number"] == "001099012345" and data.unknown == {17: ["mới"]}


def test_dg2_portrait_is_a_decodable_jpeg2000(card: testcard.CardContents) -> None:
    portrait = lds.parse_dg2(card.files["DG2"])
    assert portrait.format == "jpeg2000" and (portrait.width, portrait.height) == (240, 320)
    with pytest.raises(ValueError):
        lds.parse_dg2(card.files["DG2"].replace(portrait.data[40:80], bytes(40)))


def test_com_lists_the_groups(card: testcard.CardContents) -> None:
    assert lds.com_groups(card.files["COM"]) == [1, 2, 13, 14, 15]


def test_passive_authentication(card: testcard.CardContents) -> None:
    groups = {1: card.files["DG1"], 2: card.files["DG2"], 13: card.files["DG13"]}
    result = authenticity.verify(card.files["SOD"], groups)
    assert result.status == "signature_valid_chain_not_verified"
    assert result.groups_checked == (1, 2, 13) and result.hash_algorithm == "sha256"
    assert card.chain is not None
    trusted = authenticity.verify(card.files["SOD"], groups, [card.chain.csca])
    assert trusted.status == "verified"
    other = testcard.signing_chain("OTHER")
    with pytest.raises(CardError) as err:
        authenticity.verify(card.files["SOD"], groups, [other.csca])
    assert err.value.code == "authenticity_failed"


def test_a_tampered_data_group_or_signature_is_refused(card: testcard.CardContents) -> None:
    tampered = card.files["DG13"].replace("Nguyễn Văn An".encode(), "Nguyễn Văn Ân".encode())
    with pytest.raises(CardError) as err:
        authenticity.verify(card.files["SOD"], {13: tampered})
    assert err.value.code == "authenticity_failed" and "DG13" in err.value.detail
    sod = bytearray(card.files["SOD"])
    sod[-10] ^= 0x01  # inside the signature
    with pytest.raises(CardError) as err:
        authenticity.verify(bytes(sod), {1: card.files["DG1"]})
    assert err.value.code == "authenticity_failed"
    with pytest.raises(CardError):
        authenticity.verify(card.files["SOD"], {3: b"\x63\x00"})  # a group the SOD does not sign


def test_card_qr_code() -> None:
    qr = parse_qr("001099012345|091234567|Nguyễn Văn An|01051949|Nam|Số 12 đường Lê Lợi, Hòa An|01072021||")
    assert qr.id_number == "001099012345" and qr.can == "012345"
    assert qr.birth_date == dt.date(1949, 5, 1) and qr.sex == "male" and qr.issue_date == dt.date(2021, 7, 1)
    assert parse_qr("079188000123||Trần Thị Bình|15021988|Nữ|Hà Nội").issue_date is None
    for bad, code in [
        ("00109901234|…|x|01051949|Nam|a|01072021", "invalid_id_number"),
        ("001099012345||Nguyễn Văn An|31021949|Nam|a|01072021", "invalid_birth_date"),
        ("001099012345||Nguyễn Văn An|01051949|Khác|a|01072021", "invalid_sex"),
        ("001099012345|12345|Nguyễn Văn An|01051949|Nam|a|01072021", "invalid_old_id"),
        ("https://example.org/not-a-card", "qr_format"),
    ]:
        with pytest.raises(CardError) as err:
            parse_qr(bad)
        assert err.value.code == code, bad


def test_typed_numbers() -> None:
    assert validate_id_number(" 0010 9901 2345 ") == "001099012345"
    assert validate_bhyt("dn4010123456789") == "DN4010123456789"
    for bad in ("00109901234", "00109901234a"):
        with pytest.raises(CardError) as err:
            validate_id_number(bad)
        assert err.value.code == "invalid_id_number"
    with pytest.raises(CardError) as err:
        validate_bhyt("DN6010123456789")
    assert err.value.code == "invalid_bhyt_number"

"""The whole read, card-present to identity, against the card emulator (directly, without
PC/SC: the same code runs through pcscd in test_pcsc.py): PACE with the CAN, BAC with the MRZ
data, and one distinct error, never a partial identity, for each way it can go wrong."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from hw_bridge.cccd import crypto, testcard
from hw_bridge.cccd.emulator import EmulatedCard
from hw_bridge.cccd.reader import read_card
from hw_bridge.errors import CardError, card_removed


@pytest.fixture(scope="module")
def contents() -> testcard.CardContents:
    return testcard.make_card(testcard.Person(id_number="079188000123", full_name="Trần Thị Bình", sex="Nữ"))


def mrz_info(c: testcard.CardContents) -> bytes:
    p = c.person
    expiry = (p.expiry_date.strftime("%y%m%d")) if p.expiry_date else "991231"
    return crypto.mrz_information(p.document_number, p.birth_date.strftime("%y%m%d"), expiry)


def emulated(c: testcard.CardContents) -> EmulatedCard:
    return EmulatedCard.of(c, mrz_info(c))


class Counting:
    """A transport that counts APDUs and can lose the card after a number of them."""

    def __init__(self, card: EmulatedCard, remove_after: int | None = None) -> None:
        self.card = card
        self.sent = 0
        self.remove_after = remove_after

    def transmit(self, apdu: bytes) -> bytes:
        self.sent += 1
        if self.remove_after is not None and self.sent > self.remove_after:
            raise card_removed("transport")
        return self.card.process(apdu)


def test_pace_with_the_can_reads_the_whole_identity(contents: testcard.CardContents) -> None:
    assert contents.chain is not None
    read = read_card(Counting(emulated(contents)), can="000123", trust_store=[contents.chain.csca])
    assert read.access == "pace"
    assert (read.id_number, read.full_name, read.birth_date, read.sex) == (
        "079188000123",
        "Trần Thị Bình",
        "1949-05-01",
        "female",
    )
    assert read.parents == ["Nguyễn Văn Bình", "Trần Thị Cúc"]
    assert read.portrait is not None and read.portrait.format == "jpeg2000"
    assert read.authenticity.status == "verified"
    assert read.chip_authentication and read.active_authentication
    assert read.groups == [1, 2, 13, 14, 15]
    public = read.public()
    assert public["portrait"] is True and "chip_serial" not in public["fields"]  # type: ignore[operator]


def test_the_mrz_data_with_pace_or_bac(contents: testcard.CardContents) -> None:
    """PACE with the MRZ data as password where the card offers PACE; BAC where it does not."""
    read = read_card(Counting(emulated(contents)), mrz_information=mrz_info(contents), with_portrait=False)
    assert read.access == "pace" and read.portrait is None and read.id_number == "079188000123"
    assert read.authenticity.status == "signature_valid_chain_not_verified"
    files = {k: v for k, v in contents.files.items() if k != "CardAccess"}
    bac_only = EmulatedCard(files, "000123", mrz_info(contents), contents.ca_key, contents.aa_key)
    read = read_card(Counting(bac_only), mrz_information=mrz_info(contents), with_portrait=False)
    assert read.access == "bac" and read.id_number == "079188000123" and read.chip_authentication


def test_without_portrait_fewer_apdus(contents: testcard.CardContents) -> None:
    full = Counting(emulated(contents))
    read_card(full, can="000123")
    light = Counting(emulated(contents))
    read_card(light, can="000123", with_portrait=False)
    assert light.sent < full.sent


def test_wrong_can(contents: testcard.CardContents) -> None:
    with pytest.raises(CardError) as err:
        read_card(Counting(emulated(contents)), can="000124")
    assert err.value.code == "wrong_can"
    with pytest.raises(CardError) as err:
        read_card(Counting(emulated(contents)), mrz_information=crypto.mrz_information("099999999", "490501", "991231"))
    assert err.value.code == "wrong_mrz"  # the MRZ data, not the CAN, is what the patient typed wrong


def test_card_removed_during_the_read(contents: testcard.CardContents) -> None:
    for after in (3, 12, 25):
        with pytest.raises(CardError) as err:
            read_card(Counting(emulated(contents), remove_after=after), can="000123")
        assert err.value.code == "card_removed"


def test_tampered_data_group(contents: testcard.CardContents) -> None:
    files = dict(contents.files)
    files["DG13"] = files["DG13"].replace("Trần Thị Bình".encode(), "Trần Thị Bính".encode())
    with pytest.raises(CardError) as err:
        read_card(Counting(EmulatedCard(files, "000123", None, contents.ca_key, contents.aa_key)), can="000123")
    assert err.value.code == "authenticity_failed"


def test_a_copied_chip_fails_chip_and_active_authentication(contents: testcard.CardContents) -> None:
    """The files copied onto another chip (valid signatures, other private keys)."""
    other = ec.generate_private_key(ec.BrainpoolP256R1())
    with pytest.raises(CardError) as err:
        read_card(Counting(EmulatedCard(contents.files, "000123", None, other, contents.aa_key)), can="000123")
    assert err.value.code == "authenticity_failed" and "chip authentication" in err.value.detail
    other_aa = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(CardError) as err:
        read_card(Counting(EmulatedCard(contents.files, "000123", None, contents.ca_key, other_aa)), can="000123")
    assert err.value.code == "authenticity_failed" and "active authentication" in err.value.detail


def test_unknown_card() -> None:
    class NotAnIdCard:
        def transmit(self, apdu: bytes) -> bytes:
            return bytes.fromhex("6A82") if apdu[1] in (0xA4, 0xB0) else bytes.fromhex("6D00")

    for kw in ({"can": "000123"}, {"mrz_information": b"L898902C<369080619406236"}):
        with pytest.raises(CardError) as err:
            read_card(NotAnIdCard(), **kw)  # type: ignore[arg-type]
        assert err.value.code == "unsupported_card"


def test_plain_apdu_during_a_session_ends_it(contents: testcard.CardContents) -> None:
    card = emulated(contents)
    read_card(Counting(card), can="000123", with_portrait=False)
    assert card.sm is not None and card.sm.alg == "AES"
    assert card.process(bytes.fromhex("00B0000004")) == bytes.fromhex("6987")
    assert card.sm is None and card.process(bytes.fromhex("00B0810004")) == bytes.fromhex("6982")


@pytest.mark.parametrize(
    ("cipher", "parameter_id"),
    [(1, 13), (2, 12), (3, 16), (4, 17), (4, 15), (2, 13)],
    ids=["3DES-bp256", "AES128-P256", "AES192-bp384", "AES256-bp512", "AES256-P384", "AES128-bp256"],
)
def test_pace_with_each_cipher_and_curve(contents: testcard.CardContents, cipher: int, parameter_id: int) -> None:
    """The card advertises one PACEInfo in EF.CardAccess; the reader follows it."""
    from hw_bridge.cccd import tlv

    oid = bytes.fromhex("04007F000702020402") + bytes([cipher])
    info = tlv.tlv(0x30, tlv.tlv(0x06, oid) + tlv.tlv(0x02, b"\x02") + tlv.tlv(0x02, bytes([parameter_id])))
    files = {**contents.files, "CardAccess": tlv.tlv(0x31, info)}
    card = EmulatedCard(files, "000123", None, contents.ca_key, contents.aa_key)
    read = read_card(Counting(card), can="000123", with_portrait=False)
    assert read.id_number == "079188000123"
    assert read.chip_authentication  # the session continued after PACE with these keys

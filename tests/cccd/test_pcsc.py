"""The card read through the real PC/SC stack: pcscd with vsmartcard's virtual reader
(Debian packages pcscd and vsmartcard-vpcd), pyscard on our side, and the card emulator of
this project plugged into the reader over the vpcd wire protocol."""

from __future__ import annotations

import pytest

from hw_bridge.cccd import crypto, testcard
from hw_bridge.cccd.emulator import EmulatedCard
from hw_bridge.cccd.pcsc import PcscTransport
from hw_bridge.cccd.reader import read_card
from hw_bridge.cccd.vpcd import VPCD_PORT, VirtualCard, inserted
from hw_bridge.errors import CardError


@pytest.fixture(scope="module")
def contents() -> testcard.CardContents:
    return testcard.make_card(testcard.Person(id_number="036095000777", full_name="Phạm Đức Long"))


def test_bac_through_pcscd(pcscd: None, contents: testcard.CardContents) -> None:
    p = contents.person
    mrz = crypto.mrz_information(p.document_number, p.birth_date.strftime("%y%m%d"), "991231")
    files = {k: v for k, v in contents.files.items() if k != "CardAccess"}  # no PACE: BAC
    with inserted(VirtualCard(EmulatedCard(files, p.can, mrz, contents.ca_key, contents.aa_key))) as transport:
        read = read_card(transport, mrz_information=mrz, with_portrait=False)
    assert (read.access, read.id_number) == ("bac", "036095000777")


def test_read_through_pcscd(pcscd: None, contents: testcard.CardContents) -> None:
    card = VirtualCard(EmulatedCard.of(contents))
    with inserted(card) as transport:
        assert contents.chain is not None
        read = read_card(transport, can="000777", trust_store=[contents.chain.csca])
        assert (read.id_number, read.full_name, read.access) == ("036095000777", "Phạm Đức Long", "pace")
        assert read.authenticity.status == "verified" and read.portrait is not None
        assert read.chip_authentication and read.active_authentication
        assert read.apdus == card.apdus


@pytest.mark.parametrize("case", ["wrong_can", "card_removed", "authenticity_failed", "unsupported_card"])
def test_each_failure_has_its_own_code_through_pcscd(pcscd: None, contents: testcard.CardContents, case: str) -> None:
    files, can, remove_after = dict(contents.files), "000777", None
    emulated: object = None
    if case == "wrong_can":
        can = "777000"
    elif case == "card_removed":
        remove_after = 14  # in the middle of the data groups
    elif case == "authenticity_failed":
        files["DG1"] = files["DG1"].replace(b"PHAM", b"PHAN")
    if case == "unsupported_card":

        class NotAnIdCard:
            def reset(self) -> None:
                pass

            def process(self, apdu: bytes) -> bytes:
                return bytes.fromhex("6A82") if apdu[1] in (0xA4, 0xB0) else bytes.fromhex("6D00")

        emulated = NotAnIdCard()
    else:
        emulated = EmulatedCard(files, "000777", None, contents.ca_key, contents.aa_key)
    card = VirtualCard(emulated, remove_after=remove_after)  # type: ignore[arg-type]
    with inserted(card) as transport, pytest.raises(CardError) as err:
        read_card(transport, can=can)
    assert err.value.code == case


def test_two_readers_two_cards(pcscd: None, contents: testcard.CardContents) -> None:
    """vpcd offers two readers (TCP 35963 and 35964): each holds its own card, read in turn."""
    other = testcard.make_card(testcard.Person(id_number="045170000888", full_name="Hồ Thị Mai", sex="Nữ"))
    first = VirtualCard(EmulatedCard.of(contents))
    second = VirtualCard(EmulatedCard.of(other), port=VPCD_PORT + 1)
    with inserted(first) as t1, inserted(second, "Virtual PCD 00 01") as t2:
        names = {read_card(t, can=c, with_portrait=False).full_name for t, c in ((t1, "000777"), (t2, "000888"))}
    assert names == {"Phạm Đức Long", "Hồ Thị Mai"}


def test_a_missing_reader_has_its_own_code(pcscd: None) -> None:
    with pytest.raises(CardError) as err:
        PcscTransport("Lector que no existe 00 00")
    assert err.value.code == "reader_missing" and err.value.message_vi

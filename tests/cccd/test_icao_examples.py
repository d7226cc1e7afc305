"""The worked examples of ICAO Doc 9303 Part 11: Appendix D (BAC and 3DES secure messaging)
and Appendix G.1 (PACE, ECDH generic mapping on brainpoolP256r1, AES-128). Every intermediate
value of the standard is checked, and the terminal side of each exchange is replayed against
the chip's answers from the standard, byte for byte."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from hw_bridge.cccd import bac, crypto, pace
from hw_bridge.cccd.card import CardSession
from hw_bridge.cccd.ec import BRAINPOOL_P256R1 as BP256
from hw_bridge.cccd.sm import Command, SecureMessaging
from hw_bridge.errors import CardError

H = bytes.fromhex


# ---- Appendix D: BAC --------------------------------------------------------------------------


def test_d2_check_digits_and_mrz_information() -> None:
    assert crypto.check_digit("L898902C<") == "3"
    assert crypto.check_digit("690806") == "1"
    assert crypto.check_digit("940623") == "6"
    assert crypto.mrz_information("L898902C<", "690806", "940623") == b"L898902C<369080619406236"
    assert crypto.mrz_information("D23145890734", "340712", "950712") == b"D23145890734934071279507122"
    with pytest.raises(ValueError):
        crypto.check_digit("ab")


def test_d2_document_basic_access_keys() -> None:
    seed = hashlib.sha1(b"L898902C<369080619406236").digest()[:16]
    assert seed == H("239AB9CB282DAF66231DC5A4DF6BFBAE")
    k_enc, k_mac = bac.keys_from_mrz(b"L898902C<369080619406236")
    assert k_enc == H("AB94FDECF2674FDFB9B391F85D7F76F2")
    assert k_mac == H("7962D9ECE03D1ACD4C76089DCE131543")


K_ENC, K_MAC = H("AB94FDECF2674FDFB9B391F85D7F76F2"), H("7962D9ECE03D1ACD4C76089DCE131543")
RND_IC, RND_IFD = H("4608F91988702212"), H("781723860C06C226")
K_IFD, K_IC = H("0B795240CB7049B01C19B33E32804F0B"), H("0B4F80323EB3191CB04970CB4052790B")
E_IFD = H("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2")
M_IFD = H("5F1448EEA8AD90A7")
E_IC = H("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F")
M_IC = H("2F2D235D074D7449")
KS_ENC, KS_MAC = H("979EC13B1CBFE9DCD01AB0FED307EAE5"), H("F1CB1F1FB5ADF208806B89DC579DC1F8")


def test_d3_authentication_and_session_keys() -> None:
    assert crypto.cbc_encrypt("3DES", K_ENC, RND_IFD + RND_IC + K_IFD) == E_IFD
    assert bac.terminal_cryptogram(K_ENC, K_MAC, RND_IFD, RND_IC, K_IFD) == E_IFD + M_IFD
    # the chip's side of the example
    assert crypto.cbc_encrypt("3DES", K_ENC, RND_IC + RND_IFD + K_IC) == E_IC
    assert crypto.retail_mac(K_MAC, crypto.pad(E_IC, 8)) == M_IC
    sm = bac.session_from_answer(K_ENC, K_MAC, RND_IFD, RND_IC, K_IFD, E_IC + M_IC)
    assert bytes(a ^ b for a, b in zip(K_IFD, K_IC, strict=True)) == H("0036D272F5C350ACAC50C3F572D23600")
    assert (sm.ks_enc, sm.ks_mac) == (KS_ENC, KS_MAC)
    assert sm.ssc_bytes() == H("887022120C06C226")
    # an answer for another challenge, or with a wrong MAC, is a wrong key
    with pytest.raises(CardError) as err:
        bac.session_from_answer(K_ENC, K_MAC, RND_IFD, RND_IFD, K_IFD, E_IC + M_IC)
    assert err.value.code == "wrong_mrz"  # BAC keys come from the MRZ data
    with pytest.raises(CardError):
        bac.session_from_answer(K_ENC, K_MAC, RND_IFD, RND_IC, K_IFD, E_IC + bytes(8))


def test_d4_secure_messaging_3des() -> None:
    sm = SecureMessaging("3DES", KS_ENC, KS_MAC, H("887022120C06C226"))
    assert sm.wrap(Command(0x00, 0xA4, 0x02, 0x0C, H("011E"))) == H(
        "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800"
    )
    assert sm.unwrap(H("990290008E08FA855A5D4C50A8ED9000")) == (b"", 0x9000)
    assert sm.wrap(Command(0x00, 0xB0, 0x00, 0x00, b"", 4)) == H("0CB000000D9701048E08ED6705417E96BA5500")
    assert sm.unwrap(H("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000")) == (H("60145F01"), 0x9000)
    assert sm.wrap(Command(0x00, 0xB0, 0x00, 0x04, b"", 0x12)) == H("0CB000040D9701128E082EA28A70F3C7B53500")
    data, sw = sm.unwrap(H("871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000"))
    assert (data, sw) == (H("04303130365F36063034303030305C026175"), 0x9000)


def test_d4_a_tampered_or_plain_response_ends_the_session() -> None:
    sm = SecureMessaging("3DES", KS_ENC, KS_MAC, H("887022120C06C226"))
    sm.wrap(Command(0x00, 0xA4, 0x02, 0x0C, H("011E")))
    with pytest.raises(CardError) as err:
        sm.unwrap(H("990290008E08FA855A5D4C50A8EE9000"))  # the last MAC byte changed (ED -> EE)
    assert err.value.code == "secure_messaging_failed"
    with pytest.raises(CardError):
        sm.unwrap(H("6988"))  # a plain status word: the chip has aborted secure messaging


class ScriptedChip:
    """Answers each expected command with the standard's response; anything else fails."""

    def __init__(self, script: list[tuple[str, str]]) -> None:
        self.script: Iterator[tuple[str, str]] = iter(script)

    def transmit(self, apdu: bytes) -> bytes:
        expected, answer = next(self.script)
        assert apdu.hex().upper() == expected.upper()
        return H(answer)


# ---- Appendix G.1: PACE, ECDH generic mapping ----------------------------------------------------

K = H("7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD")
K_PI = H("89DED1B26624EC1E634C1989302849DD")
Z, S = H("95A3A016522EE98D01E76CB6B98B42C3"), H("3F00C4D39D153F2B2A214A078D899B22")
SK_MAP_IFD = 0x7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99
PK_MAP_IFD = H(
    "047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E"
    "544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D"
)
SK_MAP_IC = 0x498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560
PK_MAP_IC = H(
    "04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57"
    "30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"
)
H_POINT = H(
    "0460332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD5"
    "0840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181"
)
G_MAPPED = H(
    "048CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E2"
    "8C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522"
)
SK_DH_IFD = 0xA73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595
PK_DH_IFD = H(
    "042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C"
    "3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462"
)
PK_DH_IC = H(
    "049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB"
    "7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"
)
SHARED = H("28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925")
G1_KS_ENC, G1_KS_MAC = H("F5F0E35C0D7161EE6724EE513A0D9A7F"), H("FE251C7858B356B24514B3BD5F4297D1")
T_IFD, T_IC = H("C2B0BD78D94BA866"), H("3ABB9674BCE93C08")
OID = H("04007F00070202040202")  # id-PACE-ECDH-GM-AES-CBC-CMAC-128


def test_g1_password_and_nonce() -> None:
    assert hashlib.sha1(crypto.mrz_information("T22000129", "640812", "101031")).digest() == K
    assert crypto.mrz_pace_key("T22000129", "640812", "101031") == K_PI
    assert crypto.cbc_decrypt("AES", K_PI, Z) == S


def test_g1_mapping() -> None:
    assert BP256.encode(BP256.mul(SK_MAP_IFD, BP256.g)) == PK_MAP_IFD
    assert BP256.encode(BP256.mul(SK_MAP_IC, BP256.g)) == PK_MAP_IC
    pk_map_ic = BP256.decode(PK_MAP_IC)
    assert BP256.encode(BP256.mul(SK_MAP_IFD, pk_map_ic)) == H_POINT
    assert BP256.encode(BP256.mul(SK_MAP_IC, BP256.decode(PK_MAP_IFD))) == H_POINT  # both sides agree
    assert BP256.encode(pace.mapped_generator(BP256, S, SK_MAP_IFD, pk_map_ic)) == G_MAPPED


def test_g1_key_agreement_keys_and_tokens() -> None:
    g2 = BP256.decode(G_MAPPED)
    assert BP256.encode(BP256.mul(SK_DH_IFD, g2)) == PK_DH_IFD
    shared = BP256.mul(SK_DH_IFD, BP256.decode(PK_DH_IC))
    assert shared is not None and shared[0].to_bytes(32, "big") == SHARED
    assert pace.session_keys("AES", 16, SHARED) == (G1_KS_ENC, G1_KS_MAC)
    assert pace.auth_token("AES", G1_KS_MAC, OID, PK_DH_IC) == T_IFD
    assert pace.auth_token("AES", G1_KS_MAC, OID, PK_DH_IFD) == T_IC


G1_EXCHANGE = [
    ("0022C1A40F800A04007F00070202040202830101", "9000"),
    ("10860000027C0000", "7C128010" + Z.hex() + "9000"),
    ("10860000457C438141" + PK_MAP_IFD.hex() + "00", "7C438241" + PK_MAP_IC.hex() + "9000"),
    ("10860000457C438341" + PK_DH_IFD.hex() + "00", "7C438441" + PK_DH_IC.hex() + "9000"),
    ("008600000C7C0A8508" + T_IFD.hex() + "00", "7C0A8608" + T_IC.hex() + "9000"),
]


def test_g1_terminal_side_byte_for_byte() -> None:
    card = CardSession(ScriptedChip(G1_EXCHANGE))
    keys = iter([SK_MAP_IFD, SK_DH_IFD])
    info = pace.PaceInfo(OID, 2, 13)
    pace.establish(card, info, K_PI, pace.PASSWORD_MRZ, private_keys=lambda _c: next(keys))
    assert card.sm is not None
    assert (card.sm.ks_enc, card.sm.ks_mac, card.sm.ssc) == (G1_KS_ENC, G1_KS_MAC, 0)


def test_g1_a_wrong_chip_token_is_a_wrong_password() -> None:
    script = [*G1_EXCHANGE[:-1], (G1_EXCHANGE[-1][0], "7C0A8608" + bytes(8).hex() + "9000")]
    card = CardSession(ScriptedChip(script))
    keys = iter([SK_MAP_IFD, SK_DH_IFD])
    with pytest.raises(CardError) as err:
        pace.establish(card, pace.PaceInfo(OID, 2, 13), K_PI, pace.PASSWORD_MRZ, private_keys=lambda _c: next(keys))
    assert err.value.code == "wrong_can" and card.sm is None


def test_aes_secure_messaging_after_g1() -> None:
    """SELECT of the eMRTD application under the G.1 keys (SSC 0). The standard has no AES SM
    example; this vector is an independent third-party reference (ICAO 9303-11 §9.8 rules)."""
    sm = SecureMessaging("AES", G1_KS_ENC, G1_KS_MAC, 0)
    assert sm.wrap(Command(0x00, 0xA4, 0x04, 0x0C, H("A0000002471001"))) == H(
        "0CA4040C1D871101752F676B09FAC86A87D632749A49C7CC8E08C18BA1FCE707BD9F00"
    )
    assert sm.unwrap(H("990290008E08BEA7B381C494A0799000")) == (b"", 0x9000)


@pytest.mark.parametrize("alg", ["3DES", "AES"])
def test_secure_messaging_both_sides_agree_on_every_apdu_case(alg: crypto.Alg) -> None:
    """Terminal wrap -> card open -> card seal -> terminal unwrap, for short and extended
    commands (ISO/IEC 7816-4 cases 1-4, Le of 256 and 65536, odd INS with DO'85')."""
    keys = (bytes(range(16)), bytes(range(16, 32)))  # 2-key 3DES or AES-128
    terminal, card = SecureMessaging(alg, *keys, 7), SecureMessaging(alg, *keys, 7)
    cases = [
        Command(0x00, 0xA4, 0x04, 0x0C, H("A0000002471001")),
        Command(0x00, 0xB0, 0x00, 0x00, b"", 4),
        Command(0x00, 0xB0, 0x00, 0x00, b"", 256),
        Command(0x00, 0xB0, 0x00, 0x00, b"", 65536),
        Command(0x00, 0xD6, 0x00, 0x00, bytes(range(256)) * 2),  # 512 bytes: extended Lc
        Command(0x00, 0xB1, 0x00, 0x00, H("54028000"), 1000),
        Command(0x80, 0xCA, 0x9F, 0x7F),
    ]
    for cmd in cases:
        wrapped = terminal.wrap(cmd)
        opened = card.open(wrapped)
        assert (opened.cla, opened.ins, opened.p1, opened.p2, opened.data, opened.le) == (
            cmd.cla,
            cmd.ins,
            cmd.p1,
            cmd.p2,
            cmd.data,
            cmd.le,
        )
        answer = bytes(range(200)) if cmd.le else b""
        assert terminal.unwrap(card.seal(answer, 0x9000, odd=bool(cmd.ins & 1))) == (answer, 0x9000)
    assert terminal.ssc == card.ssc == 7 + 2 * len(cases)
    with pytest.raises(CardError):  # a command replayed later has the wrong counter
        card.open(wrapped)

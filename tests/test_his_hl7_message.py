"""The HL7 v2.5 messages of the HIS link, without I/O (server/his/hl7_message.py), and the pure
parts of its MLLP shell (framing, the url, the verdict on an ACK)."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain.his import HisMessage, HisPatient, Kind
from server.his import Refused, Retryable
from server.his.hl7 import Hl7Error, endpoint, frame, judge, unframe
from server.his.hl7_message import Ack, AckError, Envelope, build, control_id, escape, parse_ack, trigger, unescape

from .peers.hl7_harness import require_hl7apy
from .test_his_hl7 import PATIENT, message, ticket


def fields(text: str) -> dict[str, list[str]]:
    """Each segment's fields by their HL7 number (MSH-1 is the separator, so MSH's list starts
    with "|" to keep the numbers)."""
    segments = [s for s in text.split("\r") if s]
    out: dict[str, list[str]] = {}
    for s in segments:
        parts = s.split("|")
        out[parts[0]] = ["MSH", "|", *parts[1:]] if parts[0] == "MSH" else parts
    return out


def at(segment: list[str], n: int) -> str:
    return segment[n] if n < len(segment) else ""


def test_an_issued_ticket_is_an_a04_with_both_numbers_and_the_visit() -> None:
    text = build(message("issued", 57, ticket(counter=3, counter_name="Phòng khám 3")))
    assert text.endswith("\r") and "\n" not in text
    f = fields(text)
    assert list(f) == ["MSH", "EVN", "PID", "PV1", "PV2", "ZQU"]
    msh, evn, pid, pv1 = f["MSH"], f["EVN"], f["PID"], f["PV1"]
    assert msh[2:7] == ["^~\\&", "QUEUE", "70001", "HIS", "70001"]
    assert msh[7] == "20261206110737+0700"
    assert (msh[9], msh[10], msh[11], msh[12]) == ("ADT^A04^ADT_A01", "70001-57", "P", "2.5")
    assert (msh[15], msh[16], msh[17], msh[18]) == ("", "", "VNM", "UNICODE UTF-8")
    assert evn[1:3] == ["A04", "20261206110737+0700"] and at(evn, 7) == "70001"
    assert pid[3] == "001099012345^^^CCCD^NI~DN4010199012345^^^BHYT^HC"
    assert (pid[5], pid[7], pid[8]) == ("Nguyễn^Khai^Thị Minh^^^^L", "19900517", "F")
    assert (pv1[2], pv1[3]) == ("O", "3^^^70001^^^^^Phòng khám 3")
    assert (pv1[10], pv1[18], pv1[19]) == ("KB", "01", "70001-20261206-12^^^QUEUE^VN")
    assert (pv1[44], at(pv1, 45), at(pv1, 50)) == ("20261206110640+0700", "", "")
    assert f["PV2"][3] == "KB^Khám bệnh^L"
    assert f["ZQU"][1:4] == ["A012", "issued", "waiting"]


@pytest.mark.parametrize(
    ("kind", "msh9"),
    [
        ("issued", "ADT^A04^ADT_A01"),
        ("called", "ADT^A08^ADT_A01"),
        ("started", "ADT^A08^ADT_A01"),
        ("transferred", "ADT^A08^ADT_A01"),
        ("changed", "ADT^A08^ADT_A01"),
        ("missed", "ADT^A08^ADT_A01"),
        ("cancelled", "ADT^A11^ADT_A09"),
        ("finished", "ADT^A03^ADT_A03"),
    ],
)
def test_each_event_has_its_trigger_and_only_the_end_a_discharge_time(kind: Kind, msh9: str) -> None:
    f = fields(build(message(kind, 9, ticket())))
    assert f["MSH"][9] == msh9 and f["EVN"][1] == msh9[4:7]
    assert f["ZQU"][2] == kind
    assert (at(f["PV1"], 45) != "") is (kind == "finished")


@pytest.mark.parametrize("kind", ["issued", "called", "cancelled", "finished"])
def test_hl7apy_reads_each_message_under_strict_validation_of_v2_5(kind: Kind) -> None:
    require_hl7apy()
    from hl7apy.consts import VALIDATION_LEVEL
    from hl7apy.parser import parse_message

    m = message(kind, 9, ticket(counter=3, counter_name="Quầy 3", patient_code="BN001", episode="LK77"))
    parsed = parse_message(build(m), validation_level=VALIDATION_LEVEL.STRICT, find_groups=True)
    assert parsed.msh.msh_10.value == control_id(m)
    assert parsed.pv1.pv1_19.cx_1.value == m.ticket.key


def test_a_rating_has_no_hl7_message() -> None:
    assert trigger("rated") is None
    with pytest.raises(ValueError, match="no message for 'rated'"):
        build(message("rated", 9, ticket(), score=4))


def test_the_same_message_is_the_same_bytes_every_time() -> None:
    m = message("called", 5, ticket(counter=1))
    assert build(m) == build(msgspec.json.decode(msgspec.json.encode(m), type=HisMessage))


def test_what_the_his_recorded_goes_back_to_it() -> None:
    f = fields(build(message("called", 5, ticket(patient_code="BN0042", episode="LK-2026-9"))))
    assert f["PID"][3].split("~")[-1] == "BN0042^^^HIS^PI"
    assert f["PV1"][50] == "LK-2026-9^^^HIS^VN"


def test_a_ticket_without_an_identity_is_known_by_its_key() -> None:
    f = fields(build(message("issued", 5, ticket(patient=None))))
    assert f["PID"][3] == "70001-20261206-12^^^QUEUE^VN"
    assert at(f["PID"], 5) == "" and at(f["PID"], 8) == ""


@pytest.mark.parametrize(
    ("name", "dob", "sex", "xpn", "pid7", "pid8"),
    [
        ("Lê", "1980-01-02", "male", "Lê^^^^^^L", "19800102", "M"),
        ("Phạm  Bình", "", "", "Phạm^Bình^^^^^L", "", "U"),
        ("", "1980", "other", "", "", "U"),
    ],
)
def test_names_dates_and_sex(name: str, dob: str, sex: str, xpn: str, pid7: str, pid8: str) -> None:
    patient = msgspec.structs.replace(PATIENT, name=name, dob=dob, sex=sex, bhyt_number="")
    pid = fields(build(message("issued", 1, ticket(patient=patient))))["PID"]
    assert (at(pid, 5), at(pid, 7), at(pid, 8)) == (xpn, pid7, pid8)
    assert pid[3] == "001099012345^^^CCCD^NI"


def test_the_envelope_names_the_receiving_side() -> None:
    env = Envelope(sending_app="HQ", receiving_app="HIS-VT", receiving_facility="BV01", processing="T", timezone="UTC")
    f = fields(build(message("issued", 1, ticket(patient=None)), env))
    assert f["MSH"][3:8] == ["HQ", "70001", "HIS-VT", "BV01", "20261206040641+0000"]
    assert f["MSH"][11] == "T"
    assert f["PV1"][19] == "70001-20261206-12^^^HQ^VN"


def test_delimiters_in_text_are_escaped_and_controls_become_spaces() -> None:
    assert escape("a|b^c~d\\e&f") == "a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f"
    assert escape("x\ry\n\x0bz\x1c") == "x y z "
    t = ticket(patient=msgspec.structs.replace(PATIENT, name="A|B C^D"), label="A~1")
    text = build(message("missed", 3, t, reason="đi vắng & quay lại\\"))
    f = fields(text)
    assert f["PID"][5] == "A\\F\\B^C\\S\\D^^^^^L"
    assert f["ZQU"][1] == "A\\R\\1" and f["ZQU"][4] == "đi vắng \\T\\ quay lại\\E\\"


@given(st.text(alphabet=st.characters(min_codepoint=0x20, exclude_characters="\x7f"), max_size=60))
def test_unescape_reverses_escape(text: str) -> None:
    assert unescape(escape(text)) == text
    assert not set("|^~&") & set(escape(text))


def test_unescape_reads_hex_line_breaks_and_other_delimiters() -> None:
    assert unescape("a\\X4E67C6B0E1BB9B63\\b") == "aNgướcb"
    assert unescape("x\\.br\\y\\H\\z\\N\\") == "x\nyz"
    assert unescape("a\\Xzz\\b\\X4\\") == "ab"
    assert unescape("p#F#q#E#", "|^~#&") == "p|q#"


def ack(msa: str, err: str = "", header: str = "MSH|^~\\&|HIS|BV|QUEUE|70001|20261206||ACK^A04^ACK|9|P|2.5") -> str:
    return "\r".join(s for s in (header, msa, err) if s) + "\r"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ack("MSA|AA|m-1"), Ack("AA", "m-1", "")),
        (ack("MSA|AE|m-1|bận \\F\\ thử lại"), Ack("AE", "m-1", "bận | thử lại")),
        (ack("MSA|AR|m-1", "ERR|||207^Lỗi ứng dụng^HL70357|E||||Thẻ hết hạn"), Ack("AR", "m-1", "Thẻ hết hạn")),
        (ack("MSA|AR|m-1", "ERR|||207^Lỗi ứng dụng^HL70357|E"), Ack("AR", "m-1", "Lỗi ứng dụng")),
        (ack("MSA|CR|m-1", "ERR|||207|E"), Ack("CR", "m-1", "207")),
        (ack("MSA|AE|m-1", "ERR|PID^1^3^101&Thiếu"), Ack("AE", "m-1", "PID^1^3^101&Thiếu")),
        (ack("MSA|AA|m\\T\\1").replace("\r", "\n"), Ack("AA", "m&1", "")),
        (ack("MSA#AE#m-1#a|b", header="MSH#^~\\&#HIS"), Ack("AE", "m-1", "a|b")),
    ],
)
def test_an_ack_is_read_with_its_own_delimiters(text: str, expected: Ack) -> None:
    assert parse_ack(text) == expected


@pytest.mark.parametrize("text", ["", "MSA|AA|1\r", "MSH|^~\\&|HIS\rPID|1\r", ack("MSA||m-1"), ack("MSA|AA")])
def test_an_answer_that_is_not_an_ack_is_an_error(text: str) -> None:
    with pytest.raises(AckError):
        parse_ack(text)


def test_the_code_decides() -> None:
    assert judge(Ack("AA", "1", "")) == "AA"
    assert judge(Ack("CA", "1", "")) == "CA"
    for code in ("AE", "CE", "XX"):
        with pytest.raises(Retryable, match=f"HL7 {code}: later"):
            judge(Ack(code, "1", "later"))
    for code in ("AR", "CR"):
        with pytest.raises(Refused, match=f"^HL7 {code}$"):
            judge(Ack(code, "1", ""))


def test_mllp_frames() -> None:
    assert frame("MSH|ư\r") == b"\x0bMSH|\xc6\xb0\r\x1c\r"
    assert unframe(b"noise\x0bMSA|AA\r\x1c\r") == "MSA|AA\r"
    for bad in (b"MSA|AA\r\x1c\r", b"\x0bMSA|AA\r"):
        with pytest.raises(AckError):
            unframe(bad)


def test_the_link_url() -> None:
    assert endpoint("mllp://his.local:2575") == ("his.local", 2575, Envelope())
    host, port, env = endpoint("mllp://10.0.0.5:6661?receiving_app=HIS-VT&receiving_facility=BV01")
    assert (host, port, env.receiving_app, env.receiving_facility) == ("10.0.0.5", 6661, "HIS-VT", "BV01")
    for bad in (
        "http://his:80",
        "mllp://his",
        "mllp://his:99999",
        "mllp://:2575",
        "mllp://h:1?colour=red",
        "mllp://h:1?timezone=Mars/Base",
    ):
        with pytest.raises(Hl7Error):
            endpoint(bad)


def test_the_control_id_fits_v2_5s_twenty_characters_and_differs_per_event() -> None:
    first, second = message("issued", 10**13, ticket()), message("called", 10**13 + 1, ticket())
    assert len(control_id(first)) <= 20 and len(first.id) > 20
    assert control_id(first) != control_id(second)
    resent = msgspec.structs.replace(message("issued", 10**9, ticket()), id=f"{first.id}-r2")
    assert control_id(resent) == "70001-1000000000R2"


def test_a_passport_is_a_pid_3_identifier_of_type_ppn_with_its_country() -> None:
    passport = HisPatient(source="passport", name="MARTIN CLAIRE", passport_number="ZP4815162", nationality="UTO")
    f = fields(build(message("issued", 5, ticket(patient=passport))))
    assert f["PID"][3] == "ZP4815162^^^UTO^PPN"


def test_identity_checks_and_the_actor_ride_in_zqu() -> None:
    m = msgspec.structs.replace(
        message("changed", 9, ticket(identity_checks=["vneid_identity", "card"])),
        reason="identity_checked:card",
        actor="staff:quay1",
    )
    zqu = fields(build(m))["ZQU"]
    assert (zqu[4], zqu[7], zqu[8]) == ("identity_checked:card", "vneid_identity~card", "staff:quay1")

"""The health-insurance check's answer read for the patient, staff and the figures, and its
record on a ticket (domain/insurance.py, domain/insurance_check.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.access import SYSTEM, Actor
from server.domain.identity import Identity
from server.domain.insurance import RESULTS, Answer, cacheable, card_number, read

from .sim import Sim, small_config
from .test_decide import refused

CARD = Identity(source="chip", id_number="001099012345", name="Nguyễn Văn A", dob=dt.date(1999, 1, 2), sex="male")

# each documented code: the patient's line (catalogue code and a phrase of it in both languages),
# whether it says the patient is insured, and a phrase of the staff line
CASES = {
    "000": ("bhyt_valid", "còn hạn đến 31/12/2026", "valid until 31/12/2026", True, "thẻ đúng"),
    "001": ("bhyt_see_desk", "quầy tiếp đón", "reception desk", True, "Bộ Quốc phòng"),
    "002": ("bhyt_see_desk", "quầy tiếp đón", "reception desk", True, "Bộ Công an"),
    "003": ("bhyt_new_card", "thẻ BHYT mới", "new health insurance card", True, "thẻ cũ hết hạn"),
    "004": ("bhyt_new_card", "thẻ BHYT mới", "new health insurance card", True, "thẻ cũ còn hạn"),
    "010": ("bhyt_expired", "đã hết hạn", "has expired", False, "thẻ hết hạn"),
    "050": ("bhyt_not_found", "Không tìm thấy", "No health insurance card", False, "không có thông tin thẻ"),
    "051": ("bhyt_see_desk", "quầy tiếp đón", "reception desk", None, "mã thẻ sai"),
    "052": ("bhyt_see_desk", "quầy tiếp đón", "reception desk", None, "mã tỉnh"),
    "053": ("bhyt_see_desk", "quầy tiếp đón", "reception desk", None, "mã quyền lợi"),
    "054": ("bhyt_pending", "chờ kiểm tra", "to be checked", None, "cán bộ tra cứu không có"),
    "055": ("bhyt_pending", "chờ kiểm tra", "to be checked", None, "họ tên cán bộ"),
    "060": ("bhyt_see_desk", "quầy tiếp đón", "reception desk", None, "họ tên không đúng"),
    "061": ("bhyt_see_desk", "quầy tiếp đón", "reception desk", None, "họ tên không đúng"),
    "070": ("bhyt_see_desk", "quầy tiếp đón", "reception desk", None, "ngày sinh không đúng"),
    "100": ("bhyt_pending", "chờ kiểm tra", "to be checked", None, "lỗi đọc dữ liệu"),
    "101": ("bhyt_pending", "chờ kiểm tra", "to be checked", None, "lỗi máy chủ"),
    "110": ("bhyt_stopped", "thu hồi", "withdrawn", False, "thu hồi"),
    "120": ("bhyt_stopped", "tạm dừng", "suspended", False, "báo giảm"),
    "124": ("bhyt_stopped", "tạm dừng", "suspended", False, "báo giảm"),
    "130": ("bhyt_see_desk", "quầy tiếp đón", "reception desk", None, "trẻ em"),
    "205": ("bhyt_pending", "chờ kiểm tra", "to be checked", None, "sai định dạng"),
    "401": ("bhyt_pending", "chờ kiểm tra", "to be checked", None, "xác thực tài khoản"),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_result_code_has_its_patient_and_staff_lines(code: str) -> None:
    outcome, vi, en, insured, staff = CASES[code]
    lines = read(
        Answer(code=code, valid_from="01/01/2026", valid_to="31/12/2026", place="70001", new_card="GD4797912345678")
    )
    assert (lines.outcome, lines.insured) == (outcome, insured)
    assert vi in lines.patient_vi and en in lines.patient_en
    assert staff in lines.staff_vi and lines.staff_vi.startswith(f"BHXH {code}:")
    assert lines.staff_en.startswith(f"BHXH {code}:")
    assert f"BHXH {code}" not in lines.patient_vi  # the patient is never shown a code


def test_every_documented_code_is_read() -> None:
    his = {"H00", "H10", "H50"}
    assert set(CASES) - {"124"} <= set(RESULTS) and set(RESULTS) <= set(CASES) | {"121", "122", "123"} | his


@pytest.mark.parametrize(
    ("code", "outcome", "insured", "staff"),
    [
        ("H00", "bhyt_valid", True, "HIS: thẻ BHYT còn hạn 01/01/2026–31/12/2026, Trạm Y tế Lộc Ninh."),
        ("H10", "bhyt_expired", False, "HIS: thẻ BHYT đã hết hạn (31/12/2026)."),
        ("H50", "bhyt_pending", None, "HIS: chưa có thông tin thẻ BHYT; kiểm tra thẻ tại quầy."),
    ],
)
def test_the_his_answers(code: str, outcome: str, insured: bool | None, staff: str) -> None:
    lines = read(Answer(code=code, valid_from="01/01/2026", valid_to="31/12/2026", place="Trạm Y tế Lộc Ninh"))
    assert (lines.outcome, lines.insured, lines.staff_vi) == (outcome, insured, staff)
    assert cacheable(Answer(code=code)) is (code != "H50")


def test_a_valid_card_names_its_place_and_a_new_card_its_number_for_staff() -> None:
    lines = read(Answer(code="000", valid_to="31/12/2026", place="70001"))
    assert "Nơi đăng ký KCB ban đầu: 70001" in lines.patient_vi and "first registration: 70001" in lines.patient_en
    new = read(Answer(code="003", valid_to="31/12/2027", place="70002", new_card="GD4797912345678"))
    assert "GD4797912345678" in new.staff_vi and "31/12/2027" in new.patient_vi


def test_the_patient_is_told_only_what_the_answer_gave() -> None:
    assert read(Answer(code="000", valid_to="31/12/2026")).patient_vi == "Thẻ BHYT còn hạn đến 31/12/2026."
    assert read(Answer(code="H00")).patient_en == "Your health insurance card is valid."
    assert read(Answer(code="003")).patient_vi == "Bạn đã được cấp thẻ BHYT mới. Vui lòng dùng thẻ mới."
    assert all("?" not in read(Answer(code=c)).patient_vi for c in RESULTS)


def test_no_answer_and_an_unknown_code() -> None:
    down = read(Answer(error="timeout"))
    assert (down.outcome, down.insured) == ("bhyt_pending", None)
    assert "timeout" in down.staff_vi and "no answer (timeout)" in down.staff_en
    assert read(Answer()).staff_vi.endswith("không có trả lời (?); cần kiểm tra lại sau.")
    odd = read(Answer(code="999"))
    assert (odd.outcome, odd.insured) == ("bhyt_see_desk", None) and "không rõ" in odd.staff_vi


def test_what_is_kept_for_the_day() -> None:
    assert cacheable(Answer(code="000")) and cacheable(Answer(code="010"))
    assert not cacheable(Answer(code="401")) and not cacheable(Answer(code="054"))
    assert not cacheable(Answer(error="timeout"))


def test_the_number_a_lookup_asks_about() -> None:
    assert card_number(None) == ""
    assert card_number(CARD) == "001099012345"
    assert card_number(Identity(source="typed", id_number="001099012345", bhyt_number="GD4797912345678")) == (
        "GD4797912345678"
    )
    assert card_number(Identity(source="passport", passport_number="B1234567", nationality="FRA")) == ""


def test_a_ticket_is_to_be_checked_only_when_the_check_is_on_and_it_has_a_number() -> None:
    off = Sim()
    assert not off.issue("A", identity=CARD).insurance_pending
    on = Sim(small_config(insurance={"check": "bhxh"}))
    assert on.issue("A", identity=CARD).insurance_pending
    assert not on.issue("A").insurance_pending
    passport = Identity(source="passport", passport_number="B1234567", nationality="FRA")
    assert not on.issue("B", identity=passport).insurance_pending


def test_the_answer_is_recorded_by_the_system_on_the_ticket() -> None:
    sim = Sim(small_config(insurance={"check": "bhxh"}))
    t = sim.issue("A", identity=CARD)
    answer = Answer(code="000", valid_from="01/01/2026", valid_to="31/12/2026", place="70001")
    events = sim.do(cmd.RecordInsuranceCheck(label=t.label, answer=answer), SYSTEM)
    assert len(events) == 1 and isinstance(events[0], ev.InsuranceChecked)
    e = events[0]
    assert (e.ticket, e.code, e.insured, e.outcome, e.valid_to, e.place) == (
        t.id,
        "000",
        True,
        "bhyt_valid",
        "31/12/2026",
        "70001",
    )
    assert "31/12/2026" in e.patient_vi and e.staff_en.startswith("BHXH 000")
    assert t.insurance == e and not t.insurance_pending
    refused(sim, cmd.RecordInsuranceCheck(label="Z999", answer=answer), "unknown_ticket", SYSTEM)
    for who in (Actor(name="device:k", role="kiosk"), Actor(name="staff:lan", role="counter", counters=[1])):
        refused(sim, cmd.RecordInsuranceCheck(label=t.label, answer=answer), "forbidden", who)


def test_the_insurance_section_is_bounded() -> None:
    with pytest.raises(Exception, match="budget_seconds"):
        small_config(insurance={"budget_seconds": 60})
    with pytest.raises(Exception, match="check"):
        small_config(insurance={"check": "vssid"})
    assert small_config().insurance.check == "none" and small_config().insurance.budget_seconds == 3.0

"""The catalogue's entries of the health-insurance check (domain/insurance.py): the patient's
line, then staff's (one per result code of the BHXH gateway or the HIS)."""

from __future__ import annotations

from . import Entry

# the health-insurance check: the patient's line, then staff's
INSURANCE: dict[str, Entry] = {
    "bhyt_valid": Entry(
        "Thẻ BHYT còn hạn đến {valid_to}. Nơi đăng ký KCB ban đầu: {place}.",
        "Your health insurance card is valid until {valid_to}. Place of first registration: {place}.",
    ),
    "bhyt_valid.until": Entry(
        "Thẻ BHYT còn hạn đến {valid_to}.", "Your health insurance card is valid until {valid_to}."
    ),
    "bhyt_valid.plain": Entry("Thẻ BHYT hợp lệ.", "Your health insurance card is valid."),
    "bhyt_new_card.plain": Entry(
        "Bạn đã được cấp thẻ BHYT mới. Vui lòng dùng thẻ mới.",
        "A new health insurance card was issued to you. Please use the new card.",
    ),
    "bhyt_new_card": Entry(
        "Bạn đã được cấp thẻ BHYT mới, còn hạn đến {valid_to}. Vui lòng dùng thẻ mới.",
        "A new health insurance card was issued to you, valid until {valid_to}. Please use the new card.",
    ),
    "bhyt_expired": Entry(
        "Thẻ BHYT đã hết hạn. Vui lòng đến quầy tiếp đón.",
        "Your health insurance card has expired. Please see the reception desk.",
    ),
    "bhyt_not_found": Entry(
        "Không tìm thấy thẻ BHYT. Vui lòng đến quầy tiếp đón.",
        "No health insurance card was found. Please see the reception desk.",
    ),
    "bhyt_stopped": Entry(
        "Thẻ BHYT đang tạm dừng hoặc đã thu hồi. Vui lòng đến quầy tiếp đón.",
        "Your health insurance card is suspended or withdrawn. Please see the reception desk.",
    ),
    "bhyt_see_desk": Entry(
        "Vui lòng đến quầy tiếp đón để kiểm tra thẻ BHYT.",
        "Please see the reception desk to check your health insurance card.",
    ),
    "bhyt_pending": Entry(
        "Thẻ BHYT chờ kiểm tra; nhân viên tại quầy sẽ kiểm tra giúp bạn.",
        "Your health insurance card is to be checked; the staff at the counter will do it for you.",
    ),
    "bhyt_result.000": Entry(
        "BHXH {code}: thẻ đúng, hạn {valid_from}–{valid_to}, ĐKBD {place}.",
        "BHXH {code}: card correct, valid {valid_from}–{valid_to}, first registration {place}.",
    ),
    "bhyt_result.001": Entry(
        "BHXH {code}: thẻ do BHXH Bộ Quốc phòng quản lý; kiểm tra thẻ và giấy tờ tùy thân.",
        "BHXH {code}: card managed by the Ministry of Defence's BHXH; check the card and ID papers.",
    ),
    "bhyt_result.002": Entry(
        "BHXH {code}: thẻ do BHXH Bộ Công an quản lý; kiểm tra thẻ và giấy tờ tùy thân.",
        "BHXH {code}: card managed by the Ministry of Public Security's BHXH; check the card and ID papers.",
    ),
    "bhyt_result.003": Entry(
        "BHXH {code}: thẻ cũ hết hạn, đã cấp thẻ mới {new_card} (hạn đến {valid_to}, ĐKBD {place}).",
        "BHXH {code}: old card expired, new card {new_card} issued (valid until {valid_to}, first registration {place}).",
    ),
    "bhyt_result.004": Entry(
        "BHXH {code}: thẻ cũ còn hạn, đã cấp thẻ mới {new_card} (hạn đến {valid_to}, ĐKBD {place}).",
        "BHXH {code}: old card still valid, new card {new_card} issued (valid until {valid_to}, first registration {place}).",
    ),
    "bhyt_result.010": Entry(
        "BHXH {code}: thẻ hết hạn (hạn đến {valid_to}).", "BHXH {code}: card expired (valid until {valid_to})."
    ),
    "bhyt_result.050": Entry("BHXH {code}: không có thông tin thẻ.", "BHXH {code}: no card information."),
    "bhyt_result.051": Entry("BHXH {code}: mã thẻ sai.", "BHXH {code}: wrong card number."),
    "bhyt_result.052": Entry(
        "BHXH {code}: mã tỉnh cấp thẻ sai (ký tự 4–5).", "BHXH {code}: wrong province code (characters 4–5)."
    ),
    "bhyt_result.053": Entry(
        "BHXH {code}: mã quyền lợi thẻ sai (ký tự 3).", "BHXH {code}: wrong benefit code (character 3)."
    ),
    "bhyt_result.054": Entry(
        "BHXH {code}: CCCD của cán bộ tra cứu không có trong danh sách đăng ký của cơ sở (xem insurance.toml).",
        "BHXH {code}: the looking-up staff member's ID number is not on the facility's registered list (see insurance.toml).",
    ),
    "bhyt_result.055": Entry(
        "BHXH {code}: họ tên cán bộ tra cứu không khớp với số CCCD (xem insurance.toml).",
        "BHXH {code}: the staff member's name does not match that ID number (see insurance.toml).",
    ),
    "bhyt_result.060": Entry(
        "BHXH {code}: họ tên không đúng; đối chiếu với thẻ.", "BHXH {code}: wrong name; compare with the card."
    ),
    "bhyt_result.070": Entry(
        "BHXH {code}: ngày sinh không đúng; đối chiếu với thẻ.",
        "BHXH {code}: wrong date of birth; compare with the card.",
    ),
    "bhyt_result.100": Entry(
        "BHXH {code}: lỗi đọc dữ liệu thẻ hoặc lỗi máy chủ; kiểm tra lại sau.",
        "BHXH {code}: card data or server error; check again later.",
    ),
    "bhyt_result.110": Entry("BHXH {code}: thẻ đã bị thu hồi.", "BHXH {code}: card withdrawn."),
    "bhyt_result.120": Entry(
        "BHXH {code}: thẻ báo giảm hoặc tạm dừng.", "BHXH {code}: card reported as reduced or stopped."
    ),
    "bhyt_result.130": Entry(
        "BHXH {code}: trẻ em chưa xuất trình thẻ; kiểm tra giấy khai sinh.",
        "BHXH {code}: child did not present a card; check the birth certificate.",
    ),
    "bhyt_result.205": Entry(
        "BHXH {code}: sai định dạng tham số (số thẻ, họ tên, ngày sinh).",
        "BHXH {code}: wrong parameter format (card number, name, date of birth).",
    ),
    "bhyt_result.401": Entry(
        "BHXH {code}: lỗi xác thực tài khoản cổng BHXH (xem insurance.toml, IP đã đăng ký).",
        "BHXH {code}: gateway account authentication error (see insurance.toml, the registered IP).",
    ),
    "bhyt_result.h00": Entry(
        "HIS: thẻ BHYT còn hạn {valid_from}–{valid_to}, {place}.",
        "HIS: health insurance in force {valid_from}–{valid_to}, {place}.",
    ),
    "bhyt_result.h10": Entry("HIS: thẻ BHYT đã hết hạn ({valid_to}).", "HIS: health insurance ended ({valid_to})."),
    "bhyt_result.h50": Entry(
        "HIS: chưa có thông tin thẻ BHYT; kiểm tra thẻ tại quầy.",
        "HIS: no health insurance recorded; check the card at the counter.",
    ),
    "bhyt_result.unknown": Entry("BHXH {code}: mã kết quả không rõ.", "BHXH {code}: unknown result code."),
    "bhyt_result.unreachable": Entry(
        "Chưa kiểm tra được thẻ BHYT: không có trả lời ({reason}); cần kiểm tra lại sau.",
        "The card could not be checked: no answer ({reason}); check it again later.",
    ),
}

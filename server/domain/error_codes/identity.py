"""The catalogue's entries of a patient's identity: ID and BHYT card numbers, passports, the ID
card's QR code and VNeID."""

from __future__ import annotations

from . import Entry

# identity
IDENTITY: dict[str, Entry] = {
    "invalid_id_number": Entry(
        "Số định danh cá nhân phải gồm đúng 12 chữ số.", "The personal ID number must be exactly 12 digits."
    ),
    "invalid_bhyt_number": Entry(
        "Số thẻ BHYT gồm 15 ký tự: 2 chữ cái, 1 chữ số mức hưởng (1-5), 2 chữ số tỉnh, 10 chữ số "
        "(hoặc chỉ mã số BHXH, 10 chữ số).",
        "The BHYT card number has 15 characters: 2 letters, a benefit digit (1-5), 2 province digits and 10 digits "
        "(or the 10-digit social-insurance number alone).",
    ),
    "invalid_id_number.repeated": Entry(
        "Số định danh không thể gồm một chữ số lặp lại (như 000000000000).",
        "The personal ID number cannot be one digit repeated (such as 000000000000).",
    ),
    "invalid_id_number.province": Entry(
        "Số định danh: 3 chữ số đầu ({code}) không phải mã tỉnh nơi đăng ký khai sinh (001–096).",
        "Personal ID number: its first 3 digits ({code}) are not a province-of-registration code (001-096).",
    ),
    "invalid_id_number.century": Entry(
        "Số định danh: chữ số thứ 4 ({digit}) chỉ thế kỷ sinh và giới tính; thế kỷ này chưa tới.",
        "Personal ID number: its 4th digit ({digit}) gives the century of birth and the sex; that century is yet to come.",
    ),
    "invalid_id_number.year": Entry(
        "Số định danh: chữ số thứ 5–6 ({yy}) là năm sinh; năm này chưa tới.",
        "Personal ID number: its 5th-6th digits ({yy}) are the year of birth; that year is yet to come.",
    ),
    "id_birth_year_mismatch": Entry(
        "Số định danh: chữ số thứ 4–6 (thế kỷ và năm sinh) không khớp với ngày sinh.",
        "Personal ID number: its 4th-6th digits (century and year of birth) do not match the date of birth.",
    ),
    "id_sex_mismatch": Entry(
        "Số định danh: chữ số thứ 4 (giới tính) không khớp với giới tính.",
        "Personal ID number: its 4th digit (the sex) does not match the sex given.",
    ),
    "invalid_bhyt_number.letters": Entry(
        "Số thẻ BHYT: 2 ký tự đầu là mã đối tượng, phải là 2 chữ cái.",
        "BHYT card number: its first 2 characters, the beneficiary group, must be 2 letters.",
    ),
    "invalid_bhyt_number.group": Entry(
        "Số thẻ BHYT: mã đối tượng {group} (2 chữ cái đầu) không có trong danh mục của BHXH.",
        "BHYT card number: the beneficiary group {group} (its first 2 letters) is not in the social insurance's list.",
    ),
    "invalid_bhyt_number.level": Entry(
        "Số thẻ BHYT: ký tự thứ 3 ({level}) là mức hưởng, từ 1 đến 5.",
        "BHYT card number: its 3rd character ({level}) is the benefit level, 1 to 5.",
    ),
    "invalid_bhyt_number.province": Entry(
        "Số thẻ BHYT: ký tự thứ 4–5 ({code}) không phải mã tỉnh của BHXH.",
        "BHYT card number: its 4th-5th characters ({code}) are not a social-insurance province code.",
    ),
    "invalid_bhyt_number.digits": Entry(
        "Số thẻ BHYT: 10 ký tự cuối là mã số BHXH, chỉ gồm chữ số.",
        "BHYT card number: its last 10 characters, the social-insurance number, are digits only.",
    ),
    "invalid_bhyt_number.repeated": Entry(
        "Mã số BHXH (10 chữ số) không thể gồm một chữ số lặp lại.",
        "The social-insurance number (10 digits) cannot be one digit repeated.",
    ),
    "identity_missing": Entry(
        "Cần số định danh cá nhân (12 số), số thẻ BHYT (15 ký tự) hoặc hộ chiếu.",
        "A personal ID number (12 digits), a BHYT card number (15 characters) or a passport is required.",
    ),
    "invalid_nationality": Entry(
        "Mã quốc tịch trên hộ chiếu gồm 3 chữ cái.", "The passport's nationality code has 3 letters."
    ),
    "invalid_dob": Entry("Ngày sinh không hợp lệ.", "The date of birth is not valid."),
    "qr_format": Entry("Mã QR không phải của thẻ căn cước.", "This QR code is not from an ID card."),
    "qr_format.no_name": Entry("Mã QR thiếu họ tên.", "The QR code has no name."),
    "invalid_old_id": Entry("Số CMND cũ trong mã QR không hợp lệ.", "The old ID number in the QR code is not valid."),
    "invalid_birth_date": Entry(
        "Ngày sinh trong mã QR không hợp lệ.", "The date of birth in the QR code is not valid."
    ),
    "invalid_issue_date": Entry("Ngày cấp trong mã QR không hợp lệ.", "The issue date in the QR code is not valid."),
    "invalid_issue_date.future": Entry(
        "Ngày cấp trong mã QR là một ngày chưa tới.", "The issue date in the QR code is in the future."
    ),
    "invalid_issue_date.before_birth": Entry(
        "Ngày cấp trong mã QR trước ngày sinh.", "The issue date in the QR code is before the date of birth."
    ),
    "invalid_expiry_date": Entry(
        "Ngày hết hạn của thẻ phải sau ngày cấp.", "The card's expiry date must be after its issue date."
    ),
    "vneid_at_counter": Entry(
        "Vui lòng đưa mã VNeID cho nhân viên tại quầy.", "Please show your VNeID code at the counter."
    ),
    "vneid_refused": Entry(
        "Không xác thực được mã VNeID ({reason}). Vui lòng đưa mã cho nhân viên tại quầy.",
        "The VNeID code could not be verified ({reason}). Please show it at the counter.",
    ),
    "vneid_unavailable": Entry(
        "Chưa kiểm tra được mã VNeID lúc này. Vui lòng đưa mã cho nhân viên tại quầy.",
        "The VNeID code cannot be checked just now. Please show it at the counter.",
        503,
    ),
}


# the QR code's sex, added after the insurance check (its place in the catalogue's order)
QR_SEX: dict[str, Entry] = {
    "invalid_sex": Entry("Giới tính trong mã QR không hợp lệ.", "The sex in the QR code is not valid."),
}

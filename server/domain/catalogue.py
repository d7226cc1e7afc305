"""Every error code of the product, with its message in Vietnamese and English: the queue's
domain, the server's HTTP and websocket API, and the hardware bridge (card reader, camera,
printer, speaker) all take their messages from here, so a code means one thing everywhere and
``clients/shared/protocol.js`` is generated from it (``python -m server.protocol``).

A key is a code (``unknown_counter``), or a code and a variant (``unknown_counter.choose``)
where one code is worded for the place it comes from; the wire carries the code alone.
Messages are ``str.format`` templates with named parameters (``{counter}``, ``{label}``); the
exception that carries them keeps the parameters as its data (``errors.DomainError.params``).
``status`` is the HTTP status an API answers with.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    vi: str
    en: str
    status: int = 400


_ADMIN_ONLY = Entry("Chỉ quản trị viên được làm việc này.", "Only administrators may do this.", 403)
_REMEMBER = "Vui lòng ghi nhớ số trên màn hình"

CATALOGUE: dict[str, Entry] = {
    # ---- the queue: counters -------------------------------------------------------------
    "unknown_counter": Entry("Không có quầy số {counter}.", "There is no counter {counter}."),
    "unknown_counter.choose": Entry("Hãy chọn một quầy hợp lệ.", "Choose a valid counter."),
    "unknown_counter.rating": Entry(
        "Màn hình đánh giá hoặc màn hình cửa phòng cần đúng một quầy/phòng hợp lệ (và chỉ hai loại này).",
        "A rating or door screen needs one valid counter or room (and only those two kinds have one).",
    ),
    "counter_closed": Entry("Quầy {counter} đang đóng.", "Counter {counter} is closed."),
    "counter_paused": Entry(
        "Quầy {counter} đang tạm dừng; hãy tiếp tục trước.", "Counter {counter} is paused; resume it first."
    ),
    "counter_not_paused": Entry("Quầy {counter} không tạm dừng.", "Counter {counter} is not paused."),
    "counter_already_open": Entry("Quầy {counter} đã mở.", "Counter {counter} is already open."),
    "counter_idle": Entry("Quầy {counter} không có số nào đang phục vụ.", "Counter {counter} has no current ticket."),
    "counter_busy": Entry(
        "Quầy {counter} còn số đang phục vụ; hãy kết thúc hoặc chuyển trước.",
        "Counter {counter} still has a current ticket; finish or transfer it first.",
    ),
    "illegal_counter_transition": Entry(
        "Quầy {counter} đang {status_vi}: không thể {action_vi}.",
        "Counter {counter} is {status}: it cannot {action}.",
    ),
    "counter_in_use": Entry(
        "Không thể bỏ quầy {counter}: số {label} đang ở quầy này.",
        "Cannot remove counter {counter}: ticket {label} is there.",
    ),
    # ---- the queue: tickets --------------------------------------------------------------
    "unknown_ticket": Entry("Không có số {label} hôm nay.", "No ticket {label} today.", 404),
    "unknown_ticket.today": Entry("Không có số này hôm nay.", "No such ticket today.", 404),
    "unknown_ticket.or_counter": Entry("Không có số hoặc quầy này.", "No such ticket or counter.", 404),
    "unknown_ticket.key": Entry("Không có lượt {name} hôm nay.", "No ticket {name} today.", 404),
    "bad_sentence": Entry(
        "Câu đọc gồm 1 đến 6 lượt gọi (số-quầy) bằng các ngôn ngữ đã cấu hình.",
        "A sentence holds 1 to 6 calls (label-counter) in the configured languages.",
    ),
    "unknown_service": Entry("Dịch vụ không tồn tại.", "No such service."),
    "service_unavailable": Entry("Dịch vụ này chưa có quầy phục vụ.", "No counter serves this service."),
    "service_in_use": Entry(
        "Không thể bỏ dịch vụ {service}: số {label} vẫn đang chờ hoặc được phục vụ.",
        "Cannot remove service {service}: ticket {label} is still open.",
    ),
    "number_range_exhausted": Entry("Đã hết số cho dịch vụ {name} hôm nay.", "No numbers left for {name_en} today."),
    "duplicate_ticket": Entry(
        "Bạn đã có số {label} cho dịch vụ này ({status}).",
        "You already hold ticket {label} for this service ({status}).",
    ),
    # a typed (or scanned) number proves nobody is here: the held number is not told
    "duplicate_ticket.unproven": Entry(
        "Số giấy tờ này đã được cấp số cho dịch vụ này hôm nay. Vui lòng đến quầy tiếp đón để được giúp.",
        "This number already has a ticket for this service today. Please go to the reception desk for help.",
    ),
    # a visit of several steps already has a step in this service (issue 20): where to wait
    "duplicate_ticket.visit": Entry(
        "Bạn đã có số {label}: lượt khám của bạn đã gồm {service}. Không cần lấy số mới, vui lòng chờ gọi"
        " số {label} tại {place}.",
        "You already hold number {label}: your visit already includes {service_en}. No new number is needed;"
        " please wait for {label} to be called at {place_en}.",
    ),
    "duplicate_ticket.visit_back": Entry(
        "Bạn đã có số {label}: khi có kết quả, số {label} sẽ được gọi quay lại {place}. Không cần lấy số mới.",
        "You already hold number {label}: once your results are in, {label} will be called back to {place_en}."
        " No new number is needed.",
    ),
    "duplicate_face": Entry(
        "Khuôn mặt này đã có số {label} cho dịch vụ này. Nếu đó không phải bạn, vui lòng gặp nhân viên.",
        "This face already holds ticket {label} for this service. If that is not you, please ask the staff.",
    ),
    "invalid_face": Entry(
        "Dữ liệu khuôn mặt không hợp lệ; hãy chụp lại hoặc lấy số không cần khuôn mặt.",
        "The face data is not valid; take the picture again or get a number without it.",
    ),
    "no_face_review": Entry("Số {label} không cần kiểm tra khuôn mặt.", "Ticket {label} has no face check waiting."),
    "queue_empty": Entry("Không còn ai đang chờ ở quầy này.", "Nobody is waiting for this counter."),
    "wrong_counter": Entry(
        "Quầy {counter} không phục vụ dịch vụ của số {label}.",
        "Counter {counter} does not serve ticket {label}'s service.",
    ),
    "wrong_counter.service": Entry(
        "Quầy {counter} không phục vụ dịch vụ {service}.", "Counter {counter} does not serve {service}."
    ),
    "wrong_counter.not_served_here": Entry(
        "Số {label} không được phục vụ ở quầy này.", "Ticket {label} was not served at this counter."
    ),
    "step_not_here": Entry(
        "Số {label} không đang ở quầy {counter}: chỉ nơi đang khám mới chuyển tiếp được.",
        "Ticket {label} is not at counter {counter}: only where the patient is now can send them on.",
    ),
    "step_elsewhere": Entry(
        "Số {label} đang chờ ở nhiều nơi: quầy {counter} không chuyển được bước {service} của họ. Nếu bước ở"
        " đây không cần nữa, hãy hủy bước.",
        "Ticket {label} waits in several queues: counter {counter} cannot transfer its {service_en} step. If the"
        " step here is no longer needed, cancel it.",
    ),
    "step_pending": Entry(
        "Số {label} sẽ quay lại đây khi có kết quả (còn chờ: {waiting}); chưa gọi được.",
        "Ticket {label} comes back here once its results are in (still waiting for: {waiting}); it cannot be"
        " called yet.",
    ),
    "step_duplicate": Entry(
        "Số {label} đã có bước {service} đang chờ.", "Ticket {label} already has a {service_en} step to come."
    ),
    "step_limit": Entry("Một lượt khám có tối đa {limit} bước.", "A visit has at most {limit} steps."),
    "step_unknown": Entry("Số {label} không có bước {step}.", "Ticket {label} has no step {step}.", 404),
    "step_active": Entry(
        "Bệnh nhân số {label} đang ở bước này: hãy kết thúc tại quầy.",
        "Patient {label} is at this step now: finish it at the counter.",
    ),
    "forbidden_step": Entry(
        "Quầy {counter} không thực hiện bước {service} của số {label}: chỉ nơi thực hiện bước này, phòng đã"
        " chỉ định hoặc quản trị viên mới được đánh dấu có kết quả hay hủy bước.",
        "Counter {counter} does not perform ticket {label}'s {service_en} step: only a counter that performs"
        " it, the room that ordered it or an administrator may mark its result in or cancel it.",
        403,
    ),
    "step_over": Entry("Bước {step} của số {label} đã kết thúc.", "Step {step} of ticket {label} has ended."),
    "step_visit_over": Entry(
        "Lượt khám của số {label} đã kết thúc, không thêm bước được.",
        "The visit of ticket {label} is over: no step can be added.",
    ),
    "step_order_unknown": Entry("Số {label} không có chỉ định {order}.", "Ticket {label} has no order {order}.", 404),
    "transfer_to_same": Entry(
        "Hãy chọn dịch vụ hoặc quầy khác để chuyển.", "Choose another service or counter to transfer to."
    ),
    "not_parked_here": Entry(
        "Số {label} không được tạm giữ ở quầy {counter}.", "Ticket {label} is not held at counter {counter}."
    ),
    "illegal_transition": Entry(
        "Không thể '{action}' phiếu đang ở trạng thái {status_vi}.", "Cannot {action} a ticket that is {status}."
    ),
    "illegal_transition.review_over": Entry(
        "Số {label} đã kết thúc, không thể xét ưu tiên.",
        "Ticket {label} is over; its priority can no longer be reviewed.",
    ),
    "priority_group_missing": Entry("Hãy chọn nhóm ưu tiên để xác nhận.", "Choose the priority group to confirm."),
    "not_rateable": Entry(
        "Số {label} chưa được phục vụ xong hoặc đã được đánh giá.",
        "Ticket {label} is not finished, or was already rated.",
    ),
    "nothing_to_rate": Entry(
        "Quầy chưa phục vụ xong người bệnh nào hôm nay.", "This counter has not finished serving anyone today."
    ),
    "invalid_rating": Entry("Điểm từ 1 đến 5.", "The score is 1 to 5."),
    # ---- bookings (today's, loaded by the HIS: domain/bookings.py) ------------------------------
    "bookings_wrong_day": Entry(
        "Chỉ nạp được lịch hẹn của hôm nay ({day}).", "Only today's bookings ({day}) can be loaded."
    ),
    "bookings_invalid_slot": Entry(
        "Khung giờ hẹn không hợp lệ: giờ bắt đầu và kết thúc dạng HH:MM, kết thúc sau bắt đầu.",
        "The booked slot is not valid: start and end as HH:MM, the end after the start.",
    ),
    "bookings_duplicate_id": Entry("Mã lịch hẹn {id} xuất hiện hai lần.", "The booking id {id} appears twice."),
    "bookings_missing_id": Entry("Lịch hẹn thiếu mã.", "A booking has no id."),
    # ---- the hospital information system (HIS) ---------------------------------------------
    "his_send_target": Entry(
        "Hãy cho biết nơi chuyển đến: một dịch vụ hoặc một phòng.", "Say where to send it: a service or a room."
    ),
    "his_mapping_invalid": Entry(
        "Bảng mã HIS sai ở {where}: {detail_vi}", "Invalid HIS mapping at {where}: {detail_en}"
    ),
    # ---- identity --------------------------------------------------------------------------
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
    # ---- the health-insurance check (domain/insurance.py): the patient's line, then staff's ------
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
    "invalid_sex": Entry("Giới tính trong mã QR không hợp lệ.", "The sex in the QR code is not valid."),
    # ---- configuration, staff and devices ---------------------------------------------------
    "config_invalid": Entry("Cấu hình sai ở {where}: {detail_vi}", "Invalid {where}: {detail_en}"),
    "config_invalid.file": Entry("Tệp cấu hình không đọc được: {detail}", "Unreadable configuration: {detail}"),
    "staff_exists": Entry("Tên đăng nhập đã tồn tại.", "This username already exists."),
    "invalid_username": Entry(
        "Tên đăng nhập dài tối đa 32 ký tự: chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới; "
        "bắt đầu và kết thúc bằng chữ hoặc số.",
        "A username has up to 32 ASCII letters, digits, dots, hyphens and underscores, "
        "and starts and ends with a letter or a digit.",
    ),
    "unknown_staff": Entry("Không có tài khoản này.", "No such account."),
    "last_admin": Entry(
        "Không thể khóa tài khoản quản trị đang hoạt động cuối cùng: hãy tạo hoặc mở một tài khoản quản trị khác trước.",
        "The last active administrator account cannot be locked: create or unlock another administrator first.",
    ),
    "last_admin.self": Entry(
        "Không thể tự khóa tài khoản của mình; hãy nhờ một quản trị viên khác.",
        "You cannot lock your own account; ask another administrator.",
    ),
    "weak_password": Entry("Mật khẩu phải có ít nhất {min} ký tự.", "A password needs at least {min} characters."),
    "weak_password.long": Entry("Mật khẩu dài tối đa {max} ký tự.", "A password has at most {max} characters."),
    "weak_password.same": Entry(
        "Mật khẩu mới phải khác mật khẩu hiện tại.", "The new password must differ from the current one."
    ),
    "device_exists": Entry("Thiết bị đã đăng ký.", "This device is already registered."),
    "unknown_device": Entry("Không có thiết bị này.", "No such device."),
    "printer_not_kiosk": Entry("Chỉ ki-ốt mới có máy in vé.", "Only a kiosk has a ticket printer."),
    "invalid_printer": Entry(
        "Máy in là none, bridge, escpos:MÁY:CỔNG (vd. escpos:10.0.0.5:9100) hoặc cups:TÊN_HÀNG_ĐỢI.",
        "A printer is none, bridge, escpos:HOST:PORT (e.g. escpos:10.0.0.5:9100) or cups:QUEUE.",
    ),
    "unknown_zone": Entry("Khu không tồn tại.", "No such zone."),
    # ---- who may do what ----------------------------------------------------------------------
    "unauthenticated": Entry("Cần đăng nhập.", "Please log in.", 401),
    "unauthenticated.session": Entry(
        "Phiên đăng nhập không hợp lệ hoặc đã hết hạn.", "The session is invalid or has expired.", 401
    ),
    "unauthenticated.device": Entry(
        "Thiết bị chưa được đăng ký hoặc mã thiết bị sai.",
        "This device is not registered or its token is wrong.",
        401,
    ),
    "unauthenticated.his": Entry(
        "Mã truy cập của hệ thống HIS không đúng.", "The hospital information system's token is wrong.", 401
    ),
    "bad_credentials": Entry("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password.", 401),
    "bad_credentials.current": Entry("Mật khẩu hiện tại không đúng.", "The current password is wrong.", 403),
    "too_many_attempts": Entry(
        "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {seconds} giây.",
        "Too many failed logins. Try again in {seconds} seconds.",
        429,
    ),
    "too_many_phones": Entry(
        "Quá nhiều điện thoại đang theo dõi số thứ tự. Trang sẽ tự thử lại sau một phút.",
        "Too many phones are following tickets. This page will try again in a minute.",
        429,
    ),
    "too_many_requests": Entry(
        "Thiết bị này gửi quá nhiều yêu cầu. Vui lòng chờ {seconds} giây rồi thử lại; nhân viên đã được báo.",
        "This device sent too many requests. Wait {seconds} seconds and try again; staff have been told.",
        429,
    ),
    "forbidden_host": Entry(
        "Máy chủ không phục vụ tên này. Hãy mở trang bằng địa chỉ của máy chủ (quản trị: QUEUE_ALLOWED_HOSTS).",
        "This server does not answer to that name. Open the page by the server's address (admin: QUEUE_ALLOWED_HOSTS).",
        421,
    ),
    "forbidden": Entry(
        "Tài khoản của bạn không được phép thực hiện thao tác này.", "Your account is not allowed to do this.", 403
    ),
    "forbidden.admin_only": _ADMIN_ONLY,
    "forbidden.admin_page": Entry(
        "Chỉ quản trị viên được vào trang này.", "Only administrators may open this page.", 403
    ),
    "forbidden.his_site": Entry(
        "Liên kết HIS này không được thao tác trên cơ sở {site}.", "This HIS link may not act for facility {site}.", 403
    ),
    "forbidden.public": Entry("Không được phép.", "Not allowed.", 403),
    "forbidden.site": Entry(
        "Tài khoản của bạn chỉ xem được cơ sở của mình, không xem được cơ sở {site}.",
        "Your account may see its own facility only, not facility {site}.",
        403,
    ),
    "forbidden.password_http": Entry(
        "Mật khẩu chỉ được đặt qua trang đăng nhập (HTTP), nơi kiểm tra độ mạnh của mật khẩu.",
        "Passwords are set only over the HTTP API, where the password policy is checked.",
        403,
    ),
    "forbidden.metrics": Entry(
        "Chỉ máy giám sát được cho phép (QUEUE_METRICS_ALLOW) hoặc quản trị viên được đọc số liệu.",
        "Only the allowed monitoring addresses (QUEUE_METRICS_ALLOW) or an administrator may read the metrics.",
        403,
    ),
    "forbidden_counter": Entry(
        "Bạn chỉ được thao tác trên quầy của mình, không phải quầy {counter}.",
        "You may act only on your own counter, not counter {counter}.",
    ),
    "forbidden_counter.not_assigned": Entry(
        "Bạn không được phân công ở quầy {counter}.", "You are not assigned to counter {counter}."
    ),
    # ---- the server's API --------------------------------------------------------------------
    "bad_json": Entry("Tin nhắn không phải JSON hợp lệ.", "The message is not valid JSON."),
    "bad_json.body": Entry("Dữ liệu không phải JSON hợp lệ.", "The body is not valid JSON."),
    "bad_json.object": Entry("Cần một đối tượng JSON.", "A JSON object is expected."),
    "unknown_message": Entry("Loại tin nhắn không được hỗ trợ.", "Unknown message type."),
    "invalid_message": Entry("Tin nhắn sai cấu trúc", "Malformed message"),
    "invalid_message.data": Entry("Dữ liệu sai: {detail}", "Invalid data: {detail}"),
    "invalid_message.params": Entry("Tham số sai.", "Invalid parameters."),
    "binary_not_supported": Entry("Chỉ nhận tin nhắn dạng văn bản (JSON).", "Only text (JSON) messages are accepted."),
    "too_large": Entry("Dữ liệu quá lớn.", "The request is too large.", 413),
    "bad_range": Entry(
        "Khoảng ngày không hợp lệ: from=YYYY-MM-DD và to=YYYY-MM-DD (tối đa 366 ngày), hoặc year=YYYY&half=1|2.",
        "Invalid date range: from=YYYY-MM-DD and to=YYYY-MM-DD (at most 366 days), or year=YYYY&half=1|2.",
    ),
    # ---- a province of facilities (server/province/, domain/province.py) --------------------
    "bad_site": Entry(
        "Mã cơ sở không hợp lệ: {site} (chữ, số, dấu gạch ngang và gạch dưới, tối đa 32 ký tự).",
        "Invalid facility code: {site} (letters, digits, dashes and underscores, at most 32 characters).",
    ),
    "unknown_site": Entry("Không có cơ sở {site} trong tỉnh.", "There is no facility {site} in the province.", 404),
    "site_unavailable": Entry(
        "Chưa đọc được dữ liệu của cơ sở {site}; thử lại sau ít phút.",
        "Facility {site}'s data cannot be read yet; try again in a few minutes.",
        503,
    ),
    "bad_format": Entry("Định dạng: json, csv hoặc xlsx.", "Format: json, csv or xlsx."),
    "not_found": Entry("Không có tệp này.", "No such file.", 404),
    # ---- the HIS links (server/routes/his_outbox.py) ----------------------------------------
    "his_unknown_dead_letter": Entry(
        "Không có thư lỗi này (có thể đã được gửi lại hoặc bỏ qua).",
        "No such dead letter (it may have been retried or discarded already).",
        404,
    ),
    "his_nothing_to_resend": Entry(
        "Số này chưa có tin nào gửi sang HIS để gửi lại.", "This ticket has no HIS message to send again.", 404
    ),
    "storage_error": Entry(
        "Không ghi được dữ liệu; thao tác chưa được thực hiện. Vui lòng thử lại.",
        "The change could not be saved and was not made. Please try again.",
        503,
    ),
    # several processes for one site (decision 0014): the same code, said of the handover
    "storage_error.no_writer": Entry(
        "Máy chủ đang chuyển việc ghi dữ liệu sang máy khác; thao tác chưa được thực hiện. Vui lòng thử lại sau giây lát.",
        "The servers are handing over the writing of the log; the change was not made. Please try again in a moment.",
        503,
    ),
    "storage_error.not_writer": Entry(
        "Máy chủ này không ghi dữ liệu của cơ sở; thao tác chưa được thực hiện.",
        "This server does not write the site's log; the change was not made.",
        503,
    ),
    "backup_failed": Entry(
        "Không tạo được bản sao lưu; xem nhật ký máy chủ.",
        "The backup could not be made; see the server's log.",
        503,
    ),
    "backup_postgresql": Entry(
        "Dữ liệu nằm trong PostgreSQL: máy chủ không tự sao lưu; hãy dùng pg_dump (xem hướng dẫn vận hành).",
        "The data is in PostgreSQL: the server takes no backups of its own; use pg_dump (see docs/operations.md).",
        409,
    ),
    "internal_error": Entry(
        "Lỗi hệ thống; thao tác chưa được thực hiện. Vui lòng thử lại hoặc báo quản trị viên.",
        "Internal error; the change was not made. Please try again or tell the administrator.",
        500,
    ),
    # ---- media library and voice packs ---------------------------------------------------------
    "media_type": Entry(
        "Chỉ nhận ảnh PNG, JPEG, WebP hoặc video MP4 (kiểm tra theo nội dung tệp).",
        "Only PNG, JPEG, WebP images or MP4 videos are accepted (checked by the file's content).",
    ),
    "media_too_large": Entry(
        "Tệp quá lớn: ảnh tối đa 5 MB, video tối đa 200 MB.",
        "The file is too large: images up to 5 MB, videos up to 200 MB.",
        413,
    ),
    "media_empty": Entry("Tệp rỗng.", "The file is empty."),
    "unknown_clip": Entry("Không có đoạn âm thanh này trong bộ giọng.", "No such clip in a voice pack."),
    "bad_audio": Entry(
        "Tệp không phải âm thanh đọc được (WAV, FLAC, OGG).", "Not a readable audio file (WAV, FLAC, OGG)."
    ),
    "too_long": Entry("Đoạn ghi âm quá dài (tối đa 10 giây, 4 MB).", "The recording is too long (10 s, 4 MB at most)."),
    "silent": Entry(
        "Đoạn ghi âm không có tiếng. Hãy ghi lại gần micrô hơn.",
        "The recording is silent. Record again closer to the microphone.",
    ),
    # ---- the hardware bridge: its websocket ----------------------------------------------------
    "bad_message": Entry("Thông điệp không hợp lệ.", "The message is not valid."),
    "unauthenticated.pairing": Entry("Mã ghép nối không đúng.", "Wrong pairing token.", 401),
    "hello_first": Entry("Hãy gửi hello với mã ghép nối trước.", "Send hello with the pairing token first."),
    "unknown_method": Entry("Chức năng không có trên thiết bị này.", "No such method on this bridge."),
    "bad_params": Entry("Tham số không hợp lệ.", "Invalid parameters."),
    "busy": Entry("Đầu đọc đang đọc một thẻ khác.", "The reader is busy with another card."),
    # ---- the bridge: the chip card reader ------------------------------------------------------
    "no_card": Entry("Chưa có thẻ trên đầu đọc.", "No card on the reader."),
    "reader_missing": Entry(
        "Không tìm thấy đầu đọc thẻ. Kiểm tra cáp và dịch vụ pcscd.",
        "No card reader found. Check the cable and the pcscd service.",
    ),
    "wrong_can": Entry(
        "Mã truy cập thẻ (6 số cuối CCCD) không đúng với thẻ này.",
        "The card access number (last 6 digits of the ID) does not match this card.",
    ),
    "card_removed": Entry(
        "Thẻ đã bị rút ra trong khi đọc. Vui lòng đặt lại thẻ và giữ yên.",
        "The card was removed during the read. Please place it again and hold it still.",
    ),
    "unsupported_card": Entry(
        "Thẻ này không phải thẻ căn cước gắn chip đọc được.", "This is not a chip ID card that can be read."
    ),
    "authenticity_failed": Entry(
        "Dữ liệu trên chip không khớp chữ ký số: thẻ có thể bị làm giả hoặc hỏng.",
        "The chip data does not match its digital signature: the card may be forged or damaged.",
    ),
    "secure_messaging_failed": Entry(
        "Kết nối bảo mật với thẻ bị lỗi. Vui lòng đặt lại thẻ.",
        "The secure channel to the card failed. Please place the card again.",
    ),
    "card_error": Entry("Thẻ trả lời lỗi {sw:04X}.", "The card answered with error {sw:04X}."),
    "wrong_mrz": Entry(
        "Số hộ chiếu, ngày sinh hoặc ngày hết hạn không khớp với chip.",
        "The passport number, birth date or expiry date does not match the chip.",
    ),
    "card_file_not_found": Entry(
        "Chip không có tệp dữ liệu cần đọc ({file}).", "The chip does not hold a file that must be read ({file})."
    ),
    "card_access_denied": Entry(
        "Chip không cho phép đọc tệp dữ liệu ({file}).", "The chip does not allow reading a file ({file})."
    ),
    "invalid_passport_number": Entry(
        "Số hộ chiếu gồm 1 đến 9 chữ cái và chữ số.", "The passport number has 1 to 9 letters and digits."
    ),
    "invalid_passport_date.birth": Entry(
        "Ngày sinh không hợp lệ (ngày/tháng/năm).", "The birth date is not valid (day/month/year)."
    ),
    "invalid_passport_date.expiry": Entry(
        "Ngày hết hạn của hộ chiếu không hợp lệ (ngày/tháng/năm).",
        "The passport's expiry date is not valid (day/month/year).",
    ),
    # ---- the bridge: the camera and the face check ---------------------------------------------
    "face_unavailable": Entry(
        "Chức năng nhận diện khuôn mặt chưa được cài trên máy này.", "Face checking is not installed on this kiosk."
    ),
    "bad_image": Entry("Ảnh gửi lên không đọc được.", "The picture could not be read."),
    "camera_missing": Entry("Không mở được camera.", "The camera could not be opened."),
    "no_usable_face": Entry(
        "Không chụp được khuôn mặt rõ. Bạn có thể lấy số không cần khuôn mặt.",
        "No clear face could be taken. You can take a number without the face check.",
    ),
    "no_face": Entry("Không thấy khuôn mặt. Hãy nhìn vào camera.", "No face found. Please look at the camera."),
    "several_faces": Entry("Chỉ một người đứng trước camera.", "Only one person in front of the camera, please."),
    "face_too_small": Entry("Hãy lại gần camera hơn.", "Please come closer to the camera."),
    "face_blurry": Entry("Ảnh bị mờ. Hãy đứng yên.", "The picture is blurred. Please hold still."),
    "face_too_dark": Entry("Ảnh quá tối.", "The picture is too dark."),
    "not_frontal": Entry("Hãy nhìn thẳng vào camera.", "Please look straight at the camera."),
    # ---- the bridge: the ticket printer --------------------------------------------------------
    "paper_out": Entry(
        "Máy in hết giấy. " + _REMEMBER + "; nhân viên đã được báo.",
        "The printer is out of paper. Please remember the number on the screen; staff have been told.",
    ),
    "cover_open": Entry(
        "Nắp máy in đang mở. " + _REMEMBER + ".", "The printer cover is open. Please remember the number on the screen."
    ),
    "printer_offline": Entry(
        "Máy in không sẵn sàng. " + _REMEMBER + ".",
        "The printer is not ready. Please remember the number on the screen.",
    ),
    "printer_no_answer": Entry(
        "Không liên lạc được máy in. " + _REMEMBER + ".",
        "The printer does not answer. Please remember the number on the screen.",
    ),
    # ---- the bridge: the speaker ---------------------------------------------------------------
    "forbidden_url": Entry("Chỉ phát âm thanh từ máy chủ xếp hàng.", "Only audio from the queue server is played."),
    "audio_unavailable": Entry("Không tải được âm thanh.", "The audio could not be fetched."),
    "playback_failed": Entry("Loa không phát được.", "The speaker could not play."),
}


def code_of(key: str) -> str:
    """The code a key stands for on the wire: ``unknown_counter.choose`` -> ``unknown_counter``."""
    return key.partition(".")[0]


def codes() -> list[str]:
    """Every code, each once, sorted."""
    return sorted({code_of(k) for k in CATALOGUE})


def messages(key: str, params: dict[str, object]) -> tuple[str, str]:
    """The Vietnamese and English messages of ``key`` with its parameters filled in."""
    entry = CATALOGUE[key]
    return entry.vi.format(**params), entry.en.format(**params)

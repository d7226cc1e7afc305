"""The catalogue's entries of the queue: counters, tickets and their calls, a visit's steps,
ratings and today's bookings."""

from __future__ import annotations

from . import Entry

# the queue: counters
COUNTERS: dict[str, Entry] = {
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
}


# the queue: tickets, their calls and transfers, a visit's steps, priority, ratings
TICKETS: dict[str, Entry] = {
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
    "duplicate_ticket.visit_after": Entry(
        "Bạn đã có số {label}: sau khi xong các bước trước, số {label} sẽ được gọi ở {place}. Không cần lấy số mới.",
        "You already hold number {label}: once the steps before it are done, {label} will be called at {place_en}."
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
    "step_pending.after": Entry(
        "Số {label} sẽ đến đây sau khi xong: {waiting}; chưa gọi được.",
        "Ticket {label} comes here once these are done: {waiting_en}; it cannot be called yet.",
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
}


# bookings (today's, loaded by the HIS: domain/bookings.py)
BOOKINGS: dict[str, Entry] = {
    "bookings_wrong_day": Entry(
        "Chỉ nạp được lịch hẹn của hôm nay ({day}).", "Only today's bookings ({day}) can be loaded."
    ),
    "bookings_invalid_slot": Entry(
        "Khung giờ hẹn không hợp lệ: giờ bắt đầu và kết thúc dạng HH:MM, kết thúc sau bắt đầu.",
        "The booked slot is not valid: start and end as HH:MM, the end after the start.",
    ),
    "bookings_duplicate_id": Entry("Mã lịch hẹn {id} xuất hiện hai lần.", "The booking id {id} appears twice."),
    "bookings_missing_id": Entry("Lịch hẹn thiếu mã.", "A booking has no id."),
}

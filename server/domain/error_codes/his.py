"""The catalogue's entries of the hospital information system (HIS): its commands and mapping,
and the links that deliver to it."""

from __future__ import annotations

from . import Entry

# the hospital information system (HIS)
HIS: dict[str, Entry] = {
    "his_send_target": Entry(
        "Hãy cho biết nơi chuyển đến: một dịch vụ hoặc một phòng.", "Say where to send it: a service or a room."
    ),
    "his_mapping_invalid": Entry(
        "Bảng mã HIS sai ở {where}: {detail_vi}", "Invalid HIS mapping at {where}: {detail_en}"
    ),
}


# the HIS links (server/routes/his_outbox.py)
HIS_LINKS: dict[str, Entry] = {
    "his_unknown_dead_letter": Entry(
        "Không có thư lỗi này (có thể đã được gửi lại hoặc bỏ qua).",
        "No such dead letter (it may have been retried or discarded already).",
        404,
    ),
    "his_nothing_to_resend": Entry(
        "Số này chưa có tin nào gửi sang HIS để gửi lại.", "This ticket has no HIS message to send again.", 404
    ),
}

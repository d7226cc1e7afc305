"""The catalogue's entries of the server itself: its API's messages, a province of facilities,
storage and several processes for one site, backups, the media library and voice packs."""

from __future__ import annotations

from . import Entry

# the server's API
API: dict[str, Entry] = {
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
}


# a province of facilities (server/province/, domain/province.py)
PROVINCE: dict[str, Entry] = {
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
}


# storage, several processes for one site (decision 0014), backups
STORAGE: dict[str, Entry] = {
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
    # the login limits' counts in PostgreSQL could not be read (server/pg_logins.py): not let through
    "storage_error.login": Entry(
        "Chưa kiểm tra được lần đăng nhập này vì cơ sở dữ liệu không trả lời; chưa đăng nhập. Vui lòng thử lại.",
        "The login could not be checked because the database did not answer; you are not signed in. Please try again.",
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
}


# media library and voice packs
MEDIA: dict[str, Entry] = {
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
}

"""The catalogue's entries of the hardware bridge: its websocket, the chip card reader, the camera
and the face check, the ticket printer and the speaker."""

from __future__ import annotations

from . import Entry

_REMEMBER = "Vui lòng ghi nhớ số trên màn hình"

# the hardware bridge: its websocket
BRIDGE: dict[str, Entry] = {
    "bad_message": Entry("Thông điệp không hợp lệ.", "The message is not valid."),
    "unauthenticated.pairing": Entry("Mã ghép nối không đúng.", "Wrong pairing token.", 401),
    "hello_first": Entry("Hãy gửi hello với mã ghép nối trước.", "Send hello with the pairing token first."),
    "unknown_method": Entry("Chức năng không có trên thiết bị này.", "No such method on this bridge."),
    "bad_params": Entry("Tham số không hợp lệ.", "Invalid parameters."),
    "busy": Entry("Đầu đọc đang đọc một thẻ khác.", "The reader is busy with another card."),
}


# the bridge: the chip card reader
CARD_READER: dict[str, Entry] = {
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
}


# the bridge: the camera and the face check
CAMERA: dict[str, Entry] = {
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
}


# the bridge: the ticket printer
PRINTER: dict[str, Entry] = {
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
}


# the bridge: the speaker
SPEAKER: dict[str, Entry] = {
    "forbidden_url": Entry("Chỉ phát âm thanh từ máy chủ xếp hàng.", "Only audio from the queue server is played."),
    "audio_unavailable": Entry("Không tải được âm thanh.", "The audio could not be fetched."),
    "playback_failed": Entry("Loa không phát được.", "The speaker could not play."),
}

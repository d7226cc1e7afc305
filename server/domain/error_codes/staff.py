"""The catalogue's entries of the configuration, staff accounts and devices, and of who may do
what (sign-in, sessions, roles)."""

from __future__ import annotations

from . import Entry

_ADMIN_ONLY = Entry("Chỉ quản trị viên được làm việc này.", "Only administrators may do this.", 403)

# configuration, staff and devices
CONFIGURATION: dict[str, Entry] = {
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
}


# who may do what
ACCESS: dict[str, Entry] = {
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
}

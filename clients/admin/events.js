// The names of the event log's events for the audit tab, in Vietnamese and English, and how a
// configuration change reads there (field: before → after). Pure: no DOM.

/** @type {Record<string, [string, string]>} wire tag → [Vietnamese, English] */
export const EVENT_NAMES = {
  day_started: ["Bắt đầu ngày mới", "New day started"],
  ticket_issued: ["Phát số", "Ticket issued"],
  ticket_called: ["Gọi số", "Ticket called"],
  ticket_recalled: ["Gọi lại", "Ticket called again"],
  service_started: ["Bắt đầu phục vụ", "Service started"],
  service_finished: ["Phục vụ xong", "Service finished"],
  ticket_missed: ["Vắng mặt", "Missed (no show)"],
  ticket_reactivated: ["Cho số vào lại hàng", "Ticket back in the queue"],
  ticket_transferred: ["Chuyển số", "Ticket transferred"],
  ticket_parked: ["Tạm gác số", "Ticket set aside"],
  ticket_unparked: ["Gọi lại số đã gác", "Set-aside ticket resumed"],
  ticket_cancelled: ["Hủy số", "Ticket cancelled"],
  priority_reviewed: ["Xác nhận ưu tiên", "Priority reviewed"],
  face_reviewed: ["Kiểm tra khuôn mặt", "Face check reviewed"],
  identity_checked: ["Đã kiểm tra giấy tờ", "Identity checked"],
  insurance_checked: ["Đã kiểm tra thẻ BHYT", "Health insurance checked"],
  rating_requested: ["Mời đánh giá", "Rating requested"],
  ticket_rated: ["Đánh giá", "Ticket rated"],
  counter_opened: ["Mở quầy", "Counter opened"],
  counter_taken_over: ["Nhận quầy", "Counter taken over"],
  counter_closed: ["Đóng quầy", "Counter closed"],
  counter_paused: ["Tạm dừng quầy", "Counter paused"],
  counter_resumed: ["Mở lại quầy", "Counter resumed"],
  config_replaced: ["Thay đổi cấu hình", "Settings changed"],
  staff_created: ["Tạo tài khoản nhân viên", "Staff account created"],
  staff_password_set: ["Đặt lại mật khẩu", "Password set"],
  staff_active_set: ["Khóa / mở tài khoản", "Account locked / unlocked"],
  device_registered: ["Đăng ký thiết bị", "Device registered"],
  device_revoked: ["Thu hồi thiết bị", "Device revoked"],
  device_printer_set: ["Đặt máy in của kiosk", "Kiosk printer set"],
  bookings_loaded: ["Nạp lịch hẹn trong ngày", "Today's bookings loaded"],
  his_registration_recorded: ["HIS ghi nhận đăng ký", "HIS registration recorded"],
  his_mapping_loaded: ["HIS nạp bảng mã", "HIS code mapping loaded"],
  steps_added: ["Thêm bước khám (chuyển tiếp, chỉ định)", "Visit steps added (sent on, ordered)"],
  step_completed: ["Bước khám đã có kết quả", "Visit step completed"],
  step_cancelled: ["Hủy bước khám", "Visit step cancelled"],
};

/** An event's name in a language; an unknown tag is shown as it is. @param {string} type @param {"vi"|"en"} lang */
export function eventName(type, lang) {
  const names = EVENT_NAMES[type];
  return names ? names[lang === "en" ? 1 : 0] : type;
}

/**
 * The lines of a configuration change: "services[N].name: "Khám Nội" → "Khám Nội tổng quát"";
 * an added field shows "(mới / new)", a removed one "(xóa / removed)".
 * @param {Array<{path: string, before?: string, after?: string}>} changes @param {"vi"|"en"} lang
 */
export function changeLines(changes, lang) {
  const added = lang === "en" ? "(new)" : "(mới)";
  const removed = lang === "en" ? "(removed)" : "(đã xóa)";
  return (changes || []).map((c) => {
    if (!c.before && !c.after) return c.path; // "… (+N)": the rest, counted
    if (!c.before) return `${c.path}: ${added} ${c.after}`;
    if (!c.after) return `${c.path}: ${c.before} ${removed}`;
    return `${c.path}: ${c.before} → ${c.after}`;
  });
}

/** An event's other fields in one short line (no type, version, empty values or changes; a load
 * of bookings by its count, not the people booked). @param {any} e */
export function detailLine(e) {
  if (e.type === "bookings_loaded") return detailLine({ ...e, type: "", bookings: undefined, count: e.bookings.length });
  return Object.entries(e)
    .filter(([k, v]) => !["type", "v", "changes", "config"].includes(k) && v !== undefined && v !== "" && v !== null && !(Array.isArray(v) && !v.length))
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join(" · ").slice(0, 200);
}

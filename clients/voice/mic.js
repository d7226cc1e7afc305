// Why the microphone cannot be used, in words staff can act on: the browser's error names
// (getUserMedia's DOMException) mapped to one of a few problems, each with a bilingual text.

export const MIC_TEXTS = {
  vi: {
    "mic.none": "Không tìm thấy micrô. Hãy cắm micrô (hoặc tai nghe có micrô) vào máy rồi bấm Ghi lại.",
    "mic.denied": "Trình duyệt chưa cho phép dùng micrô. Bấm biểu tượng ổ khóa cạnh địa chỉ trang, chọn cho phép Micrô, rồi bấm Ghi lại.",
    "mic.busy": "Micrô đang bị chương trình khác dùng hoặc bị lỗi. Đóng chương trình đó (gọi video, ghi âm…) rồi bấm Ghi lại.",
    "mic.insecure": "Trình duyệt chỉ cho dùng micrô khi trang được mở qua https:// hoặc trên chính máy chủ (http://localhost). Hãy mở trang theo một trong hai cách đó.",
    "mic.other": "Không dùng được micrô ({name}). Hãy thử lại hoặc dùng máy khác.",
  },
  en: {
    "mic.none": "No microphone found. Plug in a microphone (or a headset with one) and press Record again.",
    "mic.denied": "The browser does not allow the microphone. Click the padlock beside the address, allow the Microphone, then press Record again.",
    "mic.busy": "The microphone is in use by another program or is faulty. Close that program (a video call, a recorder…) and press Record again.",
    "mic.insecure": "Browsers allow the microphone only on pages opened over https:// or on the server itself (http://localhost). Open the page one of those ways.",
    "mic.other": "The microphone cannot be used ({name}). Please try again or use another computer.",
  },
};

/**
 * The problem behind a getUserMedia failure: "none", "denied", "busy", "insecure" or "other".
 * @param {{name?: string}|null|undefined} err @param {boolean} [secure] whether the page is a secure context
 */
export function micProblem(err, secure = true) {
  if (!secure) return "insecure";
  switch (err?.name) {
    case "NotFoundError": case "OverconstrainedError": case "DevicesNotFoundError": return "none";
    case "NotAllowedError": case "PermissionDeniedError": case "SecurityError": return "denied";
    case "NotReadableError": case "AbortError": case "TrackStartError": return "busy";
    default: return "other";
  }
}

// Device faults in words staff can act on (the kiosk's printer, card reader and camera, a TV's
// speaker): the part and the code a device reports, in Vietnamese and English. Shared by the
// counter's alert and the administrator's dashboard. Pure: no DOM.

/** @type {Record<string, [string, string]>} part → [Vietnamese, English] */
export const PARTS = {
  printer: ["Máy in vé", "Ticket printer"],
  card_reader: ["Đầu đọc thẻ", "Card reader"],
  camera: ["Camera", "Camera"],
  speaker: ["Loa", "Speaker"],
  device: ["Thiết bị", "Device"],
};

/** @type {Record<string, [string, string]>} code → [Vietnamese, English] */
export const CODES = {
  paper_out: ["hết giấy: thay cuộn giấy", "out of paper: load a new roll"],
  cover_open: ["nắp máy in đang mở: đóng nắp", "cover open: close it"],
  printer_offline: ["máy in không sẵn sàng: kiểm tra nguồn và cáp", "not ready: check its power and cable"],
  printer_no_answer: ["máy in không trả lời: kiểm tra nguồn và cáp", "does not answer: check its power and cable"],
  timeout: ["không trả lời kịp: kiểm tra nguồn và cáp", "did not answer in time: check its power and cable"],
  reader_missing: ["không thấy đầu đọc thẻ: cắm lại cáp USB", "reader not found: plug its USB cable in again"],
  camera_missing: ["không thấy camera: cắm lại cáp USB", "camera not found: plug its USB cable in again"],
  face_unavailable: ["kiểm tra khuôn mặt không chạy được", "the face check cannot run"],
  audio_unavailable: ["không tải được âm thanh", "audio could not be fetched"],
  playback_failed: ["loa không phát được: kiểm tra loa và âm lượng", "speaker could not play: check the speaker and volume"],
  too_many_requests: ["gửi quá nhiều yêu cầu: kiểm tra thiết bị", "sent too many requests: check the device"],
  his_unreachable: ["không gửi được sang HIS: tin chờ trong hàng đợi, báo bộ phận CNTT", "the HIS cannot be reached: messages wait in the outbox; tell IT"],
  fault: ["đang lỗi", "in fault"],
};

/** @param {Record<string, [string, string]>} table @param {string} key @param {"vi"|"en"} lang */
const word = (table, key, lang) => (table[key] ? table[key][lang === "en" ? 1 : 0] : key);

/** "Máy in vé — hết giấy: thay cuộn giấy" (the part and the code, without the device). @param {{part: string, code: string}} fault @param {"vi"|"en"} lang */
export const partText = (fault, lang) => `${word(PARTS, fault.part, lang)} — ${word(CODES, fault.code, lang)}`;

/** The HIS link an alert is about ("his:<name>"), in place of a device and its part. */
const HIS_LINK = ["Kết nối HIS", "HIS link"];

/**
 * "kiosk-1: Máy in vé — hết giấy: thay cuộn giấy"; an HIS link's ("his:hook") reads
 * "Kết nối HIS hook: không gửi được sang HIS: …"; an unknown part or code is shown as it is.
 * @param {{device: string, part: string, code: string}} fault @param {"vi"|"en"} lang
 */
export function faultText(fault, lang) {
  if (fault.device.startsWith("his:")) {
    return `${HIS_LINK[lang === "en" ? 1 : 0]} ${fault.device.slice(4)}: ${word(CODES, fault.code, lang)}`;
  }
  const device = fault.device.replace(/^device:/, "");
  return `${device}: ${partText(fault, lang)}`;
}

// Staff record the voice of the calls (S5): every clip a call can need, one row each; record
// with the microphone, listen, record again, save. The server trims and levels the recording;
// the next calls use it. Administrators only.
import { h, fill, $ } from "../shared/dom.js";
import { t, addTexts, setLang, lang, onLang, errorText } from "../shared/i18n.js";
import { ERROR } from "../shared/protocol.js";
import { MIC_TEXTS, micProblem } from "./mic.js";

addTexts(MIC_TEXTS);
addTexts({
  vi: {
    "title": "Ghi âm giọng đọc số",
    "login": "Đăng nhập (quản trị viên)", "user": "Tên đăng nhập", "password": "Mật khẩu", "submit": "Đăng nhập",
    "not_admin": "Chỉ quản trị viên được ghi âm giọng đọc.",
    "pack": "Bộ giọng", "language": "Ngôn ngữ", "vi": "Tiếng Việt", "en": "Tiếng Anh",
    "record": "● Ghi", "stop": "■ Dừng", "play": "▶ Nghe", "save": "Lưu",
    "saved": "Đã lưu", "missing": "Chưa ghi", "taken": "Chưa lưu", "saving": "Đang lưu…",
    "try_call": "Nghe thử cuộc gọi A023 → quầy 5",
    "help": "Ghi mỗi đoạn ngắn, rõ ràng, không có khoảng lặng dài. Máy chủ tự cắt lặng và chỉnh âm lượng.",
  },
  en: {
    "title": "Voice recordings for calls",
    "login": "Sign in (administrator)", "user": "Username", "password": "Password", "submit": "Sign in",
    "not_admin": "Only administrators record the call voice.",
    "pack": "Voice pack", "language": "Language", "vi": "Vietnamese", "en": "English",
    "record": "● Record", "stop": "■ Stop", "play": "▶ Play", "save": "Save",
    "saved": "Saved", "missing": "Not recorded", "taken": "Not saved", "saving": "Saving…",
    "try_call": "Try a call: A023 to counter 5",
    "help": "Record each clip short and clear, without long silences. The server trims silence and sets the level.",
  },
});

const ui = {
  token: sessionStorage.getItem("queue.voice.token") || "",
  pack: "ghi-am-vi",
  which: "vi",
  packs: /** @type {any[]} */ ([]),
  vocabulary: /** @type {Record<string, string>} */ ({}),
  takes: /** @type {Map<string, Blob>} */ (new Map()),
  states: /** @type {Map<string, string>} */ (new Map()),
  recording: /** @type {{key: string, recorder: MediaRecorder, stream: MediaStream}|null} */ (null),
  message: "",
};

async function api(path, init = {}) {
  const r = await fetch(path, { ...init, headers: { ...(init.headers || {}), authorization: `Bearer ${ui.token}` } });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw body.error || { code: String(r.status) };
  return body;
}

async function load() {
  try {
    const data = await api("/api/voice-packs");
    ui.packs = data.packs;
    ui.vocabulary = data.vocabulary;
    render();
  } catch (err) {
    ui.token = "";
    ui.message = err.code === ERROR.FORBIDDEN ? t("not_admin") : errorText(err);
    render();
  }
}

function savedKeys() {
  return new Set(ui.packs.find((p) => p.id === ui.pack)?.clips || []);
}

// ---- recording and WAV ---------------------------------------------------------------------

async function toggleRecord(key) {
  if (ui.recording) {
    const { recorder, stream } = ui.recording;
    ui.recording = null;
    recorder.stop();
    stream.getTracks().forEach((track) => track.stop());
    return;
  }
  let stream;
  try {
    if (!navigator.mediaDevices) throw new Error("no mediaDevices: not a secure context");
    stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: true } });
  } catch (err) {
    ui.message = t(`mic.${micProblem(err, window.isSecureContext)}`, { name: String(err?.name || err) });
    render();
    return;
  }
  const chunks = [];
  const recorder = new MediaRecorder(stream);
  recorder.ondataavailable = (e) => chunks.push(e.data);
  recorder.onstop = async () => {
    ui.takes.set(key, await toWav(new Blob(chunks, { type: recorder.mimeType })));
    ui.states.set(key, "taken");
    render();
  };
  recorder.start();
  ui.recording = { key, recorder, stream };
  render();
}

/** Decode what the browser recorded (WebM) and write 16-bit mono WAV. @param {Blob} blob */
async function toWav(blob) {
  const ctx = new AudioContext();
  const buffer = await ctx.decodeAudioData(await blob.arrayBuffer());
  await ctx.close();
  const data = buffer.getChannelData(0);
  const bytes = new DataView(new ArrayBuffer(44 + data.length * 2));
  const text = (at, s) => [...s].forEach((c, i) => bytes.setUint8(at + i, c.charCodeAt(0)));
  text(0, "RIFF"); bytes.setUint32(4, 36 + data.length * 2, true); text(8, "WAVE"); text(12, "fmt ");
  bytes.setUint32(16, 16, true); bytes.setUint16(20, 1, true); bytes.setUint16(22, 1, true);
  bytes.setUint32(24, buffer.sampleRate, true); bytes.setUint32(28, buffer.sampleRate * 2, true);
  bytes.setUint16(32, 2, true); bytes.setUint16(34, 16, true); text(36, "data"); bytes.setUint32(40, data.length * 2, true);
  for (let i = 0; i < data.length; i++) bytes.setInt16(44 + i * 2, Math.max(-1, Math.min(1, data[i])) * 0x7fff, true);
  return new Blob([bytes.buffer], { type: "audio/wav" });
}

function play(key) {
  const take = ui.takes.get(key);
  const url = take ? URL.createObjectURL(take) : null;
  if (url) new Audio(url).play();
}

async function save(key) {
  const take = ui.takes.get(key);
  if (!take) return;
  ui.states.set(key, "saving");
  render();
  try {
    await api(`/api/voice-packs/${encodeURIComponent(ui.pack)}/clips/${encodeURIComponent(key)}`, {
      method: "PUT", headers: { "content-type": "audio/wav" }, body: take,
    });
    ui.takes.delete(key);
    ui.states.set(key, "saved");
    await load();
  } catch (err) {
    ui.states.set(key, "error");
    ui.message = errorText(err);
    render();
  }
}

// ---- rendering --------------------------------------------------------------------------------

function render() {
  $("#title").textContent = t("title");
  $("#lang").textContent = t("lang.switch");
  const view = $("#view");
  if (!ui.token) {
    const user = h("input", { id: "username", autocomplete: "username" });
    const pass = h("input", { id: "password", type: "password", autocomplete: "current-password" });
    fill(view, h("form.card.login", { on: { submit: async (e) => {
      e.preventDefault();
      const r = await fetch("/api/login", { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: /** @type {HTMLInputElement} */ (user).value, password: /** @type {HTMLInputElement} */ (pass).value }) });
      const body = await r.json().catch(() => ({}));
      if (!r.ok) { ui.message = errorText(body.error); render(); return; }
      ui.token = body.token;
      ui.message = "";
      sessionStorage.setItem("queue.voice.token", ui.token);
      load();
    } } }, h("h1", t("login")), h("label", { for: "username" }, t("user")), user, h("label", { for: "password" }, t("password")), pass,
    h("div.form-error", { role: "alert" }, ui.message), h("button.primary", { type: "submit" }, t("submit"))));
    return;
  }
  const saved = savedKeys();
  const keys = Object.keys(ui.vocabulary).filter((k) => k.startsWith(`${ui.which}.`)).sort();
  fill(view,
    h("section.card",
      h("div.toolbar",
        h("label", { for: "pack" }, t("pack")),
        h("input", { id: "pack", value: ui.pack, on: { change: (e) => { ui.pack = /** @type {HTMLInputElement} */ (e.target).value.trim(); render(); } } }),
        h("label", { for: "which" }, t("language")),
        h("select", { id: "which", on: { change: (e) => { ui.which = /** @type {HTMLSelectElement} */ (e.target).value; render(); } } },
          ["vi", "en"].map((l) => h("option", { value: l, selected: ui.which === l }, t(l)))),
        h("button.primary", { type: "button", id: "try-call", on: { click: () => new Audio("/audio/call/A023/5").play() } }, t("try_call"))),
      h("p", t("help")),
      h("div.form-error", { role: "alert" }, ui.message)),
    h("section.card", keys.map((key) => {
      const state = ui.states.get(key) || (saved.has(key) ? "saved" : "missing");
      const recording = ui.recording?.key === key;
      return h("div.row", { dataset: { key } },
        h("code", key), h("strong", ui.vocabulary[key]),
        h("button", { type: "button", class: recording ? "recording" : "", dataset: { action: "record" }, on: { click: () => toggleRecord(key) } }, recording ? t("stop") : t("record")),
        h("button", { type: "button", dataset: { action: "play" }, disabled: !ui.takes.has(key) || undefined, on: { click: () => play(key) } }, t("play")),
        h("button", { type: "button", dataset: { action: "save" }, disabled: !ui.takes.has(key) || undefined, on: { click: () => save(key) } }, t("save")),
        h("span.state", { dataset: { state } }, t(state === "error" ? "missing" : state)));
    })));
}

$("#lang").addEventListener("click", () => setLang(lang() === "vi" ? "en" : "vi"));
onLang(render);
render();
if (ui.token) load();

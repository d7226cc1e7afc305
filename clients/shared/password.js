// Setting a password, the one dialog the admin and counter pages share: one's own (the current
// password, the new one twice: POST /api/password, which answers a fresh session) or an
// administrator's reset of another account (the new one twice: POST /api/staff/{username}/password).
// The server checks the policy and says why it refuses (docs/protocol.md); the page checks only
// that the two new ones match.
import { h, fill } from "./dom.js";
import { t, addTexts, errorText } from "./i18n.js";

export const MIN_PASSWORD = 8; // server/auth.py, for the field's hint; the server decides
export const MAX_PASSWORD = 256;

/** What the form refuses before sending (a text key), or "". @param {string} next @param {string} again */
export const mismatch = (next, again) => (next === again ? "" : "pw.mismatch");

/**
 * A JSON POST with the session's token; resolves with {ok, body} (body.error when refused).
 * @param {string} path @param {string} token @param {any} body @returns {Promise<{ok: boolean, body: any}>}
 */
export async function post(path, token, body) {
  const r = await fetch(path, {
    method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  }).catch(() => null);
  const answer = r ? await r.json().catch(() => ({})) : {};
  return { ok: Boolean(r && r.ok), body: r ? answer : { error: { code: "offline" } } };
}

/** One's own password changed; the answer is a fresh session. @param {string} token @param {string} current @param {string} next */
export const changeOwn = (token, current, next) => post("/api/password", token, { current_password: current, new_password: next });

/** An administrator sets another account's password. @param {string} token @param {string} username @param {string} password */
export const resetOther = (token, username, password) =>
  post(`/api/staff/${encodeURIComponent(username)}/password`, token, { password });

/**
 * @typedef {{title: string, intro?: string, current: boolean, forced?: boolean,
 *   send: (current: string, next: string) => Promise<{ok: boolean, body: any}>}} PasswordDialog
 *   current: ask for the current password (one's own); forced: no way out but changing it or
 *   signing out (resolves null; the page signs out)
 */

/**
 * The dialog, shown in ``dlg``; resolves with the server's answer once it accepted, or null if
 * cancelled. A refusal shows in the dialog, which stays open.
 * @param {HTMLDialogElement} dlg @param {PasswordDialog} o @returns {Promise<any|null>}
 */
export function askPassword(dlg, o) {
  return new Promise((resolve) => {
    const field = (id, label, autocomplete) => [
      h("label", { for: id }, label),
      h("input", { id, type: "password", required: true, autocomplete, maxlength: MAX_PASSWORD,
        ...(id === "pw-current" ? {} : { minlength: String(MIN_PASSWORD) }) }),
    ];
    const value = (id) => /** @type {HTMLInputElement} */ (dlg.querySelector(`#${id}`)).value;
    const error = h("p.field-error#pw-error", { role: "alert" });
    const submit = /** @type {HTMLButtonElement} */ (h("button.primary#pw-submit", { type: "submit" }, t("pw.save")));
    const done = (answer) => { dlg.removeEventListener("cancel", onCancel); dlg.close(); resolve(answer); };
    const onCancel = (e) => { e.preventDefault(); if (!o.forced) done(null); };
    const form = h("form.password-form", { method: "dialog", on: { submit: async (e) => {
      e.preventDefault();
      const wrong = mismatch(value("pw-new"), value("pw-again"));
      error.textContent = wrong ? t(wrong) : "";
      if (wrong) return;
      submit.disabled = true;
      const { ok, body } = await o.send(o.current ? value("pw-current") : "", value("pw-new"));
      submit.disabled = false;
      if (ok) done(body); else error.textContent = errorText(body.error || { code: "offline" });
    } } },
    h("h2", o.title),
    o.intro ? h("p.pw-intro", o.intro) : null,
    o.current ? field("pw-current", t("pw.current"), "current-password") : null,
    field("pw-new", t("pw.new", { min: MIN_PASSWORD }), "new-password"),
    field("pw-again", t("pw.again"), "new-password"),
    error,
    h("div.dialog-actions",
      o.forced
        ? h("button.ghost#pw-signout", { type: "button", on: { click: () => done(null) } }, t("pw.signout"))
        : h("button.ghost#pw-cancel", { type: "button", on: { click: () => done(null) } }, t("pw.cancel")),
      submit));
    fill(dlg, form);
    dlg.addEventListener("cancel", onCancel); // Escape
    dlg.showModal();
    const first = dlg.querySelector("input");
    if (first) first.focus();
  });
}

export const PASSWORD_TEXTS = {
  vi: {
    "pw.change": "Đổi mật khẩu",
    "pw.change.title": "Đổi mật khẩu của bạn",
    "pw.first.intro": "Mật khẩu này do máy chủ tạo khi cài đặt. Hãy đặt mật khẩu của riêng bạn trước khi làm việc khác.",
    "pw.reset": "Đặt lại mật khẩu",
    "pw.reset.title": "Đặt lại mật khẩu cho {name}",
    "pw.reset.intro": "Mọi phiên đăng nhập của {name} sẽ kết thúc; hãy báo mật khẩu mới cho người đó.",
    "pw.current": "Mật khẩu hiện tại",
    "pw.new": "Mật khẩu mới (ít nhất {min} ký tự)",
    "pw.again": "Nhập lại mật khẩu mới",
    "pw.mismatch": "Hai mật khẩu mới không giống nhau.",
    "pw.save": "Lưu mật khẩu",
    "pw.cancel": "Hủy",
    "pw.signout": "Đăng xuất",
    "pw.changed": "Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.",
    "pw.reset.done": "Đã đặt lại mật khẩu của {name}.",
  },
  en: {
    "pw.change": "Change password",
    "pw.change.title": "Change your password",
    "pw.first.intro": "This password was generated by the server at installation. Choose your own before anything else.",
    "pw.reset": "Reset password",
    "pw.reset.title": "Reset the password of {name}",
    "pw.reset.intro": "Every session of {name} will end; tell them the new password.",
    "pw.current": "Current password",
    "pw.new": "New password (at least {min} characters)",
    "pw.again": "New password again",
    "pw.mismatch": "The two new passwords differ.",
    "pw.save": "Save password",
    "pw.cancel": "Cancel",
    "pw.signout": "Sign out",
    "pw.changed": "Password changed. Your other sessions have ended.",
    "pw.reset.done": "The password of {name} was reset.",
  },
};
addTexts(PASSWORD_TEXTS);

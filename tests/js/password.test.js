// The password dialog shared by the admin and counter pages (clients/shared/password.js): its
// texts complete in both languages, and the one check it makes before sending.
import test from "node:test";
import assert from "node:assert/strict";
import { PASSWORD_TEXTS, mismatch } from "../../clients/shared/password.js";

test("Vietnamese and English have the same keys, none empty, diacritics kept", () => {
  assert.deepEqual(Object.keys(PASSWORD_TEXTS.en).sort(), Object.keys(PASSWORD_TEXTS.vi).sort());
  for (const [lang, table] of Object.entries(PASSWORD_TEXTS)) {
    for (const [key, text] of Object.entries(table)) assert.ok(text.trim(), `${lang} ${key} is empty`);
  }
  assert.equal(PASSWORD_TEXTS.vi["pw.change"], "Đổi mật khẩu");
});

test("the two new passwords must match; the policy is the server's", () => {
  assert.equal(mismatch("mật-khẩu-mới", "mật-khẩu-mới"), "");
  assert.equal(mismatch("mật-khẩu-mới", "mật-khẩu-mớj"), "pw.mismatch");
  assert.equal(mismatch("short", "short"), ""); // too short: the server says so, with its minimum
});

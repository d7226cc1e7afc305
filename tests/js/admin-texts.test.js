// The administrator's texts (clients/admin/texts.js): both languages complete, and every key the
// admin modules look up with a literal exists.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { TEXTS } from "../../clients/admin/texts.js";
import { addTexts, t } from "../../clients/shared/i18n.js";
import "../../clients/shared/password.js"; // the password dialog's texts, shared by the pages

const DIR = new URL("../../clients/admin/", import.meta.url);

test("Vietnamese and English have the same keys, none empty", () => {
  assert.deepEqual(Object.keys(TEXTS.en).sort(), Object.keys(TEXTS.vi).sort());
  for (const [lang, table] of Object.entries(TEXTS)) {
    for (const [key, text] of Object.entries(table)) assert.ok(text.trim(), `${lang} ${key} is empty`);
  }
});

test("the Vietnamese texts keep their diacritics", () => {
  assert.equal(TEXTS.vi["a.tab.devices"], "Thiết bị và nhân viên");
  assert.equal(TEXTS.vi["a.login.not_admin"], "Tài khoản này không phải quản trị viên.");
  assert.equal(TEXTS.vi["s.saved"], "Đã lưu. Các màn hình đã cập nhật.");
  assert.equal(TEXTS.vi["d.played"], "Đã gửi lệnh phát tới {n} màn hình.");
});

test("every literal key the admin modules use has a text", () => {
  addTexts(TEXTS);
  const used = new Set();
  for (const name of readdirSync(DIR).filter((f) => f.endsWith(".js"))) {
    const src = readFileSync(new URL(name, DIR), "utf8");
    for (const m of src.matchAll(/\bt\("([\w.]+)"/g)) used.add(m[1]);
  }
  assert.ok(used.size > 100, `found only ${used.size} keys`);
  for (const key of used) assert.notEqual(t(key, {}, "vi"), key, `no text for ${key}`);
});

test("every tab has its name in both languages", () => {
  for (const tab of ["dashboard", "reports", "settings", "devices", "audit"]) {
    assert.ok(TEXTS.vi[`a.tab.${tab}`] && TEXTS.en[`a.tab.${tab}`], tab);
  }
});

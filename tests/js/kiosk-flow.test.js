// The kiosk's texts (clients/kiosk/texts.js): both languages complete, the Vietnamese with its
// diacritics, and every key the kiosk modules look up with a literal exists.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { TEXTS } from "../../clients/kiosk/texts.js";
import { addTexts, t } from "../../clients/shared/i18n.js";
import "../../clients/kiosk/identity.js"; // adds the idv.* texts

const DIR = new URL("../../clients/kiosk/", import.meta.url);

test("Vietnamese and English have the same kiosk keys, none empty", () => {
  assert.deepEqual(Object.keys(TEXTS.en).sort(), Object.keys(TEXTS.vi).sort());
  for (const [lang, table] of Object.entries(TEXTS)) {
    for (const [key, text] of Object.entries(table)) assert.ok(text.trim(), `${lang} ${key} is empty`);
  }
});

test("the Vietnamese kiosk texts keep their diacritics", () => {
  assert.equal(TEXTS.vi["home.title"], "Chọn dịch vụ để lấy số thứ tự");
  assert.equal(TEXTS.vi["id.none"], "Tôi không mang giấy tờ");
  assert.equal(TEXTS.vi["ticket.printed"], "Đã in vé. Vui lòng lấy vé ở khe máy in.");
  assert.equal(TEXTS.vi["day.sun"], "Chủ nhật");
});

test("every literal key the kiosk modules use has a text", () => {
  addTexts(TEXTS);
  const used = new Set();
  for (const name of readdirSync(DIR).filter((f) => f.endsWith(".js"))) {
    const src = readFileSync(new URL(name, DIR), "utf8");
    for (const m of src.matchAll(/\bt\("([\w.]+)"/g)) used.add(m[1]);
  }
  assert.ok(used.size > 40, `found only ${used.size} keys`);
  for (const key of used) assert.notEqual(t(key, {}, "vi"), key, `no text for ${key}`);
});

// The counter's texts (clients/counter/texts.js): both languages complete, diacritics kept, and
// every key the counter modules look up with a literal exists.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { TEXTS } from "../../clients/counter/texts.js";
import { ratingTexts } from "../../clients/rating/scores.js";
import { addTexts, t } from "../../clients/shared/i18n.js";

const DIR = new URL("../../clients/counter/", import.meta.url);

test("Vietnamese and English have the same keys, none empty", () => {
  assert.deepEqual(Object.keys(TEXTS.en).sort(), Object.keys(TEXTS.vi).sort());
  for (const [lang, table] of Object.entries(TEXTS)) {
    for (const [key, text] of Object.entries(table)) assert.ok(text.trim(), `${lang} ${key} is empty`);
  }
});

test("the Vietnamese texts keep their diacritics", () => {
  assert.equal(TEXTS.vi["login.title"], "Đăng nhập quầy");
  assert.equal(TEXTS.vi["choose.title"], "Chọn quầy làm việc");
});

test("every literal key the counter modules use has a text in both languages", () => {
  addTexts(ratingTexts);
  addTexts(TEXTS);
  const used = new Set();
  for (const name of readdirSync(DIR).filter((f) => f.endsWith(".js"))) {
    const src = readFileSync(new URL(name, DIR), "utf8");
    for (const m of src.matchAll(/\bt\("([\w.]+)"/g)) used.add(m[1]);
  }
  assert.ok(used.size > 0);
  for (const key of used) {
    // Shared texts (clients/shared/i18n.js) and the borrowed rating texts count too.
    assert.notEqual(t(key, {}, "vi"), key, `vi lacks ${key}`);
    assert.notEqual(t(key, {}, "en"), key, `en lacks ${key}`);
  }
});

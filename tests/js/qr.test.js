// The QR encoder (clients/shared/qr.js): its tables, its Reed-Solomon codewords and the shape of
// a symbol. tests/test_qr.py decodes what it makes with two real decoders.
import test from "node:test";
import assert from "node:assert/strict";
import {
  MAX_VERSION, totalCodewords, dataCodewords, alignmentPositions, errorCodewords, versionFor, qrEncode, qrPath, penalty,
} from "../../clients/shared/qr.js";

test("each version's codewords, as the standard's table gives them (level M)", () => {
  const total = [26, 44, 70, 100, 134, 172, 196, 242, 292, 346];
  const data = [16, 28, 44, 64, 86, 108, 124, 154, 182, 216];
  for (let v = 1; v <= MAX_VERSION; v++) {
    assert.equal(totalCodewords(v), total[v - 1], `version ${v}`);
    assert.equal(dataCodewords(v), data[v - 1], `version ${v}`);
  }
});

test("alignment patterns sit where the standard puts them", () => {
  assert.deepEqual(alignmentPositions(1), []);
  assert.deepEqual(alignmentPositions(2), [6, 18]);
  assert.deepEqual(alignmentPositions(6), [6, 34]);
  assert.deepEqual(alignmentPositions(7), [6, 22, 38]);
  assert.deepEqual(alignmentPositions(10), [6, 28, 50]);
});

test("Reed-Solomon: the error correction of the standard's worked example (1-M, HELLO WORLD)", () => {
  const data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17];
  assert.deepEqual(errorCodewords(data, 10), [196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
});

test("the smallest version that holds the text; too long a text is refused", () => {
  assert.equal(versionFor(14), 1);
  assert.equal(versionFor(15), 2);
  assert.equal(versionFor(213), 10);
  assert.equal(versionFor(214), 0);
  assert.equal(qrEncode("http://192.168.1.20:8000/t/NG0012").length, 29); // version 3
  assert.equal(qrEncode("é".repeat(7)).length, 21, "UTF-8: 14 bytes, version 1");
  assert.throws(() => qrEncode("x".repeat(214)), RangeError);
});

test("a symbol has its three finders, timing patterns and dark module", () => {
  const m = qrEncode("https://example.vn/t/A001");
  const n = m.length;
  for (const [x0, y0] of [[0, 0], [n - 7, 0], [0, n - 7]]) {
    for (let d = 0; d < 7; d++) {
      assert.equal(m[y0][x0 + d], true); // the finder's dark ring, top row
      assert.equal(m[y0 + 3][x0 + 3], true); // its centre
    }
    assert.equal(m[y0 + 1][x0 + 1], false);
  }
  for (let i = 8; i < n - 8; i++) {
    assert.equal(m[6][i], i % 2 === 0);
    assert.equal(m[i][6], i % 2 === 0);
  }
  assert.equal(m[n - 8][8], true);
});

test("the mask chosen is the one of least penalty", () => {
  const text = "http://127.0.0.1:8000/t/A001";
  const scores = [0, 1, 2, 3, 4, 5, 6, 7].map((mask) => penalty(qrEncode(text, mask)));
  assert.equal(penalty(qrEncode(text)), Math.min(...scores));
});

test("the picture: the quiet zone around, one path of the dark modules", () => {
  assert.deepEqual(qrPath([[true, false], [false, true]]), { size: 10, d: "M4 4h1v1h-1zM5 5h1v1h-1z" });
});

// A small QR code encoder (ISO/IEC 18004), pure: a text in, a square of modules out (true is
// dark). Byte mode (the text as UTF-8), error correction level M (15 % of the symbol may be
// lost), versions 1 to 10: up to 213 bytes, enough for a link to a ticket. The kiosk draws the
// phone link of a ticket with it, without a network; qrPath gives the picture's path.

/** The largest version made (57 x 57 modules). */
export const MAX_VERSION = 10;

// Level M, by version (index 1 to 10): the error correction codewords of each block, and the
// number of blocks the codewords are split into.
const EC_PER_BLOCK = [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26];
const BLOCKS = [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5];
const LEVEL_M = 0b00; // the level's two bits in the format information
const BYTE_MODE = 0b0100;

/** The codewords a version holds, data and error correction (its modules less the patterns). @param {number} v */
export function totalCodewords(v) {
  let modules = (16 * v + 128) * v + 64;
  if (v >= 2) {
    const align = Math.floor(v / 7) + 2;
    modules -= (25 * align - 10) * align - 55;
    if (v >= 7) modules -= 36; // the two version information blocks
  }
  return Math.floor(modules / 8);
}

/** The data codewords of a version at level M. @param {number} v */
export const dataCodewords = (v) => totalCodewords(v) - EC_PER_BLOCK[v] * BLOCKS[v];

/** The centres of the alignment patterns along one side. @param {number} v */
export function alignmentPositions(v) {
  if (v === 1) return [];
  const count = Math.floor(v / 7) + 2;
  const size = 17 + 4 * v;
  const step = Math.ceil((size - 13) / (2 * count - 2)) * 2;
  const out = [6];
  for (let p = size - 7; out.length < count; p -= step) out.splice(1, 0, p);
  return out;
}

// ---- Reed-Solomon over GF(256), the field of x^8 + x^4 + x^3 + x^2 + 1 -------------------------

/** @param {number} a @param {number} b */
function gfMul(a, b) {
  let r = 0;
  for (let i = 7; i >= 0; i--) {
    r = (r << 1) ^ ((r >>> 7) * 0x11d);
    if ((b >>> i) & 1) r ^= a;
  }
  return r;
}

/** The generator polynomial of a degree, highest power first, its leading 1 left out. @param {number} degree */
function generator(degree) {
  let poly = [1];
  for (let i = 0, root = 1; i < degree; i++, root = gfMul(root, 2)) {
    const next = new Array(poly.length + 1).fill(0);
    poly.forEach((c, j) => { next[j] ^= c; next[j + 1] ^= gfMul(c, root); });
    poly = next;
  }
  return poly.slice(1);
}

/** The error correction codewords of a block. @param {number[]} data @param {number} count */
export function errorCodewords(data, count) {
  const gen = generator(count);
  const rem = new Array(gen.length).fill(0);
  for (const byte of data) {
    const factor = byte ^ /** @type {number} */ (rem.shift());
    rem.push(0);
    gen.forEach((c, i) => { rem[i] ^= gfMul(c, factor); });
  }
  return rem;
}

// ---- the codewords -------------------------------------------------------------------------

/** The smallest version that holds so many bytes, or 0. @param {number} length */
export function versionFor(length) {
  for (let v = 1; v <= MAX_VERSION; v++) {
    if (4 + (v < 10 ? 8 : 16) + 8 * length <= dataCodewords(v) * 8) return v;
  }
  return 0;
}

/** The data codewords: mode, count, the bytes, terminator and padding. @param {Uint8Array} bytes @param {number} v */
function dataOf(bytes, v) {
  /** @type {number[]} */
  const bits = [];
  const put = (value, n) => { for (let i = n - 1; i >= 0; i--) bits.push((value >>> i) & 1); };
  put(BYTE_MODE, 4);
  put(bytes.length, v < 10 ? 8 : 16);
  for (const b of bytes) put(b, 8);
  const capacity = dataCodewords(v) * 8;
  put(0, Math.min(4, capacity - bits.length));
  put(0, (8 - (bits.length % 8)) % 8);
  const out = [];
  for (let i = 0; i < bits.length; i += 8) out.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));
  for (let pad = 0xec; out.length < capacity / 8; pad ^= 0xec ^ 0x11) out.push(pad);
  return out;
}

/** The data split in blocks, each with its error correction, interleaved. @param {number[]} data @param {number} v */
function interleave(data, v) {
  const count = BLOCKS[v];
  const ec = EC_PER_BLOCK[v];
  const total = totalCodewords(v);
  const short = count - (total % count); // the first blocks are one codeword shorter
  const shortData = Math.floor(total / count) - ec;
  const blocks = [];
  for (let i = 0, at = 0; i < count; i++) {
    const len = shortData + (i < short ? 0 : 1);
    const block = data.slice(at, at + len);
    at += len;
    blocks.push({ data: block, ec: errorCodewords(block, ec) });
  }
  const out = [];
  for (let i = 0; i <= shortData; i++) for (const b of blocks) if (i < b.data.length) out.push(b.data[i]);
  for (let i = 0; i < ec; i++) for (const b of blocks) out.push(b.ec[i]);
  return out;
}

// ---- the symbol ------------------------------------------------------------------------------

const MASKS = [
  (x, y) => (x + y) % 2 === 0,
  (x, y) => y % 2 === 0,
  (x, y) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(y / 2) + Math.floor(x / 3)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

/** The symbol being built: its modules and which of them are patterns (not data). */
class Matrix {
  /** @param {number} v */
  constructor(v) {
    this.v = v;
    this.size = 17 + 4 * v;
    this.dark = Array.from({ length: this.size }, () => new Array(this.size).fill(false));
    this.fixed = Array.from({ length: this.size }, () => new Array(this.size).fill(false));
  }

  /** @param {number} x @param {number} y @param {boolean} dark */
  set(x, y, dark) {
    this.dark[y][x] = dark;
    this.fixed[y][x] = true;
  }

  patterns() {
    const n = this.size;
    for (let i = 0; i < n; i++) {
      this.set(6, i, i % 2 === 0);
      this.set(i, 6, i % 2 === 0);
    }
    for (const [cx, cy] of [[3, 3], [n - 4, 3], [3, n - 4]]) {
      for (let dy = -4; dy <= 4; dy++) {
        for (let dx = -4; dx <= 4; dx++) {
          const x = cx + dx, y = cy + dy, d = Math.max(Math.abs(dx), Math.abs(dy));
          if (x >= 0 && x < n && y >= 0 && y < n) this.set(x, y, d !== 2 && d !== 4);
        }
      }
    }
    const at = alignmentPositions(this.v);
    for (const cx of at) {
      for (const cy of at) {
        if ((cx === 6 && cy === 6) || (cx === 6 && cy === n - 7) || (cx === n - 7 && cy === 6)) continue; // finders
        for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) this.set(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
      }
    }
    this.format(0); // reserved now, written once the mask is chosen
    if (this.v >= 7) {
      let rem = this.v;
      for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
      const bits = (this.v << 12) | rem;
      for (let i = 0; i < 18; i++) {
        const a = n - 11 + (i % 3), b = Math.floor(i / 3), dark = ((bits >>> i) & 1) === 1;
        this.set(a, b, dark);
        this.set(b, a, dark);
      }
    }
  }

  /** The format information (level and mask), twice, and the dark module. @param {number} mask */
  format(mask) {
    const n = this.size;
    const data = (LEVEL_M << 3) | mask;
    let rem = data;
    for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
    const bits = ((data << 10) | rem) ^ 0x5412;
    const bit = (i) => ((bits >>> i) & 1) === 1;
    for (let i = 0; i <= 5; i++) this.set(8, i, bit(i));
    this.set(8, 7, bit(6));
    this.set(8, 8, bit(7));
    this.set(7, 8, bit(8));
    for (let i = 9; i < 15; i++) this.set(14 - i, 8, bit(i));
    for (let i = 0; i < 8; i++) this.set(n - 1 - i, 8, bit(i));
    for (let i = 8; i < 15; i++) this.set(8, n - 15 + i, bit(i));
    this.set(8, n - 8, true);
  }

  /** The codewords in the two-column zigzag from the bottom right, around the patterns. @param {number[]} codewords */
  place(codewords) {
    const n = this.size;
    let i = 0;
    for (let right = n - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5; // the vertical timing pattern
      const upward = ((right + 1) & 2) === 0;
      for (let k = 0; k < n; k++) {
        const y = upward ? n - 1 - k : k;
        for (const x of [right, right - 1]) {
          if (this.fixed[y][x]) continue;
          this.dark[y][x] = i < codewords.length * 8 && ((codewords[i >>> 3] >>> (7 - (i & 7))) & 1) === 1;
          i++;
        }
      }
    }
  }

  /** Flip the data modules of a mask (a second call undoes it). @param {number} mask */
  mask(mask) {
    for (let y = 0; y < this.size; y++) {
      for (let x = 0; x < this.size; x++) if (!this.fixed[y][x] && MASKS[mask](x, y)) this.dark[y][x] = !this.dark[y][x];
    }
  }
}

/** How hard the symbol is to read (the standard's four penalty rules). @param {boolean[][]} m */
export function penalty(m) {
  const n = m.length;
  let score = 0;
  const lines = [];
  for (let i = 0; i < n; i++) lines.push(m[i], m.map((row) => row[i]));
  const light = (line, from, to) => line.slice(Math.max(0, from), Math.max(0, to)).every((d) => !d); // outside is light
  for (const line of lines) {
    let run = 1;
    for (let i = 1; i <= n; i++) {
      if (i < n && line[i] === line[i - 1]) run++;
      else {
        if (run >= 5) score += run - 2;
        run = 1;
      }
    }
    for (let i = 0; i + 7 <= n; i++) {
      const finder = line[i] && !line[i + 1] && line[i + 2] && line[i + 3] && line[i + 4] && !line[i + 5] && line[i + 6];
      if (finder && (light(line, i - 4, i) || light(line, i + 7, i + 11))) score += 40;
    }
  }
  let dark = 0;
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      if (m[y][x]) dark++;
      if (y < n - 1 && x < n - 1 && m[y][x] === m[y][x + 1] && m[y][x] === m[y + 1][x] && m[y][x] === m[y + 1][x + 1]) score += 3;
    }
  }
  return score + 10 * Math.floor(Math.abs(dark * 20 - n * n * 10) / (n * n));
}

/**
 * The QR code of a text: rows of modules, true for dark, without the quiet zone. The mask is
 * the one of least penalty unless one (0 to 7) is asked for.
 * @param {string} text @param {number} [only] @returns {boolean[][]}
 */
export function qrEncode(text, only) {
  const bytes = new TextEncoder().encode(text);
  const v = versionFor(bytes.length);
  if (!v) throw new RangeError(`a QR code of level M up to version ${MAX_VERSION} holds at most ${dataCodewords(MAX_VERSION) - 3} bytes, not ${bytes.length}`);
  const symbol = new Matrix(v);
  symbol.patterns();
  symbol.place(interleave(dataOf(bytes, v), v));
  let best = 0;
  let bestScore = Infinity;
  for (let mask = 0; mask < 8; mask++) {
    if (only !== undefined && mask !== only) continue;
    symbol.mask(mask);
    symbol.format(mask);
    const score = penalty(symbol.dark);
    if (score < bestScore) [best, bestScore] = [mask, score];
    symbol.mask(mask);
  }
  symbol.mask(best);
  symbol.format(best);
  return symbol.dark;
}

/**
 * What an SVG picture of a QR code needs: the side of its view box, with the quiet zone of four
 * modules the standard asks for, and one path of the dark modules (drawn on white).
 * @param {boolean[][]} modules @returns {{size: number, d: string}}
 */
export function qrPath(modules) {
  const q = 4;
  let d = "";
  modules.forEach((row, y) => row.forEach((dark, x) => { if (dark) d += `M${x + q} ${y + q}h1v1h-1z`; }));
  return { size: modules.length + 2 * q, d };
}

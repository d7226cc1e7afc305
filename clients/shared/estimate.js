// The wait estimate as patients see it (issue 22), pure: the band a call is expected in
// (`call_from`..`call_to`, epoch seconds, about 8 calls in 10) shown as two times of day rounded
// outward to 5 minutes, "khoảng 09:20 – 09:45", or as one time, "khoảng 09:30", when it is
// narrow; and the TV's wait of a number taken now, "chờ khoảng 20–30 phút". No DOM, no clock:
// the caller says what time it is (`now`), and nothing shown is already past (an estimate seen a
// while after it was made, or rounded down, would otherwise tell the patient a time gone by).

export const STEP_SECONDS = 300; // the ends are rounded to 5 minutes
export const NARROW_SECONDS = 600; // a band under 10 minutes wide is shown as one time

const down = (/** @type {number} */ x, /** @type {number} */ step) => Math.floor(x / step) * step;
const up = (/** @type {number} */ x, /** @type {number} */ step) => Math.ceil(x / step) * step;
const near = (/** @type {number} */ x, /** @type {number} */ step) => Math.round(x / step) * step;

/**
 * The expected call as shown: `{from, to}` (the band's ends rounded outward to 5 minutes), or
 * `{at}` (the expected time rounded to 5 minutes) when the band is under 10 minutes wide (its
 * ends would then round to the same 5 minutes or to neighbours), or null without a band (no
 * estimate, or a server that does not send one: the caller shows `call_at` as before). A unit's
 * local 5 minutes are epoch multiples of 300 s (offsets are whole quarter hours).
 * With `now`, nothing shown is already past: what is past is taken as now, a band starts no
 * earlier than the current 5 minutes (it holds now: "khoảng 09:15 – 09:40" at 09:17), and one time
 * that would round down into the past is the next 5 minutes ("khoảng 09:20" at 09:17, not 09:15).
 * @param {{call_at?: number|null, call_from?: number|null, call_to?: number|null}} est
 * @param {number} [now] epoch seconds
 * @returns {{from: number, to: number}|{at: number}|null} epoch seconds
 */
export function callBand(est, now = -Infinity) {
  const { call_at: at, call_from: from, call_to: to } = est;
  if (at === null || at === undefined || from === null || from === undefined || to === null || to === undefined) return null;
  const [a, f, z] = [at, from, to].map((x) => Math.max(x, now));
  if (z - f < NARROW_SECONDS) {
    const one = near(a, STEP_SECONDS);
    return { at: one < now ? up(now, STEP_SECONDS) : one };
  }
  return { from: down(f, STEP_SECONDS), to: up(z, STEP_SECONDS) };
}

/**
 * The line of an expected call, as [text key, params], or null without a band: `bandKey`
 * ("Dự kiến gọi: khoảng {from} – {to}") or `nearKey` ("Dự kiến gọi: khoảng {time}").
 * @param {{call_at?: number|null, call_from?: number|null, call_to?: number|null}} est
 * @param {(at: number) => string} clock the unit's "HH:MM" of an epoch in seconds
 * @param {string} bandKey @param {string} nearKey @param {number} [now] epoch seconds (callBand)
 * @returns {[string, Record<string, string>]|null}
 */
export function bandLine(est, clock, bandKey, nearKey, now) {
  const b = callBand(est, now);
  if (b === null) return null;
  return "at" in b ? [nearKey, { time: clock(b.at) }] : [bandKey, { from: clock(b.from), to: clock(b.to) }];
}

/**
 * The wait of a number taken now, as the TV shows it: `{from, to}` minutes (rounded outward to
 * 5), `{n}` (its middle rounded to 5) when under 10 minutes wide, `{under: 5}` when that is 0,
 * `{under: to}` when the band starts at 0 ("chờ dưới 20 phút", not "chờ khoảng 0–20 phút").
 * @param {{from: number, to: number}} wait minutes
 * @returns {{from: number, to: number}|{n: number}|{under: number}}
 */
export function waitBand(wait) {
  if (wait.to - wait.from < NARROW_SECONDS / 60) {
    const n = near((wait.from + wait.to) / 2, STEP_SECONDS / 60);
    return n > 0 ? { n } : { under: STEP_SECONDS / 60 };
  }
  const from = Math.max(0, down(wait.from, STEP_SECONDS / 60));
  const to = up(wait.to, STEP_SECONDS / 60);
  return from > 0 ? { from, to } : { under: to };
}

// The hall speaker's plan (decision 0010): which calls the next utterance says, in which
// languages and form. Pure: calls in, utterances out, given now and (for `simulate`) their
// durations. A hall speaker cannot say more calls than it has seconds, so with `queue = "plan"`:
//  - a newer call at a counter replaces its older call not yet spoken (a recall, a no-show),
//    in the older one's turn;
//  - a call older than `max_age_seconds` is shown, not spoken;
//  - the waiting calls, up to `merge_max`, are merged into one sentence;
//  - the hall is quiet when one call comes after a silence (CHIME_AFTER_SECONDS) with nothing
//    else waiting: it is said in full, with the chime, in the first language; the second
//    language follows as its own utterance only if still nothing waits when the first ends
//    (or in the same utterance, `second_language = "always"`);
//  - otherwise the speaker is busy (a backlog, or a call right after another): no chime, the
//    first language only, `busy` (the server says it compact and faster: speech.busy_form,
//    speech.busy_rate).
// `queue = "every"` is the old way: every call in full, one after another, in arrival order.

/** @typedef {{label: string, counter: number, seq: number, at: number, second?: boolean}} Call  at: seconds (server clock); second: the second language owed */
/** @typedef {{queue?: string, languages?: string[], second_language?: string, merge_max?: number, max_age_seconds?: number}} SpeechSettings */
/** @typedef {{calls: Call[], languages: string[], chime: boolean, busy?: boolean, second?: boolean}} Utterance  second: a call already said, in its second language */
/** @typedef {{call: Call, why: "replaced"|"stale"}} Skip */

export const CHIME_AFTER_SECONDS = 2;

/**
 * The next utterance from the calls waiting, in arrival order.
 * @param {Call[]} pending
 * @param {number} now seconds, the clock of `Call.at`
 * @param {SpeechSettings} settings the configuration's [speech]
 * @param {number} quietSince when the speaker last stopped (-Infinity: never spoke)
 * @returns {{say: Utterance|null, waiting: Call[], skipped: Skip[]}}
 */
export function plan(pending, now, settings, quietSince) {
  const languages = settings.languages?.length ? settings.languages : ["vi", "en"];
  if (!pending.length) return { say: null, waiting: [], skipped: [] };
  if (settings.queue === "every") {
    return { say: { calls: [pending[0]], languages, chime: true }, waiting: pending.slice(1), skipped: [] };
  }
  /** @type {Skip[]} */
  const skipped = [];
  /** @type {Call[]} */
  const newest = [];
  const slot = new Map(); // counter -> its place in `newest`: a newer call keeps the older's turn
  for (const call of pending) {
    if (call.second) continue;
    const i = slot.get(call.counter);
    if (i === undefined) {
      slot.set(call.counter, newest.length);
      newest.push(call);
    } else {
      skipped.push({ call: newest[i], why: "replaced" });
      newest[i] = call;
    }
  }
  const maxAge = settings.max_age_seconds ?? 30;
  const live = [];
  for (const call of newest) {
    if (now - call.at > maxAge) skipped.push({ call, why: "stale" });
    else live.push(call);
  }
  if (!live.length) {
    // nothing new waits: the second language owed, if any (never a call of another turn)
    const owed = pending.find((c) => c.second && now - c.at <= maxAge);
    const say = owed ? { calls: [owed], languages: languages.slice(1), chime: false, second: true } : null;
    return { say, waiting: [], skipped };
  }
  const n = Math.max(1, Math.min(settings.merge_max ?? 4, live.length));
  const calls = live.slice(0, n);
  const waiting = live.slice(n);
  const chime = now - quietSince >= CHIME_AFTER_SECONDS;
  const busy = live.length > 1 || !chime;
  if (settings.second_language === "always") return { say: { calls, languages, chime, busy }, waiting, skipped };
  if (!busy && languages.length > 1) waiting.push({ ...calls[0], second: true });
  return { say: { calls, languages: languages.slice(0, 1), chime, busy }, waiting, skipped };
}

/**
 * Where the server composes an utterance: the old call address for `queue = "every"`, else
 * /audio/say with the calls, languages, chime and whether the speaker is busy.
 * @param {Utterance} say @param {SpeechSettings} settings
 */
export function utteranceUrl(say, settings) {
  if (settings.queue === "every") {
    const c = say.calls[0];
    return `/audio/call/${encodeURIComponent(c.label)}/${c.counter}`;
  }
  const calls = say.calls.map((c) => `${encodeURIComponent(c.label)}-${c.counter}`).join(",");
  return `/audio/say?calls=${calls}&lang=${say.languages.join(",")}&chime=${say.chime ? 1 : 0}${say.busy ? "&busy=1" : ""}`;
}

/**
 * The speaker's day, simulated: the calls as they arrive, each utterance as long as
 * `duration` says; what was said when, and what was not said.
 * @param {Call[]} arrivals sorted by `at`
 * @param {SpeechSettings} settings
 * @param {(say: Utterance) => number} duration seconds
 * @returns {{utterances: Array<Utterance & {start: number, end: number}>, skipped: Skip[]}}
 */
export function simulate(arrivals, settings, duration) {
  /** @type {Array<Utterance & {start: number, end: number}>} */
  const utterances = [];
  /** @type {Skip[]} */
  const skipped = [];
  /** @type {Call[]} */
  let pending = [];
  let quietSince = -Infinity;
  let now = arrivals.length ? arrivals[0].at : 0;
  let i = 0;
  while (i < arrivals.length || pending.length) {
    while (i < arrivals.length && arrivals[i].at <= now) pending.push(arrivals[i++]);
    if (!pending.length) {
      now = arrivals[i].at;
      continue;
    }
    const next = plan(pending, now, settings, quietSince);
    skipped.push(...next.skipped);
    pending = next.waiting;
    if (!next.say) continue;
    const end = now + duration(next.say);
    utterances.push({ ...next.say, start: now, end });
    now = quietSince = end;
  }
  return { utterances, skipped };
}

/**
 * For each call: seconds from its arrival to the first sample of the utterance that said it
 * (null: not said).
 * @param {Call[]} arrivals @param {Array<{calls: Call[], start: number}>} utterances
 */
export function delays(arrivals, utterances) {
  const start = new Map();
  for (const u of utterances) for (const c of u.calls) if (!start.has(c)) start.set(c, u.start);
  return arrivals.map((c) => (start.has(c) ? start.get(c) - c.at : null));
}

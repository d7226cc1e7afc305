// Plays the hall's calls on this screen through one speaker: one utterance at a time, never two
// at once. Which calls the next utterance says is planned when the speaker is free
// (./speech-plan.js, decision 0010): a burst merged into one sentence, a newer call at a counter
// replacing its unspoken older one, stale calls not spoken; each call is reported to the server
// as played, play_failed or skipped. The audio is composed by the server (GET /audio/say?…, or
// /audio/call/<label>/<counter> for `queue = "every"`), redirected to a content-addressed WAV.
// It plays through Web Audio, or, for TV boxes whose browser gives no sound, through the
// hardware bridge's speaker (``play``).
import { plan, utteranceUrl } from "./speech-plan.js";

/** @typedef {import("./speech-plan.js").Call} Call */
/** @typedef {{url: string, label: string, seq: number, calls: Call[], second?: boolean}} Item  second: calls already said and reported, in their second language */

export class Announcer {
  /**
   * @param {(what: string, item: any, detail?: string) => void} report
   * @param {((item: {url: string, label: string}) => Promise<number>)|null} [play] plays elsewhere; resolves with the seconds played
   * @param {() => import("./speech-plan.js").SpeechSettings} [settings] the configuration's [speech]
   * @param {() => number} [clock] seconds, the server's clock (a call's `at`)
   */
  constructor(report, play = null, settings = () => ({}), clock = () => Date.now() / 1000) {
    this.report = report;
    this.play = play;
    this.settings = settings;
    this.clock = clock;
    /** @type {Call[]} calls not yet spoken */
    this.pending = [];
    /** @type {Item[]} other audio (scheduled announcements), before the next calls */
    this.extras = [];
    this.playing = false;
    this.quietSince = -Infinity;
    /** @type {AudioContext|null} */
    this.ctx = null;
    /** what was played, for support staff, tests and the benchmark: labels, start and end (ms) */
    this.log = [];
  }

  /** @param {string} label @param {number} counter @param {number} seq @param {number} [at] */
  enqueue(label, counter, seq, at = this.clock()) {
    this.pending.push({ label, counter, seq, at });
    this.next();
  }

  /** Any audio, e.g. a scheduled announcement. @param {string} url @param {string} label @param {number} seq */
  enqueueUrl(url, label, seq = 0) {
    this.extras.push({ url, label, seq, calls: [] });
    this.next();
  }

  /** The next thing to say, or null. @returns {Item|null} */
  take() {
    const extra = this.extras.shift();
    if (extra) return extra;
    const settings = this.settings();
    const next = plan(this.pending, this.clock(), settings, this.quietSince);
    this.pending = next.waiting;
    for (const s of next.skipped) this.report("skipped", s.call, s.why);
    if (!next.say) return null;
    const calls = next.say.calls;
    return {
      url: utteranceUrl(next.say, settings),
      label: calls.map((c) => c.label).join(","),
      seq: calls[calls.length - 1].seq,
      calls,
      second: next.say.second,
    };
  }

  async next() {
    if (this.playing) return;
    const item = this.take();
    if (!item) return;
    this.playing = true;
    const said = item.second ? [] : item.calls.length ? item.calls : [item]; // reported once, when first said
    const entry = { label: item.label, labels: said.map((c) => c.label), url: item.url, wall: 0, start: 0, end: 0, seconds: 0 };
    try {
      if (this.play) {
        entry.wall = Date.now();
        entry.start = performance.now();
        this.log.push(entry);
        entry.seconds = await this.play(item);
      } else {
        this.ctx ||= new AudioContext();
        if (this.ctx.state === "suspended") await this.ctx.resume();
        const response = await fetch(item.url);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const buffer = await this.ctx.decodeAudioData(await response.arrayBuffer());
        entry.seconds = buffer.duration;
        await new Promise((resolve) => {
          const source = /** @type {AudioContext} */ (this.ctx).createBufferSource();
          source.buffer = buffer;
          source.connect(/** @type {AudioContext} */ (this.ctx).destination);
          source.onended = resolve;
          source.start();
          entry.wall = Date.now(); // the first sample
          entry.start = performance.now();
          this.log.push(entry);
        });
      }
      entry.end = performance.now();
      for (const c of said) this.report("played", c);
    } catch (err) {
      for (const c of said) this.report("play_failed", c, /** @type {any} */ (err)?.code || String(err));
    } finally {
      this.playing = false;
      this.quietSince = this.clock();
      this.next();
    }
  }
}

// Plays call announcements on this screen through one queue: one call at a time, never two at
// once, in the order they came; each is reported to the server as played (or not). The audio is
// composed by the server (GET /audio/call/<label>/<counter>, redirected to a content-addressed
// WAV the browser may cache). It plays through Web Audio, or, for TV boxes whose browser gives
// no sound, through the hardware bridge's speaker (``play``).

export class Announcer {
  /**
   * @param {(what: string, item: any, detail?: string) => void} report
   * @param {((item: {url: string, label: string}) => Promise<number>)|null} [play] plays elsewhere; resolves with the seconds played
   */
  constructor(report, play = null) {
    this.report = report;
    this.play = play;
    /** @type {Array<{url: string, label: string, seq: number}>} */
    this.queue = [];
    this.playing = false;
    /** @type {AudioContext|null} */
    this.ctx = null;
    /** what was played, for support staff and tests: label, start and end (ms) */
    this.log = [];
  }

  /** @param {string} label @param {number} counter @param {number} seq */
  enqueue(label, counter, seq) {
    this.enqueueUrl(`/audio/call/${encodeURIComponent(label)}/${counter}`, label, seq);
  }

  /** Any audio, e.g. a scheduled announcement. @param {string} url @param {string} label @param {number} seq */
  enqueueUrl(url, label, seq = 0) {
    this.queue.push({ url, label, seq });
    this.next();
  }

  async next() {
    if (this.playing || !this.queue.length) return;
    this.playing = true;
    const item = this.queue.shift();
    if (this.play) {
      const entry = { label: item.label, start: performance.now(), end: 0, seconds: 0 };
      try {
        this.log.push(entry);
        entry.seconds = await this.play(item);
        entry.end = performance.now();
        this.report("played", item);
      } catch (err) {
        this.report("play_failed", item, err?.code || String(err));
      } finally {
        this.playing = false;
        this.next();
      }
      return;
    }
    try {
      this.ctx ||= new AudioContext();
      if (this.ctx.state === "suspended") await this.ctx.resume();
      const response = await fetch(item.url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const buffer = await this.ctx.decodeAudioData(await response.arrayBuffer());
      const entry = { label: item.label, start: performance.now(), end: 0, seconds: buffer.duration };
      this.log.push(entry);
      await new Promise((resolve) => {
        const source = /** @type {AudioContext} */ (this.ctx).createBufferSource();
        source.buffer = buffer;
        source.connect(/** @type {AudioContext} */ (this.ctx).destination);
        source.onended = resolve;
        source.start();
      });
      entry.end = performance.now();
      this.report("played", item);
    } catch (err) {
      this.report("play_failed", item, String(err));
    } finally {
      this.playing = false;
      this.next();
    }
  }
}

// The phone page's effects: the socket that follows the ticket (clients/shared/socket.js, woken
// when the page is visible again or the network is back), the configuration's names, the
// vibration and the chime when called, the language switch. It keeps one model and applies
// flow.js to it; views.js draws it.
import { $, fill } from "../shared/dom.js";
import { t, setLang, lang, onLang, pick } from "../shared/i18n.js";
import { QueueSocket } from "../shared/socket.js";
import * as flow from "./flow.js";
import * as views from "./views.js";

/** @param {AudioContext} ctx @param {number} [volume] */
function chime(ctx, volume = 0.4) {
  const start = ctx.currentTime + 0.02;
  for (const tone of flow.CHIME) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "sine";
    osc.frequency.value = tone.hz;
    const at = start + tone.at;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(volume, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + tone.length);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + tone.length + 0.05);
  }
}

/** How often the page is drawn again without news (ms): an expected call is never shown past. */
const REDRAW_EVERY = 30_000;

export function createPhone() {
  let model = flow.initial(flow.labelFromPath(location.pathname), flow.dayFromSearch(location.search));
  /** @type {any} */
  let config = null;
  let loading = false;
  let said = ""; // what the live region last said
  /** @type {AudioContext|null} */
  let audio = null;
  const socket = new QueueSocket({ hello: () => flow.helloFields(model), name: "phone", wake: true });

  function render() {
    $("#lang").textContent = t("lang.switch");
    if (config) $("#unit").textContent = pick(config.unit.name, config.unit.name_en);
    fill($("#view"), ...views.page(model, config, Date.now()));
    fill($("#sound"), views.sound(model));
    const say = views.spoken(model, config);
    if (say !== said) $("#say").textContent = said = say;
    document.title = views.title(model, config);
  }

  /** The names of services and counters (once; the page works without them). */
  async function loadConfig() {
    if (config || loading) return;
    loading = true;
    try {
      config = (await (await fetch("/api/state")).json()).view.config;
      render();
    } catch { /* "Quầy 4" and the service code until the next status */ }
    loading = false;
  }

  /** @param {"call"|"recall"} kind */
  function ring(kind) {
    if (model.audio === "locked") return; // before any tap the browser refuses both (and says so in the console)
    try { navigator.vibrate?.(kind === "call" ? flow.VIBRATION : flow.VIBRATION.slice(0, 3)); } catch { /* not allowed */ }
    if (audio && audio.state === "running") chime(audio);
  }

  /** The first tap: a browser lets a page play sound (and vibrate) only after one. */
  async function unlock() {
    if (model.audio !== "locked") return;
    const w = /** @type {any} */ (window);
    const Ctx = w.AudioContext || w.webkitAudioContext;
    try {
      audio = /** @type {AudioContext} */ (new Ctx());
      await audio.resume();
      chime(audio, 0.15); // a quiet sample of the chime
      model = flow.audioChanged(model, typeof navigator.vibrate === "function" ? "on" : "chime");
    } catch {
      model = flow.audioChanged(model, "none");
    }
    try { navigator.vibrate?.(60); } catch { /* no vibration */ }
    render();
  }

  socket.on("ticket", (msg) => {
    const next = flow.receive(model, msg, Date.now());
    model = next.model;
    if (next.ring) ring(next.ring);
    render();
    loadConfig();
  });
  socket.on("status", (status) => { model = flow.linkChanged(model, status); render(); });
  socket.on("refused", (error) => {
    const next = flow.refused(model, error);
    model = next.model;
    render();
    if (next.retry) setTimeout(() => socket.start(), next.retry);
  });

  function start() {
    $("#lang").addEventListener("click", () => setLang(lang() === "vi" ? "en" : "vi"));
    document.addEventListener("pointerdown", unlock); // any first tap; the button says so
    $("#sound").addEventListener("click", unlock);
    onLang(render);
    render();
    setInterval(render, REDRAW_EVERY);
    loadConfig();
    socket.start();
  }

  return { start, render, socket, model: () => model };
}

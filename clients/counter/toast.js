// The counter page's toast: a short line under the bar saying what a command did, or why the
// server refused it (longer on screen).

let timer = /** @type {any} */ (0);

/** @param {string} text @param {boolean} bad */
export function toast(text, bad) {
  const el = /** @type {HTMLElement} */ (document.getElementById("toast"));
  el.textContent = text;
  el.dataset.kind = bad ? "error" : "ok";
  el.hidden = false;
  clearTimeout(timer);
  timer = setTimeout(() => { el.hidden = true; }, bad ? 6000 : 2500);
}

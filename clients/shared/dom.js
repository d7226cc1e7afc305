// DOM helpers. Data never goes through innerHTML: text is set with textContent, attributes
// one by one, so a patient's name or a configured service name cannot inject markup.

/**
 * Build an element.
 * @param {string} tag  tag name, optionally with classes and an id: "div.card.big#main"
 * @param {Record<string, any>|string|Node|null} [props]  attributes (or the first child); `on` = {event: handler}; `dataset`; `style` (object)
 * @param {...(Node|string|number|null|undefined|false|Array<any>)} children
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  if (props !== null && props !== undefined && (typeof props !== "object" || props instanceof Node || Array.isArray(props))) {
    children.unshift(props); // no attributes: the second argument is a child
    props = null;
  }
  const [spec, id] = tag.split("#");
  const [name, ...classes] = spec.split(".");
  const el = document.createElement(name || "div");
  if (classes.length) el.classList.add(...classes);
  if (id) el.id = id;
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "on") for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "style") for (const [k, v] of Object.entries(value)) el.style.setProperty(k, String(v));
    else if (key === "class") el.classList.add(...String(value).split(/\s+/).filter(Boolean));
    else if (key === "text") el.textContent = String(value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

/** @param {Node} el @param {any[]} children */
function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
}

/** Replace an element's children. @param {Element} el @param {...any} children */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * Redraw a part of the page (``draw`` replaces its children) without taking the focus from a
 * field in it: the control found again at the same place among the part's controls, if it is
 * the same kind of control, gets the focus back with its selection. A field typed into while
 * the page redraws (a list arriving, a reconnect's snapshot) keeps the caret, and the next
 * keystrokes land in it instead of nowhere.
 * @param {Element} part @param {() => void} draw
 */
export function redrawKeepingFocus(part, draw) {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || !part.contains(active)) { draw(); return; }
  const controls = () => [...part.querySelectorAll("input, select, textarea, button")];
  /** @param {Element} el */
  const kind = (el) => [el.tagName, el.getAttribute("type"), el.id, el.getAttribute("data-field")].join("|");
  const at = controls().indexOf(active);
  const was = kind(active);
  const text = active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement ? active : null;
  const selection = text ? [text.selectionStart, text.selectionEnd] : [null, null];
  draw();
  const again = at < 0 ? undefined : controls()[at];
  if (!(again instanceof HTMLElement) || kind(again) !== was) return;
  again.focus();
  const [start, end] = selection;
  if (start === null || end === null || !(again instanceof HTMLInputElement || again instanceof HTMLTextAreaElement)) return;
  try { again.setSelectionRange(start, end); } catch { /* a control without a caret (number, colour) */ }
}

/** @param {string} selector @param {ParentNode} [root] @returns {HTMLElement} */
export function $(selector, root = document) {
  const el = root.querySelector(selector);
  if (!el) throw new Error(`missing element ${selector}`);
  return /** @type {HTMLElement} */ (el);
}

/** Two digits. @param {number} n */
export const pad2 = (n) => String(n).padStart(2, "0");

const DARK = "#10233f";

/** WCAG relative luminance of "#rrggbb" (null if it is not one). @param {string} hex */
export function luminance(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex || "");
  if (!m) return null;
  const n = parseInt(m[1], 16);
  /** @param {number} c */
  const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
}

/** WCAG contrast ratio of two "#rrggbb" colours (1 to 21). @param {string} a @param {string} b */
export function contrast(a, b) {
  const [la, lb] = [luminance(a) ?? 0, luminance(b) ?? 0];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * White or the dark ink for text on a background colour "#rrggbb", whichever has the larger
 * WCAG contrast ratio against it (the ink's own luminance counts, not black's).
 * @param {string} hex
 */
export function textOn(hex) {
  if (luminance(hex) === null) return "#fff";
  return contrast(hex, "#ffffff") >= contrast(hex, DARK) ? "#fff" : DARK;
}

/**
 * The colour itself as text on white where it reads (large text, WCAG 3:1), else the dark ink:
 * the TV's numbers are in their service's colour, and an amber number on white is not readable.
 * @param {string} hex
 */
export function inkOnWhite(hex) {
  return luminance(hex) !== null && contrast(hex, "#ffffff") >= 3 ? hex : DARK;
}

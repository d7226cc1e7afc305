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

/** @param {string} selector @param {ParentNode} [root] @returns {HTMLElement} */
export function $(selector, root = document) {
  const el = root.querySelector(selector);
  if (!el) throw new Error(`missing element ${selector}`);
  return /** @type {HTMLElement} */ (el);
}

/** Two digits. @param {number} n */
export const pad2 = (n) => String(n).padStart(2, "0");

/**
 * Dark or white text for a background colour "#rrggbb", whichever reads better (WCAG relative
 * luminance), so that a light service colour never gets white text.
 * @param {string} hex
 */
export function textOn(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex || "");
  if (!m) return "#fff";
  const n = parseInt(m[1], 16);
  const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const L = 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  return (1.05 / (L + 0.05)) >= ((L + 0.05) / 0.05) ? "#fff" : "#10233f"; // the larger contrast ratio
}

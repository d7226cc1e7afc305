// Small SVG charts drawn in the page (no library): horizontal bars with their values. Text is
// set with textContent, never markup.
const NS = "http://www.w3.org/2000/svg";

/** @param {string} tag @param {Record<string, string|number>} attrs @param {string} [text] */
function svg(tag, attrs, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

const MAX_LABEL = 40; // characters; a longer label ends in "…" (and the whole of it is its tooltip)

/** A label cut to MAX_LABEL characters. @param {string} label */
export function shorten(label) {
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1).trimEnd()}…` : label;
}

/**
 * The room the labels need left of the bars, in the chart's units (12px text: about 7 units a
 * character, wider for capitals), between 60 and 300.
 * @param {string[]} labels
 */
export function labelWidth(labels) {
  const longest = Math.max(0, ...labels.map((l) => [...l].reduce((w, c) => w + (c === c.toUpperCase() && c !== c.toLowerCase() ? 8.5 : 7), 0)));
  return Math.min(300, Math.max(60, Math.ceil(longest) + 16));
}

/**
 * A horizontal bar chart.
 * @param {Array<{label: string, value: number|null, colour?: string}>} rows
 * @param {{title: string, unit?: string, width?: number}} opts
 */
export function barChart(rows, opts) {
  const bar = 22;
  const gap = 8;
  const labels = rows.map((r) => shorten(r.label));
  const left = labelWidth(labels);
  const right = 70;
  const width = Math.max(opts.width || 560, left + 300 + right);
  const height = 34 + rows.length * (bar + gap);
  const max = Math.max(1, ...rows.map((r) => r.value || 0));
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", class: "chart" });
  root.append(svg("title", {}, opts.title));
  root.append(svg("text", { x: 0, y: 18, class: "chart-title" }, opts.title));
  rows.forEach((r, i) => {
    const y = 30 + i * (bar + gap);
    const w = ((r.value || 0) / max) * (width - left - right);
    const text = svg("text", { x: left - 8, y: y + bar * 0.7, "text-anchor": "end", class: "chart-label" }, labels[i]);
    if (labels[i] !== r.label) text.append(svg("title", {}, r.label)); // the whole label on hover
    root.append(text);
    root.append(svg("rect", { x: left, y, width: Math.max(w, r.value ? 2 : 0), height: bar, rx: 3, fill: r.colour || "#1565c0", "data-label": r.label, "data-value": r.value ?? "" }));
    root.append(svg("text", { x: left + w + 6, y: y + bar * 0.7, class: "chart-value" }, r.value === null ? "—" : `${r.value}${opts.unit || ""}`));
  });
  return root;
}

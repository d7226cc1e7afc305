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

/**
 * A horizontal bar chart.
 * @param {Array<{label: string, value: number|null, colour?: string}>} rows
 * @param {{title: string, unit?: string, width?: number}} opts
 */
export function barChart(rows, opts) {
  const width = opts.width || 560;
  const bar = 22;
  const gap = 8;
  const left = 150;
  const right = 70;
  const height = 34 + rows.length * (bar + gap);
  const max = Math.max(1, ...rows.map((r) => r.value || 0));
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", class: "chart" });
  root.append(svg("title", {}, opts.title));
  root.append(svg("text", { x: 0, y: 18, class: "chart-title" }, opts.title));
  rows.forEach((r, i) => {
    const y = 30 + i * (bar + gap);
    const w = ((r.value || 0) / max) * (width - left - right);
    root.append(svg("text", { x: left - 8, y: y + bar * 0.7, "text-anchor": "end", class: "chart-label" }, r.label));
    root.append(svg("rect", { x: left, y, width: Math.max(w, r.value ? 2 : 0), height: bar, rx: 3, fill: r.colour || "#1565c0", "data-label": r.label, "data-value": r.value ?? "" }));
    root.append(svg("text", { x: left + w + 6, y: y + bar * 0.7, class: "chart-value" }, r.value === null ? "—" : `${r.value}${opts.unit || ""}`));
  });
  return root;
}

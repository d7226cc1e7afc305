// The TV's grid of counters: how many columns and rows for n counters (T3), pure.

/**
 * Columns and rows for n counters, at most 4 x 8; a configured count (not 0) wins.
 * @param {number} n @param {number} [columns] @param {number} [rows]
 * @returns {{cols: number, rows: number}}
 */
export function gridShape(n, columns, rows) {
  const cols = Math.min(4, columns || (n <= 4 ? 1 : n <= 10 ? 2 : n <= 18 ? 3 : 4));
  const rws = Math.min(8, rows || Math.max(1, Math.ceil(n / cols)));
  return { cols, rows: rws };
}

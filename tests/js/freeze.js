// Deep freezing for the flow tests: a test fails if a pure flow mutates what it was given.

/** Freeze deeply. @template T @param {T} value @returns {T} */
export function freeze(value) {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) freeze(v);
  }
  return value;
}

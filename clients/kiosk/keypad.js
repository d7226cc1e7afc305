// The kiosk's keypad (pure): which keys a method shows and what a key does to the typed value.

/** The keypad's keys for a method (none for VNeID: its code is scanned). @param {import("./flow.js").Method} method */
export function keypadKeys(method) {
  if (method === "vneid") return [];
  return method === "id"
    ? ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"]
    : [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "clear", "back"];
}

/** The typed value after a keypad key. @param {string} value @param {string} key */
export function pressKey(value, key) {
  if (key === "back") return value.slice(0, -1);
  if (key === "clear") return "";
  return value.length < 20 ? value + key : value;
}

/** How many characters the count under the input shows. @param {string} value */
export const typedLength = (value) => value.replace(/\s/g, "").length;

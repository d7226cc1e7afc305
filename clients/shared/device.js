// A device's token (kiosk, TV): given once as a URL fragment (#token=...) when the device is set
// up, kept in this browser's storage, and removed from the address bar so it is not shown.

/** @param {string} kind "kiosk" | "tv" @returns {string} */
export function deviceToken(kind) {
  const key = `queue.${kind}.token`;
  const params = new URLSearchParams(location.hash.slice(1));
  const given = params.get("token");
  if (given) {
    try { localStorage.setItem(key, given); } catch { /* private mode: use it for this visit */ }
    params.delete("token");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + location.search + (rest ? `#${rest}` : ""));
    return given;
  }
  try { return localStorage.getItem(key) || ""; } catch { return ""; }
}

/** Forget the token (after the server refused it). @param {string} kind */
export function forgetDeviceToken(kind) {
  try { localStorage.removeItem(`queue.${kind}.token`); } catch { /* nothing stored */ }
}

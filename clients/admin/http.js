// The server's HTTP calls the admin pages make (docs/protocol.md), one function each, with the
// session's token. A failure is the server's error {code, message_vi, message_en}, or
// {code: "offline"} when no answer came.

/** A JSON call; resolves with the answer, rejects with the error. @param {string} token @param {string} method @param {string} path @param {any} [body] */
export async function api(token, method, path, body) {
  const r = await fetch(path, {
    method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  }).catch(() => null);
  const answer = r ? await r.json().catch(() => ({})) : {};
  if (!r || !r.ok) throw answer.error || { code: "offline" };
  return answer;
}

/** @param {string} username @param {string} password @returns {Promise<{ok: boolean, body: any}>} */
export async function login(username, password) {
  const r = await fetch("/api/login", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  }).catch(() => null);
  const body = r ? await r.json().catch(() => ({})) : {};
  return { ok: Boolean(r && r.ok), body };
}

/** Ends the session on the server; nobody waits for it. @param {string} token */
export function logout(token) {
  fetch("/api/logout", { method: "POST", headers: { authorization: `Bearer ${token}` } }).catch(() => {});
}

/** The media library, or null if it could not be read. @param {string} token @returns {Promise<any[]|null>} */
export async function listMedia(token) {
  const r = await fetch("/api/media", { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
  return r && r.ok ? (await r.json()).media : null;
}

/** @param {string} token @param {File} file @returns {Promise<{ok: boolean, body: any}>} body: {name} or {error} */
export async function uploadMedia(token, file) {
  const r = await fetch("/api/media", {
    method: "POST", body: file,
    headers: { authorization: `Bearer ${token}`, "content-type": file.type || "application/octet-stream" },
  }).catch(() => null);
  const body = r ? await r.json().catch(() => ({})) : {};
  return { ok: Boolean(r && r.ok), body };
}

/** A report as JSON, or as a file (format "csv" or "xlsx"). @param {string} token @param {string} query @param {string} [format] */
export async function fetchReport(token, query, format) {
  const r = await fetch(`/api/reports?${query}${format ? `&format=${format}` : ""}`, { headers: { authorization: `Bearer ${token}` } });
  if (!r.ok) {
    const body = await r.json().catch(() => ({}));
    throw body.error || { code: "offline" };
  }
  return format ? r.blob() : r.json();
}

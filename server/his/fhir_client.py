"""HTTP to a FHIR R4 server for the HIS link (the adapter in ``fhir.py``, the poller in
``fhir_poll.py``): the link's credentials and what an answer means for delivery.

Credentials: a fixed bearer token (``bearer``), or OAuth2 client credentials (``token_url``,
``client_id``, ``client_secret``, ``scope``; RFC 6749 §4.4, the client authenticated with HTTP
Basic): one token for every request, fetched again shortly before it expires, and once more when
the server answers 401 (it may have been revoked early).

Answers: 2xx is success. A connection error, a timeout, 408, 429 and 5xx are :class:`Retryable`.
Other 4xx (400, 404, 409, 410, 412, 422 ...) are :class:`Refused`, with the OperationOutcome's
diagnostics. 401 and 403 are :class:`Retryable`: they say the link's credentials are wrong or
expired (so is a token endpoint that refuses our client), not that the message is; every message
would fail alike, and dead-lettering them all would lose their order. They wait in the outbox,
the link shows the error, staff are alerted after ``alert_after``, and once the credentials are
fixed delivery resumes in order.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from . import Refused, Retryable
from .links import Link

FHIR_JSON = "application/fhir+json"
Json = dict[str, Any]


def diagnostics(body: object) -> str:
    """What an OperationOutcome says, in one line ("" when the body is not one)."""
    if not isinstance(body, dict) or body.get("resourceType") != "OperationOutcome":
        return ""
    parts = []
    for issue in body.get("issue") or []:
        if not isinstance(issue, dict):
            continue
        text = issue.get("diagnostics") or (issue.get("details") or {}).get("text") or issue.get("code") or ""
        where = ",".join(str(e) for e in issue.get("expression") or [])
        parts.append(f"{text} ({where})" if where else str(text))
    return "; ".join(parts)


class FhirClient:
    """The link's requests to its FHIR base URL, authenticated, each answer judged."""

    def __init__(
        self, link: Link, http: httpx.AsyncClient | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.link = link
        self.base = link.url.rstrip("/")
        self._own_http = http is None
        self.http = http or httpx.AsyncClient(timeout=link.timeout)
        self._clock = clock
        self._token = ""
        self._token_expiry = 0.0
        self._token_lock = asyncio.Lock()
        self.tokens_fetched = 0

    async def close(self) -> None:
        if self._own_http:
            await self.http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        body: Json | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        accept: tuple[int, ...] = (),
    ) -> httpx.Response:
        """Send one request; return a 2xx answer, or one whose status is in ``accept`` (e.g. 412 on
        an If-Match update the caller resolves). Raises Retryable or Refused for the rest."""
        what = f"{method} {path}"
        answer = await self._send(method, path, body, params, headers, fresh=False)
        if answer.status_code == 401 and self.link.token_url:
            answer = await self._send(method, path, body, params, headers, fresh=True)
        status = answer.status_code
        if 200 <= status < 300 or status in accept:
            return answer
        said = diagnostics(_json_or_none(answer)) or answer.text[:200]
        reason = f"{what}: HTTP {status} {said}".strip()
        if status in (401, 403):
            raise Retryable(f"{reason} (the link's credentials are not accepted)")
        if status in (408, 429) or status >= 500:
            raise Retryable(reason)
        raise Refused(reason)

    async def json(self, method: str, path: str, **kwargs: Any) -> Json:
        """``request`` whose 2xx answer must be a JSON object (else Retryable: not a FHIR server)."""
        answer = await self.request(method, path, **kwargs)
        body = _json_or_none(answer)
        if not isinstance(body, dict):
            raise Retryable(f"{method} {path}: HTTP {answer.status_code} without a FHIR resource")
        return body

    async def _send(
        self,
        method: str,
        path: str,
        body: Json | None,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        fresh: bool,
    ) -> httpx.Response:
        sent = {"accept": FHIR_JSON, **(headers or {})}
        if body is not None:
            sent["content-type"] = FHIR_JSON
            sent["prefer"] = "return=representation"
        token = await self._bearer(fresh)
        if token:
            sent["authorization"] = f"Bearer {token}"
        try:
            return await self.http.request(
                method, f"{self.base}/{path}", json=body, params=params, headers=sent, timeout=self.link.timeout
            )
        except httpx.HTTPError as exc:
            raise Retryable(f"{method} {path}: {type(exc).__name__} {exc}".strip()) from exc

    async def _bearer(self, fresh: bool) -> str:
        if not self.link.token_url:
            return self.link.bearer
        async with self._token_lock:
            if fresh or not self._token or self._clock() >= self._token_expiry:
                await self._fetch_token()
            return self._token

    async def _fetch_token(self) -> None:
        form = {"grant_type": "client_credentials"}
        if self.link.scope:
            form["scope"] = self.link.scope
        try:
            answer = await self.http.post(
                self.link.token_url,
                data=form,
                auth=(self.link.client_id, self.link.client_secret),
                headers={"accept": "application/json"},
                timeout=self.link.timeout,
            )
        except httpx.HTTPError as exc:
            raise Retryable(f"OAuth2 token: {type(exc).__name__} {exc}".strip()) from exc
        body = _json_or_none(answer)
        if answer.status_code != 200 or not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            error = body.get("error", "") if isinstance(body, dict) else answer.text[:200]
            raise Retryable(f"OAuth2 token: HTTP {answer.status_code} {error} (the link's client is not accepted)")
        lifetime = body.get("expires_in")
        lifetime = float(lifetime) if isinstance(lifetime, int | float) and lifetime > 0 else 300.0
        self._token = body["access_token"]
        # shortly before expiry: 30 s early, or half the lifetime for very short-lived tokens
        self._token_expiry = self._clock() + lifetime - min(30.0, lifetime / 2)
        self.tokens_fetched += 1


def _json_or_none(answer: httpx.Response) -> object:
    try:
        return answer.json()
    except ValueError:
        return None

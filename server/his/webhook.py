"""The signed webhook link (docs/his.md): each message a JSON POST of the
:class:`~server.domain.his.HisMessage` to the link's URL, with

    X-Queue-Event-Id:  the message id (the same on every retry: the receiver dedupes by it)
    X-Queue-Timestamp: unix seconds when it was sent
    X-Queue-Signature: v1=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>

A receiver checks the signature over the exact bytes it got, refuses a timestamp outside its
window (5 minutes), and keeps the ids it has taken. 2xx is delivered; 408, 429, 5xx and network
errors are tried again; any other answer is a refusal (a dead letter).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable

import httpx
import msgspec

from ..domain.his import HisMessage
from . import Refused, Retryable
from .links import Link

RETRYABLE = frozenset({408, 425, 429})


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Queue-Signature`` value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


class WebhookAdapter:
    def __init__(self, link: Link, clock: Callable[[], float] = time.time) -> None:
        self.link = link
        self.clock = clock
        self.client = httpx.AsyncClient(timeout=link.timeout, follow_redirects=False)

    async def send(self, message: HisMessage) -> str:
        body = msgspec.json.encode(message)
        timestamp = str(int(self.clock()))
        headers = {
            "content-type": "application/json",
            "x-queue-event-id": message.id,
            "x-queue-timestamp": timestamp,
            "x-queue-signature": signature(self.link.secret, timestamp, body),
        }
        try:
            answer = await self.client.post(self.link.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise Retryable(f"{type(exc).__name__}: {exc}") from None
        code = answer.status_code
        if 200 <= code < 300:
            return f"HTTP {code}"
        said = f"HTTP {code}: {answer.text[:200]}"
        if code in RETRYABLE or code >= 500:
            raise Retryable(said)
        raise Refused(said)

    async def close(self) -> None:
        await self.client.aclose()

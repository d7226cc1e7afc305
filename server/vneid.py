"""The QR codes a kiosk scans, read for it by the server (docs/vneid.md): the chip ID card's QR
(or the same fields shown by the VNeID app), checked by the rules of the numbers, and the VNeID
app's codes that cannot be read offline, sent to the site's verifier (``[identity]
vneid_verifier``), which speaks for its licensed identity provider.

The verifier is called by the server only, never by a page, with a bounded time
(``vneid_timeout_seconds``) and a bounded answer; neither the code nor the identity it answers
is logged. Its contract: ``POST {"qr": ..., "kiosk": ...}`` as JSON, answered with
``{"ok": true, "identity": {"id_number", "name", "dob" (YYYY-MM-DD), "sex" ("male"|"female")}}``
or ``{"ok": false, "reason": "..."}``."""

from __future__ import annotations

import asyncio
import datetime as dt
import http.client
import json
import logging
import urllib.parse
from typing import Any, Literal

from .domain.config import Config
from .domain.errors import DomainError, IdentityError
from .domain.identity import Identity, Sex, validate_identity
from .domain.idrules import looks_like_card_qr, parse_card_qr

log = logging.getLogger(__name__)

MAX_ANSWER = 16 * 1024  # bytes of a verifier's answer; more is refused unread
MAX_REASON = 80  # characters of a refusal's reason shown to the patient


async def identify_qr(
    text: str, source: Literal["qr", "vneid"], kiosk: str, config: Config, today: dt.date
) -> dict[str, Any]:
    """The identity a scanned QR gives (``source`` ``qr`` for the card's, ``vneid`` when the
    patient chose VNeID: the same fields cannot be told apart otherwise), as the issue command
    carries it; or the refusal naming the field at fault, or what the patient should do."""
    if looks_like_card_qr(text):
        card = parse_card_qr(text, today)
        return {
            "source": source,
            "id_number": card.id_number,
            "name": card.name,
            "dob": card.dob.isoformat(),
            "sex": card.sex,
        }
    if source != "vneid":
        raise IdentityError("qr_format", "qr")
    url = config.identity.vneid_verifier
    if not url:
        raise DomainError("vneid_at_counter", "qr")
    answer = await _ask(url, {"qr": text, "kiosk": kiosk}, config.identity.vneid_timeout_seconds)
    return _identity_of(answer, today)


async def _ask(url: str, body: dict[str, str], seconds: float) -> Any:
    def post() -> Any:
        parts = urllib.parse.urlsplit(url)
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = kind(parts.netloc, timeout=seconds)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        response: http.client.HTTPResponse | None = None
        try:  # closed whatever happens: a verifier that stops half-way leaves no socket open
            conn.request("POST", path, json.dumps(body).encode(), {"Content-Type": "application/json"})
            response = conn.getresponse()
            if not 200 <= response.status < 300:
                raise ValueError(f"status {response.status}")
            data = response.read(MAX_ANSWER + 1)
        finally:
            if response is not None:
                response.close()
            conn.close()
        if len(data) > MAX_ANSWER:
            raise ValueError("answer too large")
        return json.loads(data)

    try:
        return await asyncio.wait_for(asyncio.to_thread(post), seconds)
    except (TimeoutError, OSError, ValueError, http.client.HTTPException) as exc:
        log.warning("the VNeID verifier did not answer: %s", type(exc).__name__)
        raise DomainError("vneid_unavailable", "qr") from None


def _identity_of(answer: Any, today: dt.date) -> dict[str, Any]:
    """The verifier's answer as the identity the kiosk carries, checked like any other."""
    if not isinstance(answer, dict) or not isinstance(answer.get("ok"), bool):
        log.warning("the VNeID verifier answered outside its contract")
        raise DomainError("vneid_unavailable", "qr")
    if not answer["ok"]:
        reason = str(answer.get("reason") or "?")[:MAX_REASON]
        raise IdentityError("vneid_refused", "qr", reason=reason)
    fields = answer.get("identity")
    try:
        if not isinstance(fields, dict):
            raise ValueError("no identity")
        dob = dt.date.fromisoformat(fields["dob"]) if fields.get("dob") else None
        sexes: dict[Any, Sex] = {"male": "male", "female": "female", "": "", None: ""}
        sex = sexes[fields.get("sex")]
        ident = validate_identity(
            Identity(
                source="vneid",
                id_number=str(fields.get("id_number", ""))[:24],
                name=str(fields.get("name", ""))[:100],
                dob=dob,
                sex=sex,
            ),
            today,
        )
    except (ValueError, KeyError, TypeError):
        log.warning("the VNeID verifier answered outside its contract")
        raise DomainError("vneid_unavailable", "qr") from None
    out: dict[str, Any] = {"source": "vneid", "id_number": ident.id_number, "name": ident.name, "sex": ident.sex}
    if ident.dob is not None:
        out["dob"] = ident.dob.isoformat()
    return out

"""A client of the social-insurance gateway's card check (research vn-health.md §2.2-2.3):
``POST {url}/api/token/take`` for a token, then ``POST {url}/api/egw/KQNhanLichSuKCB2024`` with
the token, id_token, username and password (MD5, upper-case hex) in the query string and the
card, the patient and the staff member the lookup is attributed to in a JSON body.

The token is reused until its ``expires_in`` (an ISO time in UTC, or seconds) and taken again
once when the gateway answers 401 (HTTP, or ``maKetQua`` "401") to a lookup. The gateway cannot
be reached from the developers' machines: this is written against its documented contract and
tested against a local server written from it (tests/insurance_gateway.py). ``check`` never
raises: a gateway down, slow past the timeout or answering nonsense is an ``Answer`` with
``error`` (a short reason for staff; never the account)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from ..domain.insurance import Answer
from .account import Account

log = logging.getLogger("server.insurance")
MARGIN = 30.0  # seconds: a token this close to its expiry is taken again first


class _Redact(logging.Filter):
    """httpx logs each request's URL; the gateway's carries the token and the password's hash
    in its query string, so its query is left out of the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                a.copy_with(query=None) if isinstance(a, httpx.URL) and a.path.startswith("/api/") else a
                for a in record.args
            )
        return True


logging.getLogger("httpx").addFilter(_Redact())


class GatewayError(Exception):
    """The gateway could not answer (a short reason, never a credential)."""


class _Token:
    def __init__(self, access: str, id_token: str, expires: float) -> None:
        self.access, self.id_token, self.expires = access, id_token, expires


def expiry(value: Any, now: float) -> float:
    """Epoch seconds of ``expires_in``: an ISO time (UTC when it names no zone) or seconds from now;
    ten minutes when it is neither (some sessions last about that long)."""
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        return now + float(value)
    try:
        at = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return now + 600.0
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).timestamp()


class BhxhChecker:
    def __init__(
        self,
        account: Account,
        clock: Callable[[], float] = time.time,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.account = account
        self.clock = clock
        self.client = httpx.AsyncClient(
            base_url=account.url.rstrip("/"),
            timeout=httpx.Timeout(account.timeout, connect=min(10.0, account.timeout)),
            transport=transport,
        )
        self.token: _Token | None = None
        self.logins = 0  # tokens taken (for the tests and the metrics)

    async def close(self) -> None:
        await self.client.aclose()

    async def check(self, card: str, name: str, dob: str) -> Answer:
        try:
            body = await self._lookup(card, name, dob)
        except GatewayError as exc:
            return Answer(error=str(exc)[:120])
        except httpx.TimeoutException:
            return Answer(error="timeout")
        except httpx.HTTPError as exc:
            return Answer(error=type(exc).__name__)
        return answer_of(body)

    async def _lookup(self, card: str, name: str, dob: str) -> dict[str, Any]:
        for attempt in (1, 2):
            token = await self._token(renew=attempt == 2)
            a = self.account
            response = await self.client.post(
                "/api/egw/KQNhanLichSuKCB2024",
                params={
                    "token": token.access,
                    "id_token": token.id_token,
                    "username": a.username,
                    "password": a.password_md5,
                },
                json={
                    "maThe": card,
                    "hoTen": name,
                    "ngaySinh": dob,
                    "hoTenCb": a.staff_name,
                    "cccdCb": a.staff_id_number,
                },
            )
            body = _json(response)
            if response.status_code == 401 or str(body.get("maKetQua", "")) == "401":
                self.token = None
                if attempt == 1:
                    continue  # the token expired early, or the session was dropped: once more
                return body if body.get("maKetQua") else {"maKetQua": "401"}
            if response.status_code >= 400:
                raise GatewayError(f"HTTP {response.status_code}")
            return body
        raise AssertionError("unreachable")  # pragma: no cover

    async def _token(self, renew: bool) -> _Token:
        now = self.clock()
        if not renew and self.token is not None and self.token.expires - MARGIN > now:
            return self.token
        a = self.account
        fields = {"username": a.username, "password": a.password_md5}
        if a.login_body == "form":
            response = await self.client.post("/api/token/take", data=fields)
        else:
            response = await self.client.post("/api/token/take", json=fields)
        self.logins += 1
        body = _json(response)
        key = body.get("APIKey") if isinstance(body.get("APIKey"), dict) else None
        if response.status_code >= 400 or str(body.get("maKetQua", "")) != "200" or key is None:
            log.warning("BHXH gateway login refused (HTTP %d, maKetQua %s)", response.status_code, body.get("maKetQua"))
            raise GatewayError(f"login refused ({body.get('maKetQua') or response.status_code})")
        self.token = _Token(
            str(key.get("access_token", "")), str(key.get("id_token", "")), expiry(key.get("expires_in"), now)
        )
        return self.token


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def answer_of(body: dict[str, Any]) -> Answer:
    """The gateway's answer read: its code, and the card's dates and place (the new card's for
    003 and 004, which is the one to use)."""
    code = str(body.get("maKetQua", ""))[:3]
    if not code:
        return Answer(error="no maKetQua")

    def field(name: str) -> str:
        value = body.get(name)
        return str(value)[:120] if value is not None else ""

    if code in ("003", "004") and field("maTheMoi"):
        return Answer(
            code=code,
            valid_from=field("gtTheTuMoi"),
            valid_to=field("gtTheDenMoi"),
            place=field("maDKBDMoi"),
            new_card=field("maTheMoi"),
        )
    return Answer(code=code, valid_from=field("gtTheTu"), valid_to=field("gtTheDen"), place=field("maDKBD"))

"""The insurance check asked of the HIS (``insurance.check = "his"``), through the site's FHIR
link (``his.toml``, ``form = "fhir"``; its ``bearer`` token, when set, is sent): FHIR R4
``GET {url}/Coverage?identifier=<BHYT number>`` for a BHYT number, or
``GET {url}/Coverage?beneficiary:Patient.identifier=<ID number>`` for a personal ID number.

The answer is read as a gateway-like code of its own (``H00`` a coverage in force today,
``H10`` only coverages that ended, ``H50`` none recorded; domain/insurance.py), its period's end
and its payor's name (the place of first registration when the HIS puts it there). A HIS that
records no coverage says nothing about the card: the ticket stays "to be checked" for staff. An
OAuth2 link (``token_url``) is not supported here yet: the check says so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx

from ..domain.insurance import Answer
from ..his.links import Link

FHIR_JSON = "application/fhir+json"


class HisCoverageChecker:
    def __init__(
        self,
        link: Link,
        today: Callable[[], dt.date] = dt.date.today,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.link = link
        self.today = today
        headers = {"accept": FHIR_JSON}
        if link.bearer:
            headers["authorization"] = f"Bearer {link.bearer}"
        self.client = httpx.AsyncClient(
            base_url=link.url.rstrip("/"), headers=headers, timeout=link.timeout, transport=transport
        )

    async def close(self) -> None:
        await self.client.aclose()

    async def check(self, card: str, name: str, dob: str) -> Answer:
        if self.link.token_url:
            return Answer(error="HIS link with OAuth2: not supported for the insurance check yet")
        search = "identifier" if not card.isdigit() or len(card) != 12 else "beneficiary:Patient.identifier"
        try:
            response = await self.client.get("/Coverage", params={search: card})
        except httpx.TimeoutException:
            return Answer(error="timeout")
        except httpx.HTTPError as exc:
            return Answer(error=type(exc).__name__)
        if response.status_code != 200:
            return Answer(error=f"HIS HTTP {response.status_code}")
        try:
            bundle = response.json()
        except ValueError:
            return Answer(error="HIS answer not JSON")
        return coverage_answer(bundle, self.today())


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def coverage_answer(bundle: Any, today: dt.date) -> Answer:
    """The answer of a FHIR searchset of Coverage resources, as of ``today``."""
    entries = bundle.get("entry") if isinstance(bundle, dict) else None
    coverages = [
        e["resource"]
        for e in entries or []
        if isinstance(e, dict)
        and isinstance(e.get("resource"), dict)
        and e["resource"].get("resourceType") == "Coverage"
    ]
    found: list[tuple[dt.date | None, dt.date | None, dict[str, Any]]] = []
    for c in coverages:
        if c.get("status") not in (None, "active"):
            continue
        period = c.get("period") if isinstance(c.get("period"), dict) else {}
        found.append((_date(period.get("start")), _date(period.get("end")), c))
    if not found:
        return Answer(code="H50")
    current = [f for f in found if (f[0] is None or f[0] <= today) and (f[1] is None or today <= f[1])]
    start, end, c = max(current or found, key=lambda f: f[1] or dt.date.max)
    payor = c.get("payor")
    place = (
        str(payor[0].get("display", ""))[:120]
        if isinstance(payor, list) and payor and isinstance(payor[0], dict)
        else ""
    )
    return Answer(
        code="H00" if current else "H10",
        valid_from=start.strftime("%d/%m/%Y") if start else "",
        valid_to=end.strftime("%d/%m/%Y") if end else "",
        place=place,
    )

"""The site's HIS links, from a TOML file kept beside the data (``QUEUE_HIS``, default
``<data>/his.toml`` when it exists): secrets live here, never in the queue configuration, which
is in the event log and on the admin pages.

    [[link]]
    name = "his"                 # its actor in the log: "his:his"
    form = "fhir"                # fhir | hl7 | webhook | none (inbound only)
    site = "70001"               # the facility code (MA_CSKCB) it acts for
    url = "http://his.local/fhir"  # FHIR base, "mllp://host:port", or the webhook's URL
    inbound_token = "..."        # the HIS calls our API with "Authorization: Bearer <this>"
    anonymous = false            # also tell it of tickets taken without an identity
    bearer = "..."               # outbound: a fixed bearer token, or OAuth2 client credentials:
    token_url = ""
    client_id = ""
    client_secret = ""
    scope = ""
    secret = ""                  # webhook: the HMAC-SHA256 key
    poll_seconds = 0             # fhir: poll Encounter/Appointment/ServiceRequest (0: never)
    patient_code_system = ""     # fhir polling: the Patient identifier system of the HIS's patient
                                 # code (MA_BN); "" takes the Patient's logical id
    orders_come_back = true      # fhir polling: a ServiceRequest's patient comes back to the room
                                 # they were in once the orders are done (docs/his.md §8)
    timeout = 5.0                # seconds for one delivery
    alert_after = 300            # seconds unreachable before staff are alerted
"""

from __future__ import annotations

import hmac
import re
import tomllib
from pathlib import Path
from typing import Literal

import msgspec

Form = Literal["fhir", "hl7", "webhook", "none"]
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


class Link(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str
    form: Form
    site: str
    url: str = ""
    inbound_token: str = ""
    anonymous: bool = False
    bearer: str = ""
    token_url: str = ""
    client_id: str = ""
    client_secret: str = ""
    scope: str = ""
    secret: str = ""
    poll_seconds: float = 0.0
    patient_code_system: str = ""
    orders_come_back: bool = True
    timeout: float = 5.0
    alert_after: float = 300.0

    @property
    def actor(self) -> str:
        return f"his:{self.name}"

    def accepts(self, token: str) -> bool:
        """Whether an inbound bearer token is this link's (compared in constant time)."""
        return bool(self.inbound_token) and hmac.compare_digest(self.inbound_token.encode(), token.encode())


class LinksFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    link: list[Link] = []


class LinksError(ValueError):
    """A links file the server refuses at start, said in Vietnamese and English."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.message_vi, self.message_en = vi, en


def parse(text: str) -> list[Link]:
    try:
        links = msgspec.convert(tomllib.loads(text), LinksFile).link
    except (tomllib.TOMLDecodeError, msgspec.ValidationError) as exc:
        raise LinksError(f"tệp sai cú pháp hoặc sai kiểu dữ liệu: {exc}", f"not valid: {exc}") from exc
    seen: set[str] = set()
    for link in links:
        if not NAME.match(link.name) or link.name in seen:
            raise LinksError(
                f"tên kết nối {link.name!r} không hợp lệ (chữ thường, số, - _) hoặc bị trùng",
                f"the name {link.name!r} is not valid (lower-case letters, digits, - _) or is used twice",
            )
        seen.add(link.name)
        if link.form != "none" and not link.url:
            raise LinksError(f"kết nối {link.name} thiếu địa chỉ (url)", f"{link.name} needs a url")
        if link.inbound_token and len(link.inbound_token) < 24:
            raise LinksError(
                f"inbound_token của kết nối {link.name} phải dài ít nhất 24 ký tự",
                f"{link.name}'s inbound_token must be at least 24 characters",
            )
        if link.form == "webhook" and len(link.secret) < 24:
            raise LinksError(
                f"kết nối {link.name} (webhook) cần khoá secret dài ít nhất 24 ký tự",
                f"{link.name} (webhook) needs a secret of at least 24 characters",
            )
    return links


def load(path: Path | None) -> list[Link]:
    """The links in ``path``; none without a path. A path named (QUEUE_HIS) but missing is
    refused: a mistyped path would otherwise start the server with no HIS link, silently."""
    if path is None:
        return []
    if not path.is_file():
        raise LinksError(
            "không tìm thấy tệp (kiểm tra đường dẫn QUEUE_HIS)",
            "the file does not exist (check the path QUEUE_HIS names)",
        )
    return parse(path.read_text(encoding="utf-8"))

"""The social-insurance gateway account, from a TOML file kept beside the data
(``QUEUE_INSURANCE``, default ``<data>/insurance.toml`` when it exists). These are secrets: they
never go into the queue configuration (which is in the event log and on the admin pages), a
log line or a page.

    [bhxh]
    url = "https://egw.baohiemxahoi.gov.vn"   # the gateway (a training host exists: daotaoegw)
    username = "70001_BV"                     # <MaCSKCB>_BV
    password = "..."                          # as given; sent as its upper-case MD5 hex
    staff_name = "Nguyễn Văn A"               # the registered staff member the kiosks' lookups
    staff_id_number = "001090000000"          #   are attributed to (CV 1923/BHXH-CNTT)
    login_body = "json"                       # json | form: how /api/token/take is sent
    timeout = 60.0                            # seconds for one request (the portal is slow)
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path
from typing import Literal

import msgspec

USERNAME = re.compile(r"^[A-Za-z0-9]{5}_BV$")
STAFF_ID = re.compile(r"^[0-9]{12}$")


class Account(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    url: str
    username: str
    password: str
    staff_name: str
    staff_id_number: str
    login_body: Literal["json", "form"] = "json"
    timeout: float = 60.0

    @property
    def password_md5(self) -> str:
        """The password as the gateway takes it: MD5, upper-case hex."""
        return hashlib.md5(self.password.encode("utf-8")).hexdigest().upper()

    def __repr__(self) -> str:  # never the password, even in a traceback
        return f"Account(url={self.url!r}, username={self.username!r})"


class AccountFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    bhxh: Account | None = None


class AccountError(ValueError):
    """An account file the server refuses at start, said in Vietnamese and English."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(f"insurance account: {en}")
        self.message_vi, self.message_en = vi, en


def parse(text: str) -> Account | None:
    try:
        account = msgspec.convert(tomllib.loads(text), AccountFile).bhxh
    except (tomllib.TOMLDecodeError, msgspec.ValidationError) as exc:
        raise AccountError(f"tệp sai cú pháp hoặc sai kiểu dữ liệu: {exc}", f"not valid: {exc}") from exc
    if account is None:
        return None
    if not account.url.startswith(("https://", "http://")):
        raise AccountError("url phải bắt đầu bằng http(s)://", "url must be http(s)://")
    if not USERNAME.match(account.username):
        raise AccountError(
            "username là <mã cơ sở KCB>_BV (5 ký tự, rồi _BV)", "username is <MaCSKCB>_BV (5 characters, then _BV)"
        )
    if not account.password or not account.staff_name.strip():
        raise AccountError("cần có password và staff_name", "password and staff_name are required")
    if not STAFF_ID.match(account.staff_id_number):
        raise AccountError(
            "staff_id_number là số định danh 12 chữ số của nhân viên",
            "staff_id_number is the staff member's 12-digit ID number",
        )
    if not 1.0 <= account.timeout <= 300.0:
        raise AccountError("timeout từ 1 đến 300 giây", "timeout is 1 to 300 seconds")
    return account


def load(path: Path | None) -> Account | None:
    """The account in ``path``; none when there is no file (or no [bhxh] table)."""
    if path is None or not path.exists():
        return None
    return parse(path.read_text(encoding="utf-8"))

"""Who may open the province view, and their sessions.

Two kinds of viewer (``domain/province.py``'s :class:`Viewer`):

- the province's administrators, kept in a file of their own (``QUEUE_PROVINCE_ACCOUNTS``, a
  TOML table ``[admins.<username>]`` with ``full_name`` and ``password_hash``, written by
  ``python -m server.province add-admin``): every facility;
- a facility's administrators: the ``admin`` accounts of that facility's own staff, as its log
  holds them (the same username and password as at the facility): that facility only. A
  password changed or an account disabled there counts here at the next read of its log.

Nobody here may act on a queue: the view has no write path to any log. Sessions live in this
process's memory (a restart signs everyone out)."""

from __future__ import annotations

import logging
import os
import time
import tomllib
from pathlib import Path

import msgspec

from ..auth import _DUMMY_HASH as _DUMMY  # the same slow hash for a name that is nobody's
from ..auth import SESSION_SECONDS, bad_login, new_token, token_hash, verify_password
from ..domain.errors import DomainError
from ..domain.province import Viewer, site_code
from ..login_limits import LoginLimiter
from .sites import Sites

MAX_USERNAME = 64
MAX_PASSWORD = 1024  # read at most this much (auth.py's login bound)
MAX_SESSIONS = 10_000
log = logging.getLogger("server.province")


class AccountsError(Exception):
    """The accounts file exists but cannot be read or is not valid: said in both languages."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(
            f"{path}: không đọc được tệp tài khoản của Sở ({why}); tệp phải đọc được bởi người dùng chạy dịch vụ"
            f" (QUEUE_PROVINCE_ACCOUNTS) / the province's accounts file cannot be read ({why}): it must be readable"
            " by the service's user and written by python -m server.province add-admin"
        )


class Admin(msgspec.Struct, frozen=True):
    full_name: str
    password_hash: str


class AccountsFile(msgspec.Struct):
    admins: dict[str, Admin] = {}


def load_admins(path: Path) -> dict[str, Admin]:
    """The province's administrators ({} when the file does not exist yet)."""
    if not path.exists():
        return {}
    try:
        with path.open("rb") as f:
            return msgspec.convert(tomllib.load(f), AccountsFile).admins
    except OSError as exc:
        raise AccountsError(path, exc.strerror or type(exc).__name__) from None
    except (tomllib.TOMLDecodeError, msgspec.ValidationError, UnicodeDecodeError) as exc:
        raise AccountsError(path, str(exc)[:200]) from None


def save_admins(path: Path, admins: dict[str, Admin]) -> None:
    """Write the file (owner-only: it holds password hashes)."""
    lines = []
    for name, a in sorted(admins.items()):
        lines += [
            f'[admins."{name}"]',
            f"full_name = {_toml(a.full_name)}",
            f"password_hash = {_toml(a.password_hash)}",
            "",
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    tmp.replace(path)


def _toml(text: str) -> str:
    return msgspec.json.encode(text).decode()  # a JSON string is a TOML basic string


class Viewers:
    """Logins and sessions of the province view."""

    def __init__(self, accounts: Path, sites: Sites) -> None:
        self.accounts = accounts
        self.sites = sites
        self.limiter = LoginLimiter()  # in memory: the province view is one process (its sessions too)
        self.sessions: dict[str, tuple[Viewer, float]] = {}  # token hash -> viewer, expiry
        self.admins = load_admins(accounts)  # the last good read (the file is checked at start)
        self.told = 0.0

    def _admins(self) -> dict[str, Admin]:
        """The province's administrators as the file says now; if it became unreadable, the last
        good read (said in the log once a minute), not a 500 on every sign-in."""
        try:
            self.admins = load_admins(self.accounts)
        except AccountsError as exc:
            if time.monotonic() - self.told >= 60.0:
                self.told = time.monotonic()
                log.error("%s", exc)
        return self.admins

    def login(self, site: str, username: str, password: str, address: str) -> tuple[str, Viewer, str]:
        """A new session's token, its viewer and their full name; ``bad_credentials``,
        ``too_many_attempts`` or ``bad_site`` otherwise."""
        if site:
            site_code(site)
        if not username or len(username) > MAX_USERNAME or len(password) > MAX_PASSWORD:
            raise bad_login()
        now = time.time()
        stored, full_name = "", ""
        if not site:
            admin = self._admins().get(username)
            if admin is not None:
                stored, full_name = admin.password_hash, admin.full_name
        elif (found := self.sites.by_code.get(site)) is not None and found.state is not None:
            account = found.state.staff.get(username)
            if account is not None and account.active and account.role == "admin":
                stored, full_name = account.password_hash, account.full_name
        self.limiter.begin(address, f"{site}/{username}", bool(stored), now)
        if not verify_password(password, stored or _DUMMY) or not stored:
            raise bad_login()
        self.limiter.succeeded(address, f"{site}/{username}")
        token = new_token()
        if len(self.sessions) >= MAX_SESSIONS:
            self.sessions = {h: s for h, s in self.sessions.items() if s[1] > now}
        viewer = Viewer(username=username, site=site)
        self.sessions[token_hash(token)] = (viewer, now + SESSION_SECONDS)
        return token, viewer, full_name or username

    def viewer(self, token: str) -> Viewer:
        """The viewer of a session token, or ``unauthenticated.session``: expired, unknown, or a
        facility account that is no longer an active administrator there."""
        found = self.sessions.get(token_hash(token)) if token else None
        if found is None or found[1] < time.time() or not self._still(found[0]):
            raise DomainError("unauthenticated.session", "token")
        return found[0]

    def _still(self, viewer: Viewer) -> bool:
        if viewer.province:
            return viewer.username in self._admins()
        site = self.sites.by_code.get(viewer.site)
        account = site.state.staff.get(viewer.username) if site is not None and site.state is not None else None
        return account is not None and account.active and account.role == "admin"

    def logout(self, token: str) -> None:
        self.sessions.pop(token_hash(token), None)

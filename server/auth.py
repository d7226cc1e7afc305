"""Staff passwords, login rate limiting, sessions and device tokens.

- Passwords are hashed with scrypt (memory-hard; N=2**14, r=8, p=1: 16 MiB per hash) and a
  random salt; only the hash reaches the event log.
- Logins are limited per (client address, username) and per client address, counted before the
  hash, with a growing wait rather than a long lockout (the rules: ``domain/logins.py``; the
  counts: ``login_limits.py``, in PostgreSQL for several processes ``pg_logins.py``); a refused
  attempt gets ``too_many_attempts`` and the seconds to wait. At most two hashes run at once.
- Sessions are random 256-bit tokens; the database keeps only their SHA-256.
- Devices (kiosks, TVs) get a random token when an admin registers them; the log keeps only its
  SHA-256, and the token is shown once.
- ``authenticate`` turns a websocket ``hello`` into who is speaking: the actor, its audience,
  zone and counter (or ``unauthenticated``/``forbidden``).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable

import msgspec

from .domain.access import Actor
from .domain.errors import DomainError
from .domain.state import QueueState, StaffAccount
from .eventlog import EventLog, SessionRow
from .protocol import Audience, Hello

log = logging.getLogger("server.auth")

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SESSION_SECONDS = 14 * 3600
MIN_PASSWORD = 8
MAX_PASSWORD = 256  # longer is refused (scrypt reads all of it); a login reads at most 1024


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


# A hash to verify against when the username does not exist, so that timing does not tell.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def check_new_password(password: str, current: str = "") -> None:
    """The password policy, where every password is set (the HTTP API): at least
    ``MIN_PASSWORD`` characters, at most ``MAX_PASSWORD``, and not the current one."""
    if len(password) < MIN_PASSWORD:
        raise DomainError("weak_password", "password", min=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise DomainError("weak_password.long", "password", max=MAX_PASSWORD)
    if current and password == current:
        raise DomainError("weak_password.same", "password")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def bad_login() -> DomainError:
    return DomainError("bad_credentials")


def verify_login(account: StaffAccount | None, password: str) -> bool:
    """Constant work whether or not the account exists; False for a disabled account."""
    ok = verify_password(password, account.password_hash if account else _DUMMY_HASH)
    return ok and account is not None and account.active


class Session(msgspec.Struct, frozen=True):
    token_hash: str
    username: str
    expires: float


class Sessions:
    """Staff sessions: in memory for speed, in SQLite so that a restart logs nobody out."""

    REREAD_SECONDS = 1.0  # several processes: the sessions the others opened, read again this often
    # several processes: unknown tokens looked up in the database, at most this many a second from
    # one client address (the login limiter's: the browser's, behind the front), and in all
    LOOKUPS_PER_ADDRESS = 10
    LOOKUPS_PER_SECOND = 200

    def __init__(self, eventlog: EventLog) -> None:
        self.log = eventlog
        self.by_hash: dict[str, Session] = {}
        self.read_at = 0.0
        self.lookups: tuple[int, int] = (0, 0)  # (the second, lookups in it)
        self.lookups_by: dict[str, int] = {}  # this second's lookups per address (at most LOOKUPS_PER_SECOND)
        self.on_gone: Callable[[set[str]], object] | None = None  # sessions another process ended

    async def load(self, now: float) -> None:
        """Every session from the database. Several processes: those known here that are gone
        there (a logout on another process, expired) are told to ``on_gone``; those this process
        opened or ended while reading stay as they are now."""
        before = set(self.by_hash)
        fresh = {
            s.token_hash: Session(token_hash=s.token_hash, username=s.username, expires=s.expires)
            for s in await self.log.sessions(now)
        }
        now_known = self.by_hash
        ended_here = before - now_known.keys()
        opened_here = {h: s for h, s in now_known.items() if h not in before}
        gone = (before & now_known.keys()) - fresh.keys()
        self.by_hash = {h: s for h, s in fresh.items() if h not in ended_here} | opened_here
        self.read_at = now
        if gone and self.on_gone is not None:
            self.on_gone(gone)

    async def find(self, token: str, now: float, address: str = "") -> Session | None:
        """``get``; a token not known here is looked up in the database first (several processes
        for one site share the sessions: a login on another process a moment ago). The lookups
        are bounded, as tokens are the client's: ``LOOKUPS_PER_ADDRESS`` a second from one
        client address, so that a flood of made-up tokens from one address does not spend the
        lookups of the others, and ``LOOKUPS_PER_SECOND`` in all; past that, unknown."""
        s = self.get(token, now)
        if s is not None or not token:
            return s
        second, n = self.lookups
        if int(now) != second:
            second, n = int(now), 0
            self.lookups_by = {}
        mine = self.lookups_by.get(address, 0)
        if n >= self.LOOKUPS_PER_SECOND or mine >= self.LOOKUPS_PER_ADDRESS:
            return None
        self.lookups = (second, n + 1)
        self.lookups_by[address] = mine + 1
        row = await self.log.session(token_hash(token))
        if row is None or row.expires < now:
            return None
        s = Session(token_hash=row.token_hash, username=row.username, expires=row.expires)
        self.by_hash[s.token_hash] = s
        return s

    async def follow(self, clock: Callable[[], float]) -> None:
        """Several processes: read the sessions again every few seconds (logins and logouts on
        the others, for the HTTP API, which reads them without waiting)."""
        while True:
            await asyncio.sleep(self.REREAD_SECONDS * 2)
            try:
                await self.load(clock())
            except Exception:
                log.exception("could not read the sessions again")

    async def create(self, username: str, now: float) -> tuple[str, Session]:
        token = new_token()
        s = Session(token_hash=token_hash(token), username=username, expires=now + SESSION_SECONDS)
        await self.log.save_session(
            SessionRow(token_hash=s.token_hash, username=username, created=now, expires=s.expires)
        )
        self.by_hash[s.token_hash] = s
        return token, s

    def get(self, token: str, now: float) -> Session | None:
        s = self.by_hash.get(token_hash(token))
        if s is None or s.expires < now:
            return None
        return s

    async def revoke(self, token: str) -> None:
        h = token_hash(token)
        self.by_hash.pop(h, None)
        await self.log.delete_session(h)

    def forget_user(self, username: str) -> None:
        """End every session of a user in memory at once (a password changed, an account
        disabled); ``EventLog.delete_user_sessions`` removes them from disk."""
        self.by_hash = {h: s for h, s in self.by_hash.items() if s.username != username}


def staff_for(sessions: Sessions, state: QueueState, token: str, now: float) -> StaffAccount | None:
    """The active staff account behind a session token, or None."""
    session = sessions.get(token, now) if token else None
    account = state.staff.get(session.username) if session else None
    return account if account is not None and account.active else None


def door_device(hello: Hello, state: QueueState) -> tuple[str, int]:
    """The device id and room of a door screen's hello (a registered, active ``door`` device
    bound to a counter or room that is configured), or ``unauthenticated``."""
    h = token_hash(hello.token)
    for d in state.devices.values():
        if d.token_hash == h and d.active and d.kind == "door" and d.counter is not None:
            return d.device, d.counter
    raise DomainError("unauthenticated.device", "token")


def authenticate(
    hello: Hello, state: QueueState, sessions: Sessions, now: float
) -> tuple[Actor, Audience, str, int | None]:
    """The actor, audience, zone and counter of a hello, or ``unauthenticated``/``forbidden``."""
    if hello.role in ("kiosk", "tv", "rating"):
        h = token_hash(hello.token)
        for d in state.devices.values():
            if d.token_hash == h and d.active and d.kind == hello.role:
                if d.kind == "rating" and d.counter is not None:  # bound to its counter
                    cc = state.config.counter(d.counter)
                    actor = Actor(name=f"device:{d.device}", role="rating", counters=[d.counter])
                    return actor, "public", cc.zone if cc else "", d.counter
                return Actor(name=f"device:{d.device}", role=hello.role), "public", d.zone or hello.zone, None
        raise DomainError("unauthenticated.device", "token")
    account = staff_for(sessions, state, hello.token, now)
    if account is None:
        raise DomainError("unauthenticated.session", "token")
    if hello.role == "admin":
        if account.role != "admin":
            raise DomainError("forbidden.admin_page")
        return Actor(name=f"staff:{account.username}", role="admin"), "admin", hello.zone, None
    if hello.counter is None or state.config.counter(hello.counter) is None:
        raise DomainError("unknown_counter.choose", "counter")
    if account.role == "admin":
        return Actor(name=f"staff:{account.username}", role="admin"), "staff", hello.zone, hello.counter
    if hello.counter not in account.counters:
        raise DomainError("forbidden_counter.not_assigned", "counter", counter=hello.counter)
    actor = Actor(name=f"staff:{account.username}", role="counter", counters=[hello.counter])
    return actor, "staff", hello.zone, hello.counter

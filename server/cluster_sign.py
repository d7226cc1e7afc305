"""Signed requests between the processes of a site (decision 0014, "forwarded commands").

A follower never sends the cluster's secret: it signs each forwarded request with it,
HMAC-SHA256 over a timestamp, a random nonce and the body, in one header
(``x-queue-cluster-signature: t=<unix seconds>,n=<nonce>,mac=<hex>``). The writer refuses a
request whose MAC is wrong, whose timestamp is more than ``SKEW_SECONDS`` from its own clock, or
whose nonce it saw already (a request read off the network and sent again). Whoever reads the
traffic learns the commands, not the secret, and cannot make one of their own.

The writer also refuses actors a follower could never have produced (``plausible``): a follower
forwards what its own clients were authenticated as, so an actor names an active staff account
or device of the state, with that role, or is the system recording an insurance check.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections import OrderedDict
from typing import Literal

from .domain import commands as cmd
from .domain.access import Actor
from .domain.state import QueueState

log = logging.getLogger("server.cluster")

HEADER = "x-queue-cluster-signature"
SKEW_SECONDS = 30.0  # the clocks of two processes may differ by this much (NTP keeps them within ms)
MAX_NONCES = 200_000  # nonces remembered (2 * SKEW_SECONDS of requests at over 3000 a second)
LOG_EVERY = 60.0  # a refusal of the same kind is logged at most this often (per process)

Refused = Literal["", "unsigned", "signature", "clock", "replay"]


def _mac(secret: bytes, stamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(secret, f"{stamp}.{nonce}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, now: float | None = None) -> str:
    """The signature header's value for ``body``."""
    stamp, nonce = f"{time.time() if now is None else now:.3f}", secrets.token_hex(12)
    return f"t={stamp},n={nonce},mac={_mac(secret.encode(), stamp, nonce, body)}"


class Verifier:
    """The writer's side: checks signatures and remembers the nonces of the last minute."""

    def __init__(self, secret: str) -> None:
        self.secret = secret.encode()
        self.nonces: OrderedDict[str, float] = OrderedDict()
        self.skew = 0.0  # the last refused timestamp's distance from this clock (for the log)

    def check(self, header: str, body: bytes, now: float | None = None) -> Refused:
        """ "" when the request is signed by a process of the site, else why it is refused."""
        now = time.time() if now is None else now
        if not header or len(header) > 300:
            return "unsigned"
        parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
        stamp, nonce, mac = parts.get("t", ""), parts.get("n", ""), parts.get("mac", "")
        if not (stamp and nonce and mac):
            return "unsigned"
        if not hmac.compare_digest(_mac(self.secret, stamp, nonce, body).encode(), mac.encode()):
            return "signature"
        try:
            self.skew = float(stamp) - now
        except ValueError:
            return "signature"
        if not abs(self.skew) <= SKEW_SECONDS:  # (nan too)
            return "clock"
        while self.nonces and (
            next(iter(self.nonces.values())) < now - 2 * SKEW_SECONDS or len(self.nonces) >= MAX_NONCES
        ):
            self.nonces.popitem(last=False)
        if nonce in self.nonces:
            return "replay"
        self.nonces[nonce] = now
        return ""


class Throttled:
    """A warning logged at most once per ``LOG_EVERY`` seconds for each kind."""

    def __init__(self) -> None:
        self.last: dict[str, float] = {}

    def warn(self, kind: str, message: str, *args: object) -> bool:
        now = time.monotonic()
        if now - self.last.get(kind, -LOG_EVERY) < LOG_EVERY:
            return False
        self.last[kind] = now
        log.error(message, *args)
        return True


def plausible(actor: Actor, command: cmd.AnyCommand, state: QueueState) -> bool:
    """Whether a follower could have forwarded this actor: what ``server/auth.py`` and the HTTP
    routes make of an active account or device, an HIS link, or the system recording an
    insurance check (``server/insurance``); never the system otherwise."""
    kind, _, name = actor.name.partition(":")
    if actor.role == "system":
        return actor.name == "system" and isinstance(command, cmd.RecordInsuranceCheck)
    if actor.role == "his":
        return kind == "his" and bool(name)
    if actor.role in ("admin", "counter"):
        account = state.staff.get(name) if kind == "staff" else None
        if account is None or not account.active:
            return False
        if actor.role == "admin":
            return account.role == "admin"
        return account.role == "admin" or set(actor.counters) <= set(account.counters)
    device = state.devices.get(name) if kind == "device" else None
    return device is not None and device.active and device.kind == actor.role

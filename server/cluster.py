"""Several server processes for one site (decision 0014): each starts as a follower of the
site's log (``server/follow.py``) and waits for the writer's role (``server/writer_role.py``);
the one that gets it catches up and writes. A follower forwards its clients' commands to the
writer over HTTP (``POST /internal/command``, signed with the cluster's secret:
``server/cluster_sign.py``) and acknowledges them
only with the writer's answer, after the writer's commit; with the same idempotency key, a
retry after a failover is answered by the new writer as the old one would have answered it.

A process that loses the role (its lock connection cut, or an append refused for a stale epoch)
exits: its service manager starts it again as a follower, with a state read from the log.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import msgspec
import psycopg
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from . import cluster_sign
from .domain import commands as cmd
from .domain.access import Actor
from .domain.errors import DomainError
from .follow import Follower
from .hub import Hub
from .hub_items import Outcome
from .pg_log import PgLog
from .protocol import MAX_MESSAGE_BYTES
from .writer_role import HUNG_SECONDS, WATCH_SECONDS, WriterRole, connect, current_writer, unseat_hung

log = logging.getLogger("server.cluster")

# How long a follower tries to reach a writer before it answers storage_error.no_writer ("try
# again"): under the pages' 10 s (clients/shared), so that a user is told rather than left guessing;
# longer than a hung writer's failover (HUNG_SECONDS, then a second to notice, then the catch-up).
FORWARD_SECONDS = 8.0
TRY_SECONDS = 2.0  # one try's wait for the writer's answer (a stopped writer's socket still accepts)
RETRY_SECONDS = 0.1
INTERNAL_PATH = "/internal/command"  # never passed on by the front (deploy/nginx-queue-cluster.conf)
LOST_ROLE_EXIT = 75  # the exit status of a process that lost the writer's role (EX_TEMPFAIL)


class Forwarded(msgspec.Struct, frozen=True):
    """A command taken to the writer, as the follower's client sent it and as who."""

    actor: Actor
    command: cmd.AnyCommand
    key: str = ""


class Refusal(msgspec.Struct, frozen=True):
    key: str
    field: str | None = None
    params: dict[str, Any] = {}


class Answer(msgspec.Struct, frozen=True):
    """The writer's answer to a forwarded command: what ``Hub.submit`` gave it."""

    seq: int = 0
    result: Any = None
    duplicate: bool = False
    error: Refusal | None = None
    not_writer: bool = False


_forwarded = msgspec.json.Decoder(Forwarded)
_answer = msgspec.json.Decoder(Answer)
_encoder = msgspec.json.Encoder()


def answer_of(outcome: Outcome) -> Answer:
    e = outcome.error
    refusal = None if e is None else Refusal(key=e.key, field=e.field, params=e.params)
    return Answer(seq=outcome.seq, result=outcome.result, duplicate=outcome.duplicate, error=refusal)


def outcome_of(answer: Answer) -> Outcome:
    e = answer.error
    error = None if e is None else DomainError(e.key, e.field, **e.params)
    return Outcome(seq=answer.seq, result=answer.result, duplicate=answer.duplicate, error=error)


class Cluster:
    """This process's part in the site's cluster: following, forwarding, and the role."""

    def __init__(self, hub: Hub, dsn: str, site: str, url: str, secret: str) -> None:
        self.hub, self.dsn, self.site, self.url, self.secret = hub, dsn, site, url.rstrip("/"), secret
        self.role = WriterRole(dsn, site, self.url)
        self.follower = Follower(dsn, site, hub.log, lambda: hub.state.seq, hub.apply_followed)
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(5.0, connect=1.0))
        self.verifier = cluster_sign.Verifier(secret)
        self.warnings = cluster_sign.Throttled()
        self.writer_url = ""
        self.promoted: list[Callable[[], Awaitable[None]]] = []  # what starts with the role (HIS links...)
        self._tasks: list[asyncio.Task[None]] = []
        self._query: psycopg.AsyncConnection[tuple[object, ...]] | None = None
        self._beats: psycopg.AsyncConnection[tuple[object, ...]] | None = None  # the writer's beat, checked
        hub.forward = self.forward
        hub.commit_failed = lambda exc: step_down(f"a commit failed: {exc}")

    @property
    def writing(self) -> bool:
        return self.hub.forward is None

    def running(self) -> frozenset[str]:
        """The names of this process's cluster tasks still running (its health: server/supervised.py)."""
        return frozenset(t.get_name() for t in self._tasks if not t.done())

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self.follower.run(), name="cluster-follow"),
            asyncio.create_task(self._take_role(), name="cluster-role"),
            asyncio.create_task(self._unseat_hung(), name="cluster-unseat"),
        ]

    async def stop(self) -> None:
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.role.close()
        await self.http.aclose()
        for conn in (self._query, self._beats):
            if conn is not None:
                await conn.close()

    async def _take_role(self) -> None:
        try:
            await self._write()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # holding the lock without writing would stop the whole site
            log.exception("taking the writer's role failed")
            step_down(f"taking the writer's role failed: {exc}")

    async def _write(self) -> None:
        claim = await self.role.acquire()
        watch = asyncio.create_task(self._beat(), name="cluster-beat")  # from now on, during the catch-up too
        self._tasks.append(watch)
        if isinstance(self.hub.log, PgLog):
            self.hub.log.epoch = claim.epoch  # every append from now on carries it (fencing)
        self.follower.stop()  # the writer reads its own appends no more
        await self._tasks[0]
        await self.hub.promote()
        log.info("site %s: this process writes now (epoch %d, seq %d)", self.site, claim.epoch, self.hub.state.seq)
        await self.hub.take_file_config()
        for start in self.promoted:
            await start()
        await watch

    async def _beat(self) -> None:
        await self.role.watch()  # its SELECT 1 every second is the beat the followers look at
        step_down("the writer's lock connection was lost")

    # ---- the follower's side ----------------------------------------------------------------

    async def _unseat_hung(self) -> None:
        """While another process writes: every beat, end its session if it stopped beating for
        ``HUNG_SECONDS`` (``writer_role.unseat_hung``), so that a hung writer loses the role."""
        while not self.role.claimed:
            await asyncio.sleep(WATCH_SECONDS)
            if self.role.claimed:
                return
            try:
                if self._beats is None or self._beats.closed:
                    self._beats = await connect(self.dsn)
                hung = await unseat_hung(self._beats, self.site, HUNG_SECONDS)
            except (psycopg.Error, OSError) as exc:
                self.warnings.warn("beat", "cannot check the writer's beat (the processes must connect as one"
                                   " PostgreSQL role): %s", exc)  # fmt: skip
                self._beats = None
                continue
            if hung is None:
                continue
            pid, silent, ended = hung
            message = (
                "site %s: the writer gave no sign of life for %.1f s (PostgreSQL backend %d): its session %s, so that"
                " another process takes the role / máy ghi không phản hồi %.1f giây: %s"
            )
            if ended:
                log.warning(message, self.site, silent, pid, "was ended", silent, "đã ngắt phiên để máy khác tiếp quản")
            else:  # (a backend of another role: once a minute)
                self.warnings.warn("unseat", message, self.site, silent, pid, "could not be ended", silent,
                                   "không ngắt được phiên")  # fmt: skip

    async def forward(self, command: cmd.AnyCommand, actor: Actor, key: str) -> Outcome:
        """Take a command to the writer and return its answer; retried (the same key) until a
        writer answers, for up to ``FORWARD_SECONDS``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + FORWARD_SECONDS
        body = _encoder.encode(Forwarded(actor=actor, command=command, key=key))
        while True:
            if self.hub.forward is None:  # the role came to this process meanwhile
                return await self.hub.submit(command, actor, key)
            left = deadline - loop.time()
            answer = await self._send(body, keyed=bool(key), seconds=min(TRY_SECONDS, left)) if left > 0 else None
            if answer is not None and not answer.not_writer:
                outcome = outcome_of(answer)
                if outcome.error is None:
                    await self.follower.caught_up(outcome.seq, 2.0)
                return outcome
            if loop.time() + RETRY_SECONDS >= deadline:
                return Outcome(error=DomainError("storage_error.no_writer"))
            self.writer_url = ""
            await asyncio.sleep(RETRY_SECONDS)

    async def _send(self, body: bytes, keyed: bool, seconds: float) -> Answer | None:
        """One try: None when no writer answered. A command without a key is tried again only
        when it was surely not delivered (no connection), since it could take effect twice."""
        url = self.writer_url or await self._lookup()
        if not url or url == self.url:
            return None
        try:
            r = await self.http.post(
                f"{url}{INTERNAL_PATH}",
                content=body,
                headers={cluster_sign.HEADER: cluster_sign.sign(self.secret, body)},
                timeout=httpx.Timeout(seconds, connect=min(1.0, seconds)),
            )
        except httpx.ConnectError:
            return None
        except httpx.HTTPError as exc:
            if keyed:
                return None
            log.warning("a command without a key was lost on its way to the writer: %s", exc)
            return Answer(error=Refusal(key="storage_error.no_writer"))
        if r.status_code == 403:
            self._refused(url, r.text)
        if r.status_code != 200:
            return None
        self.writer_url = url
        return _answer.decode(r.content)

    async def _lookup(self) -> str:
        try:
            if self._query is None or self._query.closed:
                self._query = await connect(self.dsn)
            url, _ = await current_writer(self._query, self.site)
            return url
        except (psycopg.Error, OSError) as exc:
            log.warning("cannot read the site's writer: %s", exc)
            self._query = None
            return ""

    def _refused(self, url: str, why: str) -> None:
        if why == "clock":
            self.warnings.warn(
                "clock", "the writer %s refused this process's commands: the clocks of the two machines differ by more"
                " than %d s (set up NTP / chrony on every machine) / máy ghi %s từ chối lệnh: đồng hồ hai máy lệch"
                " nhau quá %d giây (cài NTP / chrony trên mọi máy)", url, cluster_sign.SKEW_SECONDS, url,
                cluster_sign.SKEW_SECONDS,
            )  # fmt: skip
        else:
            self.warnings.warn(
                "signature", "the writer %s refused this process's commands (%s): QUEUE_CLUSTER_SECRET_FILE holds"
                " another secret than the writer's; copy the same file to every process of the site and restart"
                " / máy ghi %s từ chối lệnh: tệp bí mật QUEUE_CLUSTER_SECRET_FILE khác với của máy ghi; chép cùng một"
                " tệp lên mọi máy rồi khởi động lại", url, why[:40], url,
            )  # fmt: skip

    # ---- the writer's side ------------------------------------------------------------------

    def verify(self, header: str, body: bytes, client: str) -> cluster_sign.Refused:
        """Why a forwarded request is refused ("" when it is signed by a process of the site);
        a refusal is logged (at most once a minute per kind) in words for the site's IT staff."""
        why = self.verifier.check(header, body)
        if why in ("signature", "replay"):
            self.warnings.warn(
                why, "refused a command forwarded from %s (%s): it is not signed with this process's secret; the"
                " processes of a site need the same QUEUE_CLUSTER_SECRET_FILE (or someone else is posting to"
                " /internal/command) / từ chối lệnh chuyển tiếp từ %s: chữ ký không khớp tệp bí mật"
                " QUEUE_CLUSTER_SECRET_FILE của máy này; mọi tiến trình phải dùng cùng một tệp",
                client, "signature" if why == "signature" else "sent twice", client,
            )  # fmt: skip
        elif why == "clock":
            self.warnings.warn(
                why, "refused a command forwarded from %s: its clock is %.0f s away from this machine's (more than"
                " %d s; set up NTP / chrony on every machine) / từ chối lệnh từ %s: đồng hồ lệch %.0f giây",
                client, self.verifier.skew, cluster_sign.SKEW_SECONDS, client, self.verifier.skew,
            )  # fmt: skip
        return why

    async def serve(self, body: bytes) -> bytes:
        """A forwarded command, submitted here when this process writes."""
        f = _forwarded.decode(body)
        if not self.writing:
            return _encoder.encode(Answer(not_writer=True))
        if not cluster_sign.plausible(f.actor, f.command, self.hub.state):
            self.warnings.warn(
                "actor", "refused a forwarded command as %s (%s): no process of the site sends that", f.actor.name[:60],
                f.actor.role,
            )  # fmt: skip
            return _encoder.encode(Answer(error=Refusal(key="forbidden")))
        return _encoder.encode(answer_of(await self.hub.submit(f.command, f.actor, f.key)))


async def internal(cluster: Cluster, scope: Scope, receive: Receive, send: Send) -> None:
    """``POST /internal/command``: a command forwarded by another process of the site."""
    request = Request(scope, receive)
    header = request.headers.get(cluster_sign.HEADER, "")
    if request.method != "POST" or not header:
        await Response(status_code=404)(scope, receive, send)
        return
    body = b""
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_MESSAGE_BYTES:
                await Response(status_code=413)(scope, receive, send)
                return
    except ClientDisconnect:  # the follower gave up (it is retrying with the same key)
        return
    why = cluster.verify(header, body, request.client.host if request.client else "?")
    if why:
        await Response(why, status_code=404 if why == "unsigned" else 403)(scope, receive, send)
        return
    try:
        answer = await cluster.serve(body)
    except msgspec.ValidationError as exc:
        await Response(str(exc)[:200], status_code=400)(scope, receive, send)
        return
    await Response(answer, media_type="application/json")(scope, receive, send)


def step_down(why: str) -> None:
    """Leave at once: a process that may have lost the role must not serve another request as a
    writer. Its service manager starts it again; it comes back as a follower."""
    log.critical("stepping down: %s", why)
    logging.shutdown()
    os._exit(LOST_ROLE_EXIT)

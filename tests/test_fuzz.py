"""A seeded, bounded fuzz of a real server (issue 17): over 10,000 hostile messages over the
websocket, for every role (and none), and over the HTTP API. The server must not crash, log no
traceback, answer only codes of the catalogue (server/domain/catalogue.py), write nothing for
what it refuses (every event in the log is accounted for by an ``ack`` or a 201 of its sender),
and a board connected throughout still receives a ticket issued at the end.

The seed is printed, and named in the failure: ``FUZZ_SEED=<seed>`` replays the same messages
(the interleaving of the connections is the scheduler's)."""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from server.domain.catalogue import codes

from .fuzz_messages import Fuzzer
from .server_harness import ADMIN_PASSWORD, Client, ServerProc

SEED = int(os.environ.get("FUZZ_SEED") or random.randrange(2**32))
WS_MESSAGES = {
    "kiosk": 1300,
    "tv": 1200,
    "rating": 1200,
    "counter": 1300,
    "admin": 1300,
    "phone": 1200,
    "door": 1200,
    "none": 500,
}
HTTP_REQUESTS = 2400  # in two threads
CLOSE_CODES = {1000, 1009, 4000, 4001, 4009}  # docs/protocol.md, "Close codes"
ANSWERS = {"ack", "error", "reply", "pong"}
CODES = set(codes())
ACTOR = {
    "kiosk": "device:kiosk-1",
    "rating": "device:rating-1",
    "door": "device:door-4",
    "counter": "staff:fuzzclerk",
    "admin": "staff:admin",
}


class Tally:
    def __init__(self) -> None:
        self.sent = 0
        self.kinds: Counter[str] = Counter()
        self.codes: Counter[str] = Counter()
        self.closes: Counter[int] = Counter()
        self.acks: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.created = 0  # HTTP 201s (one event each)
        self.problems: list[str] = []
        self.seconds: dict[str, float] = {}

    def add(self, other: Tally) -> None:
        """What another thread counted (the HTTP workers count apart)."""
        self.kinds.update(other.kinds)
        self.codes.update(other.codes)
        self.created += other.created
        self.problems += other.problems
        self.seconds.update(other.seconds)

    def problem(self, what: str) -> None:
        if len(self.problems) < 20:
            self.problems.append(what)


async def ws_worker(server: ServerProc, role: str, n: int, fz: Fuzzer, hello: dict[str, Any], tally: Tally) -> None:
    sent, actor, start = 0, ACTOR.get(role, role), time.monotonic()
    own = {"type": "hello", "role": "tv", "token": "not-a-token"}
    while sent < n:
        ws: ClientConnection = await connect(server.ws_url, compression=None, max_size=None, open_timeout=10)
        try:
            if role != "none":
                own = fz.hello(role, **hello)
                await ws.send(json.dumps(own))
                sent += 1
                await read_answer(ws, tally, own, actor)  # welcome, or error then close
            while sent < n:
                _, data = fz.message(own)
                await ws.send(data)
                sent += 1
                tally.sent += 1
                await read_answer(ws, tally, data, actor)
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd is not None else -1
            tally.closes[code] += 1
            if code not in CLOSE_CODES:
                tally.problem(f"{role}: closed with {code} ({closed.rcvd})")
        finally:
            await ws.close()
    tally.seconds[role] = round(time.monotonic() - start, 1)


async def read_answer(ws: ClientConnection, tally: Tally, sent: Any, actor: str) -> None:
    """Read up to the answer to what was just sent (events and other pushes are passed over)."""
    while True:
        try:
            raw = await asyncio.wait_for(ws.recv(), 15)
        except TimeoutError:
            tally.problem(f"no answer within 15 s to {str(sent)[:200]}")
            raise ConnectionClosed(None, None) from None
        msg = json.loads(raw)
        kind = msg.get("type")
        tally.kinds[kind] += 1
        if kind == "error":
            tally.codes[msg["code"]] += 1
            if msg["code"] not in CODES:
                tally.problem(f"undocumented code {msg['code']} for {str(sent)[:200]}")
        if kind == "ack":
            tally.acks[actor].append(msg)
        if kind in ANSWERS or kind == "welcome":
            return


def http_worker(
    server: ServerProc, fz: Fuzzer, rng: random.Random, n: int, tokens: dict[str, str], tally: Tally
) -> None:
    start = time.monotonic()
    for i in range(n):
        method, path, body, token = http_request(fz, rng, i, tokens)
        req = urllib.request.Request(server.http + path, data=body, method=method)
        if token:
            req.add_header("authorization", f"Bearer {token}")
        if body is not None:
            req.add_header("content-type", rng.choice(["application/json", "text/plain", "image/png"]))
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, payload = r.status, r.read()
        except urllib.error.HTTPError as e:
            with e:
                status, payload = e.code, e.read()
        tally.kinds[f"http {status}"] += 1
        if status >= 500:
            tally.problem(f"HTTP {status} for {method} {path}: {payload[:200]!r}")
        elif status >= 400:
            try:
                code = json.loads(payload)["error"]["code"]
            except (ValueError, KeyError, TypeError):
                tally.problem(f"HTTP {status} without an error code for {method} {path}: {payload[:200]!r}")
                continue
            tally.codes[code] += 1
            if code not in CODES:
                tally.problem(f"undocumented code {code} for {method} {path}")
        elif status == 201 and path in ("/api/staff", "/api/devices") and token == tokens["fzadmin"]:
            tally.created += 1
    tally.seconds[f"http-{n}"] = round(time.monotonic() - start, 1)


def http_request(fz: Fuzzer, rng: random.Random, i: int, tokens: dict[str, str]) -> tuple[str, str, bytes | None, str]:
    token = rng.choice(["", "garbage-token", tokens["counter"], tokens["fzadmin"], tokens["fzadmin"]])
    what = rng.choice(["login", "logout", "staff", "devices", "reports", "media", "tickets", "get"])

    def body_of(template: dict[str, Any]) -> bytes:
        if rng.random() < 0.1:
            return rng.choice([b"", b"{", b"[" * 3000, b"\xff\xfe", json.dumps(fz.value()).encode()])
        return json.dumps(fz.mutate(template, fz.rounds())).encode()

    if what == "login":
        password = rng.choice(["wrong", "", ADMIN_PASSWORD + "x", "fuzzclerk-passwordx"])
        return (
            "POST",
            "/api/login",
            body_of({"username": rng.choice(["admin", "fuzzclerk", "fz"]), "password": password}),
            "",
        )
    if what == "logout":
        return "POST", "/api/logout", None, rng.choice(["", "garbage-token", "x" * 5000])
    if what == "staff":
        template = {
            "username": f"fz{i}",
            "full_name": "Fuzz Thử",
            "role": rng.choice(["counter", "admin"]),
            "counters": [1],
            "password": "long-enough-password",
        }
        return "POST", "/api/staff", body_of(template), token
    if what == "devices":
        kind = rng.choice(["kiosk", "tv", "counter", "rating", "toaster"])
        template = {
            "device": f"fz-{i}",
            "kind": kind,
            "name": "Fuzz",
            "zone": rng.choice(["", "tang-1", "nowhere"]),
            "counter": 1 if kind == "rating" else None,
        }
        return "POST", "/api/devices", body_of(template), token
    if what == "reports":
        query = rng.choice(
            [
                "from=2026-01-01&to=2026-12-31",
                "from=2026-12-31&to=2026-01-01",
                "from=x",
                "year=2026&half=3",
                "year=2026&half=1&format=csv",
                "from=2026-01-01&to=2026-01-02&format=pdf",
                "",
                "to=" + "9" * 500,
            ]
        )
        return "GET", "/api/reports?" + query, None, token
    if what == "media":
        head = rng.choice(
            [b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF\x00\x00\x00\x00WEBP", b"\x00\x00\x00\x18ftypmp4"]
        )
        return "POST", "/api/media", head + bytes(rng.randrange(256) for _ in range(rng.randrange(0, 2000))), token
    if what == "tickets":
        label = str(fz.value()).replace("/", "")[:300] or "A001"
        return "GET", "/api/tickets/" + urllib.parse.quote(label, safe=""), None, token
    path = rng.choice(
        [
            "/api/state",
            "/api/health",
            "/api/fleet",
            "/api/audit?limit=" + urllib.parse.quote(str(fz.value())[:50]),
            "/api/audit?before=-1",
            "/api/media",
        ]
    )
    return "GET", path, None, token


def check_accounting(events: list[dict[str, Any]], base: int, final: int, tally: Tally) -> str:
    """Every event since ``base`` belongs to an ack of its sender (or a 201 of the HTTP admin)."""
    seqs = [e["seq"] for e in events]
    if seqs != list(range(base + 1, final + 1)):
        return f"the admin did not see every event: {len(seqs)} seen, seq {base} -> {final}"
    by_actor: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        by_actor[e["actor"]].append(e)
    if set(by_actor) - set(ACTOR.values()) - {"staff:fzadmin"}:
        return f"events by unexpected actors: {set(by_actor) - set(ACTOR.values())}"
    if len(by_actor.get("staff:fzadmin", [])) != tally.created:
        return f"HTTP: {tally.created} created, {len(by_actor.get('staff:fzadmin', []))} events"
    for actor in ACTOR.values():
        mine = by_actor.get(actor, [])
        acks = [a for a in tally.acks[actor] if not a.get("duplicate")]
        previous, used = base, 0
        for ack in acks:
            expected = ack.get("result", {}).get("events") if isinstance(ack.get("result"), dict) else None
            run = [e for e in mine if previous < e["seq"] <= ack["seq"]]
            if expected == [] and not run:
                continue
            if not run or run[-1]["seq"] != ack["seq"]:
                return f"{actor}: ack {ack} has no event of its own ({[e['seq'] for e in run]})"
            if expected is not None and [e["event"]["type"] for e in run] != expected:
                return f"{actor}: ack {ack} lists {expected}, the log has {[e['event']['type'] for e in run]}"
            previous, used = ack["seq"], used + len(run)
        if used != len(mine):
            return f"{actor}: {len(mine) - used} events no ack accounts for"
    return ""


async def test_fuzz(server: ServerProc) -> None:
    print(f"FUZZ_SEED={SEED}")
    rng = random.Random(SEED)
    admin = server.login()
    counter_token = server.create_staff(admin, "fuzzclerk", [1, 2])
    fzadmin = server.create_staff(admin, "fzadmin", [], role="admin")
    devices = server.device_tokens()
    kiosk = await Client.connect(server.ws_url)
    await kiosk.hello("kiosk", devices["kiosk-1"])
    labels = []
    for service in "AABBA":
        labels.append((await kiosk.command({"type": "issue_ticket", "service": service}))["result"]["ticket"])
    await kiosk.close()
    observer = await Client.connect(server.ws_url, max_size=None)
    await observer.hello("admin", admin)
    tv = await Client.connect(server.ws_url)
    await tv.hello("tv", devices["tv-tang-1"])
    base = server.get("/api/health")["seq"]
    events: list[dict[str, Any]] = []
    final = 1 << 62  # the last seq of the fuzz, once it is over
    caught_up = asyncio.Event()

    async def observe() -> None:
        while True:
            msg = json.loads(await observer.ws.recv())
            if msg["type"] == "event":
                events.append(msg)
                if msg["seq"] >= final:
                    caught_up.set()

    async def keep_tv() -> None:
        while True:
            await tv.recv(timeout=3600)

    watchers = [asyncio.create_task(observe()), asyncio.create_task(keep_tv())]
    tally = Tally()
    hello = {"tokens": devices, "counter_token": counter_token, "admin_token": admin}
    start = time.monotonic()
    workers = []
    for role, n in WS_MESSAGES.items():
        fz = Fuzzer(random.Random(rng.random()), labels)
        workers.append(asyncio.create_task(ws_worker(server, role, n, fz, hello, tally)))
    tokens = {"counter": counter_token, "fzadmin": fzadmin}
    http_tallies = [Tally(), Tally()]
    for i, part in enumerate(http_tallies):
        http_rng = random.Random(rng.random())
        fz = Fuzzer(http_rng, labels)
        n = HTTP_REQUESTS // 2 + i
        workers.append(asyncio.create_task(asyncio.to_thread(http_worker, server, fz, http_rng, n, tokens, part)))
    try:
        await asyncio.gather(*workers)
    finally:
        for w in workers + watchers:
            if not w.done() and w is not watchers[0]:
                w.cancel()
    seconds = time.monotonic() - start
    for part in http_tallies:
        tally.add(part)
    final = server.get("/api/health")["seq"]
    if events and events[-1]["seq"] >= final:
        caught_up.set()
    watchers[1].cancel()  # the board reads on below

    kiosk = await Client.connect(server.ws_url)
    await kiosk.hello("kiosk", devices["kiosk-1"])
    last = await kiosk.command({"type": "issue_ticket", "service": "A"}, key="after-the-fuzz")
    seen = await tv.next_event(timeout=10)
    while seen["seq"] < last.get("seq", 0):
        seen = await tv.next_event(timeout=10)
    if final > base:  # the observer reads the last events of the fuzz (the accounting says if not)
        await asyncio.wait_for(caught_up.wait(), 10)
    watchers[0].cancel()
    log = server.log_path.read_text()
    summary = (
        f"FUZZ_SEED={SEED}: {tally.sent} websocket messages and {HTTP_REQUESTS} HTTP requests in {seconds:.1f} s;"
        f" answers {dict(tally.kinds)}; codes {dict(tally.codes)}; closes {dict(tally.closes)};"
        f" seconds {tally.seconds}; acks { ({a: len(v) for a, v in tally.acks.items()}) }; events {final - base}"
    )
    print(summary)
    assert last["type"] == "ack", f"{summary}: {last}"
    assert seen["seq"] == last["seq"], f"{summary}: the board got {seen}"
    assert not tally.problems, f"{summary}: {tally.problems}"
    assert tally.sent + HTTP_REQUESTS >= 10_000, summary
    assert "Traceback" not in log and " ERROR " not in log, f"{summary}\n{log[-4000:]}"
    assert (problem := check_accounting([e for e in events if e["seq"] <= final], base, final, tally)) == "", (
        f"{summary}: {problem}"
    )
    assert server.proc is not None and server.proc.poll() is None, summary

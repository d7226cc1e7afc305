"""Load generator: many websocket clients in one event loop (picows, uvloop), in its own process.

Modes (JSON result on stdout):

- ``fanout``: N boards subscribe; a publisher sends at a steady rate; every delivery's latency
  from the publisher's send to the board's receipt, loss and order, and the server's CPU time
  over the run (``--server-pid``). ``--target product`` speaks docs/protocol.md (boards are TVs,
  the publisher is a counter sending ``finish_and_call_next``); ``--target baseline`` speaks to
  ``bench.baseline_server`` (frames of the same sizes).
- ``durable``: C kiosk connections issue tickets, closed loop (next after the ack) or at a fixed
  total rate; acknowledgement latency and commands per second.
- ``conns``: open N idle boards, then one event must reach all of them; the server's memory.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import socket
import statistics
import sys
import time
from typing import Any

import msgspec
import psutil
import uvloop
from picows import WSFrame, WSListener, WSMsgType, WSTransport, ws_connect


class _Head(msgspec.Struct):
    type: str = ""
    seq: int = 0
    id: str = ""


_head = msgspec.json.Decoder(_Head)
now = time.monotonic


class Board(WSListener):
    """A TV board: sends its hello, then records (seq, time) of every event it receives."""

    def __init__(self, hello: bytes | None, sink: list[tuple[int, float]], ready: asyncio.Event | None) -> None:
        self.hello, self.sink, self.ready = hello, sink, ready
        self.count = 0
        self.last = 0
        self.out_of_order = 0

    def on_ws_connected(self, transport: WSTransport) -> None:
        if self.hello is not None:
            transport.send(WSMsgType.TEXT, self.hello)
        elif self.ready is not None:
            self.ready.set()

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        if frame.msg_type != WSMsgType.TEXT:
            if frame.msg_type == WSMsgType.PING:
                transport.send_pong(frame.get_payload_as_bytes())
            return
        h = _head.decode(frame.get_payload_as_memoryview())
        if h.type == "event" or h.type == "b":
            self.sink.append((h.seq, now()))
            self.count += 1
            if h.seq <= self.last:
                self.out_of_order += 1
            self.last = h.seq
        elif h.type in ("snapshot", "welcome") and self.ready is not None and h.type == "snapshot":
            self.ready.set()


class Requester(WSListener):
    """A client that sends messages and gets answers by id (a counter or a kiosk)."""

    def __init__(self, hello: bytes | None) -> None:
        self.hello = hello
        self.waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.ready = asyncio.get_running_loop().create_future() if hello else None
        self.transport: WSTransport | None = None

    def on_ws_connected(self, transport: WSTransport) -> None:
        self.transport = transport
        if self.hello is not None:
            transport.send(WSMsgType.TEXT, self.hello)

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        if frame.msg_type == WSMsgType.PING:
            transport.send_pong(frame.get_payload_as_bytes())
            return
        if frame.msg_type != WSMsgType.TEXT:
            return
        data = frame.get_payload_as_bytes()
        h = _head.decode(data)
        if h.type == "snapshot" and self.ready is not None and not self.ready.done():
            self.ready.set_result({})
        elif h.type in ("ack", "error") and h.id in self.waiting:
            self.waiting.pop(h.id).set_result(json.loads(data))

    def send(self, payload: bytes) -> None:
        assert self.transport is not None
        self.transport.send(WSMsgType.TEXT, payload)

    async def request(self, msg_id: str, payload: bytes) -> dict[str, Any]:
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.waiting[msg_id] = fut
        self.send(payload)
        return await fut


async def connect_boards(
    url: str, n: int, hello: bytes | None, sink: list[tuple[int, float]], stall: bool = False
) -> list[Board]:
    """Open ``n`` boards; with ``stall`` they stop reading once connected, like a frozen TV."""
    boards: list[Board] = []
    sem = asyncio.Semaphore(200)

    async def one() -> None:
        async with sem:
            ready = asyncio.Event()
            t, b = await ws_connect(lambda: Board(hello, sink, ready), url, websocket_handshake_timeout=30)
            await asyncio.wait_for(ready.wait(), 30)
            if stall:
                raw = t.underlying_transport
                raw.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                raw.pause_reading()
            boards.append(b)  # type: ignore[arg-type]

    await asyncio.gather(*(one() for _ in range(n)))
    return boards


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def cpu_seconds(pid: int) -> float:
    t = psutil.Process(pid).cpu_times()
    return float(t.user + t.system)


async def fanout(a: argparse.Namespace) -> dict[str, Any]:
    sink: list[tuple[int, float]] = []
    sent: dict[int, float] = {}
    if a.target == "product":
        hello = json.dumps({"type": "hello", "role": "tv", "token": a.token}).encode()
        boards = await connect_boards(a.url, a.boards, hello, sink)
        await connect_boards(a.url, a.stalled, hello, [], stall=True)
        pub_hello = json.dumps({"type": "hello", "role": "counter", "token": a.staff, "counter": a.counters[0]})
        _, pub = await ws_connect(lambda: Requester(pub_hello.encode()), a.url)
        assert isinstance(pub, Requester) and pub.ready is not None
        await pub.ready
    else:
        boards = await connect_boards(a.url.rstrip("/") + "/sub", a.boards, None, sink)
        await connect_boards(a.url.rstrip("/") + "/sub", a.stalled, None, [], stall=True)
        _, pub = await ws_connect(lambda: Requester(None), a.url.rstrip("/") + "/pub")
        assert isinstance(pub, Requester)
    await asyncio.sleep(0.5)
    gc.collect()
    gc.freeze()  # the clients' own collector must not pause the receipts it times
    sink.clear()
    proc = psutil.Process(os.getpid())
    c0, s0, t0 = cpu_seconds(a.server_pid), proc.cpu_times(), now()
    counters = itertools.cycle(a.counters)
    pending: list[asyncio.Task[Any]] = []
    interval = 1.0 / a.rate
    seq = 0
    sizes = (160, 330)  # service_finished and ticket_called, as the product sends them
    for i in range(int(a.rate * a.seconds)):
        target_time = t0 + i * interval
        delay = target_time - now()
        if delay > 0:
            await asyncio.sleep(delay)
        if a.target == "product":
            cid = f"c{i}"
            msg = {"type": "cmd", "id": cid, "command": {"type": "finish_and_call_next", "counter": next(counters)}}
            t_send = now()

            async def ack(cid: str = cid, payload: bytes = json.dumps(msg).encode(), t_send: float = t_send) -> None:
                reply = await pub.request(cid, payload)
                if reply["type"] == "ack":
                    n_events = 2 if "ticket" in (reply.get("result") or {}) else 1
                    for s in range(reply["seq"] - n_events + 1, reply["seq"] + 1):
                        sent[s] = t_send

            pending.append(asyncio.create_task(ack()))
        else:
            for size in sizes:
                seq += 1
                body = json.dumps({"type": "b", "seq": seq, "pad": ""})
                body = body.replace('"pad": ""', '"pad": "' + "x" * max(0, size - len(body)) + '"')
                sent[seq] = now()
                pub.send(body.encode())
    await asyncio.gather(*pending)
    await asyncio.sleep(a.drain)
    c1, s1, t1 = cpu_seconds(a.server_pid), proc.cpu_times(), now()
    expected = len(sent) * len(boards)
    lat = [(t - sent[s]) * 1000 for s, t in sink if s in sent]
    lost = expected - len(lat)
    out_of_order = sum(b.out_of_order for b in boards)
    deliveries = len(lat)
    server_cpu = c1 - c0
    return {
        "target": a.target,
        "boards": len(boards),
        "stalled": a.stalled,
        "events": len(sent),
        "deliveries": deliveries,
        "lost": lost,
        "out_of_order": out_of_order,
        "server_cpu_s": server_cpu,
        "server_us_per_delivery": server_cpu / deliveries * 1e6 if deliveries else None,
        "client_cpu_s": (s1.user + s1.system) - (s0.user + s0.system),
        "wall_s": t1 - t0,
        "p50_ms": pct(lat, 50),
        "p99_ms": pct(lat, 99),
        "max_ms": max(lat) if lat else None,
    }


async def durable(a: argparse.Namespace) -> dict[str, Any]:
    hello = json.dumps({"type": "hello", "role": "kiosk", "token": a.token}).encode()
    clients = []
    for _ in range(a.clients):
        _, c = await ws_connect(lambda: Requester(hello), a.url)
        assert isinstance(c, Requester) and c.ready is not None
        await c.ready
        clients.append(c)
    lat: list[float] = []
    errors = 0
    services = itertools.cycle(a.services)
    counter = itertools.count()
    t_end = now() + a.seconds

    async def one(c: Requester) -> None:
        nonlocal errors
        i = next(counter)
        cid = f"k{i}"
        msg = {"type": "cmd", "id": cid, "key": cid, "command": {"type": "issue_ticket", "service": next(services)}}
        t = now()
        reply = await c.request(cid, json.dumps(msg).encode())
        if reply["type"] == "ack":
            lat.append((now() - t) * 1000)
        else:
            errors += 1

    async def closed_loop(c: Requester) -> None:
        while now() < t_end:
            await one(c)

    proc = psutil.Process(os.getpid())
    c0, s0, t0 = cpu_seconds(a.server_pid), proc.cpu_times(), now()
    if a.rate:
        tasks = []
        interval = 1.0 / a.rate
        for i in range(int(a.rate * a.seconds)):
            delay = t0 + i * interval - now()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(clients[i % len(clients)])))
        await asyncio.gather(*tasks)
    else:
        await asyncio.gather(*(closed_loop(c) for c in clients))
    wall = now() - t0
    return {
        "clients": a.clients,
        "rate": a.rate,
        "acked": len(lat),
        "errors": errors,
        "per_second": len(lat) / wall,
        "p50_ms": pct(lat, 50),
        "p99_ms": pct(lat, 99),
        "max_ms": max(lat) if lat else None,
        "server_cpu_s": cpu_seconds(a.server_pid) - c0,
        "client_cpu_s": sum(proc.cpu_times()[:2]) - sum(s0[:2]),
        "wall_s": wall,
    }


async def conns(a: argparse.Namespace) -> dict[str, Any]:
    server = psutil.Process(a.server_pid)
    rss0 = server.memory_info().rss
    sink: list[tuple[int, float]] = []
    t0 = now()
    hello = json.dumps({"type": "hello", "role": "tv", "token": a.token}).encode() if a.token else None
    url = a.url if a.token else a.url.rstrip("/") + "/sub"
    boards = await connect_boards(url, a.boards, hello, sink)
    connect_s = now() - t0
    await asyncio.sleep(1.0)
    rss1 = server.memory_info().rss
    # one event at a time (a.events of them), and the time until every board has it
    if a.token:
        pub_hello = json.dumps({"type": "hello", "role": "counter", "token": a.staff, "counter": a.counters[0]})
        _, pub = await ws_connect(lambda: Requester(pub_hello.encode()), a.url)
        assert isinstance(pub, Requester) and pub.ready is not None
        await pub.ready
    else:
        _, pub = await ws_connect(lambda: Requester(None), a.url.rstrip("/") + "/pub")
        assert isinstance(pub, Requester)
    await asyncio.sleep(0.5)
    gc.collect()
    gc.freeze()  # the clients' own collector must not pause the receipts it times
    full: list[float] = []
    received: list[int] = []
    for i in range(a.events):
        sink.clear()
        t_send = now()
        if a.token:
            command: dict[str, Any] = {"type": "pause_counter", "counter": a.counters[0], "reason": "bench"}
            if i % 2:
                command = {"type": "resume_counter", "counter": a.counters[0]}
            reply = await pub.request(f"x{i}", json.dumps({"type": "cmd", "id": f"x{i}", "command": command}).encode())
            if reply.get("type") != "ack":
                raise RuntimeError(f"the command was refused: {reply}")
        else:
            pub.send(json.dumps({"type": "b", "seq": i + 1}).encode())
        deadline = now() + 30
        while len(sink) < len(boards) and now() < deadline:  # noqa: ASYNC110 - polls the boards' receipts
            await asyncio.sleep(0.002)
        received.append(len(sink))
        if sink:
            full.append((max(t for _, t in sink) - t_send) * 1000)
        await asyncio.sleep(0.3)
    return {
        "boards": len(boards),
        "received": min(received),
        "connect_per_s": len(boards) / connect_s,
        "kib_per_conn": (rss1 - rss0) / 1024 / len(boards),
        "server_rss_mb": rss1 / 1e6,
        "full_fanout_ms": statistics.median(full) if full else None,
        "full_fanout_max_ms": max(full) if full else None,
        "full_fanout_all_ms": full,
        "received_all": received,
    }


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["fanout", "durable", "conns"])
    p.add_argument("--target", choices=["product", "baseline"], default="product")
    p.add_argument("--url", required=True)
    p.add_argument("--server-pid", type=int, required=True)
    p.add_argument("--boards", type=int, default=1000)
    p.add_argument("--stalled", type=int, default=0, help="extra boards that never read")
    p.add_argument("--rate", type=float, default=10.0)
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--drain", type=float, default=1.0)
    p.add_argument("--token", default="")
    p.add_argument("--staff", default="")
    p.add_argument("--counters", type=lambda s: [int(x) for x in s.split(",")], default=[1])
    p.add_argument("--services", type=lambda s: s.split(","), default=["A"])
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--events", type=int, default=5, help="conns: events sent one at a time to all boards")
    a = p.parse_args()
    fn = {"fanout": fanout, "durable": durable, "conns": conns}[a.mode]
    result = uvloop.run(fn(a))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    sys.stdout.flush()
    os._exit(0)  # do not wait for thousands of sockets to close politely


if __name__ == "__main__":
    main()

"""The HIS link under load: ``python -m bench.his`` (``scripts/bench his``, about 3 minutes).

Everything is real: the product server (``python -m server``, demo configuration, pinned to CPU 0)
with a links file (``QUEUE_HIS``), the peers of the tests (the FHIR peer: Medplum's router and
in-memory repository, ``tests/peers/fhir_peer.mjs``; the HL7 peer: hl7apy's MLLP server,
``tests/peers/hl7_peer.py``; the signed-webhook receiver, ``tests/his_receiver.py``), and a kiosk
and four counters over ``/ws`` in this process (pinned, with the peers, to CPU 1). Each ticket
carries an identity and goes issued → called → started → finished: four messages.

- delivery: N tickets as fast as the server acknowledges them (a burst), then the time until the
  outbox is empty (``GET /api/his/links``: depth 0, no dead letter). The rate is the messages
  over the time from the first event to the last delivery, and the lag of each message is from
  its event's time (``created``) to the peer's answer (``delivered_at``), both written by the
  server's clock into the outbox table (read after the run, read-only);
- kiosk ack: a kiosk issues tickets at a steady pace (``--rate`` a second, each ticket served
  by a counter half a tick later), timed from the command's send to its ack, with the link off
  (no links file: the baseline), on (FHIR peer up) and on with the peer down (nothing listens at
  its address), in interleaved rounds of the same server configuration. Target (issue 18): the
  link on costs at most 1.1x the ack latency of the link off, at the median and at p99.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from tests.fhir_harness import running_fhir_peer
from tests.peers.hl7_harness import Hl7Peer
from tests.server_harness import ROOT, Client, ServerProc, free_port

from .his_table import ACK_HEADERS, DELIVERY_HEADERS, MODES, SLOW, ack_rows, delivery_rows, percentile, table

SITE = "70001"
SECRET = "a-webhook-secret-for-the-benchmark-only"
# a service of the demo configuration and the one counter that serves only it
SERVICES = (("N", 4), ("NG", 5), ("S", 6), ("NH", 7))
JOURNEY = ("call_next", "start_service", "finish_service")  # with the ticket: four messages


# ---- the runs


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def slow_commits(server: ServerProc) -> tuple[int, int]:
    """The server's commits (``/metrics``: ``queue_commit_seconds``): slower than SLOW, and all."""
    with urllib.request.urlopen(server.http + "/metrics", timeout=5) as r:
        text = r.read().decode()
    buckets = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "queue_commit_seconds_bucket":
                buckets[float(sample.labels["le"])] = int(sample.value)
    return buckets[math.inf] - buckets[SLOW], buckets[math.inf]


def links_file(path: Path, form: str, url: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    extra = f'secret = "{SECRET}"\n' if form == "webhook" else ""
    path.write_text(f'[[link]]\nname = "his"\nform = "{form}"\nsite = "{SITE}"\nurl = "{url}"\n{extra}')
    return path


# the webhook receiver of the tests in a process of its own (not sharing this one's interpreter lock)
RECEIVER = (
    "import sys, time; from tests.his_receiver import Receiver; r = Receiver(sys.argv[1]).start(); "
    "print(r.url, flush=True); time.sleep(1e6)"
)


@contextlib.contextmanager
def peer(form: str, work: Path) -> Iterator[tuple[str, int | None]]:
    """The peer of ``form`` running: its URL for the links file, and its process id."""
    if form == "fhir":
        with running_fhir_peer() as fhir:
            yield fhir.base, fhir.proc.pid
    elif form == "hl7":
        work.mkdir(parents=True, exist_ok=True)
        hl7 = Hl7Peer(work / "hl7-his.jsonl").start()
        try:
            assert hl7.proc is not None
            yield hl7.url, hl7.proc.pid
        finally:
            hl7.kill()
    elif form == "webhook":
        proc = subprocess.Popen([sys.executable, "-c", RECEIVER, SECRET], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None
            yield proc.stdout.readline().strip(), proc.pid
        finally:
            proc.kill()
            proc.wait()
            proc.stdout.close()  # type: ignore[union-attr]
    else:  # "down": an address where nothing listens
        yield f"http://127.0.0.1:{free_port()}/fhir", None


def start_server(work: Path, sync: str, links: Path | None) -> ServerProc:
    env = {"QUEUE_SYNC": sync} | ({"QUEUE_HIS": str(links)} if links else {})
    return ServerProc(work / "data", cpu=0, **env).start(timeout=60)


async def play(server: ServerProc, admin: str, tickets: int, rate: float | None) -> list[float]:
    """``tickets`` patients take a ticket with their ID at the kiosk, each served (called, started,
    finished) by its service's counter; at ``rate`` a second (None: as fast as acknowledged).
    The kiosk's ack latencies, in seconds."""
    kiosk = await Client.connect(server.ws_url)
    await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
    counters = {}
    for _, number in SERVICES:
        c = await Client.connect(server.ws_url)
        await c.hello("counter", admin, counter=number)
        assert (await c.command({"type": "open_counter", "counter": number}))["type"] == "ack"
        counters[number] = c
    issued = [asyncio.Event() for _ in range(tickets)]
    acks: list[float] = []
    start = time.monotonic() + 0.2

    async def at(tick: float) -> None:
        if rate is not None:
            await asyncio.sleep(max(0.0, start + tick / rate - time.monotonic()))

    async def issue() -> None:
        for i in range(tickets):
            await at(i)
            identity = {"source": "typed", "id_number": f"0010990{i:05d}", "name": "Người Thử Nghiệm"}
            t0 = time.perf_counter()
            ack = await kiosk.command({"type": "issue_ticket", "service": SERVICES[i % 4][0], "identity": identity})
            acks.append(time.perf_counter() - t0)
            assert ack["type"] == "ack", ack
            issued[i].set()

    async def serve(lane: int) -> None:
        number = SERVICES[lane][1]
        for i in range(lane, tickets, len(SERVICES)):
            await issued[i].wait()
            await at(i + 0.5)
            for kind in JOURNEY:
                reply = await counters[number].command({"type": kind, "counter": number})
                assert reply["type"] == "ack", reply

    await asyncio.gather(issue(), *(serve(lane) for lane in range(len(SERVICES))))
    for c in [kiosk, *counters.values()]:
        await c.close()
    return acks


async def drained(server: ServerProc, admin: str, wait: float) -> dict[str, Any]:
    """Wait until the link's outbox is empty (depth 0); its health then."""
    deadline = time.monotonic() + wait
    while True:
        (link,) = server.get_json_auth("/api/his/links", admin)["links"]
        if link["depth"] == 0 or time.monotonic() > deadline:
            return dict(link)
        await asyncio.sleep(0.1)


def outbox(server: ServerProc) -> dict[str, Any]:
    """What the outbox table holds: counts, the messages' lags, first event to last delivery."""
    uri = f"file:{server.data_dir / 'queue.sqlite3'}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
        rows = db.execute("SELECT status, created, delivered_at FROM his_outbox").fetchall()
        tries = db.execute("SELECT coalesce(sum(attempts), 0) FROM his_outbox").fetchone()[0]
    done = [(c, d) for s, c, d in rows if s == "delivered"]
    return {
        "messages": len(rows),
        "delivered": len(done),
        "tries": int(tries),
        "dead": sum(1 for s, _, _ in rows if s == "dead"),
        "held": sum(1 for s, _, _ in rows if s == "pending"),
        "lag": [d - c for c, d in done],
        "seconds": max(d for _, d in done) - min(c for _, c, _ in rows) if done else 0.0,
    }


async def delivery(form: str, work: Path, tickets: int, sync: str, wait: float) -> dict[str, Any]:
    with peer(form, work) as (url, pid):
        server = start_server(work, sync, links_file(work / "his.toml", form, url))
        try:
            admin = server.login()  # before the CPU is counted: a login is a scrypt hash
            cpu = [cpu_seconds(p) for p in (server.pid, pid or server.pid)]
            await play(server, admin, tickets, None)
            await drained(server, admin, wait)
            used = [cpu_seconds(p) - c for p, c in zip((server.pid, pid or server.pid), cpu, strict=True)]
            found = outbox(server)
            busy = {"server_cpu": used[0] / found["seconds"], "peer_cpu": used[1] / found["seconds"] if pid else None}
            return {"link": form, "tickets": tickets} | found | busy
        finally:
            server.kill()


async def ack_run(mode: str, work: Path, tickets: int, rate: float, sync: str) -> tuple[list[float], dict[str, Any]]:
    with contextlib.ExitStack() as stack:
        links = None
        if mode != "off":
            url, _ = stack.enter_context(peer("fhir" if mode == "on" else "down", work))
            links = links_file(work / "his.toml", "fhir", url)
        server = start_server(work, sync, links)
        try:
            admin = server.login()
            cpu0, t0 = cpu_seconds(server.pid), time.monotonic()
            acks = await play(server, admin, tickets, rate)
            extra: dict[str, Any] = {"cpu": 100 * (cpu_seconds(server.pid) - cpu0) / (time.monotonic() - t0)}
            extra["slow"], extra["commits"] = slow_commits(server)
            if mode == "on":
                await drained(server, admin, 60)
            if mode != "off":
                found = outbox(server)
                extra |= {"lag": found["lag"], "held": found["held"]}
            return acks, extra
        finally:
            server.kill()


async def run(a: argparse.Namespace) -> None:
    if (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})  # the clients and the peers; the servers are on CPU 0
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-his-") as tmp:
        work = Path(tmp)
        acks: dict[str, list[float]] = {m: [] for m in MODES}
        extra: dict[str, dict[str, Any]] = {m: {} for m in MODES}
        for r in range(a.rounds):
            for mode in MODES:
                xs, x = await ack_run(mode, work / f"ack-{mode}-{r}", a.ack_tickets, a.rate, a.sync)
                acks[mode] += xs
                e = extra[mode]
                e["cpu"] = (e.get("cpu", 0.0) * r + x["cpu"]) / (r + 1)
                e["lag"] = e.get("lag", []) + x.get("lag", [])
                e["p99s"] = [*e.get("p99s", []), percentile(xs, 99)]
                e["slow"] = e.get("slow", 0) + x["slow"]
                e["commits"] = e.get("commits", 0) + x["commits"]
                if "held" in x:
                    e["held"] = e.get("held", 0) + x["held"]
                print(f"  round {r + 1}, link {mode}: ack p50 {percentile(xs, 50) * 1000:.1f} ms, "
                      f"p99 {percentile(xs, 99) * 1000:.1f} ms", flush=True)  # fmt: skip
        deliveries = []
        for form in [f for f in a.forms.split(",") if f]:
            tickets = a.hl7_tickets if form == "hl7" else a.tickets
            deliveries.append(await delivery(form, work / f"delivery-{form}", tickets, a.sync, a.timeout))
            print(f"  delivery {form}: {deliveries[-1]['delivered']} messages", flush=True)
    print()
    print(
        f"Load average (1 min) at the start {load:.1f}, at the end {os.getloadavg()[0]:.1f}, on {os.cpu_count()} CPUs."
    )
    print(f"Kiosk ack, {a.rounds} interleaved rounds of {a.ack_tickets} tickets at {a.rate:g}/s per mode, "
          f"each served by a counter (4 messages a ticket); QUEUE_SYNC={a.sync}:")  # fmt: skip
    print(table(ACK_HEADERS, ack_rows(acks, extra)))
    print()
    print(f"Delivery, a burst of tickets through the whole journey (4 messages each); QUEUE_SYNC={a.sync}:")
    print(table(DELIVERY_HEADERS, delivery_rows(deliveries)))


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--tickets", type=int, default=200, help="tickets of the delivery burst (FHIR, webhook)")
    ap.add_argument("--hl7-tickets", type=int, default=100, help="tickets of the HL7 burst (the peer is slow)")
    ap.add_argument("--forms", default="fhir,hl7,webhook", help="the links whose delivery is measured")
    ap.add_argument("--ack-tickets", type=int, default=200, help="tickets per mode and round of the ack runs")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds of off, on, down")
    ap.add_argument("--rate", type=float, default=20.0, help="tickets a second in the ack runs")
    ap.add_argument("--sync", default="NORMAL", choices=["NORMAL", "FULL"], help="the server's QUEUE_SYNC")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for an outbox to empty")
    asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    main()

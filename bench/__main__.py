"""Benchmark runner: ``python -m bench`` (quick, about 3 minutes) or ``python -m bench --full``.

Servers run pinned to CPU 0, the load generator (``bench/loadgen.py``) to CPU 1. Every product
number is printed beside a baseline measured in the same run:

- fan-out: the product server against a bare ``websockets.broadcast()`` server
  (``bench/baseline_server.py``), interleaved, 5 pairs (median and range);
- capacity: idle connections held, memory per connection, time for one event to reach all;
- durable path: tickets issued per second through the product (acknowledged after commit) in
  both SQLite synchronous modes, against raw inserts through aiosqlite, one transaction each;
- restart: replay time of the event log in fresh processes (3, the median), against reading and
  decoding the same rows only.

``--full`` also writes ``docs/benchmarks.md`` with the machine and the date.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .setup import ROOT, bench_server, free_port, prepare_fanout, write_bench_config
from .storage import raw_inserts, replay

PY = sys.executable


def taskset(cpu: int) -> list[str]:
    return ["taskset", "-c", str(cpu)] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


def loadgen(*args: str, timeout: float = 600) -> dict[str, Any]:
    out = subprocess.run(
        [*taskset(1), PY, "-m", "bench.loadgen", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def med(values: list[float]) -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def fanout_bench(work: Path, boards: list[int], reps: int, rate: float, seconds: float) -> list[dict[str, Any]]:
    """``rate`` calls/s at 1,000 boards; scaled down for more boards, so that the deliveries per
    second (what one client process can take) stay the same."""
    rows = []
    base_rate = rate
    for n in boards:
        rate = base_rate * 1000 / n
        base_port = free_port()
        base = subprocess.Popen(
            [*taskset(0), PY, "-m", "bench.baseline_server", str(base_port)], cwd=ROOT, stdout=subprocess.DEVNULL
        )
        product = bench_server(work / f"fanout-{n}", sync="NORMAL", cpu=0).start()
        try:
            time.sleep(0.5)
            # at the first size, each pair runs again with a tenth more boards that never read
            variants = [0, n // 10] if n == boards[0] else [0]
            calls = int(rate * seconds * reps * len(variants)) + 50
            tv, admin = prepare_fanout(product, tickets=calls)
            results: dict[str, list[dict[str, Any]]] = {}
            common = ["--boards", str(n), "--rate", str(rate), "--seconds", str(seconds)]
            for _ in range(reps):
                for stalled in variants:
                    label = f", {stalled} stalled" if stalled else ""
                    # the baseline: each tick sends two frames, as each product call makes two events
                    results.setdefault("baseline" + label, []).append(
                        loadgen(
                            "fanout",
                            "--target",
                            "baseline",
                            "--url",
                            f"ws://127.0.0.1:{base_port}",
                            "--server-pid",
                            str(base.pid),
                            "--stalled",
                            str(stalled),
                            *common,
                        )
                    )
                    results.setdefault("product" + label, []).append(
                        loadgen(
                            "fanout",
                            "--target",
                            "product",
                            "--url",
                            product.ws_url,
                            "--server-pid",
                            str(product.pid),
                            "--stalled",
                            str(stalled),
                            *common,
                            f"--token={tv}",
                            f"--staff={admin}",
                            "--counters",
                            "1,2,3",
                        )
                    )
            for target, rs in results.items():
                rows.append({"boards": n, "target": target, "runs": rs, "events_per_s": 2 * rate})
        finally:
            product.kill()
            base.kill()
            base.wait()
    return rows


def conns_bench(work: Path, n: int) -> list[dict[str, Any]]:
    rows = []
    base_port = free_port()
    base = subprocess.Popen([*taskset(0), PY, "-m", "bench.baseline_server", str(base_port)], cwd=ROOT)
    product = bench_server(work / f"conns-{n}", sync="NORMAL", cpu=0).start()  # a fresh log each time
    try:
        time.sleep(0.5)
        tv, admin = prepare_fanout(product, tickets=0)
        rows.append(
            {
                "target": "baseline",
                **loadgen(
                    "conns", "--url", f"ws://127.0.0.1:{base_port}", "--server-pid", str(base.pid), "--boards", str(n)
                ),
            }
        )
        rows.append(
            {
                "target": "product",
                **loadgen(
                    "conns",
                    "--url",
                    product.ws_url,
                    "--server-pid",
                    str(product.pid),
                    "--boards",
                    str(n),
                    f"--token={tv}",
                    f"--staff={admin}",
                    "--counters",
                    "1",
                ),
            }
        )
    finally:
        product.kill()
        base.kill()
        base.wait()
    return rows


def durable_bench(work: Path, seconds: float, clients: int) -> list[dict[str, Any]]:
    rows = []
    for sync in ("FULL", "NORMAL"):
        raw = asyncio.run(raw_inserts(work / f"raw-{sync}.sqlite3", sync, clients, seconds))
        rows.append({"sync": sync, "what": f"raw aiosqlite insert+commit, {clients} producers", **raw})
        product = bench_server(work / f"durable-{sync}", sync=sync, cpu=0).start()
        try:
            kiosk = product.device_tokens()["kiosk-1"]
            for rate in (0.0, 50.0):
                r = loadgen(
                    "durable",
                    "--url",
                    product.ws_url,
                    "--server-pid",
                    str(product.pid),
                    f"--token={kiosk}",
                    "--clients",
                    str(clients),
                    "--seconds",
                    str(seconds),
                    "--rate",
                    str(rate),
                    "--services",
                    "A,B,C",
                )
                what = f"product issue_ticket, {clients} kiosks, " + ("closed loop" if not rate else f"{rate:.0f}/s")
                rows.append({"sync": sync, "what": what, **r})
        finally:
            product.kill()
    return rows


def table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells]
    return "\n".join([line, sep, *body])


def report(
    fan: list[dict[str, Any]],
    cap: list[dict[str, Any]],
    dur: list[dict[str, Any]],
    rep: list[dict[str, Any]],
    rate: float,
) -> str:
    out = []
    rows = []
    by = {(r["boards"], r["target"]): r["runs"] for r in fan}
    eps = {r["boards"]: r["events_per_s"] for r in fan}
    for (n, target), runs in sorted(by.items()):
        us = [r["server_us_per_delivery"] for r in runs]
        base = [r["server_us_per_delivery"] for r in by[(n, target.replace("product", "baseline"))]]
        ratio = [a / b for a, b in zip(us, base, strict=True)]
        rows.append(
            [
                n,
                f"{eps[n]:g}",
                target,
                sum(r["deliveries"] for r in runs),
                sum(r["lost"] for r in runs),
                sum(r["out_of_order"] for r in runs),
                med(us),
                med(ratio),
                med([r["p50_ms"] for r in runs]),
                med([r["p99_ms"] for r in runs]),
                med([r["max_ms"] for r in runs]),
            ]
        )
    out.append(
        "### Fan-out (counters call at a steady rate; every call is 2 events to every board; median (min-max)).\n"
        "Rows with stalled boards: that many more boards stop reading once connected; the latencies are\n"
        "those of the healthy boards. The product writes the events of one commit (a call's two) to each\n"
        "board in one system call (decision 0006); the baseline broadcasts each message as it comes, as\n"
        "`websockets.broadcast()` does. Server CPU is per delivered message in both.\n"
    )
    out.append(
        table(
            [
                "boards",
                "events/s",
                "server",
                "deliveries",
                "lost",
                "out of order",
                "server us/delivery",
                "ratio to baseline",
                "p50 ms",
                "p99 ms",
                "max ms",
            ],
            rows,
        )
    )
    out.append(
        "\n### Capacity (idle boards, then 5 events one at a time to all: median and max time until the last board has it)\n"
    )
    out.append(
        table(
            ["server", "boards", "received", "connects/s", "KiB/conn", "server RSS MB", "full fan-out ms (max)"],
            [
                [
                    r["target"],
                    r["boards"],
                    r["received"],
                    f"{r['connect_per_s']:.0f}",
                    f"{r['kib_per_conn']:.1f}",
                    f"{r['server_rss_mb']:.0f}",
                    f"{r['full_fanout_ms']:.1f} ({r['full_fanout_max_ms']:.1f})" if r["full_fanout_ms"] else "-",
                ]
                for r in cap
            ],
        )
    )
    out.append("\n### Durable path (acknowledged only after commit)\n")
    drows = []
    for r in dur:
        raw = next(x for x in dur if x["sync"] == r["sync"] and x["what"].startswith("raw"))
        drows.append(
            [
                r["sync"],
                r["what"],
                r["acked"],
                f"{r['per_second']:.0f}",
                f"{r['p50_ms']:.2f}",
                f"{r['p99_ms']:.2f}",
                f"{r['max_ms']:.1f}",
                # a fixed-rate run is not a throughput: no ratio
                f"{r['per_second'] / raw['per_second']:.2f}" if "/s" not in r["what"] else "-",
            ]
        )
    out.append(table(["sync", "what", "acked", "per second", "p50 ms", "p99 ms", "max ms", "ratio to raw"], drows))
    out.append(
        "\n### Restart (the whole log replayed; a real restart loads the latest snapshot, then the events after it)\n"
    )
    rrows = [
        [
            r["events"],
            f"{r['replay_s']:.2f} ({r['replay_min_s']:.2f}-{r['replay_max_s']:.2f})",
            f"{r['events'] / r['replay_s']:.0f}",
            f"{r['decode_s']:.2f}",
            f"{r['replay_s'] / r['decode_s']:.2f}",
            f"{r['restart_s']:.2f}",
        ]
        for r in rep
    ]
    runs = rep[0]["runs"] if rep else 0
    out.append(f"Each in {runs} fresh processes, as a restart is: medians, and the replay's range.\n")
    out.append(table(["events", "full replay s", "events/s", "read+decode only s", "ratio", "restart s"], rrows))
    return "\n".join(out)


def machine() -> str:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration), open("/proc/cpuinfo") as f:
        cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    load = os.getloadavg()
    return (
        f"{platform.node()}: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--full", action="store_true", help="the full version; writes docs/benchmarks.md")
    a = p.parse_args()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="queue-bench-"))
    write_bench_config(work / "bench.toml")
    rate = 10.0
    if a.full:
        fan_boards, reps, seconds, cap_n, replay_sizes, dur_s = (
            [1000, 5000, 10000],
            5,
            8.0,
            [10000, 19000],
            [100_000, 1_000_000],
            8.0,
        )
    else:
        fan_boards, reps, seconds, cap_n, replay_sizes, dur_s = [1000], 5, 4.0, [2000], [100_000], 4.0
    try:
        print(f"# Benchmarks ({'full' if a.full else 'quick'}), {dt.datetime.now().isoformat(timespec='minutes')}")
        print(machine(), flush=True)
        fan = fanout_bench(work, fan_boards, reps, rate, seconds)
        cap = [row for n in cap_n for row in conns_bench(work, n)]
        dur = durable_bench(work, dur_s, 50)
        rep = [replay(work / f"replay-{n}.sqlite3", n) for n in replay_sizes]
        text = report(fan, cap, dur, rep, rate)
        print(text)
        print(f"\n(ran in {time.monotonic() - started:.0f} s)")
        if a.full:
            doc = ROOT / "docs" / "benchmarks.md"
            doc.write_text(
                "# Benchmarks\n\nMeasured by `scripts/bench --full` on "
                f"{dt.date.today().isoformat()}.\n\nMachine: {machine()}\n\n{text}\n"
            )
            print(f"wrote {doc}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

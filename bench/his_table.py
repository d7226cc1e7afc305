"""The tables of the HIS benchmark (``bench/his.py``): percentiles, ratios against the link
off, and the rows as printed. Pure: tested by tests/test_bench_his.py."""

from __future__ import annotations

import math
from typing import Any

TARGET = 1.1
MODES = ("off", "on", "down")
SLOW = 0.01  # seconds: an ack or a commit slower than this is counted
MODE_NAMES = {"off": "off (baseline)", "on": "on, FHIR peer up", "down": "on, FHIR peer down"}


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``p`` % of them at or below."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ratio(value: float, base: float) -> float:
    return value / base if base > 0 else math.inf


def meets(p50: float, p99: float) -> bool:
    return p50 <= TARGET and p99 <= TARGET


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def delivery_rows(results: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for r in results:
        lag = r["lag"]
        rows.append(
            [
                r["link"],
                str(r["tickets"]),
                f"{r['delivered']}/{r['messages']}",
                f"{r['seconds']:.1f}",
                f"{r['delivered'] / r['seconds']:.0f}" if r["seconds"] > 0 else "-",
                f"{percentile(lag, 50) * 1000:.0f}",
                f"{percentile(lag, 99) * 1000:.0f}",
                str(r["tries"]),
                str(r["dead"]),
                f"{100 * r['server_cpu']:.0f}",
                "-" if r["peer_cpu"] is None else f"{100 * r['peer_cpu']:.0f}",
            ]
        )
    return rows


DELIVERY_HEADERS = ["link (peer)", "tickets", "delivered", "first event to last delivery s", "messages/s",
                    "lag p50 ms", "lag p99 ms", "tries", "dead letters", "server CPU %", "peer CPU %"]  # fmt: skip


def ack_rows(acks: dict[str, list[float]], extra: dict[str, dict[str, Any]]) -> list[list[str]]:
    """One row per mode: the kiosk's ack latencies against the link off's, measured in the same run."""
    base50, base99 = percentile(acks["off"], 50), percentile(acks["off"], 99)
    rows = []
    for mode in MODES:
        xs = acks[mode]
        p50, p99 = percentile(xs, 50), percentile(xs, 99)
        r50, r99 = ratio(p50, base50), ratio(p99, base99)
        x = extra.get(mode, {})
        lag = x.get("lag") or []
        verdict = "baseline" if mode == "off" else ("met" if meets(r50, r99) else "NOT met")
        rows.append(
            [
                MODE_NAMES[mode],
                str(len(xs)),
                f"{p50 * 1000:.1f}",
                f"{p99 * 1000:.1f}",
                f"{r50:.2f}x",
                f"{r99:.2f}x",
                verdict,
                f"{x.get('cpu', math.nan):.0f}",
                ", ".join(f"{v * 1000:.1f}" for v in x.get("p99s", [])),
                str(sum(1 for v in xs if v > SLOW)),
                f"{x.get('slow', 0)} / {x.get('commits', 0)}",
                f"{percentile(lag, 50) * 1000:.0f} / {percentile(lag, 99) * 1000:.0f}" if lag else "-",
                str(x.get("held", "-")),
            ]
        )
    return rows


ACK_HEADERS = ["HIS link", "tickets", "ack p50 ms", "ack p99 ms", "p50 vs off", "p99 vs off",
               f"target <= {TARGET}x", "server CPU %", "p99 of each round ms",
               f"acks > {SLOW * 1000:.0f} ms", f"commits > {SLOW * 1000:.0f} ms / all", "delivery lag p50 / p99 ms", "held in outbox at end"]  # fmt: skip

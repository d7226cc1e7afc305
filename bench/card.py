"""Card-present-to-identity benchmark: ``python -m bench.card [--reads N]`` (``scripts/bench
card``). A synthetic CCCD in the project's emulator is read with PACE-CAN, with and without the
portrait (DG2), through the real PC/SC stack (pcscd + vsmartcard-vpcd + pyscard), and, as the
baseline of the same run, straight against the emulator (the protocol and crypto cost alone).
Prints a table: median and 90th percentile milliseconds, APDUs and bytes read per identity."""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from hw_bridge.cccd import testcard
from hw_bridge.cccd.emulator import EmulatedCard
from hw_bridge.cccd.reader import read_card
from hw_bridge.cccd.vpcd import VirtualCard, inserted, start_pcscd


class Direct:
    def __init__(self, card: EmulatedCard) -> None:
        self.card = card
        self.bytes = 0

    def transmit(self, apdu: bytes) -> bytes:
        answer = self.card.process(apdu)
        self.bytes += len(answer)
        return answer


def run(reads: int) -> list[dict[str, Any]]:
    contents = testcard.make_card()
    can = contents.person.can
    rows = []
    proc = start_pcscd()
    try:
        for portrait in (True, False):
            for path in ("direct", "pcsc"):
                times, apdus, sizes = [], 0, 0
                for _ in range(reads):
                    emulated = EmulatedCard.of(contents)
                    if path == "direct":
                        transport = Direct(emulated)
                        t0 = time.perf_counter()
                        read = read_card(transport, can=can, with_portrait=portrait)
                        times.append(time.perf_counter() - t0)
                        sizes = transport.bytes
                    else:
                        card = VirtualCard(emulated)
                        with inserted(card) as pcsc:
                            t0 = time.perf_counter()  # card present and connected: the kiosk starts
                            read = read_card(pcsc, can=can, with_portrait=portrait)
                            times.append(time.perf_counter() - t0)
                    apdus = read.apdus
                ms = sorted(t * 1000 for t in times)
                rows.append(
                    {
                        "path": path,
                        "portrait": portrait,
                        "median_ms": statistics.median(ms),
                        "p90_ms": ms[int(0.9 * (len(ms) - 1))],
                        "apdus": apdus,
                        "bytes": sizes,
                    }
                )
    finally:
        if proc is not None:
            proc.terminate()
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    base = {r["portrait"]: r["median_ms"] for r in rows if r["path"] == "direct"}
    lines = [
        "| read | path | median ms | p90 ms | vs direct | APDUs | response bytes |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        what = (
            "PACE-CAN, CA, AA, DG1+DG2+DG13+DG14+DG15+SOD"
            if r["portrait"]
            else "PACE-CAN, CA, AA, DG1+DG13+DG14+DG15+SOD"
        )
        ratio = r["median_ms"] / base[r["portrait"]]
        size = f"{r['bytes']:,}" if r["path"] == "direct" else "(same)"
        lines.append(
            f"| {what} | {r['path']} | {r['median_ms']:.0f} | {r['p90_ms']:.0f} | {ratio:.2f}x | {r['apdus']} | {size} |"
        )
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reads", type=int, default=10, help="reads per row (default 10)")
    args = p.parse_args()
    print(table(run(args.reads)))


if __name__ == "__main__":
    main()

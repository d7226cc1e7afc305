"""The hall speaker's pace: ``python -m bench.speech`` (``scripts/bench speech``, about 8 minutes).

The real path: the product server (demo configuration, espeak-ng voice packs generated fresh),
a TV of the ground floor in headless Chromium with ``?audio=1`` playing through Web Audio in
real time, its real scheduler (clients/tv/speech-plan.js), and counters calling over the
websocket. For each call: from the moment its command is sent to the first sample of the
utterance that says it (the TV's log: ``Date.now()`` at ``source.start()``, the same clock).
Two loads: a burst of 10 calls 1.5 s apart, and 1 call every 2 s for 2 minutes, the calls going
round the 8 counters of the floor. The baseline, in the same run: the old policy
(``queue = "every"``, ``rate = 1.0``: every call in full, both languages, one after another).
A call not yet started when the run ends (20 s after its last call) counts with the time it
had waited by then: a lower bound, marked ``>=``. ``--numbers-from 121`` starts the day's
tickets at 121 (three-digit numbers take longer to say: mid-morning in a large hospital)."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from tests.e2e.pages import admin_socket, chromium, command, write_config
from tests.server_harness import ServerProc

COUNTERS = {1: "A", 2: "B", 3: "A", 4: "N", 5: "NG", 6: "S", 7: "NH", 8: "T"}  # the ground floor's
LOADS = {"burst: 10 calls in 15 s": (10, 1.5), "sustained: 1 call / 2 s for 2 min": (60, 2.0)}
TARGET_S = 10.0
GRACE_S = 20.0


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p * (len(s) - 1)))]


def run_load(site: ServerProc, tv: Page, calls: int, every: float) -> dict[str, Any]:
    """Calls at the given pace; then waits for the speaker (or the grace time)."""
    called: dict[str, float] = {}  # label -> ms when its command was sent
    with admin_socket(site) as ws:
        for c in COUNTERS:
            command(ws, {"type": "open_counter", "counter": c})  # already open: refused, harmless
        start = time.monotonic()
        for i in range(calls):
            counter = 1 + i % len(COUNTERS)
            assert command(ws, {"type": "issue_ticket", "service": COUNTERS[counter]})["type"] == "ack"
            time.sleep(max(0.0, start + i * every - time.monotonic()))
            sent = time.time() * 1000
            reply = command(ws, {"type": "finish_and_call_next", "counter": counter})
            if reply["type"] != "ack":
                reply = command(ws, {"type": "call_next", "counter": counter})
            assert reply["type"] == "ack", reply
            called[reply["result"]["ticket"]] = sent
    end = time.monotonic() + GRACE_S
    said_js = "window.tv.announcer.log.map(e => ({labels: e.labels || [e.label], wall: e.wall, end: e.end}))"
    while time.monotonic() < end:
        started = {label for e in tv.evaluate(said_js) for label in e["labels"]}
        playing = tv.evaluate("window.tv.announcer.playing")
        if set(called) <= started and not playing:
            break
        time.sleep(0.25)
    now = time.time() * 1000
    log = tv.evaluate(said_js)
    first: dict[str, float] = {}  # the first utterance that said it (not its second language)
    for e in log:
        for label in e["labels"]:
            first.setdefault(label, e["wall"])
    delays = [(first.get(label, now) - t) / 1000 for label, t in called.items()]
    mine = [e for e in log if set(e["labels"]) & set(called)]
    return {
        "calls": len(called),
        "started": sum(1 for label in called if label in first),
        "utterances": len(mine),
        "delays": delays,
        "lower_bound": any(label not in first for label in called),
    }


def run_policy(
    tmp: Path, name: str, speech: str, loads: dict[str, tuple[int, float]], numbers_from: int
) -> dict[str, dict[str, Any]]:
    config = write_config(tmp / name / "config")
    text = config.read_text()
    start = text.index("[speech]")
    end = text.index("\n[", start + 1)
    text = text[:start] + "[speech]\n" + speech + text[end:]
    config.write_text(text.replace("[[services]]\n", f"[[services]]\nnumber_start = {numbers_from}\n"))
    site = ServerProc(
        tmp / name / "data", QUEUE_SYNC="NORMAL", QUEUE_CONFIG=str(config), QUEUE_VOICE_PACKS=str(tmp / "packs")
    )
    site.start(timeout=120)
    results: dict[str, dict[str, Any]] = {}
    try:
        with chromium() as browser:
            for load, (calls, every) in loads.items():
                tv = browser.new_page()
                tv.goto(f"{site.http}/tv/?audio=1#token={site.device_tokens()['tv-tang-1']}")
                tv.locator('.conn-badge[data-state="online"]').wait_for(timeout=30_000)
                before = site.get("/api/health").get("calls_skipped", 0)
                results[load] = run_load(site, tv, calls, every)
                results[load]["skipped"] = site.get("/api/health").get("calls_skipped", 0) - before
                tv.close()
                time.sleep(1)
    finally:
        site.kill()
    return results


BASELINE = 'languages = ["vi", "en"]\nrepeat = 1\nregion = "north"\nqueue = "every"\nrate = 1.0\n'
PRODUCT = 'languages = ["vi", "en"]\nrepeat = 1\nregion = "north"\n'  # the defaults: queue = "plan"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the burst only (about 2 minutes)")
    parser.add_argument("--numbers-from", type=int, default=1, help="the day's first ticket number (121: mid-morning)")
    args = parser.parse_args()
    loads = dict(list(LOADS.items())[:1]) if args.quick else LOADS
    with tempfile.TemporaryDirectory(prefix="bench-speech-") as tmp:
        base = run_policy(Path(tmp), "baseline", BASELINE, loads, args.numbers_from)
        product = run_policy(Path(tmp), "product", PRODUCT, loads, args.numbers_from)
    print(f"Tickets numbered from {args.numbers_from}; the TV of tang-1, 8 counters; espeak-ng voice packs.")
    print(
        "| load | policy | calls | started | not spoken | utterances | p50 s | p95 s | max s | p95 vs baseline | within 10 s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for load in loads:
        b, r = base[load], product[load]
        for policy, x in (("baseline: every call in full, in turn", b), ("planned (decision 0010)", r)):
            ge = ">= " if x["lower_bound"] else ""
            d = x["delays"]
            within = sum(1 for v in d if v <= TARGET_S)
            ratio = "1.00x" if x is b else f"{pct(d, 0.95) / pct(b['delays'], 0.95):.2f}x"
            print(
                f"| {load} | {policy} | {x['calls']} | {x['started']} | {x['skipped']} | {x['utterances']} | "
                f"{ge}{statistics.median(d):.1f} | {ge}{pct(d, 0.95):.1f} | {ge}{max(d):.1f} | {ratio} | "
                f"{within}/{len(d)} |"
            )


if __name__ == "__main__":
    main()

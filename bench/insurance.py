"""Time to ticket with the insurance check off and on (``python -m bench.insurance [--n N]``).

A kiosk's ``issue_ticket`` with a typed ID number, sent over its websocket to a real server
(``python -m server``) on loopback, until its ``ack`` (the ticket screen's data, with the
insurance line when the check is on): median and 99th percentile milliseconds, one ticket at a
time, a new ID number each (no day's cache). Scenarios: the check off; on, with the local
gateway (tests/insurance_gateway.py) answering at once; on, with a gateway that takes 60 s (the
kiosk's budget is the default 3 s). The card read before it is ``bench/card.py``'s; the page's
own screens are not counted."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from tests.e2e.pages import config_text
from tests.insurance_gateway import PASSWORD, STAFF, USERNAME, Gateway
from tests.server_harness import ServerProc


def site(tmp: Path, gateway: Gateway | None) -> ServerProc:
    text = config_text()
    env: dict[str, str] = {}
    if gateway is not None:
        text = text.replace('check = "none"', 'check = "bhxh"')
        (tmp / "insurance.toml").write_text(
            f'[bhxh]\nurl = "{gateway.url}"\nusername = "{USERNAME}"\npassword = "{PASSWORD}"\n'
            f'staff_name = "{next(iter(STAFF.values()))}"\nstaff_id_number = "{next(iter(STAFF))}"\ntimeout = 90.0\n'
        )
        env["QUEUE_INSURANCE"] = str(tmp / "insurance.toml")
    (tmp / "config.toml").write_text(text)
    return ServerProc(tmp / "data", cpu=0, QUEUE_SYNC="FULL", QUEUE_CONFIG=str(tmp / "config.toml"), **env)


async def times_to_ticket(server: ServerProc, n: int) -> tuple[list[float], set[str]]:
    token = server.device_tokens()["kiosk-1"]
    out, outcomes = [], set()
    async with connect(server.ws_url) as ws:
        await ws.send(json.dumps({"type": "hello", "role": "kiosk", "token": token}))
        while json.loads(await ws.recv())["type"] != "snapshot":
            pass
        for i in range(n):
            identity = {"source": "typed", "id_number": f"0010990{i:05d}"}
            command = {"type": "issue_ticket", "service": ["N", "S", "T"][i % 3], "identity": identity}
            t0 = time.perf_counter()
            await ws.send(json.dumps({"type": "cmd", "id": f"c{i}", "key": f"k{i}", "command": command}))
            while True:
                msg: dict[str, Any] = json.loads(await ws.recv())
                if msg.get("id") == f"c{i}":
                    break
            out.append((time.perf_counter() - t0) * 1000)
            assert msg["type"] == "ack", msg
            outcomes.add(msg["result"].get("insurance", {}).get("outcome", "-"))
    return out, outcomes


def p99(values: list[float]) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(0.99 * len(s) + 0.5) - 1)]


async def main(n: int, slow_n: int) -> None:
    rows = []
    for name, delay, count in (
        ("check off", None, n),
        ("check on, gateway at once", 0.0, n),
        ("check on, gateway 60 s", 60.0, slow_n),
    ):
        with tempfile.TemporaryDirectory() as d:
            gateway = Gateway().start() if delay is not None else None
            if gateway is not None:
                gateway.delay = delay or 0.0
                for i in range(count):
                    gateway.cards[f"0010990{i:05d}"] = {"maKetQua": "000", "gtTheDen": "31/12/2026", "maDKBD": "70001"}
            server = site(Path(d), gateway).start()
            try:
                ms, outcomes = await times_to_ticket(server, count)
            finally:
                server.kill()
                if gateway is not None:
                    gateway.stop()
            rows.append((name, count, statistics.median(ms), p99(ms), max(ms), ", ".join(sorted(outcomes))))
    print("| scenario | tickets | median ms | p99 ms | max ms | kiosk line |")
    print("|---|---|---|---|---|---|")
    for name, count, med, q99, top, outcomes in rows:
        print(f"| {name} | {count} | {med:.1f} | {q99:.1f} | {top:.1f} | {outcomes} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--slow-n", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(args.n, args.slow_n))

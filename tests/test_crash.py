"""SIGKILL at random moments under a stream of commands: nothing acknowledged is lost, no number is
issued twice, and replaying the log gives back exactly the state the server had before the kill;
on both logs (a SQLite file, a PostgreSQL database)."""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import msgspec
import pytest

from server.domain import events as ev
from server.domain.config_check import config_from_toml
from server.domain.fold import apply
from server.domain.state import QueueState
from server.eventlog import decode_record
from server.views import snapshot

from .logs import LogStore, server_env
from .server_harness import ROOT, Client, ServerProc

KILLS = 12
VOLATILE = ("server_time", "open_now")


def read_log(db: LogStore) -> list[ev.Record]:
    return [decode_record(bytes(body)) for (body,) in db.query("SELECT body FROM events ORDER BY seq")]  # type: ignore[call-overload]


def view_of(records: list[ev.Record]) -> dict[str, Any]:
    state = QueueState(config=config_from_toml((ROOT / "config" / "demo.toml").read_bytes()))
    for r in records:
        apply(state, r)
    view: dict[str, Any] = json.loads(msgspec.json.encode(snapshot(state, "admin", 0.0)))
    for k in VOLATILE:
        view.pop(k)
    return view


class Stream:
    """Kiosks issue tickets and counters call and finish, as fast as acks come back."""

    def __init__(self, server: ServerProc, rng: random.Random) -> None:
        self.server, self.rng = server, rng
        self.acked: list[tuple[str, dict[str, Any], dict[str, Any]]] = []  # key, command, ack
        self.inflight: dict[str, tuple[str, dict[str, Any]]] = {}  # key -> (actor, command)

    async def _run(self, client: Client, actor: str, commands: Any) -> None:
        while True:
            command = next(commands)
            key = uuid.uuid4().hex
            self.inflight[key] = (actor, command)
            reply = await client.command(command, key=key)
            del self.inflight[key]
            if reply["type"] == "ack":
                self.acked.append((key, command, reply))

    def kiosk_commands(self) -> Any:
        while True:
            yield {"type": "issue_ticket", "service": self.rng.choice(["A", "N", "X", "TH"])}

    def counter_commands(self, n: int) -> Any:
        yield {"type": "open_counter", "counter": n}
        while True:
            yield self.rng.choice(
                [
                    {"type": "finish_and_call_next", "counter": n},
                    {"type": "call_next", "counter": n},
                    {"type": "start_service", "counter": n},
                    {"type": "mark_missed", "counter": n},
                ]
            )

    async def run(self, seconds: float) -> dict[str, Any]:
        """Stream for ``seconds``, take a snapshot, and return it; the caller kills at once."""
        tokens = self.server.device_tokens()
        admin_token = self.server.login()
        clients: list[Client] = []
        tasks = []
        for _ in range(2):
            k = await Client.connect(self.server.ws_url)
            await k.hello("kiosk", tokens["kiosk-1"])
            clients.append(k)
            tasks.append(asyncio.create_task(self._run(k, "device:kiosk-1", self.kiosk_commands())))
        for n in (1, 4, 9, 11):
            c = await Client.connect(self.server.ws_url)
            await c.hello("counter", admin_token, counter=n)
            clients.append(c)
            tasks.append(asyncio.create_task(self._run(c, "staff:admin", self.counter_commands(n))))
        admin = await Client.connect(self.server.ws_url)
        await admin.hello("admin", admin_token)
        await asyncio.sleep(seconds)
        reply = await admin.query("snapshot")
        return {"seq": reply["result"]["seq"], "view": reply["result"]["view"], "tasks": tasks, "clients": clients}


@pytest.mark.slow
async def test_sigkill_loses_nothing_and_replays_exactly(tmp_path: Path, logs: LogStore) -> None:
    rng = random.Random(20261123)
    # snapshots every 150 events, so that kills also land during and after snapshots
    server = ServerProc(tmp_path / "data", QUEUE_SYNC="FULL", QUEUE_SNAPSHOT_EVERY="150", **server_env(logs))
    db = logs
    db.path = server.data_dir / "queue.sqlite3"
    all_acked: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    carried: dict[str, tuple[str, dict[str, Any]]] = {}
    retried = 0
    try:
        for round_no in range(KILLS):
            server.start()
            # Retry what was in flight at the last kill, with the same keys, from the same actor:
            # what the server had committed is answered as a duplicate, the rest takes effect once.
            if carried:
                committed = {k for (k,) in db.query("SELECT key FROM commands")}
                kiosk = await Client.connect(server.ws_url)
                await kiosk.hello("kiosk", server.device_tokens()["kiosk-1"])
                for key, (actor, command) in carried.items():
                    if actor.startswith("device:"):
                        client = kiosk
                    else:
                        client = await Client.connect(server.ws_url)
                        await client.hello("counter", server.login(), counter=command["counter"])
                    reply = await client.command(command, key=key)
                    if f"{actor}|{key}" in committed:
                        assert reply["type"] == "ack" and reply["duplicate"] is True, reply
                        retried += 1
                    if reply["type"] == "ack":
                        all_acked.append((key, command, reply))
                    if client is not kiosk:
                        await client.close()
                await kiosk.close()
            stream = Stream(server, rng)
            got = await stream.run(rng.uniform(0.2, 0.9))
            server.kill()  # SIGKILL, right after the snapshot, with commands still streaming
            for t in got["tasks"]:
                t.cancel()
            await asyncio.gather(*got["tasks"], return_exceptions=True)
            for c in got["clients"]:
                c.ws.transport.abort()
            all_acked.extend(stream.acked)
            carried = dict(stream.inflight)

            records = read_log(db)
            seqs = [r.seq for r in records]
            assert seqs == list(range(1, len(seqs) + 1)), "the log has gaps or repeats"
            # 1. every acknowledged command is in the log
            assert all(ack["seq"] <= seqs[-1] for _, _, ack in all_acked), f"round {round_no}: lost an ack"
            issued = {(r.event.day, r.event.label): r for r in records if isinstance(r.event, ev.TicketIssued)}
            for _, command, ack in all_acked:
                if command["type"] == "issue_ticket":
                    key = (ack["result"]["day"], ack["result"]["ticket"])
                    assert key in issued and issued[key].seq <= ack["seq"]
            # 2. no number twice on a day
            labels = Counter((r.event.day, r.event.label) for r in records if isinstance(r.event, ev.TicketIssued))
            assert max(labels.values()) == 1, labels.most_common(3)
            # 3. the state rebuilt from the log up to the snapshot's seq is the state the server had
            before = dict(got["view"])
            for k in VOLATILE:
                before.pop(k)
            assert view_of([r for r in records if r.seq <= got["seq"]]) == before, f"round {round_no}"

        # After the last kill: the restarted server's state is the fold of the whole log.
        server.start()
        admin = await Client.connect(server.ws_url)
        await admin.hello("admin", server.login())
        now = (await admin.query("snapshot"))["result"]
        await admin.close()
        view = dict(now["view"])
        for k in VOLATILE:
            view.pop(k)
        assert view == view_of(read_log(db))
        issued_total = sum(1 for _, c, _ in all_acked if c["type"] == "issue_ticket")
        assert issued_total > 50, "the stream was too slow to test anything"
        assert db.query("SELECT COUNT(*) FROM snapshots")[0][0] > 0, "no snapshot was taken"  # type: ignore[operator]
        print(
            f"{KILLS} kills, {len(all_acked)} acknowledged commands, {issued_total} tickets, "
            f"{retried} committed-but-unacknowledged commands retried as duplicates"
        )
    finally:
        server.kill()

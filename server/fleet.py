"""The device fleet (M1): which kiosks, TVs and rating screens are connected, what they last
said of themselves (version, bridge devices, audio), and their open faults. Kept in memory:
it describes the present, not the queue's history (a restart rebuilds it within a heartbeat)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .domain.state import QueueState
from .fanout import Fanout
from .protocol import Alert

HEARTBEAT_SECONDS = 30  # how often screens report; twice that without news counts as stale


@dataclass
class Seen:
    version: str = ""
    state: dict[str, Any] = field(default_factory=dict)
    at: float = 0.0


class Fleet:
    def __init__(self) -> None:
        self.seen: dict[str, Seen] = {}  # actor ("device:kiosk-1") -> last heartbeat

    def heartbeat(self, actor: str, version: str, state: dict[str, Any], now: float) -> None:
        self.seen[actor] = Seen(version=version[:40], state=dict(list(state.items())[:30]), at=now)

    def view(
        self, queue: QueueState, fanout: Fanout, faults: dict[tuple[str, str], Alert], now: float
    ) -> list[dict[str, Any]]:
        """Every registered device with its connections, last heartbeat and faults."""
        connected: dict[str, int] = {}
        for conns in fanout.by_audience.values():
            for conn in conns.values():
                connected[conn.actor] = connected.get(conn.actor, 0) + 1
        out = []
        for d in sorted(queue.devices.values(), key=lambda d: (d.kind, d.device)):
            actor = f"device:{d.device}"
            seen = self.seen.get(actor)
            online = connected.get(actor, 0) > 0
            out.append(
                {
                    "device": d.device,
                    "kind": d.kind,
                    "name": d.name,
                    "zone": d.zone,
                    "counter": d.counter,
                    "active": d.active,
                    "online": online,
                    "connections": connected.get(actor, 0),
                    "last_seen": seen.at if seen else None,
                    "stale": online and (seen is None or now - seen.at > 2 * HEARTBEAT_SECONDS),
                    "version": seen.version if seen else "",
                    "state": seen.state if seen else {},
                    "faults": [
                        {"part": a.part, "code": a.code, "at": a.at} for k, a in faults.items() if k[0] == actor
                    ],
                }
            )
        return out

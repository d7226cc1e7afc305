"""The device fleet (M1): which kiosks, TVs, rating and door screens are connected, what they last
said of themselves (version, bridge devices, audio), their open faults (told to staff as they
come), and the control messages an administrator sends them. Kept in memory: it describes the
present, not the queue's history (a restart rebuilds it within a heartbeat)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, get_args

from .domain.state import QueueState
from .fanout import Conn, Fanout
from .protocol import Alert, Part, encoder

HEARTBEAT_SECONDS = 30  # how often screens report; twice that without news counts as stale
# The parts a fault can be of: a device has at most one open fault per part, so at most five.
PARTS = frozenset(p for p in get_args(Part) if p)
FLOODING = "too_many_requests"  # the code of the alert for a device past its command rate


@dataclass
class Seen:
    version: str = ""
    state: dict[str, Any] = field(default_factory=dict)
    at: float = 0.0


class Fleet:
    def __init__(self, fanout: Fanout, clock: Callable[[], float]) -> None:
        self.fanout = fanout
        self.clock = clock
        self.seen: dict[str, Seen] = {}  # actor ("device:kiosk-1") -> last heartbeat
        self.faults: dict[tuple[str, str], Alert] = {}  # open device faults by (device, part)
        self.reports: dict[str, int] = {}  # what screens reported: calls played, failed...
        # devices connected outside the broadcast (the rooms' door screens, server/doors.py)
        self.outside: list[Callable[[], Iterable[Conn]]] = []

    def connections(self) -> Iterator[Conn]:
        for conns in self.fanout.by_audience.values():
            yield from conns.values()
        for more in self.outside:
            yield from more()

    def report(self, what: str) -> None:
        self.reports[what] = self.reports.get(what, 0) + 1

    def device_alert(self, device: str, part: str, code: str, label: str, ok: bool) -> None:
        """A device fault (or its end) told to staff and admins at once; open faults are also
        sent to staff who connect later (``open_faults``). A repeated report of the same fault
        is not resent. A part outside ``PARTS`` counts as the device's (one fault per part: the
        faults of a device, and ``/api/health`` that lists them, stay small)."""
        key = (device, part if part in PARTS else "device")
        if ok:
            if self.faults.pop(key, None) is None:
                return
        elif key in self.faults and self.faults[key].code == code and self.faults[key].label == label:
            return
        alert = Alert(
            device=device, part=key[1], code=code or ("ok" if ok else "fault"), label=label, at=self.clock(), ok=ok
        )
        if not ok:
            self.faults[key] = alert
        text = encoder.encode(alert).decode()
        self.fanout.publish({"staff": text, "admin": text}, None)

    def flooding(self, device: str, on: bool) -> None:
        """A device past its command rate (``on``; the caller tells at most once a minute), or
        back within it: told to staff and admins as a fault of the device."""
        fault = self.faults.get((device, "device"))
        if on:
            self.faults.pop((device, "device"), None)  # told again, though it is the same
            self.device_alert(device, "device", FLOODING, "", False)
        elif fault is not None and fault.code == FLOODING:
            self.device_alert(device, "device", "", "", True)

    def open_faults(self) -> list[str]:
        """The open faults, encoded, for a staff or admin screen that connects."""
        return [encoder.encode(a).decode() for a in self.faults.values()]

    def control(self, actor: str, action: str, media: str = "") -> int:
        """Send a ``control`` message (``reload``, ``play``) to every connection of a device; how many."""
        text = encoder.encode({"type": "control", "action": action, "media": media}).decode()
        targets = [c for c in self.connections() if c.actor == actor]
        return sum(1 for c in targets if c.send_nowait(text))

    def heartbeat(self, actor: str, version: str, state: dict[str, Any], now: float) -> None:
        """What a device says of itself: at most 30 keys of at most 40 characters, each value a
        plain number, yes/no or text of at most 200 characters (anything nested is dropped, so
        no device can make the admin's fleet view deep or large)."""
        plain = {
            str(k)[:40]: v[:200] if isinstance(v, str) else v
            for k, v in list(state.items())[:30]
            if v is None or isinstance(v, str | int | float | bool)
        }
        self.seen[actor] = Seen(version=version[:40], state=plain, at=now)

    def view(self, queue: QueueState, now: float) -> list[dict[str, Any]]:
        """Every registered device with its connections, last heartbeat and faults."""
        faults = self.faults
        connected: dict[str, int] = {}
        for conn in self.connections():
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
                    "printer": d.printer,
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

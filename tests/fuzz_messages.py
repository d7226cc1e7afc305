"""Seeded generators of hostile messages for tests/test_fuzz.py: the shapes of docs/protocol.md
(hello, every command, query, ping, report, control) with fields dropped, added, given the wrong
type, oversized or nested, and plain garbage. Commands that would change who may connect (revoke
a device, change a password or an account, reconfigure, move a kiosk's printer) only ever name
accounts and devices that do not exist, so the screens of the test stay connected."""

from __future__ import annotations

import json
import random
from typing import Any

MAX_FRAME = 256 * 1024  # server/protocol.py: MAX_MESSAGE_BYTES

COMMANDS: dict[str, dict[str, Any]] = {
    "issue_ticket": {
        "service": "A",
        "identity": {"source": "typed", "id_number": "001099012345", "name": "Nguyễn Văn Thử", "dob": "1950-01-01"},
        "declared": ["pregnant"],
        "channel": "kiosk",
    },
    "open_counter": {"counter": 1},
    "close_counter": {"counter": 1},
    "pause_counter": {"counter": 1, "reason": "Nghỉ"},
    "resume_counter": {"counter": 1},
    "call_next": {"counter": 1},
    "call_number": {"counter": 1, "label": "A001"},
    "recall": {"counter": 1},
    "start_service": {"counter": 1},
    "finish_service": {"counter": 1},
    "finish_and_call_next": {"counter": 1},
    "mark_missed": {"counter": 1},
    "reactivate": {"label": "A001", "position": "front"},
    "transfer": {"counter": 1, "label": "A002", "to_service": "B", "to_counter": 2, "position": "back"},
    "park_ticket": {"counter": 1},
    "unpark_ticket": {"counter": 1, "label": "A001"},
    "cancel_ticket": {"label": "A003", "reason": "fuzz"},
    "review_priority": {"label": "A001", "confirmed": True, "groups": ["elderly_75"]},
    "review_face": {"label": "A001", "same": False},
    "request_rating": {"counter": 1, "label": "A001"},
    "rate_ticket": {"label": "A001", "score": 5, "reasons": ["wait"]},
    "replace_config": {"config": {"unit": {"name": "x"}}},
    "create_staff": {"username": "fz", "full_name": "Fuzz", "role": "counter", "counters": [1], "password_hash": "x"},
    "set_staff_password": {"username": "fz", "password_hash": "x"},
    "set_staff_active": {"username": "fz", "active": False},
    "register_device": {"device": "fz", "kind": "tv", "name": "Fuzz", "zone": "", "token_hash": "x"},
    "revoke_device": {"device": "fz"},
    "set_device_printer": {"device": "fz", "printer": "none"},
}
# fields that must name something that does not exist (see the module's docstring)
MADE_UP = {
    "set_staff_password": "username",
    "set_staff_active": "username",
    "revoke_device": "device",
    "set_device_printer": "device",
}
QUERIES = {
    "snapshot": {},
    "ticket": {"label": "A001"},
    "queue": {"counter": 1},
    "history": {"counter": 1},
    "held": {"id_number": "001099012345", "source": "typed", "service": "A"},
}
REPORTS = {
    "played": {"seq": 1, "label": "A001"},
    "play_failed": {"seq": 1, "label": "A001", "detail": "x"},
    "skipped": {"seq": 1, "label": "A001", "detail": "stale"},
    "device_fault": {"part": "printer", "detail": "paper_out", "label": "A001"},
    "device_ok": {"part": "printer"},
    "heartbeat": {"version": "0.1.0", "state": {"screen": "home", "bridge": True, "printer": "ok"}},
}
ROLES = ["kiosk", "tv", "rating", "counter", "admin", "phone", "door"]


class Fuzzer:
    def __init__(self, rng: random.Random, labels: list[str]) -> None:
        self.rng = rng
        self.labels = labels
        self.n = 0

    # -- values -------------------------------------------------------------------------------
    def nested(self) -> Any:
        depth = self.rng.choice([2, 10, 100, 400])  # deeper ones are sent as text (garbage)
        if self.rng.random() < 0.5:
            return json.loads("[" * depth + "]" * depth)
        inner: Any = 1
        for _ in range(depth):
            inner = {"a": inner}
        return inner

    def value(self) -> Any:
        r = self.rng
        return r.choice(
            [
                lambda: None,
                lambda: r.choice([True, False]),
                lambda: r.choice([0, -1, 1, 7, 999, 2**31, 2**63, -(2**64), 10**30]),
                lambda: r.choice([0.5, -1e308, 1e308, 3.0]),
                lambda: r.choice(["", "A", "A001", "a001 ", "Z999", "ư", "\u0000", "🙂", "../../etc/passwd"]),
                lambda: r.choice(self.labels) if self.labels else "A001",
                lambda: "x" * r.choice([17, 25, 200, 5000, 70000]),
                lambda: "".join(chr(r.randrange(0x20, 0x3000)) for _ in range(r.randrange(1, 40))),
                lambda: [self.value() for _ in range(r.randrange(0, 4))] if r.random() < 0.7 else [],
                lambda: {self.word(): self.value() for _ in range(r.randrange(0, 3))} if r.random() < 0.7 else {},
                lambda: self.nested(),
                lambda: [1.5] * r.choice([1, 127, 128, 129, 5000]),
            ]
        )()

    def word(self) -> str:
        return self.rng.choice(["type", "id", "counter", "label", "token", "x", "__proto__", "command", "v"])

    def mutate(self, obj: dict[str, Any], rounds: int) -> dict[str, Any]:
        obj = dict(obj)
        for _ in range(rounds):
            keys = list(obj)
            op = self.rng.randrange(4)
            if op == 0 and keys:
                del obj[self.rng.choice(keys)]
            elif op == 1 and keys:
                obj[self.rng.choice(keys)] = self.value()
            elif op == 2:
                obj[self.word() + self.rng.choice(["", "_x", "2"])] = self.value()
            else:
                key = self.rng.choice(keys) if keys else "x"
                if isinstance(obj.get(key), dict):
                    obj[key] = self.mutate(obj[key], 1)
                else:
                    obj[key] = self.value()
        return obj

    def rounds(self) -> int:
        return self.rng.choice([0, 0, 1, 1, 1, 2, 3])

    # -- messages -----------------------------------------------------------------------------
    def command(self) -> dict[str, Any]:
        kind = self.rng.choice(list(COMMANDS))
        body = {"type": kind, **COMMANDS[kind]}
        if "label" in body and self.labels:
            body["label"] = self.rng.choice(self.labels)
        if "counter" in body:
            body["counter"] = self.rng.choice([1, 1, 2, 3, 99])
        body = self.mutate(body, self.rounds())
        if kind == "replace_config":
            body["config"] = self.value()  # never a whole valid configuration
        if kind in MADE_UP:
            body[MADE_UP[kind]] = f"fz-{self.rng.randrange(10**9)}"
        return body

    def message(self, own_hello: dict[str, Any]) -> tuple[str, Any]:
        """One message: ``("text", str)`` or ``("binary", bytes)``."""
        r = self.rng
        self.n += 1
        pick = r.random()
        msg: Any
        if pick < 0.45:
            key = r.choice(["", f"k{self.n}", "same", f"k{r.randrange(30)}"])
            msg = {"type": "cmd", "id": f"c{self.n}", "key": key, "command": self.command()}
            msg = self.mutate(msg, r.choice([0, 0, 0, 1]))
        elif pick < 0.6:
            what = r.choice(list(QUERIES))
            msg = self.mutate({"type": "query", "id": f"q{self.n}", "what": what, **QUERIES[what]}, self.rounds())
        elif pick < 0.7:
            what = r.choice(list(REPORTS))
            msg = self.mutate({"type": "report", "id": f"r{self.n}", "what": what, **REPORTS[what]}, self.rounds())
        elif pick < 0.76:
            msg = self.mutate(
                {
                    "type": "control",
                    "id": f"o{self.n}",
                    "device": r.choice(["kiosk-1", "tv-tang-2", "fz"]),
                    "action": r.choice(["reload", "play", "explode"]),
                    "media": r.choice(["", "0123456789abcdef.png"]),
                },
                self.rounds(),
            )
        elif pick < 0.82:
            msg = self.mutate({"type": "ping", "t": 1.5}, self.rounds())
        elif pick < 0.85:
            msg = self.mutate(own_hello, self.rounds())  # a second hello
        else:
            return self.garbage()
        return "text", json.dumps(msg, ensure_ascii=r.random() < 0.5)

    def garbage(self) -> tuple[str, Any]:
        r = self.rng
        choice = r.randrange(9)
        if choice == 0:
            return "binary", bytes(r.randrange(256) for _ in range(r.randrange(1, 64)))
        if choice == 1:
            return "text", "{" * r.choice([1, 50, 5000]) + "}" * r.randrange(2)
        if choice == 2:
            return "text", json.dumps(self.value())
        if choice == 3:
            return "text", '{"type": "cmd", "id": "x", "command": ' + "[" * 2000 + "]" * 2000 + "}"
        if choice == 4:
            return "text", json.dumps({"type": r.choice(["welcome", "event", "ack", "", None, 1]), "id": "g"})
        if choice == 5:
            return "text", "".join(chr(r.randrange(1, 0xD7FF)) for _ in range(r.randrange(1, 200)))
        if choice == 6:
            return "text", '{"type": "ping", "t": NaN}'
        if choice == 7 and r.random() < 0.1:
            return "text", json.dumps({"type": "ping", "t": 1, "pad": "x" * (MAX_FRAME + 10)})  # close 1009
        return "text", '{"type": "cmd", "id": "d", "id": 7, "key": "", "command": {"type": "issue_ticket"}}'

    def hello(self, role: str, tokens: dict[str, str], counter_token: str, admin_token: str) -> dict[str, Any]:
        token = {
            "kiosk": tokens["kiosk-1"],
            "tv": tokens["tv-tang-2"],
            "rating": tokens["rating-1"],
            "door": tokens["door-4"],
            "counter": counter_token,
            "admin": admin_token,
        }.get(role, "")
        hello: dict[str, Any] = {"type": "hello", "role": role, "token": token}
        if role == "counter":
            hello["counter"] = 1
        if role == "phone":
            hello["label"] = self.rng.choice(self.labels)
        if self.rng.random() < 0.03:  # a hello that is refused, most of the time
            hello = self.mutate(hello, 1)
        return hello

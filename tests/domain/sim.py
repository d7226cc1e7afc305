"""A tiny driver for domain tests: the application step (``handle``), with a clock we move by hand."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.access import Actor
from server.domain.config import Config
from server.domain.config_check import config_from_builtins, config_from_toml
from server.domain.faces import FaceMatch
from server.domain.handle import handle, start_day
from server.domain.state import QueueState, Ticket

VN = dt.timezone(dt.timedelta(hours=7))
ROOT = Path(__file__).resolve().parents[2]
ADMIN = Actor(name="staff:admin", role="admin")


def demo_config() -> Config:
    return config_from_toml((ROOT / "config" / "demo.toml").read_bytes())


def small_config_data(**overrides: Any) -> dict[str, Any]:
    """Two services (A, B), three counters in two zones; every weekday open 07:00-17:00."""
    day = {"open": "07:00", "close": "17:00", "breaks": [{"start": "11:30", "end": "13:00"}]}
    data: dict[str, Any] = {
        "unit": {"name": "Trạm Y tế thử nghiệm"},
        "hours": {d: copy.deepcopy(day) for d in ("mon", "tue", "wed", "thu", "fri")},
        "zones": [{"code": "z1", "name": "Khu 1"}, {"code": "z2", "name": "Khu 2"}],
        "departments": [{"code": "d1", "name": "Khám"}],
        "services": [
            {"code": "A", "name": "Khám A", "department": "d1", "mean_service_minutes": 4},
            {"code": "B", "name": "Khám B", "department": "d1", "number_end": 5, "digits": 1},
        ],
        "counters": [
            {"number": 1, "name": "Quầy 1", "zone": "z1", "services": [{"code": "A"}]},
            {"number": 2, "name": "Quầy 2", "zone": "z1", "services": [{"code": "A"}, {"code": "B"}]},
            {"number": 3, "name": "Quầy 3", "zone": "z2", "services": [{"code": "B"}]},
        ],
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


def small_config(**overrides: Any) -> Config:
    return config_from_builtins(small_config_data(**overrides))


class Sim:
    def __init__(self, config: Config | None = None, start: dt.datetime | None = None) -> None:
        self.state = QueueState(config=config or small_config())
        self.now = (start or dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN)).timestamp()
        self.records: list[ev.Record] = []
        self.tick()

    def tick(self) -> None:
        self.records.extend(start_day(self.state, self.now).records)

    def do(self, command: cmd.AnyCommand, actor: Actor = ADMIN, match: FaceMatch | None = None) -> list[ev.Event]:
        self.tick()
        step = handle(self.state, command, self.now, actor, match)
        self.records.extend(step.records)
        if step.error is not None:
            raise step.error
        return [r.event for r in step.records]

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60

    def issue(self, service: str = "A", match: FaceMatch | None = None, **kw: Any) -> Ticket:
        events = self.do(cmd.IssueTicket(service=service, **kw), match=match)
        issued = events[-1]
        assert isinstance(issued, ev.TicketIssued)
        return self.state.tickets[issued.ticket]

    def open(self, *counters: int) -> None:
        for c in counters:
            self.do(cmd.OpenCounter(counter=c))

    def call(self, counter: int) -> ev.TicketCalled:
        e = self.do(cmd.CallNext(counter=counter))[-1]
        assert isinstance(e, ev.TicketCalled)
        return e

    def label(self, ticket_id: int) -> str:
        return self.state.tickets[ticket_id].label

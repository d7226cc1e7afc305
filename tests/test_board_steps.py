"""A staff board (clients/shared/board.js with steps.js, run by Node) folds a visit's steps as the
domain does (server/domain/visit_fold.py): random days of visits sent on from the internal medicine
room to the lab, imaging and the cashier, with returns, results marked in, steps cancelled,
the HIS's orders and results, no-shows, holds and transfers, driven through the real application step; their events encoded
as the server sends them to a counter; the board's tickets (status, current step, every step's
status) must be the server's at the end of each day (issue 20)."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from server.delivery import encode_for
from server.domain import commands as cmd
from server.domain import events as ev
from server.domain.access import Actor
from server.domain.errors import DomainError
from server.domain.his import ticket_key
from server.domain.lifecycle import ACTIVE

from .domain.sim import ADMIN, Sim, demo_config

BOARD_JS = Path(__file__).resolve().parents[1] / "clients" / "shared" / "board.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="needs Node")

ROOM, LAB, IMAGING, CASHIER = 4, 9, 10, 11
COUNTERS = (ROOM, LAB, IMAGING, CASHIER)
HIS = Actor(name="his:benh-vien", role="his")


def random_day(seed: int, actions: int = 120) -> Sim:
    """A morning of random counter actions; the ones the domain refuses change nothing."""
    rng = random.Random(seed)
    sim = Sim(demo_config())
    sim.open(*COUNTERS)
    labels: list[str] = []
    orders: list[tuple[int, str]] = []

    def some_step() -> tuple[str, int] | None:
        visits = [t for t in sim.state.tickets.values() if t.steps and t.status in ACTIVE]
        if not visits:
            return None
        t = rng.choice(visits)
        return t.label, rng.choice(t.steps).id

    for _ in range(actions):
        busy = [n for n in COUNTERS if sim.state.counters[n].current is not None]
        free = [n for n in COUNTERS if n not in busy]
        roll = rng.random()
        calling = free + [ROOM] * 3 if ROOM in free else free  # the room's queue is the longest
        c = rng.choice(calling if roll < 0.35 and free else busy or free)
        command: Any
        actor = HIS if roll < 0.14 else ADMIN
        active = [t for t in sim.state.tickets.values() if t.status in ACTIVE]
        if roll < 0.08 and active:
            t = rng.choice(active)  # the HIS orders a test, with a return or not
            orders.append((t.id, f"SR-{len(orders)}"))
            command = cmd.OrderStep(
                key=ticket_key("bv", sim.state.day, t.id),
                order=orders[-1][1],
                service=rng.choice(["X", "H"]),
                come_back=rng.random() < 0.5,
            )
        elif roll < 0.14 and orders:  # its result, or the order withdrawn
            ticket, order = rng.choice(orders)
            outcome = "done" if rng.random() < 0.7 else "cancelled"
            command = cmd.OrderResult(key=ticket_key("bv", sim.state.day, ticket), order=order, outcome=outcome)
        elif roll < 0.2 or not labels:
            actor = ADMIN
            command = cmd.IssueTicket(service="N")
        elif roll < 0.35:
            command = cmd.CallNext(counter=c)
        elif roll < 0.5:
            command = cmd.FinishService(counter=c)
        elif roll < 0.65:
            wanted = rng.sample(["X", "H", "TN"], rng.randint(1, 2))
            command = cmd.SendOn(
                counter=c,
                steps=[cmd.StepIn(service=s) for s in wanted],
                come_back=rng.random() < 0.7,
                reason="Xem kết quả",
            )
        elif roll < 0.78 and (picked := some_step()):
            label, step = picked
            command = (
                cmd.CompleteStep(label=label, step=step)
                if rng.random() < 0.6
                else cmd.CancelStep(label=label, step=step, reason="không cần")
            )
        elif roll < 0.83:
            command = cmd.MarkMissed(counter=c)
        elif roll < 0.87:
            command = cmd.Reactivate(label=rng.choice(labels))
        elif roll < 0.91:
            command = cmd.ParkTicket(counter=c)
        elif roll < 0.95:
            command = cmd.UnparkTicket(counter=c, label=rng.choice(labels))
        else:
            command = cmd.Transfer(counter=c, to_service=rng.choice(["X", "H", "TN"]), position="back")
        try:
            events = sim.do(command, actor)
        except DomainError:
            continue
        labels += [e.label for e in events if isinstance(e, ev.TicketIssued)]
        sim.advance(rng.choice([0.5, 1, 3]))
    return sim


def board_after(sim: Sim) -> dict[str, Any]:
    """Every event as a counter receives it, folded by the board in Node: its tickets."""
    messages = [json.loads(text) for r in sim.records if (text := encode_for(sim.state, r, "staff", ROOM))]
    script = (
        f"import {{ Board }} from {json.dumps(BOARD_JS.as_uri())};"
        "import { readFileSync } from 'node:fs';"
        "const b = new Board();"
        "b.snapshot({ seq: 0, view: { config: { counters: [], services: [] }, day: '', open_now: true, counters: [],"
        " waiting: {}, last_calls: [], tickets: [] } });"
        "for (const m of JSON.parse(readFileSync(0, 'utf8'))) b.apply(m);"
        "const out = {};"
        "for (const t of b.tickets.values()) out[t.label] = [t.status, t.steps.length ? t.step : 0,"
        " t.steps.map((s) => [s.id, s.status])];"
        "console.log(JSON.stringify(out));"
    )
    run = subprocess.run(
        [str(NODE), "--input-type=module", "-e", script],
        input=json.dumps(messages),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return dict(json.loads(run.stdout))


def server_tickets(sim: Sim) -> dict[str, Any]:
    return {
        t.label: [t.status.value, t.step, [[s.id, s.status] for s in t.steps]]
        for t in sim.state.tickets.values()
        if t.status in ACTIVE
    }


@pytest.mark.parametrize("seed", range(12))
def test_the_board_folds_random_visits_as_the_server(seed: int) -> None:
    sim = random_day(seed)
    visits = [t for t in sim.state.tickets.values() if t.steps]
    assert visits, "the day sent somebody on"
    assert board_after(sim) == server_tickets(sim)

"""The server's ticket printers (K9 without the bridge): for a kiosk whose printer is set, in the
admin pages, to an ESC/POS network printer (``escpos:HOST:PORT``) or a CUPS queue
(``cups:QUEUE``), the server prints each ticket that kiosk issues, once it is durable (the hub
calls :meth:`Printers.committed` after the commit). The ticket is the one the bridge prints
(``printing/``: the same raster, the same status checks); a fault reaches staff as the bridge's
do, as a ``printer`` fault of that kiosk (``fleet.py``), and a ticket printed again clears it.

A kiosk's tickets print one at a time, in the order issued, in a worker thread (a printer's
status timeouts never hold the event loop); a retried command (same idempotency key) prints
nothing again, since the hub answers it without new records."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
from typing import Any

from printing.cups import CupsPrinter
from printing.errors import PrinterError
from printing.escpos import EscposPrinter
from printing.ticket import Ticket

from .domain import events as ev
from .domain.errors import DomainError
from .domain.handle import Step
from .domain.printers import Printer, parse_printer
from .domain.state import QueueState
from .fleet import Fleet
from .settings import Settings

log = logging.getLogger("server.printers")

STEP_SECONDS = 300  # the band's ends are printed rounded outward to 5 minutes
NARROW_SECONDS = 600  # a band under 10 minutes wide is printed as one time (clients/shared/estimate.js)
MAX_WAITING = 20  # tickets waiting for one kiosk's printer; more are refused (and staff told)
PART = "printer"  # the fleet's part name, as the kiosk reports the bridge's printer


def printed_band(result: dict[str, Any], now: float = -math.inf) -> tuple[float | None, float | None]:
    """The expected call as printed, epoch seconds: the band's ends rounded outward to 5 minutes,
    or its expected time rounded to 5 minutes and None when the band is under 10 minutes wide,
    or ``call_at`` and None without a band (the kiosk page's ``callBand``, the same rule).
    With ``now`` (the time of issue) nothing printed is already past: a band starts no earlier than
    the current 5 minutes, and one time that would round down into the past is the next 5 minutes
    (a ticket taken at 18:17 says "khoảng 18:20", as the kiosk's screen does, not 18:15)."""
    at, low, high = result.get("call_at"), result.get("call_from"), result.get("call_to")
    if at is None or low is None or high is None:
        return at, None
    a, f, z = (max(float(x), now) for x in (at, low, high))
    if z - f < NARROW_SECONDS:
        one = math.floor(a / STEP_SECONDS + 0.5) * STEP_SECONDS  # half up, as JavaScript's Math.round
        return (one if one >= now else math.ceil(now / STEP_SECONDS) * STEP_SECONDS), None
    return math.floor(f / STEP_SECONDS) * STEP_SECONDS, math.ceil(z / STEP_SECONDS) * STEP_SECONDS


def ticket_of(state: QueueState, record: ev.Record, result: dict[str, Any], base_url: str) -> Ticket:
    """The printed ticket of an issue, worded as the kiosk page words the bridge's."""
    e = record.event
    assert isinstance(e, ev.TicketIssued)
    config = state.config
    service = config.service(e.service)
    names = []
    for n in result.get("counters", []):
        counter = config.counter(n)
        names.append(counter.name if counter else f"Quầy {n}")
    wait = result.get("wait_minutes")
    call_at, call_to = printed_band(result, record.at)
    tz = config.tzinfo()
    local = dt.datetime.fromtimestamp(record.at, config.tzinfo())
    return Ticket(
        unit=config.unit.name,
        service=service.name if service else e.service,
        label=e.label,
        counters=", ".join(names),
        ahead=int(result.get("ahead", 0)),
        wait_minutes=None if wait is None else max(1, math.floor(float(wait) + 0.5)),
        issued=f"{local:%H:%M} {'/'.join(reversed(e.day.split('-')))}",
        url=f"{base_url.rstrip('/')}/t/{e.label}?d={e.day}",  # the day: another day's same number is not this
        booked=e.slot.replace("-", "–"),
        wait_at=f"{dt.datetime.fromtimestamp(call_at, tz):%H:%M}" if call_at is not None else "",
        wait_to=f"{dt.datetime.fromtimestamp(call_to, tz):%H:%M}" if call_to is not None else "",
        late=bool(result.get("late", False)),
    )


class Printers:
    """The print jobs of kiosks whose printer is server-side, and their faults."""

    def __init__(self, fleet: Fleet, settings: Settings) -> None:
        self.fleet = fleet
        self.public_url = settings.public_url
        self.fallback_url = settings.base_url
        self.origins: dict[str, str] = {}  # actor -> the origin its page was loaded from
        self.locks: dict[str, asyncio.Lock] = {}
        self.waiting: dict[str, int] = {}
        self.tasks: set[asyncio.Task[None]] = set()
        self.printed = 0

    def connected(self, actor: str, origin: str | None) -> None:
        """A kiosk's page connected from ``origin``: its tickets' links start there, as the
        bridge's do (``location.origin``), unless ``QUEUE_PUBLIC_URL`` says otherwise."""
        if origin and origin.startswith(("http://", "https://")) and len(origin) <= 200:
            self.origins[actor] = origin

    def prints_for(self, state: QueueState, actor: str) -> bool:
        """Whether the server prints this device's tickets (then the kiosk's own reports of a
        printer fault are not the printer's: the server knows, and says)."""
        return self._printer(state, actor) is not None

    def _printer(self, state: QueueState, actor: str) -> Printer | None:
        device = state.devices.get(actor.removeprefix("device:")) if actor.startswith("device:") else None
        if device is None or device.kind != "kiosk" or not device.active:
            return None
        try:
            printer = parse_printer(device.printer)
        except DomainError:  # (validated when set; a log written by hand may say anything)
            return None
        return printer if printer.server_side else None

    def committed(self, state: QueueState, steps: list[Step]) -> None:
        """After a commit: start printing each ticket a kiosk with a server-side printer issued.
        Called by the hub's writer before it answers the batch: a bug here is logged, never
        raised into the writer (the records are durable whatever happens to their printing)."""
        for step in steps:
            if step.error is not None or not isinstance(step.result, dict):
                continue
            for record in step.records:
                if isinstance(record.event, ev.DevicePrinterSet):  # the kiosk learns it on reload
                    self.fleet.control(f"device:{record.event.device}", "reload")
                if not isinstance(record.event, ev.TicketIssued):
                    continue
                try:
                    printer = self._printer(state, record.actor)
                    if printer is not None:
                        base = self.public_url or self.origins.get(record.actor, self.fallback_url)
                        self._start(record.actor, printer, ticket_of(state, record, step.result, base))
                except Exception:
                    log.exception("could not start printing seq %d", record.seq)

    def _start(self, actor: str, printer: Printer, ticket: Ticket) -> None:
        if self.waiting.get(actor, 0) >= MAX_WAITING:
            log.warning("%s: %d tickets wait for the printer; %s is not printed", actor, MAX_WAITING, ticket.label)
            self.fleet.device_alert(actor, PART, "printer_no_answer", ticket.label, False)
            return
        self.waiting[actor] = self.waiting.get(actor, 0) + 1
        task = asyncio.create_task(self._print(actor, printer, ticket), name=f"print-{ticket.label}")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _print(self, actor: str, printer: Printer, ticket: Ticket) -> None:
        lock = self.locks.setdefault(actor, asyncio.Lock())
        try:
            async with lock:  # one ticket at a time per kiosk, in the order issued
                try:
                    await asyncio.to_thread(print_ticket, printer, ticket, actor)
                except PrinterError as exc:
                    log.warning("%s could not print %s: %s", actor, ticket.label, exc)
                    self.fleet.device_alert(actor, PART, exc.code, ticket.label, False)
                else:
                    self.printed += 1
                    self.fleet.device_alert(actor, PART, "", ticket.label, True)
        finally:
            self.waiting[actor] -= 1

    async def stop(self) -> None:
        """Cancel what waits to print (a job already in a printer's thread runs to its end)."""
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


def print_ticket(printer: Printer, ticket: Ticket, actor: str) -> dict[str, Any]:
    """Print one ticket on a server-side printer (blocking: run it in a thread)."""
    if printer.kind == "escpos":
        return EscposPrinter(f"tcp://{printer.host}:{printer.port}").print_ticket(ticket)
    return CupsPrinter(printer.queue).print_ticket(ticket, title=f"{actor.removeprefix('device:')} {ticket.label}")

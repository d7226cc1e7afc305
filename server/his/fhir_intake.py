"""The changes polled from an FHIR-only HIS (``fhir_poll.py``) applied to the queue: for each one,
read what it refers to (the Encounter's Patient and Locations, the ServiceRequest's Encounter,
the Appointment's Patient), translate it (``fhir_inbound.py``) and submit the commands through
the hub as the link (actor ``his:<name>``, role ``his``), each with the idempotency key
``fhir:<Type>/<id>/_history/<version>`` (``#<n>`` when one version makes several): a version is
applied once however often it is handed over.

Bookings: an Appointment made days ahead changed before today, so polling alone would never hand
it over on its day. Before the first poll of each day (and after a start), ``sweep`` asks the HIS
for the day's booked Appointments with their Patients and loads them whole; then each change to
one loads the day's set again.

A command the queue refuses (an illegal transition, an unknown service) is logged and counted,
not retried: the version is done with. A read the HIS fails (down, 5xx) raises, so the poller
hands the version over again at its next poll.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import urllib.parse
import zoneinfo
from typing import Any, Protocol

from ..domain import commands as cmd
from ..domain.access import Actor
from ..domain.his_inbound import parse_ticket_key
from ..domain.lifecycle import FINAL
from ..domain.state import QueueState, booking_key
from . import fhir_inbound as fi
from . import fhir_map as fm
from .fhir_client import FhirClient, Json
from .fhir_poll import FhirChange
from .links import Link

log = logging.getLogger("server.his")
SWEEP = 1000  # Appointments asked for in the day's sweep (one page)


class Queue(Protocol):
    """What the intake needs of the hub."""

    @property
    def state(self) -> QueueState: ...

    async def submit(self, command: cmd.AnyCommand, actor: Actor, key: str = "") -> Any: ...


class FhirIntake:
    """The poller's callback for one link; its counts are shown on the admin page."""

    def __init__(self, link: Link, queue: Queue, client: FhirClient) -> None:
        self.link = link
        self.queue = queue
        self.client = client
        self.actor = Actor(name=link.actor, role="his")
        self.changes = 0  # versions handed over
        self.applied = 0  # commands that changed the queue (or were answered as before)
        self.refused = 0
        self.last_refusal = ""
        self.last_refusal_at = 0.0
        self._day = ""
        self._bookings: dict[str, cmd.BookingIn] = {}  # today's, by Appointment id
        self._swept = ""  # the day whose Appointments were last asked for

    def status(self) -> dict[str, Any]:
        return {
            "changes": self.changes,
            "applied": self.applied,
            "refused": self.refused,
            "last_refusal": self.last_refusal,
            "last_refusal_at": self.last_refusal_at,
        }

    def context(self) -> fi.Context:
        state = self.queue.state
        his = state.his_maps.get(self.link.actor)
        return fi.Context(
            day=state.day,
            timezone=state.config.unit.timezone,
            services=dict(his.services) if his is not None else {},
            known=frozenset(s.code for s in state.config.services),
            patient_code_system=self.link.patient_code_system,
            come_back=self.link.orders_come_back,
        )

    async def __call__(self, change: FhirChange) -> None:
        self.changes += 1
        ctx = self.context()
        if change.kind == "Encounter":
            commands = await self._encounter(change.resource, ctx)
        elif change.kind == "ServiceRequest":
            commands = await self._service_request(change.resource, ctx)
        elif change.kind == "Appointment":
            await self._appointment(change, ctx)
            return
        else:
            commands = []
        if not commands:
            log.debug("HIS link %s: %s says nothing to the queue", self.link.name, change.message_id)
        for i, command in enumerate(commands):
            await self._submit(command, fi.command_key(change.message_id, i, len(commands)))

    async def _read(self, ref: str) -> Json | None:
        """A resource the change refers to ("Patient/12"), or None if the HIS has none."""
        kind, _, rid = ref.partition("/")
        if kind not in ("Patient", "Location", "Encounter") or not rid or "/" in rid or len(rid) > 64:
            return None
        answer = await self.client.request("GET", ref, accept=(404, 410))
        if answer.status_code in (404, 410):
            return None
        body = answer.json()
        return body if isinstance(body, dict) and body.get("resourceType") == kind else None

    def _ticket(self, key: str) -> fi.Ticket | None:
        state = self.queue.state
        parsed = parse_ticket_key(key)
        if parsed is None or parsed[0] != self.link.site or parsed[1] != state.day:
            return None
        t = state.tickets.get(parsed[2])
        if t is None or t.status in FINAL:
            return None
        return fi.Ticket(
            key=key,
            service=t.service,
            patient_code=t.patient_code,
            episode=t.episode,
            his_room=t.his_room,
            orders=frozenset(s.order for s in t.steps if s.order),
        )

    async def _encounter(self, resource: Json, ctx: fi.Context) -> list[cmd.AnyCommand]:
        ticket = self._ticket(fm.ticket_key(resource))
        if ticket is None:
            return []
        patient = await self._read(str((resource.get("subject") or {}).get("reference") or ""))
        locations: dict[str, Json] = {}
        for place in resource.get("location") or []:
            ref = str((place.get("location") or {}).get("reference") or "")
            if place.get("status") == "active" and ref not in locations:
                found = await self._read(ref)
                if found is not None:
                    locations[ref] = found
        return fi.encounter(resource, ticket, patient, locations, ctx)

    async def _service_request(self, resource: Json, ctx: fi.Context) -> list[cmd.AnyCommand]:
        if resource.get("status") not in ("active", *fi.RESULTS):
            return []
        encounter = await self._read(str((resource.get("encounter") or {}).get("reference") or ""))
        ticket = self._ticket(fm.ticket_key(encounter)) if encounter is not None else None
        return fi.service_request(resource, ticket, ctx)

    async def sweep(self) -> None:
        """Once a day (the first poll of the day, or after a start): the day's booked
        Appointments at the HIS, with their Patients, loaded whole (the poller's hook)."""
        ctx = self.context()
        if self._swept == ctx.day or not ctx.day:
            return
        self._today(ctx)
        tz = zoneinfo.ZoneInfo(ctx.timezone)
        start = dt.datetime.combine(dt.date.fromisoformat(ctx.day), dt.time(), tz)
        query = urllib.parse.urlencode(
            [
                ("date", f"ge{start.isoformat()}"),
                ("date", f"lt{(start + dt.timedelta(days=1)).isoformat()}"),
                ("status", ",".join(fi.BOOKED)),
                ("_include", "Appointment:patient"),
                ("_count", str(SWEEP)),
            ]
        )
        bundle = await self.client.json("GET", f"Appointment?{query}")
        found = [e["resource"] for e in bundle.get("entry") or [] if isinstance(e.get("resource"), dict)]
        patients = {f"Patient/{r.get('id')}": r for r in found if r.get("resourceType") == "Patient"}
        bookings = dict(self._bookings)
        for appointment in (r for r in found if r.get("resourceType") == "Appointment"):
            ref = fi.participant_patient(appointment)
            patient = patients.get(ref) or (await self._read(ref) if ref else None)
            made = fi.booking(appointment, patient, ctx)
            if made is not None:
                bookings[made.id] = made
        if len(found) >= SWEEP:
            log.warning(
                "HIS link %s: more than %d Appointments today; the rest come as they change", self.link.name, SWEEP
            )
        if bookings != self._bookings:
            command, key = fi.bookings_command(ctx.day, bookings, f"sweep/{ctx.day}")
            if await self._submit(command, key):
                self._bookings = bookings
        self._swept = ctx.day

    def _today(self, ctx: fi.Context) -> None:
        """On a new day, or after a start: today's bookings as the log holds them."""
        if self._day != ctx.day:
            self._day = ctx.day
            prefix = booking_key(self.link.actor, "")
            self._bookings = {
                b.id: cmd.BookingIn(
                    id=b.id,
                    service=b.service,
                    slot_start=b.slot_start,
                    slot_end=b.slot_end,
                    id_number=b.id_number,
                    bhyt_number=b.bhyt_number,
                    name=b.name,
                )
                for k, b in self.queue.state.bookings.items()
                if k.startswith(prefix)
            }

    async def _appointment(self, change: FhirChange, ctx: fi.Context) -> None:
        self._today(ctx)
        ref = fi.participant_patient(change.resource)
        patient = await self._read(ref) if ref and change.resource.get("status") in fi.BOOKED else None
        made = fi.booking(change.resource, patient, ctx)
        if made == self._bookings.get(change.id):
            log.debug("HIS link %s: %s changes no booking", self.link.name, change.message_id)
            return
        bookings = dict(self._bookings)
        if made is None:
            bookings.pop(change.id, None)
        else:
            bookings[change.id] = made
        command, key = fi.bookings_command(ctx.day, bookings, change.message_id)
        if await self._submit(command, key):
            self._bookings = bookings

    async def _submit(self, command: cmd.AnyCommand, key: str) -> bool:
        outcome = await self.queue.submit(command, self.actor, key)
        if outcome.error is None:
            self.applied += 1
            return True
        self.refused += 1
        self.last_refusal = f"{key}: {outcome.error}"[:300]
        self.last_refusal_at = time.time()
        log.warning("HIS link %s: the queue refused %s (%s)", self.link.name, key, outcome.error.code)
        return False

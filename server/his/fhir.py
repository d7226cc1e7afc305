"""The FHIR R4 form of the HIS link (docs/his.md): each message of a ticket becomes the state of
one ``Encounter`` at the HIS, with its ``Patient``, the counter's ``Location`` and, for a booked
patient, the ``Appointment`` set to ``arrived``. What each resource holds: ``fhir_map.py``.

One message, at most four requests, each safe to repeat:

1. ``Patient`` by conditional create (``If-None-Exist`` on the CCCD identifier, else the BHYT
   one): the HIS's existing record is used and never overwritten (the HIS owns the person);
   several matching records is a 412, refused (the HIS must merge them).
2. ``Location`` of the counter by conditional create on ``urn:hospital-queue:counter``.
3. ``Encounter``: created by conditional create on ``urn:hospital-queue:ticket|<ticket key>``;
   afterwards read (or taken from a small cache) and written back whole with ``If-Match`` on its
   version, the HIS's own additions kept. A message already applied (its sequence number is not
   above the one the Encounter carries) or one that changes nothing writes nothing, so the same
   message twice leaves one Encounter in the same state. A 412 (the HIS changed it meanwhile) is
   read again and merged, up to three times, then Retryable.
4. ``Appointment``: ``HisTicket.booking`` is the Appointment's logical id at the HIS, or
   ``system|value`` of one of its identifiers; at check-in (``issued``, or ``changed`` once a
   booking is known) it is set to ``arrived`` (read, then PUT with ``If-Match``), and the
   Encounter refers to it. A booking the HIS does not know (404, or no Appointment carries the
   identifier) is logged and skipped: the Encounter is delivered without it (a check-in is never
   held back by its booking); several Appointments carrying the identifier is refused.

The receipt is ``Encounter/<id>``. A rating is not sent over FHIR (receipt ``-``).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

import httpx

from ..domain.his import HisMessage
from . import Refused, Retryable
from . import fhir_map as fm
from .fhir_client import FhirClient, Json
from .links import Link

log = logging.getLogger("server.his")

CACHE = 2048  # Encounters, patients and locations remembered between messages


class _Lru(OrderedDict[str, Any]):
    def put(self, key: str, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > CACHE:
            self.popitem(last=False)


class FhirAdapter:
    """The Adapter (``server/his/__init__.py``) for a link with ``form = "fhir"``."""

    def __init__(self, link: Link, http: httpx.AsyncClient | None = None, own: fm.OwnWrites | None = None) -> None:
        self.link = link
        self.own = own if own is not None else fm.OwnWrites()  # shared with the link's poller
        self.client = FhirClient(link, http)
        self.source = fm.source(link.name)
        self._encounters: _Lru = _Lru()  # ticket key -> the Encounter as last written or read
        self._refs: _Lru = _Lru()  # patient search / counter identifier -> "Patient/…", "Location/…"

    async def close(self) -> None:
        await self.client.close()

    async def send(self, message: HisMessage) -> str:
        if message.kind == "rated":
            return "-"
        key = message.ticket.key
        found = self._encounters.get(key)
        if found is None and message.kind != "issued":
            found = await self._find(key)
        appointment = await self._appointment(message)
        if found is None:
            found = await self._create(message, appointment)
        written = await self._update(message, found, appointment)
        self._encounters.put(key, written)
        if appointment is not None:
            await self._arrive(appointment)
        return f"Encounter/{written['id']}"

    async def _find(self, key: str) -> Json | None:
        bundle = await self.client.json("GET", "Encounter", params={"identifier": f"{fm.TICKET}|{key}"})
        entries = [e["resource"] for e in bundle.get("entry") or [] if e.get("resource")]
        if len(entries) > 1:
            raise Refused(f"{len(entries)} Encounters carry the ticket identifier {key}")
        return entries[0] if entries else None

    async def _create(self, message: HisMessage, appointment: Json | None) -> Json:
        """The ticket's Encounter, made if it does not exist (201), else the existing one (200)."""
        body = fm.encounter(
            message,
            None,
            src=self.source,
            patient_ref=await self._patient(message),
            location_ref=await self._location(message),
            appointment_ref=f"Appointment/{appointment['id']}" if appointment else "",
        )
        search = f"identifier={fm.TICKET}|{message.ticket.key}"
        answer = await self.client.request("POST", "Encounter", body=body, headers={"if-none-exist": search})
        made = _resource(answer, "Encounter")
        if answer.status_code == 201:
            self.own.add(made)
        return made

    async def _update(self, message: HisMessage, current: Json, appointment: Json | None) -> Json:
        for _ in range(3):
            if fm.applied_seq(current) >= message.seq:
                return current
            patient_ref = "" if "subject" in current else await self._patient(message)
            wanted = fm.encounter(
                message,
                current,
                src=self.source,
                patient_ref=patient_ref,
                location_ref=await self._location(message),
                appointment_ref=f"Appointment/{appointment['id']}" if appointment else "",
            )
            if fm.same(wanted, current):
                return current
            path = f"Encounter/{current['id']}"
            version = (current.get("meta") or {}).get("versionId", "")
            answer = await self.client.request(
                "PUT", path, body=wanted, headers={"if-match": f'W/"{version}"'}, accept=(404, 412)
            )
            if answer.status_code not in (404, 412):
                written = _resource(answer, "Encounter")
                self.own.add(written)
                return written
            # changed (412) or gone (404) since we read it: read it again by its identifier
            found = await self._find(message.ticket.key)
            current = found if found is not None else await self._create(message, appointment)
        raise Retryable(f"Encounter of {message.ticket.key}: changed at the HIS during each of 3 updates")

    async def _patient(self, message: HisMessage) -> str:
        search = fm.patient_search(message.ticket.patient)
        if not search or message.ticket.patient is None:
            return ""
        if search not in self._refs:
            body = fm.patient(message.ticket.patient, self.source)
            answer = await self.client.request("POST", "Patient", body=body, headers={"if-none-exist": search})
            self._refs.put(search, f"Patient/{_resource(answer, 'Patient')['id']}")
        return str(self._refs[search])

    async def _location(self, message: HisMessage) -> str:
        if message.ticket.counter is None:
            return ""
        search = f"identifier={fm.COUNTER}|{fm.counter_value(message.ticket)}"
        if search not in self._refs:
            body = fm.location(message.ticket, self.source)
            answer = await self.client.request("POST", "Location", body=body, headers={"if-none-exist": search})
            self._refs.put(search, f"Location/{_resource(answer, 'Location')['id']}")
        return str(self._refs[search])

    async def _appointment(self, message: HisMessage) -> Json | None:
        booking = message.ticket.booking
        if not booking or message.kind not in ("issued", "changed"):
            return None
        if "|" not in booking:
            answer = await self.client.request("GET", f"Appointment/{booking}", accept=(404,))
            found = None if answer.status_code == 404 else _resource(answer, "Appointment")
        else:
            bundle = await self.client.json("GET", "Appointment", params={"identifier": booking})
            entries = [e["resource"] for e in bundle.get("entry") or [] if e.get("resource")]
            if len(entries) > 1:
                raise Refused(f"{len(entries)} Appointments carry the identifier {booking}")
            found = dict(entries[0]) if entries else None
        if found is None:
            log.warning(
                "HIS link %s: %s: no Appointment %s at the HIS; sent without it", self.link.name, message.id, booking
            )
        return found

    async def _arrive(self, appointment: Json) -> None:
        for _ in range(3):
            wanted = fm.arrived(appointment, self.source)
            if wanted is None:
                return
            path = f"Appointment/{appointment['id']}"
            version = (appointment.get("meta") or {}).get("versionId", "")
            answer = await self.client.request(
                "PUT", path, body=wanted, headers={"if-match": f'W/"{version}"'}, accept=(412,)
            )
            if answer.status_code != 412:
                self.own.add(_resource(answer, "Appointment"))
                return
            appointment = await self.client.json("GET", path)
        raise Retryable(f"Appointment/{appointment['id']}: changed at the HIS during each of 3 updates")


def _resource(answer: httpx.Response, kind: str) -> Json:
    """The resource a create or update answered with (Prefer: return=representation is the
    default of most servers; Medplum always returns it)."""
    try:
        body = answer.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or body.get("resourceType") != kind or not body.get("id"):
        raise Retryable(f"{kind}: HTTP {answer.status_code} without the {kind} in the answer")
    return body

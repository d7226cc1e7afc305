"""What a HIS message becomes in FHIR R4 (docs/his.md): pure functions from a
:class:`~server.domain.his.HisMessage` (and what the server holds already) to resources.

Identifiers: the VN Core IG's systems for the person (CCCD, BHYT, passport) and the episode (MA_LK); ours,
under ``urn:hospital-queue:``, for what only the queue names:

- ``urn:hospital-queue:ticket``: the Encounter of one ticket, value the ticket key
  ``<site>-<YYYYMMDD>-<ticket id>`` (site, day and ticket: unique for ever);
- ``urn:hospital-queue:counter``: the Location of a counter or room, value ``<site>-<counter id>``;
- ``urn:hospital-queue:service``: a service code in ``Encounter.serviceType``;
- ``urn:hospital-queue:ma-loai-kcb``: the kind of care (MA_LOAI_KCB) in ``Encounter.type``;
- ``urn:hospital-queue:priority-group``: a legal priority group in ``Encounter.reasonCode``;
- ``urn:hospital-queue:event-seq``: an extension holding the log sequence number of the last
  message applied to the Encounter (a message older than it is not applied again).

Ticket status → Encounter status: waiting, called, parked and missed → ``arrived``; serving →
``in-progress``; done → ``finished``; cancelled and expired (missed, then ended) → ``cancelled``.
Priority (v3-ActPriority): ``EM`` for the emergency group, ``UR`` for the other legal priority
groups (children under 6, pregnancy, disability, age 75+, people of merit), ``R`` otherwise.
What the HIS added to a resource (its own identifiers, locations, reasons, extensions) is kept;
only the parts under our systems are replaced.
"""

from __future__ import annotations

import copy
import datetime as dt
import time
from typing import Any

from ..domain.his import HisMessage, HisPatient, HisTicket

Json = dict[str, Any]

CCCD = "http://fhir.hl7.org.vn/core/sid/cccd"
BHYT = "http://fhir.hl7.org.vn/core/sid/bhyt"
MA_LK = "http://fhir.hl7.org.vn/core/sid/ma-lk"
PASSPORT = "http://fhir.hl7.org.vn/core/sid/passport"
TICKET = "urn:hospital-queue:ticket"
COUNTER = "urn:hospital-queue:counter"
SERVICE = "urn:hospital-queue:service"
CARE_KIND = "urn:hospital-queue:ma-loai-kcb"
PRIORITY_GROUP = "urn:hospital-queue:priority-group"
SEQ = "urn:hospital-queue:event-seq"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ACT_PRIORITY = "http://terminology.hl7.org/CodeSystem/v3-ActPriority"
OURS = (TICKET, MA_LK, COUNTER, SERVICE, CARE_KIND, PRIORITY_GROUP)

STATUS = {
    "waiting": "arrived",
    "called": "arrived",
    "parked": "arrived",
    "missed": "arrived",
    "serving": "in-progress",
    "done": "finished",
    "cancelled": "cancelled",
    "expired": "cancelled",
}
ENDED = ("finished", "cancelled")
GROUPS = {
    "emergency": "Cấp cứu / Emergency",
    "child_under_6": "Trẻ em dưới 6 tuổi / Child under 6",
    "pregnant": "Phụ nữ có thai / Pregnant",
    "disability_extreme": "Người khuyết tật đặc biệt nặng / Extremely severe disability",
    "disability_severe": "Người khuyết tật nặng / Severe disability",
    "elderly_75": "Người từ 75 tuổi / Aged 75 or more",
    "revolutionary_merit": "Người có công với cách mạng / Person of revolutionary merit",
}


class OwnWrites:
    """The versions the adapter wrote since ``since`` (``Encounter/<id>/_history/<version>``,
    the most recent ``size``): what the poller must not take for the HIS's changes. Kept in
    memory: for versions older than ``since`` (before this process), the poller goes by
    ``meta.source``."""

    def __init__(self, size: int = 20000) -> None:
        self.size = size
        self.since = time.time()
        self._versions: dict[str, None] = {}

    def add(self, resource: Json) -> None:
        self._versions[version_key(resource)] = None
        while len(self._versions) > self.size:
            del self._versions[next(iter(self._versions))]

    def __contains__(self, resource: Json) -> bool:
        return version_key(resource) in self._versions

    def __len__(self) -> int:
        return len(self._versions)


def version_key(resource: Json) -> str:
    meta = resource.get("meta") or {}
    return f"{resource.get('resourceType')}/{resource.get('id')}/_history/{meta.get('versionId') or meta.get('lastUpdated')}"


def source(link_name: str) -> str:
    """``meta.source`` of every version we write: how the poller knows our own changes."""
    return f"urn:hospital-queue:link:{link_name}"


def when(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds")


def patient_search(patient: HisPatient | None) -> str:
    """The search that finds the person (``If-None-Exist``): CCCD first, else BHYT, else the
    passport; "" for none."""
    if patient is None:
        return ""
    if patient.id_number:
        return f"identifier={CCCD}|{patient.id_number}"
    if patient.bhyt_number:
        return f"identifier={BHYT}|{patient.bhyt_number}"
    if patient.passport_number:
        return f"identifier={PASSPORT}|{patient.passport_number}"
    return ""


def patient(person: HisPatient, src: str) -> Json:
    identifiers: list[Json] = [{"system": CCCD, "value": person.id_number}] if person.id_number else []
    if person.bhyt_number:
        identifiers.append({"system": BHYT, "value": person.bhyt_number})
    if person.passport_number:  # the issuing country as the assigner (ICAO code)
        identifiers.append(
            {"system": PASSPORT, "value": person.passport_number, "assigner": {"display": person.nationality}}
        )
    body: Json = {"resourceType": "Patient", "meta": {"source": src}, "identifier": identifiers, "active": True}
    if person.name.strip():
        family, *given = person.name.split()
        body["name"] = [{"use": "official", "text": " ".join(person.name.split()), "family": family, "given": given}]
    if person.sex in ("male", "female"):
        body["gender"] = person.sex
    if person.dob:
        body["birthDate"] = person.dob
    return body


def counter_value(ticket: HisTicket) -> str:
    return f"{ticket.site}-{ticket.counter}"


def location(ticket: HisTicket, src: str) -> Json:
    return {
        "resourceType": "Location",
        "meta": {"source": src},
        "identifier": [{"system": COUNTER, "value": counter_value(ticket)}],
        "status": "active",
        "mode": "instance",
        "name": ticket.counter_name or f"Quầy {ticket.counter} / Counter {ticket.counter}",
    }


def applied_seq(resource: Json) -> int:
    """The sequence number of the last message applied to an Encounter (-1 if none)."""
    for ext in resource.get("extension") or []:
        if ext.get("url") == SEQ:
            try:
                return int(ext.get("valueString", "-1"))
            except ValueError:
                return -1
    return -1


def ticket_key(resource: Json) -> str:
    """The ticket key an Encounter carries under our system ("" if it is not one of ours)."""
    for ident in resource.get("identifier") or []:
        if ident.get("system") == TICKET:
            return str(ident.get("value", ""))
    return ""


def _theirs(items: list[Json] | None, keep: Any) -> list[Json]:
    return [item for item in items or [] if keep(item)]


def _not_ours(concept: Json) -> bool:
    return not any(c.get("system") in OURS for c in concept.get("coding") or [])


def encounter(
    message: HisMessage,
    existing: Json | None,
    *,
    src: str,
    patient_ref: str = "",
    location_ref: str = "",
    appointment_ref: str = "",
) -> Json:
    """The Encounter of the message's ticket after the message: ``existing`` (the server's
    version, or None) with our parts set from the message and the HIS's parts kept."""
    t = message.ticket
    body: Json = copy.deepcopy(existing) if existing else {"resourceType": "Encounter"}
    meta = {k: v for k, v in (body.get("meta") or {}).items() if k not in ("versionId", "lastUpdated")}
    body["meta"] = {**meta, "source": src}
    status = STATUS.get(t.status, "arrived")
    body["status"] = status
    body["class"] = {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"}
    replaced = (TICKET, MA_LK) if t.episode else (TICKET,)  # the HIS's MA_LK stays until we know one
    ids = _theirs(body.get("identifier"), lambda i: i.get("system") not in replaced)
    body["identifier"] = [{"system": TICKET, "value": t.key}, *ids]
    if t.episode:
        body["identifier"].append({"system": MA_LK, "value": t.episode})
    body["type"] = [*_theirs(body.get("type"), _not_ours)]
    if t.care_kind:
        body["type"].append({"coding": [{"system": CARE_KIND, "code": t.care_kind}]})
    if not body["type"]:
        del body["type"]
    body["serviceType"] = {"coding": [{"system": SERVICE, "code": t.service, "display": t.service_name}]}
    if t.service_name:
        body["serviceType"]["text"] = t.service_name
    code = "EM" if "emergency" in t.priority else "UR" if t.priority else "R"
    body["priority"] = {"coding": [{"system": ACT_PRIORITY, "code": code}]}
    reasons = _theirs(body.get("reasonCode"), _not_ours)
    for group in t.priority:
        text = GROUPS.get(group, group)
        reasons.append({"coding": [{"system": PRIORITY_GROUP, "code": group, "display": text}], "text": text})
    body["reasonCode"] = reasons
    if not reasons:
        del body["reasonCode"]
    if patient_ref and "subject" not in body:
        body["subject"] = {"reference": patient_ref}
    if appointment_ref and not any(a.get("reference") == appointment_ref for a in body.get("appointment") or []):
        body["appointment"] = [*(body.get("appointment") or []), {"reference": appointment_ref}]
    if location_ref:
        body["location"] = _moved(body.get("location") or [], location_ref, t.counter_name, t.status)
    period = dict(body.get("period") or {})
    period.setdefault("start", when(t.issued_at))
    if status in ENDED:
        period.setdefault("end", when(message.at))
    else:
        period.pop("end", None)
    body["period"] = period
    exts = _theirs(body.get("extension"), lambda e: e.get("url") != SEQ)
    body["extension"] = [*exts, {"url": SEQ, "valueString": str(message.seq)}]
    return body


def _moved(places: list[Json], ref: str, name: str, ticket_status: str) -> list[Json]:
    """The Encounter's locations with the ticket's counter ``ref``: ``active`` while the
    ticket is called or served there, ``planned`` when it was sent there and waits,
    ``completed`` once it left (ended, missed, sent on); the others active before, completed."""
    out = []
    for place in places:
        if place.get("location", {}).get("reference") != ref and place.get("status") == "active":
            place = {**place, "status": "completed"}
        out.append(place)
    current = [p for p in out if p.get("location", {}).get("reference") == ref]
    if not current:
        entry: Json = {"location": {"reference": ref}}
        if name:
            entry["location"]["display"] = name
        out.append(entry)
        current = [entry]
    if ticket_status in ("called", "serving"):
        current[0]["status"] = "active"
    elif ticket_status in ("waiting", "parked") and current[0].get("status") in (None, "planned"):
        current[0]["status"] = "planned"  # sent there, not called yet
    else:
        current[0]["status"] = "completed"
    return out


def same(a: Json, b: Json) -> bool:
    """Whether two versions of a resource say the same, apart from meta and our sequence number."""

    def strip(r: Json) -> Json:
        r = {k: v for k, v in r.items() if k != "meta"}
        r["extension"] = [e for e in r.get("extension") or [] if e.get("url") != SEQ]
        return r

    return strip(a) == strip(b)


def arrived(appointment: Json, src: str) -> Json | None:
    """The Appointment marked ``arrived`` (None when there is nothing to change: already
    arrived, checked in, fulfilled, cancelled or entered in error)."""
    if appointment.get("status") in ("arrived", "checked-in", "fulfilled", "cancelled", "entered-in-error"):
        return None
    body = copy.deepcopy(appointment)
    meta = {k: v for k, v in (body.get("meta") or {}).items() if k not in ("versionId", "lastUpdated")}
    body["meta"] = {**meta, "source": src}
    body["status"] = "arrived"
    return body

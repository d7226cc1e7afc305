"""What each audience may see of an event (``redact``), and the masked identity the hall may see
(``public_identity``); the audiences are described in ``server/views.py``, which also applies
them to snapshots."""

from __future__ import annotations

import msgspec

from .domain import events as ev
from .domain.config import Config
from .domain.identity import Identity, mask_name
from .protocol import Audience

STAFF_ONLY = (
    ev.PriorityReviewed,
    ev.FaceReviewed,
    ev.IdentityChecked,
    ev.InsuranceChecked,
    ev.TicketRated,
    ev.CounterTakenOver,
)
ADMIN_ONLY = (
    ev.StaffCreated,
    ev.StaffPasswordSet,
    ev.StaffActiveSet,
    ev.DeviceRegistered,
    ev.DeviceRevoked,
    ev.DevicePrinterSet,
    ev.BookingsLoaded,  # who is booked, by ID number: for the administrators only
    ev.HisMappingLoaded,
)


def public_identity(identity: Identity | None, config: Config) -> Identity | None:
    if identity is None or config.privacy.tv_name == "hidden":
        return None
    return Identity(source=identity.source, name=mask_name(identity.name))


def redact(event: ev.AnyEvent, audience: Audience, config: Config) -> ev.AnyEvent | None:
    """The event as ``audience`` may see it, or None if it must not see it at all."""
    if audience == "admin":
        if isinstance(event, ev.StaffCreated | ev.StaffPasswordSet):
            return msgspec.structs.replace(event, password_hash="")
        if isinstance(event, ev.DeviceRegistered):
            return msgspec.structs.replace(event, token_hash="")
        return event
    if isinstance(event, ADMIN_ONLY):
        return None
    if audience == "staff":  # the identity in full only to the counters it is for (identity_counters)
        if isinstance(event, ev.TicketIssued) and event.identity is not None:
            return msgspec.structs.replace(event, identity=public_identity(event.identity, config), id_warnings=[])
        return event
    if isinstance(event, STAFF_ONLY):
        return None
    if isinstance(event, ev.HisRegistrationRecorded):  # the hall sees the HIS's room at most
        if not config.display.his_room:
            return None
        return msgspec.structs.replace(event, patient_code="", episode="")
    if isinstance(event, ev.CounterOpened):
        return msgspec.structs.replace(event, staff="")  # who works where is not for the hall
    if isinstance(event, ev.StepsAdded):  # the hall sees where a number goes, not why (a doctor's words)
        steps = [msgspec.structs.replace(n, reason="", order="") for n in event.steps]
        return msgspec.structs.replace(event, steps=steps)
    if isinstance(event, ev.StepCancelled):
        return msgspec.structs.replace(event, reason="")
    if isinstance(event, ev.TicketIssued) and (event.identity is not None or event.face_review or event.booking):
        return msgspec.structs.replace(
            event,
            identity=public_identity(event.identity, config) if event.identity is not None else None,
            face_review="",
            face_distance=None,
            id_warnings=[],
            booking="",  # the HIS's id of it (its slot stays: the place it waits in follows from it)
            booking_source="",
        )
    return event

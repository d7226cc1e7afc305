"""What the hospital information system (HIS) is told of a ticket: one message per event it
must hear of, self-contained (the ticket as it stood after that event), so that a link can
send it long after, in any of its three forms (FHIR R4, HL7 v2, a signed webhook; docs/his.md).

The message id is stable (the ticket's key and the event's sequence number): a retry, a restart
or a second delivery carries the same id, and the ticket key lets the HIS keep one registration
per ticket however often it hears of it.
"""

from __future__ import annotations

from typing import Literal

import msgspec

Kind = Literal["issued", "called", "started", "finished", "missed", "transferred", "changed", "cancelled", "rated"]


class HisPatient(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Who the patient said they are at check-in (synthetic in every test)."""

    source: str  # chip, qr, typed, vneid
    id_number: str = ""  # the 12-digit personal ID (CCCD)
    bhyt_number: str = ""  # the health-insurance card number
    name: str = ""
    dob: str = ""  # YYYY-MM-DD, "" when unknown
    sex: str = ""  # male, female, ""


class HisTicket(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The ticket after the event."""

    key: str  # "<site>-<YYYYMMDD>-<ticket id>": the ticket's identifier at the HIS, stable all day
    site: str  # the facility code (MA_CSKCB) the link acts for
    ticket: int  # the queue's ticket id
    label: str  # the number the patient holds, e.g. "A012"
    day: str  # YYYY-MM-DD
    service: str  # the service code
    service_name: str
    care_kind: str  # MA_LOAI_KCB of the service (kind of care, V5)
    status: str  # the ticket's status after the event (server/domain/lifecycle.py Status)
    issued_at: float  # epoch seconds
    priority: list[str] = []  # legal priority groups (domain/identity.py PriorityGroup values)
    counter: int | None = None  # the counter or room it is at (or was last at)
    counter_name: str = ""
    patient: HisPatient | None = None
    patient_code: str = ""  # MA_BN, once the HIS has recorded it
    episode: str = ""  # MA_LK, once the HIS has recorded it
    booking: str = ""  # the HIS's booking id this check-in honours, if any


class HisMessage(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: str  # "<ticket key>-<seq>": the same for every retry
    seq: int  # the event's sequence number in the log
    at: float  # when the event happened (epoch seconds)
    kind: Kind
    ticket: HisTicket
    reason: str = ""  # of a transfer, a cancel, a miss
    score: int | None = None  # of a rating

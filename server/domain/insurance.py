"""The health-insurance check's answer, read (pure): which number a lookup asks about, what each
result code of the social-insurance gateway (``KQNhanLichSuKCB2024``'s ``maKetQua``,
research vn-health.md §2.3) means for the patient, for staff and for the figures.

The shell (``server/insurance/``) asks the gateway and submits the answer as a
``RecordInsuranceCheck`` by the system actor; the decider turns it into an ``InsuranceChecked``
event with the lines rendered here from the catalogue (``bhyt_*`` codes for the patient,
``bhyt_result.<code>`` for staff). ``insured`` is True or False when the answer says so about
the card, None when it says nothing about it (the lookup itself failed: our account, the
staff identity, the parameters, the gateway down), so the figures fall back on what was presented.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from .catalogue import messages
from .identity import Identity

Short = Annotated[str, msgspec.Meta(max_length=120)]

# maKetQua -> (the patient's catalogue code, insured, the staff line's key variant)
RESULTS: dict[str, tuple[str, bool | None, str]] = {
    "000": ("bhyt_valid", True, "000"),
    "001": ("bhyt_see_desk", True, "001"),
    "002": ("bhyt_see_desk", True, "002"),
    "003": ("bhyt_new_card", True, "003"),
    "004": ("bhyt_new_card", True, "004"),
    "010": ("bhyt_expired", False, "010"),
    "050": ("bhyt_not_found", False, "050"),
    "051": ("bhyt_see_desk", None, "051"),
    "052": ("bhyt_see_desk", None, "052"),
    "053": ("bhyt_see_desk", None, "053"),
    "054": ("bhyt_pending", None, "054"),
    "055": ("bhyt_pending", None, "055"),
    "060": ("bhyt_see_desk", None, "060"),
    "061": ("bhyt_see_desk", None, "060"),
    "070": ("bhyt_see_desk", None, "070"),
    "100": ("bhyt_pending", None, "100"),
    "101": ("bhyt_pending", None, "100"),
    "110": ("bhyt_stopped", False, "110"),
    "120": ("bhyt_stopped", False, "120"),
    "121": ("bhyt_stopped", False, "120"),
    "122": ("bhyt_stopped", False, "120"),
    "123": ("bhyt_stopped", False, "120"),
    "124": ("bhyt_stopped", False, "120"),
    "130": ("bhyt_see_desk", None, "130"),
    "205": ("bhyt_pending", None, "205"),
    "401": ("bhyt_pending", None, "401"),
    # the HIS's answer (server/insurance/his.py): a coverage in force, only ended ones, none recorded
    "H00": ("bhyt_valid", True, "h00"),
    "H10": ("bhyt_expired", False, "h10"),
    "H50": ("bhyt_pending", None, "h50"),
}
# the codes about the lookup rather than the card (our account, staff identity, parameters, the
# gateway's own error): never cached, the card is asked about again
ASK_AGAIN = frozenset({"054", "055", "100", "101", "205", "401", "H50"})


class Answer(msgspec.Struct, frozen=True, kw_only=True):
    """What the gateway said about a card (``code`` is its ``maKetQua``), or why it said
    nothing (``error``: a short reason such as "timeout", with ``code`` empty). For 003/004 the
    new card's number and dates are in ``new_card``, ``valid_from``, ``valid_to``, ``place``."""

    code: Annotated[str, msgspec.Meta(max_length=3)] = ""
    error: Short = ""
    valid_from: Short = ""  # dd/MM/yyyy as the gateway writes it
    valid_to: Short = ""
    place: Short = ""  # maDKBD, the place of first registration
    new_card: Short = ""


class Lines(msgspec.Struct, frozen=True):
    outcome: str  # the patient's catalogue code
    insured: bool | None
    patient_vi: str
    patient_en: str
    staff_vi: str
    staff_en: str


def card_number(identity: Identity | None) -> str:
    """The number a lookup asks about: the BHYT card's, else the personal ID number (the gateway
    takes either, and the 10-digit social-insurance number); "" for a passport or no identity."""
    if identity is None:
        return ""
    return identity.bhyt_number or identity.id_number


def cacheable(answer: Answer) -> bool:
    """Whether an answer stands for the rest of the day (it is about the card, not the lookup)."""
    return bool(answer.code) and not answer.error and answer.code not in ASK_AGAIN


def read(answer: Answer) -> Lines:
    """The patient's and staff's lines of an answer, and whether it says the patient is insured."""
    if answer.error or not answer.code:
        reason = answer.error or "?"
        staff = messages("bhyt_result.unreachable", {"reason": reason})
        return Lines("bhyt_pending", None, *messages("bhyt_pending", {}), *staff)
    outcome, insured, variant = RESULTS.get(answer.code, ("bhyt_see_desk", None, "unknown"))
    params: dict[str, object] = {
        "code": answer.code,
        "valid_from": answer.valid_from or "?",
        "valid_to": answer.valid_to or "?",
        "place": answer.place or "?",
        "new_card": answer.new_card or "?",
    }
    return Lines(
        outcome, insured, *messages(_patient_key(outcome, answer), params), *messages(f"bhyt_result.{variant}", params)
    )


def _patient_key(outcome: str, answer: Answer) -> str:
    """The patient's line says only what the answer gave: no "valid until ?" for a missing date."""
    if outcome == "bhyt_valid" and not answer.valid_to:
        return "bhyt_valid.plain"
    if outcome == "bhyt_valid" and not answer.place:
        return "bhyt_valid.until"
    if outcome == "bhyt_new_card" and not answer.valid_to:
        return "bhyt_new_card.plain"
    return outcome

"""The decider of a health-insurance check's answer (``RecordInsuranceCheck``, sent by the
system actor when the lookup ends, outside the writer): the ticket's ``InsuranceChecked`` with
the patient's and staff's lines (``insurance.read``). Only the system and an admin may send it
(``access.authorize``)."""

from __future__ import annotations

from collections.abc import Callable

from . import commands as cmd
from . import events as ev
from .access import Actor
from .faces import FaceMatch
from .find import ticket_of
from .insurance import read
from .state import QueueState


def _on_record_insurance_check(
    state: QueueState, command: cmd.RecordInsuranceCheck, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    t = ticket_of(state, command.label)
    a = command.answer
    lines = read(a)
    return [
        ev.InsuranceChecked(
            ticket=t.id,
            label=t.label,
            code=a.code,
            error=a.error,
            outcome=lines.outcome,
            insured=lines.insured,
            valid_from=a.valid_from,
            valid_to=a.valid_to,
            place=a.place,
            new_card=a.new_card,
            patient_vi=lines.patient_vi,
            patient_en=lines.patient_en,
            staff_vi=lines.staff_vi,
            staff_en=lines.staff_en,
        )
    ]


DECIDERS: dict[type, Callable[..., list[ev.Event]]] = {cmd.RecordInsuranceCheck: _on_record_insurance_check}

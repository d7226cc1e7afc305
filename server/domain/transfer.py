"""A ticket sent on, keeping its number: to another service's queue or to one counter. The
counter's transfer (``decide``) and the HIS's ``send_ticket`` (``his_inbound``) both judge it here."""

from __future__ import annotations

from . import events as ev
from .errors import TicketError, UnknownCounter, UnknownService
from .find import service_names
from .lifecycle import Action, transition
from .state import QueueState, Ticket
from .steps import LIVE


def transferred(
    state: QueueState,
    t: Ticket,
    to_service: str,
    to_counter: int | None,
    position: ev.Position,
    reason: str = "",
    fields: tuple[str, str] = ("to_service", "to_counter"),
) -> ev.TicketTransferred:
    """The transfer of ``t`` to ``to_service`` (at ``to_counter``, or any counter serving it),
    or the refusal naming ``fields`` (the service's and the counter's input)."""
    transition(t.status, Action.TRANSFER)
    service_field, counter_field = fields
    if state.config.service(to_service) is None:
        raise UnknownService(service_field)
    if to_counter is not None:
        target = state.config.counter(to_counter)
        if target is None:
            raise UnknownCounter(to_counter, counter_field)
        if to_service not in {s.code for s in target.services}:
            raise TicketError("wrong_counter.service", counter_field, counter=to_counter, service=to_service)
    elif not state.config.counters_for(to_service):
        raise TicketError("service_unavailable", service_field)
    if to_service == t.service and to_counter is None:
        raise TicketError("transfer_to_same", service_field)
    if any(s.service == to_service and s.id != t.step and s.status in LIVE for s in t.steps):
        name, name_en = service_names(state, to_service)  # one place per queue
        raise TicketError("step_duplicate", service_field, label=t.label, service=name, service_en=name_en)
    return ev.TicketTransferred(
        ticket=t.id,
        label=t.label,
        from_counter=t.counter,
        to_service=to_service,
        to_counter=to_counter,
        position=position,
        reason=reason.strip()[:200],
    )

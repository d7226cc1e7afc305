"""A visit's steps judged (issue 20; the rules of the steps themselves: ``steps.py``).

- ``send_on``: the room serving the patient sends them on to one or several next steps (lab and
  imaging together; with ``in_order`` one after another: the cashier, then the pharmacy) and,
  with ``come_back``, back to this room once those are all done; the step here ends
  (``ServiceFinished`` with ``visit_open``).
- ``order_step`` / ``order_result``: the HIS's order adds a step, its result marks it done
  (or the order is withdrawn); ``come_back`` returns the patient to the room they are in (or were
  last served in) once the orders are in.
- ``complete_step`` / ``cancel_step``: staff mark a step's result in, or cancel a step: staff of
  a counter that serves it or of the room that sent the patient there, or an administrator.

A step is never added for a service the visit still has a step to come for (``step_duplicate``):
one place in each queue.
"""

from __future__ import annotations

from collections.abc import Callable

from . import commands as cmd
from . import events as ev
from .access import Actor
from .config import Config
from .errors import ForbiddenError, TicketError, UnknownCounter, UnknownService
from .faces import FaceMatch
from .find import counter_of, current_of, service_names, ticket_of
from .his_inbound import his_map, his_room, his_service, ticket_by_key
from .lifecycle import ACTIVE, Status
from .state import QueueState, Ticket
from .steps import LIVE, MAX_STEPS, Step, find, goes_on

_AT_COUNTER = (Status.CALLED, Status.SERVING)


def visit_open(t: Ticket) -> bool:
    """Whether finishing ``t`` where it is now leaves steps to come (``ServiceFinished.visit_open``)."""
    return bool(t.steps) and goes_on(t.steps, t.step)


def _steps_of(t: Ticket) -> list[Step]:
    """The visit's steps, its own queue as step 0 when it has none yet."""
    return t.steps or [Step(id=0, service=t.service, counter=t.target_counter, status="active")]


def _next_id(t: Ticket) -> int:
    return max((s.id for s in t.steps), default=0) + 1


def _check_place(state: QueueState, service: str, counter: int | None, field: str) -> None:
    """``service`` is ours and served (at ``counter`` when one is given)."""
    if state.config.service(service) is None:
        raise UnknownService(f"{field}.service")
    if counter is not None:
        target = state.config.counter(counter)
        if target is None:
            raise UnknownCounter(counter, f"{field}.counter")
        if service not in {s.code for s in target.services}:
            raise TicketError("wrong_counter.service", f"{field}.counter", counter=counter, service=service)
    elif not state.config.counters_for(service):
        raise TicketError("service_unavailable", f"{field}.service")


def _check_new(state: QueueState, t: Ticket, services: list[str], leaving: int | None) -> None:
    """One place in each queue: no new step for a service still to come (but the step the patient
    leaves now), and no more than MAX_STEPS."""
    steps = _steps_of(t)
    coming = {s.service for s in steps if s.status in LIVE and s.id != leaving}
    for service in services:
        if service in coming:
            name, name_en = service_names(state, service)
            raise TicketError("step_duplicate", "steps", label=t.label, service=name, service_en=name_en)
        coming.add(service)
    if len(steps) + len(services) > MAX_STEPS:
        raise TicketError("step_limit", "steps", limit=MAX_STEPS)


def _on_send_on(
    state: QueueState, command: cmd.SendOn, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    t = ticket_of(state, command.label) if command.label else current_of(state, c)
    if t.counter != c.number or t.status not in _AT_COUNTER:
        raise TicketError("step_not_here", "label", label=t.label, counter=c.number)
    wanted: list[tuple[str, int | None]] = []
    for i, s in enumerate(command.steps):
        service, counter = s.service.strip(), s.counter or None
        _check_place(state, service, counter, f"steps[{i}]")
        wanted.append((service, counter))
    services = [w[0] for w in wanted]
    if command.come_back:
        services.append(t.service)
    current = t.step if t.steps else 0
    _check_new(state, t, services, current)
    first = _next_id(t)
    new = [
        ev.NewStep(id=first + i, service=svc, counter=counter, after=_before(first, i, command.in_order))
        for i, (svc, counter) in enumerate(wanted)
    ]
    if command.come_back:  # after all of them (in order: the last one cancelled early must not open it)
        back = ev.NewStep(
            id=first + len(new),
            service=t.service,
            counter=c.number,
            after=[s.id for s in new],
            returning=True,
            reason=command.reason.strip()[:200],
        )
        new.append(back)
    return [
        ev.StepsAdded(ticket=t.id, label=t.label, steps=new, from_counter=c.number),
        ev.ServiceFinished(ticket=t.id, label=t.label, counter=c.number, visit_open=True),
    ]


def _before(first: int, i: int, in_order: bool) -> list[int]:
    """What the ``i``-th step sent on waits for: nothing (at the same time), or in order every
    step sent before it (not only the one just before: that one cancelled while it waits must
    not let this one open before the earlier ones end)."""
    return list(range(first, first + i)) if in_order else []


def _return_room(state: QueueState, t: Ticket) -> int | None:
    """The room a patient comes back to: the one a return already waits for (the doctor awaiting
    their results), else the exam room (``kind = "room"``) they are in or were last served in,
    else the counter they are at or were last served at."""
    waiting = [s.counter for s in t.steps if s.status == "pending" and s.returning]
    if waiting:
        return waiting[-1]
    seen = [t.counter] if t.status in _AT_COUNTER else []
    seen += [s.served_by for s in reversed(t.steps) if s.served_by is not None]
    places = [c for c in [*seen, t.last_counter] if c is not None]
    rooms = [c for c in places if (cfg := state.config.counter(c)) is not None and cfg.kind == "room"]
    return next(iter(rooms or places), None)


def _on_order_step(
    state: QueueState, command: cmd.OrderStep, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    t = ticket_by_key(state, command.key)
    if t.status not in ACTIVE:
        raise TicketError("step_visit_over", "key", label=t.label)
    order = command.order.strip()
    if any(s.order == order for s in t.steps):  # the same order again: nothing new
        return []
    mapping = his_map(state, actor)
    counter = his_room(state, mapping, command.counter, command.his_room.strip(), "counter")
    if command.service:
        service = his_service(state, mapping, command.service.strip())
    elif counter is not None:
        service = state.config.counter(counter).services[0].code  # type: ignore[union-attr]
    else:
        raise TicketError("his_send_target", "service")
    _check_place(state, service, counter, "order")
    step = ev.NewStep(
        id=_next_id(t), service=service, counter=counter, order=order, needs_result=True, reason=command.reason.strip()
    )
    new = [step]
    room = _return_room(state, t) if command.come_back else None
    pending = [s for s in t.steps if s.status == "pending" and s.returning and s.counter == room]
    services = [service]
    leaves = t.status in _AT_COUNTER and room is not None and t.counter == room
    if room is not None and not pending:
        room_service = t.service if leaves else _room_service(state, t, room)
        services.append(room_service)
        new.append(
            ev.NewStep(id=step.id + 1, service=room_service, counter=room, after=[step.id], returning=True, reason="")
        )
    _check_new(state, t, services, t.step if leaves else None)
    events: list[ev.Event] = [
        ev.StepsAdded(ticket=t.id, label=t.label, steps=new, hold=[s.id for s in pending], from_counter=room)
    ]
    if leaves:  # the patient leaves the room for the order
        assert t.counter is not None
        events.append(ev.ServiceFinished(ticket=t.id, label=t.label, counter=t.counter, visit_open=True))
    return events


def _room_service(state: QueueState, t: Ticket, room: int) -> str:
    """The service a patient is seen for in ``room``: the one they were served for there, else the room's first."""
    served = [s.service for s in t.steps if s.served_by == room]
    if served:
        return served[-1]
    return state.config.counter(room).services[0].code  # type: ignore[union-attr]


def _by_order(t: Ticket, order: str) -> Step:
    s = next((s for s in t.steps if s.order == order), None)
    if s is None:
        raise TicketError("step_order_unknown", "order", label=t.label, order=order[:64])
    return s


def _ended(t: Ticket, s: Step, done: bool, reason: str) -> list[ev.Event]:
    """The event that ends step ``s`` (never the step the patient is at; nothing when it has ended)."""
    if s.status in ("done", "cancelled"):
        return []
    if s.status == "active":
        raise TicketError("step_active", "step", label=t.label, step=s.id)
    if done:
        return [ev.StepCompleted(ticket=t.id, label=t.label, step=s.id)]
    return [ev.StepCancelled(ticket=t.id, label=t.label, step=s.id, reason=reason.strip()[:200])]


def _on_order_result(
    state: QueueState, command: cmd.OrderResult, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    t = ticket_by_key(state, command.key)
    s = _by_order(t, command.order.strip())
    return _ended(t, s, command.outcome == "done", command.reason)


def _step(t: Ticket, step: int) -> Step:
    s = find(t.steps, step)
    if s is None:
        raise TicketError("step_unknown", "step", label=t.label, step=step)
    return s


def may_end_step(config: Config, actor: Actor, s: Step) -> bool:
    """Who may mark a step's result in or cancel it: staff of a counter that serves the step (the
    room it names, if it names one) or of the room that sent the patient to it, and
    administrators. The one rule: the commands are judged with it, and the staff view of a
    visit's steps (``server/views.py``) offers the buttons with it."""
    if actor.role != "counter":
        return True  # administrators and the system (the role allows no one else: access.py)
    for n in actor.counters:
        c = config.counter(n)
        serves = c is not None and s.service in {x.code for x in c.services} and s.counter in (None, n)
        if serves or n == s.from_counter:
            return True
    return False


def _may_end(state: QueueState, actor: Actor, t: Ticket, s: Step) -> None:
    """Any counter ``may_end_step`` does not allow is refused (``forbidden_step``)."""
    if may_end_step(state.config, actor, s):
        return
    name, name_en = service_names(state, s.service)
    counters = ", ".join(str(n) for n in actor.counters)
    raise ForbiddenError("forbidden_step", "step", label=t.label, service=name, service_en=name_en, counter=counters)


def _on_complete_step(
    state: QueueState, command: cmd.CompleteStep, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    t = ticket_of(state, command.label)
    s = _step(t, command.step)
    _may_end(state, actor, t, s)
    if s.status in ("done", "cancelled"):
        raise TicketError("step_over", "step", label=t.label, step=s.id)
    return _ended(t, s, True, "")


def _on_cancel_step(
    state: QueueState, command: cmd.CancelStep, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    t = ticket_of(state, command.label)
    s = _step(t, command.step)
    _may_end(state, actor, t, s)
    if s.status in ("done", "cancelled"):
        raise TicketError("step_over", "step", label=t.label, step=s.id)
    return _ended(t, s, False, command.reason)


DECIDERS: dict[type, Callable[..., list[ev.Event]]] = {
    cmd.SendOn: _on_send_on,
    cmd.OrderStep: _on_order_step,
    cmd.OrderResult: _on_order_result,
    cmd.CompleteStep: _on_complete_step,
    cmd.CancelStep: _on_cancel_step,
}

"""The deciders of counters and their calls (``decide``'s table names them): open, close, pause
and resume a counter; call the next or a given number, recall, start, finish, miss, park and
unpark, transfer. A counter's cycle, each a short judgement on the counter's ticket."""

from __future__ import annotations

from . import commands as cmd
from . import events as ev
from . import journey
from .access import Actor
from .errors import CounterError, TicketError
from .faces import FaceMatch
from .find import counter_of, current_of, open_counter, service_names, ticket_of
from .lifecycle import Action, CounterAction, Status, counter_transition, transition
from .ordering import Choice, choose_next
from .state import CounterState, QueueState, Ticket
from .steps import LIVE, find, open_here
from .transfer import transferred


def _free(c: CounterState) -> None:
    if c.current is not None:
        raise CounterError("counter_busy", "counter", counter=c.number)


def _call(state: QueueState, choice: Choice, counter: int) -> ev.TicketCalled:
    t = state.tickets[choice.ticket]
    step = find(t.steps, choice.step) if choice.step is not None else None
    return ev.TicketCalled(
        ticket=t.id,
        label=t.label,
        service=t.service if step is None else step.service,
        counter=counter,
        rule=choice.rule,
        reason_vi=choice.reason_vi,
        reason_en=choice.reason_en,
        klass=choice.klass,
        step=choice.step,
        returning=choice.returning,
    )


def _call_next(state: QueueState, c: CounterState, now: float) -> ev.TicketCalled:
    choice = choose_next(state, c.number, now)
    if choice is None:
        raise TicketError("queue_empty")
    return _call(state, choice, c.number)


def on_open_counter(
    state: QueueState, command: cmd.OpenCounter, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    counter_transition(c.status, CounterAction.OPEN, c.number)
    return [ev.CounterOpened(counter=c.number, staff=actor.name)]


def on_close_counter(
    state: QueueState, command: cmd.CloseCounter, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    counter_transition(c.status, CounterAction.CLOSE, c.number)
    _free(c)
    return [ev.CounterClosed(counter=c.number)]


def on_pause_counter(
    state: QueueState, command: cmd.PauseCounter, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    counter_transition(c.status, CounterAction.PAUSE, c.number)
    return [ev.CounterPaused(counter=c.number, reason=command.reason.strip()[:200])]


def on_resume_counter(
    state: QueueState, command: cmd.ResumeCounter, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    counter_transition(c.status, CounterAction.RESUME, c.number)
    return [ev.CounterResumed(counter=c.number)]


def on_call_next(
    state: QueueState, command: cmd.CallNext, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = open_counter(state, command.counter)
    _free(c)
    return [_call_next(state, c, now)]


def on_call_number(
    state: QueueState, command: cmd.CallNumber, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = open_counter(state, command.counter)
    _free(c)
    t = ticket_of(state, command.label)
    transition(t.status, Action.CALL)
    served = state.config.counter(c.number)
    assert served is not None
    codes = [s.code for s in served.services]
    klass = t.klass(state.config.priority.honour_unconfirmed)
    if t.steps:  # a visit of several steps: the step it waits for here
        step = open_here(t.steps, codes, c.number)
        if step is None:
            _not_yet(state, t, codes, c.number)
            raise TicketError("wrong_counter", "label", counter=c.number, label=t.label)
        choice = Choice(ticket=t.id, rule="specific_number", klass=klass, step=step.id, returning=step.returning)
        return [_call(state, choice, c.number)]
    if t.service not in codes:
        raise TicketError("wrong_counter", "label", counter=c.number, label=t.label)
    return [_call(state, Choice(ticket=t.id, rule="specific_number", klass=klass), c.number)]


def _not_yet(state: QueueState, t: Ticket, codes: list[str], counter: int) -> None:
    """Refuse the call of a step here that still waits for others, saying for what: a return
    for its results, a step sent on in order for the steps before it (the pharmacy for the
    cashier)."""
    later = next(
        (s for s in t.steps if s.status == "pending" and s.service in codes and s.counter in (None, counter)), None
    )
    if later is None:
        return
    before = [s for s in t.steps if s.id in later.after and s.status in LIVE]
    if later.returning:
        raise TicketError("step_pending", "label", label=t.label, waiting=", ".join(s.service for s in before))
    names = [service_names(state, s.service) for s in before]
    waiting, waiting_en = ", ".join(n[0] for n in names), ", ".join(n[1] for n in names)
    raise TicketError("step_pending.after", "label", label=t.label, waiting=waiting, waiting_en=waiting_en)


def on_recall(
    state: QueueState, command: cmd.Recall, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = open_counter(state, command.counter)
    t = current_of(state, c)
    transition(t.status, Action.RECALL)
    if t.recalls >= state.config.queue.max_recalls:
        return [ev.TicketMissed(ticket=t.id, label=t.label, counter=c.number, reason="recall_limit")]
    return [ev.TicketRecalled(ticket=t.id, label=t.label, counter=c.number, count=t.recalls + 1)]


def on_start_service(
    state: QueueState, command: cmd.StartService, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    t = current_of(state, c)
    transition(t.status, Action.START)
    return [ev.ServiceStarted(ticket=t.id, label=t.label, counter=c.number)]


def on_finish_service(
    state: QueueState, command: cmd.FinishService, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    t = current_of(state, c)
    transition(t.status, Action.FINISH)
    return [ev.ServiceFinished(ticket=t.id, label=t.label, counter=c.number, visit_open=journey.visit_open(t))]


def on_finish_and_call_next(
    state: QueueState, command: cmd.FinishAndCallNext, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = open_counter(state, command.counter)
    t = current_of(state, c)
    transition(t.status, Action.FINISH)
    finished = ev.ServiceFinished(ticket=t.id, label=t.label, counter=c.number, visit_open=journey.visit_open(t))
    choice = choose_next(state, c.number, now)
    return [finished] if choice is None else [finished, _call(state, choice, c.number)]


def on_mark_missed(
    state: QueueState, command: cmd.MarkMissed, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    t = current_of(state, c)
    transition(t.status, Action.MISS)
    return [ev.TicketMissed(ticket=t.id, label=t.label, counter=c.number)]


def on_transfer(
    state: QueueState, command: cmd.Transfer, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    t = ticket_of(state, command.label) if command.label else current_of(state, c)
    if t.steps and t.status is Status.WAITING:  # a visit waiting in several queues: its current step moves
        services = [s.code for s in state.config.counter(c.number).services]  # type: ignore[union-attr]
        here = open_here(t.steps, services, c.number)
        if here is not None and here.id != t.step:  # not the place in this counter's queue
            name, name_en = service_names(state, t.service)
            raise TicketError(
                "step_elsewhere", "label", label=t.label, counter=c.number, service=name, service_en=name_en
            )
    to_service = command.to_service or t.service
    return [transferred(state, t, to_service, command.to_counter or None, command.position)]


def on_park_ticket(
    state: QueueState, command: cmd.ParkTicket, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = counter_of(state, command.counter)
    t = current_of(state, c)
    transition(t.status, Action.PARK)
    return [ev.TicketParked(ticket=t.id, label=t.label, counter=c.number)]


def on_unpark_ticket(
    state: QueueState, command: cmd.UnparkTicket, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    c = open_counter(state, command.counter)
    _free(c)
    t = ticket_of(state, command.label)
    if t.id not in c.parked:
        raise TicketError("not_parked_here", "label", label=t.label, counter=c.number)
    return [ev.TicketUnparked(ticket=t.id, label=t.label, counter=c.number)]

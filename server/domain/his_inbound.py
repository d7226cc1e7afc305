"""What a hospital information system (HIS) asks of the queue (docs/his.md, the inbound API of
``server/routes/his.py``): record what it made of a check-in, send a patient on keeping the
number, end the episode, and map its codes to ours. Each is a command of the HIS's link (actor
``his:<name>``); a ticket is named by its key ``<site>-<YYYYMMDD>-<ticket id>``, as in every
message the HIS is sent.

How ``end_episode`` ends a ticket, by its status (the transition table allows no more):

=========  ==========================  ==========================
status     outcome ``finished``        outcome ``cancelled``
=========  ==========================  ==========================
waiting    cancelled (reason kept)     cancelled
called     finished at its counter     cancelled
serving    finished at its counter     finished (its service has begun)
parked     cancelled                   cancelled
missed     cancelled                   cancelled
over       nothing: no event, the ticket as it is (done, cancelled, expired)
=========  ==========================  ==========================
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import commands as cmd
from . import events as ev
from .access import Actor
from .errors import DomainError, TicketError, UnknownCounter, UnknownService
from .faces import FaceMatch
from .lifecycle import FINAL, Status
from .state import HisMap, QueueState, Ticket
from .transfer import transferred

KEY = re.compile(r"^(?P<site>[A-Za-z0-9_]{1,20})-(?P<day>\d{8})-(?P<ticket>[1-9]\d{0,11})$")


def parse_ticket_key(key: str) -> tuple[str, str, int] | None:
    """The site, the day (YYYY-MM-DD) and the ticket id of a key, or None if it is not one."""
    m = KEY.match(key)
    if m is None:
        return None
    d = m["day"]
    return m["site"], f"{d[:4]}-{d[4:6]}-{d[6:]}", int(m["ticket"])


def ticket_by_key(state: QueueState, key: str) -> Ticket:
    """Today's ticket of ``key`` (its site is the route's to check), or ``unknown_ticket`` (404)."""
    parsed = parse_ticket_key(key)
    t = state.tickets.get(parsed[2]) if parsed is not None and parsed[1] == state.day else None
    if t is None:
        raise TicketError("unknown_ticket.key", "key", name=key[:64])
    return t


def his_map(state: QueueState, actor: Actor) -> HisMap:
    return state.his_maps.get(actor.name) or HisMap()


def his_room(state: QueueState, his: HisMap, room: int | None, his_room: str, field: str) -> int | None:
    """Our counter: ``room`` itself, else the counter ``his_room`` is mapped to, else None."""
    if room is None and his_room in his.rooms:
        room, field = his.rooms[his_room], "his_room"
    if room is not None and state.config.counter(room) is None:
        raise UnknownCounter(room, field)
    return room


def his_service(state: QueueState, his: HisMap, code: str) -> str:
    """Our service for ``code``: the HIS's code mapped, else our own code."""
    ours = his.services.get(code, code)
    if state.config.service(ours) is None:
        raise UnknownService("service")
    return ours


def _on_record_registration(
    state: QueueState, command: cmd.RecordRegistration, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    t = ticket_by_key(state, command.key)
    named = command.his_room.strip()
    room = his_room(state, his_map(state, actor), command.room, named, "room")
    return [
        ev.HisRegistrationRecorded(
            ticket=t.id,
            label=t.label,
            patient_code=command.patient_code.strip(),
            episode=command.episode.strip(),
            room=room,
            his_room=named,
            insured=command.insured,
        )
    ]


def _on_send_ticket(
    state: QueueState, command: cmd.SendTicket, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    t = ticket_by_key(state, command.key)
    his = his_map(state, actor)
    counter = his_room(state, his, command.counter, command.his_room.strip(), "counter")
    if command.service:
        service = his_service(state, his, command.service.strip())
    elif counter is not None:  # a room alone: its service for this ticket, else the room's first
        served = [s.code for s in state.config.counter(counter).services]  # type: ignore[union-attr]
        service = t.service if t.service in served else served[0]
    else:
        raise TicketError("his_send_target", "service")
    sent = transferred(state, t, service, counter, command.position, command.reason, ("service", "counter"))
    named = command.his_room.strip()
    if (t.room, t.his_room) == (counter, named):
        return [sent]
    # the room it was given before is left behind: the one it goes to now (or none)
    moved = ev.HisRegistrationRecorded(
        ticket=t.id, label=t.label, patient_code=t.patient_code, episode=t.episode, room=counter, his_room=named
    )
    return [sent, moved]


def end_events(t: Ticket, outcome: str, reason: str) -> list[ev.Event]:
    """The events that end ``t``'s episode (the table at the top of this module)."""
    if t.status in FINAL:
        return []
    finishes = t.status is Status.SERVING or (t.status is Status.CALLED and outcome == "finished")
    if finishes:
        assert t.counter is not None  # called and serving tickets are at a counter
        return [ev.ServiceFinished(ticket=t.id, label=t.label, counter=t.counter)]
    text = reason.strip()[:200] or f"HIS: {outcome}"
    return [ev.TicketCancelled(ticket=t.id, label=t.label, reason=text)]


def _on_end_episode(
    state: QueueState, command: cmd.EndEpisode, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    return end_events(ticket_by_key(state, command.key), command.outcome, command.reason)


def _invalid(where: str, vi: str, en: str) -> DomainError:
    return DomainError("his_mapping_invalid", where, where=where, detail_vi=vi, detail_en=en)


def _check_mapping(state: QueueState, c: cmd.LoadHisMapping) -> None:
    """Every line names a department, counter and service of ours, each HIS code once."""
    cfg = state.config
    departments = {d.code for d in cfg.departments}
    tables: list[tuple[str, list[Any], str, Callable[[Any], bool]]] = [
        ("departments", c.departments, "department", lambda x: x.department in departments),
        ("rooms", c.rooms, "counter", lambda x: cfg.counter(x.counter) is not None),
        ("services", c.services, "service", lambda x: cfg.service(x.service) is not None),
    ]
    for name, rows, ours, known in tables:
        seen: set[str] = set()
        for i, row in enumerate(rows):
            theirs = row.his_room if name == "rooms" else row.his_code
            if theirs in seen:
                raise _invalid(f"{name}[{i}]", f"mã {theirs} bị lặp", f"the code {theirs} is repeated")
            seen.add(theirs)
            if not known(row):
                raise _invalid(f"{name}[{i}].{ours}", "không có trong cấu hình", "not in the configuration")


def _on_load_his_mapping(
    state: QueueState, command: cmd.LoadHisMapping, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    _check_mapping(state, command)
    return [
        ev.HisMappingLoaded(
            link=actor.name,
            departments=list(command.departments),
            rooms=list(command.rooms),
            services=list(command.services),
        )
    ]


def answer(state: QueueState, command: cmd.AnyCommand) -> dict[str, Any] | None:
    """What the HIS is answered (and, for the same message again, answered again): the ticket
    as it stands after the command, or the mapping's sizes; None for any other command."""
    if isinstance(command, cmd.LoadBookings):
        return {"day": command.day, "bookings": len(command.bookings)}
    if isinstance(command, cmd.LoadHisMapping):
        return {"departments": len(command.departments), "rooms": len(command.rooms), "services": len(command.services)}
    if not isinstance(
        command, cmd.RecordRegistration | cmd.SendTicket | cmd.EndEpisode | cmd.OrderStep | cmd.OrderResult
    ):
        return None
    t = ticket_by_key(state, command.key)
    return {
        "key": command.key,
        "label": t.label,
        "status": t.status.value,
        "service": t.service,
        "counter": t.counter,
        "target_counter": t.target_counter,
        "patient_code": t.patient_code,
        "episode": t.episode,
        "room": t.room,
        "his_room": t.his_room,
        "steps": [
            {
                "id": s.id,
                "service": s.service,
                "status": s.status,
                "counter": s.counter,
                "order": s.order,
                "returning": s.returning,
            }
            for s in t.steps
        ],
    }


DECIDERS: dict[type, Callable[..., list[ev.Event]]] = {
    cmd.RecordRegistration: _on_record_registration,
    cmd.SendTicket: _on_send_ticket,
    cmd.EndEpisode: _on_end_episode,
    cmd.LoadHisMapping: _on_load_his_mapping,
}

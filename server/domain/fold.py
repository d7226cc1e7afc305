"""The fold of the event log: :func:`apply` folds one record into the state, through a table of
one fold per event type (``_APPLY``); the folds of a ticket's events are in ``ticket_fold.py``,
of a visit's steps in ``visit_fold.py``, the others (counters, configuration, staff, devices, the
HIS's codes, bookings, the day's start) here.

``apply`` updates the state in place (one writer owns it; replaying a million events must be
fast) and returns it. It never refuses: every check happened in ``decide`` before the event was
written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import events as ev
from . import ticket_fold, visit_fold
from .config import Config
from .lifecycle import Action
from .state import Device, HisMap, QueueState, StaffAccount, booking_key
from .waiting import change

_EXPIRE = Action.EXPIRE


def _on_bookings_loaded(state: QueueState, e: ev.BookingsLoaded, at: float) -> None:
    prefix = booking_key(e.source, "")
    bookings = {k: b for k, b in state.bookings.items() if not k.startswith(prefix)}
    for b in e.bookings:
        bookings[booking_key(e.source, b.id)] = b
    state.bookings = bookings
    booked: dict[str, list[str]] = {}
    for k, b in bookings.items():
        for person in (f"id:{b.id_number}" if b.id_number else "", f"bhyt:{b.bhyt_number}" if b.bhyt_number else ""):
            if person:
                booked.setdefault(person, []).append(k)
    state.booked = booked


def _on_day_started(state: QueueState, e: ev.DayStarted, at: float) -> None:
    _start_day(state, e)


def _on_counter_opened(state: QueueState, e: ev.CounterOpened, at: float) -> None:
    c = state.counters[e.counter]
    c.status, c.staff, c.pause_reason = "open", e.staff, ""


def _on_counter_taken_over(state: QueueState, e: ev.CounterTakenOver, at: float) -> None:
    state.counters[e.counter].staff = e.staff


def _on_counter_closed(state: QueueState, e: ev.CounterClosed, at: float) -> None:
    c = state.counters[e.counter]
    c.status, c.staff, c.pause_reason = "closed", "", ""


def _on_counter_paused(state: QueueState, e: ev.CounterPaused, at: float) -> None:
    c = state.counters[e.counter]
    c.status, c.pause_reason = "paused", e.reason


def _on_counter_resumed(state: QueueState, e: ev.CounterResumed, at: float) -> None:
    c = state.counters[e.counter]
    c.status, c.pause_reason = "open", ""


def _on_config_replaced(state: QueueState, e: ev.ConfigReplaced, at: float) -> None:
    state.config = e.config
    if e.from_file:
        state.file_config = e.config
    state._sync_counters()


def _on_staff_created(state: QueueState, e: ev.StaffCreated, at: float) -> None:
    state.staff[e.username] = StaffAccount(
        username=e.username,
        full_name=e.full_name,
        role=e.role,
        counters=list(e.counters),
        password_hash=e.password_hash,
        must_change_password=e.must_change_password,
    )


def _on_staff_password_set(state: QueueState, e: ev.StaffPasswordSet, at: float) -> None:
    account = state.staff[e.username]
    account.password_hash = e.password_hash
    account.must_change_password = False


def _on_staff_active_set(state: QueueState, e: ev.StaffActiveSet, at: float) -> None:
    state.staff[e.username].active = e.active


def _on_device_registered(state: QueueState, e: ev.DeviceRegistered, at: float) -> None:
    state.devices[e.device] = Device(
        device=e.device, kind=e.kind, name=e.name, zone=e.zone, token_hash=e.token_hash, counter=e.counter
    )


def _on_device_revoked(state: QueueState, e: ev.DeviceRevoked, at: float) -> None:
    state.devices[e.device].active = False


def _on_device_printer_set(state: QueueState, e: ev.DevicePrinterSet, at: float) -> None:
    state.devices[e.device].printer = e.printer


def _on_his_mapping_loaded(state: QueueState, e: ev.HisMappingLoaded, at: float) -> None:
    state.his_maps[e.link] = HisMap(
        departments={d.his_code: d.department for d in e.departments},
        rooms={r.his_room: r.counter for r in e.rooms},
        services={s.his_code: s.service for s in e.services},
    )


_APPLY: dict[type, Callable[[QueueState, Any, float], None]] = {
    ev.TicketIssued: ticket_fold.on_ticket_issued,
    ev.TicketCalled: ticket_fold.on_ticket_called,
    ev.TicketRecalled: ticket_fold.on_ticket_recalled,
    ev.ServiceStarted: ticket_fold.on_service_started,
    ev.ServiceFinished: ticket_fold.on_service_finished,
    ev.TicketMissed: ticket_fold.on_ticket_missed,
    ev.TicketReactivated: ticket_fold.on_ticket_reactivated,
    ev.TicketTransferred: ticket_fold.on_ticket_transferred,
    ev.TicketParked: ticket_fold.on_ticket_parked,
    ev.TicketUnparked: ticket_fold.on_ticket_unparked,
    ev.TicketCancelled: ticket_fold.on_ticket_cancelled,
    ev.PriorityReviewed: ticket_fold.on_priority_reviewed,
    ev.FaceReviewed: ticket_fold.on_face_reviewed,
    ev.IdentityChecked: ticket_fold.on_identity_checked,
    ev.InsuranceChecked: ticket_fold.on_insurance_checked,
    ev.RatingRequested: lambda state, e, at: None,  # for the rating screen; no state
    ev.TicketRated: ticket_fold.on_ticket_rated,
    ev.DayStarted: _on_day_started,
    ev.CounterOpened: _on_counter_opened,
    ev.CounterTakenOver: _on_counter_taken_over,
    ev.CounterClosed: _on_counter_closed,
    ev.CounterPaused: _on_counter_paused,
    ev.CounterResumed: _on_counter_resumed,
    ev.ConfigReplaced: _on_config_replaced,
    ev.StaffCreated: _on_staff_created,
    ev.StaffPasswordSet: _on_staff_password_set,
    ev.StaffActiveSet: _on_staff_active_set,
    ev.DeviceRegistered: _on_device_registered,
    ev.DeviceRevoked: _on_device_revoked,
    ev.DevicePrinterSet: _on_device_printer_set,
    ev.BookingsLoaded: _on_bookings_loaded,
    ev.HisRegistrationRecorded: ticket_fold.on_his_registration_recorded,
    ev.HisMappingLoaded: _on_his_mapping_loaded,
    ev.StepsAdded: visit_fold.on_steps_added,
    ev.StepCompleted: visit_fold.on_step_ended,
    ev.StepCancelled: visit_fold.on_step_ended,
}


def apply(state: QueueState, record: ev.Record) -> QueueState:
    """Fold one record into the state (in place) and return it."""
    state.seq = record.seq
    _APPLY[type(record.event)](state, record.event, record.at)
    return state


def apply_all(state: QueueState, records: Sequence[ev.Record]) -> QueueState:
    """Fold records in order: the same as :func:`apply` on each, in one loop (the replay at start).
    No handler reads ``state.seq``, so it is set once, to the last record's."""
    table = _APPLY
    for r in records:
        e = r.event
        table[type(e)](state, e, r.at)
    if records:
        state.seq = records[-1].seq
    return state


def _start_day(state: QueueState, e: ev.DayStarted) -> None:
    """A new local day: expire what is still open, forget the old day's tickets, reset numbers."""
    for tid in e.expired:
        t = state.tickets[tid]
        change(state, t, _EXPIRE)
    daily = {s.code for s in state.config.services if s.daily_reset}
    state.numbers = {k: v for k, v in state.numbers.items() if k not in daily}
    state.tickets = {}
    state.labels = {}
    state.waiting = {}
    state.kinds = {}
    state.targeted = {}
    state.active_by_person = {}
    state.bookings, state.bookings_used, state.booked = {}, {}, {}
    state.last_calls = []
    for c in state.counters.values():
        c.current = None
        c.parked = []
        c.served = 0
        c.cycle_priority = c.cycle_normal = 0
        c.cycle_return = c.cycle_new = c.run_return = 0
    state.day = e.day


def fold(config: Config, records: list[ev.Record]) -> QueueState:
    return apply_all(QueueState(config=config), records)

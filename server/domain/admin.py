"""Deciders of the administration commands: the configuration replaced, staff accounts and
devices registered or revoked, a kiosk's printer set."""

from __future__ import annotations

import re
from collections.abc import Callable

from . import commands as cmd
from . import events as ev
from .access import Actor
from .config import Config
from .config_check import validate_config
from .config_diff import config_changes
from .errors import DomainError
from .faces import FaceMatch
from .find import counter_of
from .lifecycle import ACTIVE
from .printers import parse_printer
from .state import QueueState
from .steps import LIVE

# 1-32 ASCII letters, digits, dots, hyphens and underscores, starting and ending with a letter or
# a digit ("lan", "dd.lan", "bs-tuan_2")
USERNAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,30}[A-Za-z0-9])?")


def _check_replacement(state: QueueState, new: Config) -> Config:
    """A new configuration may not remove a counter or service that today's tickets still use."""
    counters = {c.number for c in new.counters}
    services = {s.code for s in new.services}
    for t in state.tickets.values():
        if t.status not in ACTIVE:
            continue
        to_come = [(s.service, s.counter) for s in t.steps if s.status in LIVE]  # a visit's steps still to come
        for service in {t.service, *(place[0] for place in to_come)}:
            if service not in services:
                raise DomainError("service_in_use", "services", service=service, label=t.label)
        for n in (t.counter, t.target_counter, *(place[1] for place in to_come)):
            if n is not None and n not in counters:
                raise DomainError("counter_in_use", "counters", counter=n, label=t.label)
    return new


def _on_replace_config(
    state: QueueState, command: cmd.ReplaceConfig, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    config = _check_replacement(state, validate_config(command.config))
    changes = config_changes(state.config, config)
    return [ev.ConfigReplaced(config=config, from_file=command.from_file and actor.role == "system", changes=changes)]


def _on_create_staff(
    state: QueueState, command: cmd.CreateStaff, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    if command.username in state.staff:
        raise DomainError("staff_exists", "username")
    if not USERNAME.fullmatch(command.username):
        raise DomainError("invalid_username", "username")
    for n in command.counters:
        counter_of(state, n)
    return [
        ev.StaffCreated(
            username=command.username,
            full_name=command.full_name.strip(),
            role=command.role,
            counters=list(command.counters),
            password_hash=command.password_hash,
            must_change_password=command.must_change_password and actor.role == "system",
        )
    ]


def _on_set_staff_password_or_active(
    state: QueueState,
    command: cmd.SetStaffPassword | cmd.SetStaffActive,
    now: float,
    actor: Actor,
    match: FaceMatch | None,
) -> list[ev.Event]:
    if command.username not in state.staff:
        raise DomainError("unknown_staff", "username")
    if isinstance(command, cmd.SetStaffPassword):
        return [ev.StaffPasswordSet(username=command.username, password_hash=command.password_hash)]
    if not command.active:  # nobody locks the house with everyone outside
        if actor.name == f"staff:{command.username}":
            raise DomainError("last_admin.self", "username")
        admins = [a for a in state.staff.values() if a.role == "admin" and a.active]
        if [a.username for a in admins] == [command.username]:
            raise DomainError("last_admin", "username")
    return [ev.StaffActiveSet(username=command.username, active=command.active)]


BOUND = ("rating", "door")  # the device kinds bound to one counter or room (and only they)


def _on_register_device(
    state: QueueState, command: cmd.RegisterDevice, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    if command.device in state.devices:
        raise DomainError("device_exists", "device")
    if command.zone and command.zone not in {z.code for z in state.config.zones}:
        raise DomainError("unknown_zone", "zone")
    if (command.kind in BOUND) != (command.counter is not None) or (
        command.counter is not None and state.config.counter(command.counter) is None
    ):
        raise DomainError("unknown_counter.rating", "counter")
    return [
        ev.DeviceRegistered(
            device=command.device,
            kind=command.kind,
            name=command.name,
            zone=command.zone,
            token_hash=command.token_hash,
            counter=command.counter,
        )
    ]


def _on_revoke_device(
    state: QueueState, command: cmd.RevokeDevice, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    if command.device not in state.devices:
        raise DomainError("unknown_device", "device")
    return [ev.DeviceRevoked(device=command.device)]


def _on_set_device_printer(
    state: QueueState, command: cmd.SetDevicePrinter, now: float, actor: Actor, match: FaceMatch | None
) -> list[ev.Event]:
    device = state.devices.get(command.device)
    if device is None:
        raise DomainError("unknown_device", "device")
    if device.kind != "kiosk":
        raise DomainError("printer_not_kiosk", "device")
    return [ev.DevicePrinterSet(device=command.device, printer=str(parse_printer(command.printer)))]


DECIDERS: dict[type, Callable[..., list[ev.Event]]] = {
    cmd.ReplaceConfig: _on_replace_config,
    cmd.CreateStaff: _on_create_staff,
    cmd.SetStaffPassword: _on_set_staff_password_or_active,
    cmd.SetStaffActive: _on_set_staff_password_or_active,
    cmd.RegisterDevice: _on_register_device,
    cmd.RevokeDevice: _on_revoke_device,
    cmd.SetDevicePrinter: _on_set_device_printer,
}

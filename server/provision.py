"""First run: an administrator account (its password written to a file only the server's user
can read), and in demo mode a kiosk, a TV per zone, a rating screen and a door screen for the
first room, with their URLs."""

from __future__ import annotations

import asyncio
import logging
import os

from . import auth
from .domain import commands as cmd
from .domain.access import SYSTEM
from .domain.events import DeviceKind
from .routes.http import submit
from .services import Services

log = logging.getLogger("server")


async def bootstrap(services: Services) -> None:
    hub, settings = services.hub, services.settings
    if not any(s.role == "admin" for s in hub.state.staff.values()):
        password = settings.admin_password or auth.new_token()[:16]
        command = cmd.CreateStaff(
            username="admin",
            full_name="Quản trị viên",
            role="admin",
            password_hash=await asyncio.to_thread(auth.hash_password, password),
            must_change_password=not settings.admin_password,  # the generated one: asked to change it
        )
        await submit(services, command, SYSTEM)
        if not settings.admin_password:
            path = settings.data_dir / "admin-password.txt"
            path.write_text(password + "\n")
            os.chmod(path, 0o600)
            log.warning("first run: administrator 'admin', password written to %s", path)
    if settings.demo and not hub.state.devices:
        lines = ["# Demo devices: open these URLs (tokens are shown only here)."]
        devices: list[tuple[str, DeviceKind, str, str, int | None]] = [
            ("kiosk-1", "kiosk", "Kiosk sảnh chính", "", None)
        ]
        devices += [(f"tv-{z.code}", "tv", f"TV {z.name}", z.code, None) for z in hub.state.config.zones]
        first_counter = min((c.number for c in hub.state.config.counters), default=None)
        if first_counter is not None:  # a rating screen beside the first counter
            devices.append((f"rating-{first_counter}", "rating", f"Đánh giá quầy {first_counter}", "", first_counter))
        first_room = min((c.number for c in hub.state.config.counters if c.kind == "room"), default=None)
        if first_room is not None:  # a door screen beside the first exam room
            devices.append((f"door-{first_room}", "door", f"Cửa phòng {first_room}", "", first_room))
        for device, kind, name, zone, counter in devices:
            token = auth.new_token()
            device_command = cmd.RegisterDevice(
                device=device, kind=kind, name=name, zone=zone, counter=counter, token_hash=auth.token_hash(token)
            )
            await submit(services, device_command, SYSTEM)
            lines.append(f"{kind} {device}: {settings.base_url}/{kind}/#token={token}")
        path = settings.data_dir / "demo-devices.txt"
        path.write_text("\n".join(lines) + "\n")
        os.chmod(path, 0o600)
        log.warning("demo devices registered; URLs in %s", path)

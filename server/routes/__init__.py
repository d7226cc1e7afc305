"""The HTTP routes, one module per resource: ``api`` (login, staff, devices, health, state,
tickets, fleet, audit), ``his_outbox`` (the HIS links' health, dead letters, a ticket's delivery), ``ops`` (metrics, backups), ``reports``, ``media``, ``audio`` (calls and
voice packs) and ``pages`` (the static clients, last: it serves everything else)."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute

from . import api, audio, his_outbox, media, ops, pages, reports


def routes(clients_dir: Path) -> list[BaseRoute]:
    return [
        *api.ROUTES,
        *his_outbox.ROUTES,
        *ops.ROUTES,
        *reports.ROUTES,
        *media.ROUTES,
        *audio.ROUTES,
        *pages.routes(clients_dir),
    ]

"""The HTTP routes, one module per resource: ``api`` (login, staff, devices, health, state,
tickets, fleet, audit), ``his`` (the hospital information system's inbound API), ``his_outbox``
(the HIS links' health, dead letters, a ticket's delivery), ``ops``
(metrics, backups), ``reports``, ``media``, ``audio`` (calls and voice packs), ``openapi`` (the
description of all of them) and ``pages`` (the static clients, last: it serves everything else)."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute

from . import api, audio, his, his_outbox, media, openapi, ops, pages, reports


def routes(clients_dir: Path) -> list[BaseRoute]:
    return [
        *api.ROUTES,
        *his.ROUTES,
        *his_outbox.ROUTES,
        *ops.ROUTES,
        *reports.ROUTES,
        *media.ROUTES,
        *audio.ROUTES,
        *openapi.ROUTES,
        *pages.routes(clients_dir),
    ]

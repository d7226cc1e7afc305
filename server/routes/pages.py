"""The pages: the static clients, and ``/t/<number>``, the page a patient's phone opens from the
QR on the ticket."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from .http import services


async def phone_page(request: Request) -> Response:
    return FileResponse(services(request).settings.clients_dir / "phone" / "index.html", media_type="text/html")


def routes(clients_dir: Path) -> list[BaseRoute]:
    return [
        Route("/t/{label}", phone_page),
        Mount("/", StaticFiles(directory=clients_dir, html=True), name="clients"),
    ]

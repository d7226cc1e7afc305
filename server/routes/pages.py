"""The pages: the static clients, and ``/t/<number>``, the page a patient's phone opens from the
QR on the ticket."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from .describe import Doc, describe
from .http import services


async def phone_page(request: Request) -> Response:
    return FileResponse(services(request).settings.clients_dir / "phone" / "index.html", media_type="text/html")


def routes(clients_dir: Path) -> list[BaseRoute]:
    return [
        describe(
            Route("/t/{label}", phone_page),
            Doc(
                summary="The phone page of a ticket (the QR on the printed ticket).",
                auth="none",
                media=("text/html",),
                params={"label": "the ticket's number, e.g. A012"},
            ),
        ),
        describe(
            Mount("/", StaticFiles(directory=clients_dir, html=True), name="clients"),
            Doc(
                summary="The pages and their files (clients/): kiosk, counter, TV, phone, admin.",
                auth="none",
                media=("text/html", "text/javascript", "text/css", "image/*", "audio/*"),
                errors=(404,),
                params={"path": "a file under clients/, or a folder whose index.html is served"},
                tag="pages",
            ),
        ),
    ]

"""The media library (admin uploads for the TV screens and the logo) and its files."""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from .. import media
from ..domain.errors import DomainError
from .http import admin, answers_errors, error_response, services

log = logging.getLogger("server")


@answers_errors
async def upload_media(request: Request) -> Response:
    """An image or clip for the TV screens or the logo (admin); checked by content and size."""
    admin(request)
    length = int(request.headers.get("content-length") or 0)
    if length > media.MAX_VIDEO:
        raise DomainError("media_too_large", "file")
    data = await request.body()
    try:
        name = await asyncio.to_thread(media.save, services(request).settings.media_dir, data)
    except media.MediaError as exc:
        raise DomainError(exc.code, "file") from None
    except OSError:  # a full disk or a read-only data folder: said, not a 500
        log.exception("media upload could not be stored")
        raise DomainError("storage_error", "file") from None
    return JSONResponse({"name": name, "url": f"/media/{name}"}, status_code=201)


@answers_errors
async def media_list(request: Request) -> Response:
    admin(request)
    return JSONResponse({"media": media.listing(services(request).settings.media_dir)})


async def media_file(request: Request) -> Response:
    name = request.path_params["name"]
    path = services(request).settings.media_dir / name
    if not media.NAME.match(name) or not path.is_file():
        return error_response(DomainError("not_found"))
    return FileResponse(
        path,
        media_type=media.TYPES[name.rsplit(".", 1)[1]],
        headers={"cache-control": "public, max-age=31536000, immutable", "x-content-type-options": "nosniff"},
    )


ROUTES = [
    Route("/api/media", upload_media, methods=["POST"]),
    Route("/api/media", media_list, methods=["GET"]),
    Route("/media/{name:str}", media_file),
]

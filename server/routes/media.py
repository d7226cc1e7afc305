"""The media library (admin uploads for the TV screens and the logo) and its files."""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from .. import media
from ..domain.errors import DomainError
from . import shapes as sh
from .describe import Doc, describe
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
    describe(
        Route("/api/media", upload_media, methods=["POST"]),
        Doc(
            summary="Upload an image or a clip for the TV screens or the logo (PNG, JPEG, WebP up to 5 MB, MP4 up to 200 MB).",
            auth="admin",
            raw="application/octet-stream",
            ok=sh.Stored,
            status=201,
            errors=("media_type", "media_empty", "media_too_large", "storage_error"),
        ),
    ),
    describe(
        Route("/api/media", media_list, methods=["GET"]),
        Doc(summary="The media library.", auth="admin", ok=sh.MediaList),
    ),
    describe(
        Route("/media/{name:str}", media_file),
        Doc(
            summary="A file of the media library (immutable).",
            auth="none",
            media=("image/png", "image/jpeg", "image/webp", "video/mp4"),
            errors=("not_found",),
            params={"name": "<16 hex digits>.<png|jpg|webp|mp4>"},
        ),
    ),
]

"""The Starlette application: HTTP API, the websocket endpoint and the static clients."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import re
from collections.abc import AsyncIterator
from typing import Any

import msgspec
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import audio, auth, media
from . import reports as report_files
from .domain import commands as cmd
from .domain import reports as report_figures
from .domain import speech
from .domain.access import SYSTEM, Actor
from .domain.config import Config, due_announcements
from .domain.errors import DomainError
from .domain.events import DeviceKind
from .domain.state import StaffAccount
from .eventlog import EventLog
from .hub import Hub
from .settings import Settings
from .views import snapshot, ticket_status
from .ws import WsEndpoint

log = logging.getLogger("server")


class Services:
    """What the routes share: settings, the hub, sessions and the login limiter."""

    def __init__(self, settings: Settings, config: Config) -> None:
        self.settings = settings
        self.eventlog = EventLog(settings.db_path, settings.synchronous)
        self.hub = Hub(self.eventlog, config, ring_size=settings.resume_events, snapshot_every=settings.snapshot_every)
        self.sessions = auth.Sessions(self.eventlog)
        self.limiter = auth.LoginLimiter()
        self.composer = audio.Composer([])

    def staff_for(self, token: str) -> StaffAccount | None:
        """The active staff account behind a session token, or None."""
        session = self.sessions.get(token, self.hub.clock()) if token else None
        account = self.hub.state.staff.get(session.username) if session else None
        return account if account is not None and account.active else None


class SecurityHeaders:
    """Pure ASGI middleware: CSP (scripts from this origin only) and a few safe defaults."""

    HEADERS = [
        (
            b"content-security-policy",
            b"default-src 'self'; script-src 'self'; media-src 'self' blob:; "
            b"connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; base-uri 'none'",
        ),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + self.HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def error_response(exc: DomainError, status: int) -> JSONResponse:
    body = {"code": exc.code, "message_vi": exc.message_vi, "message_en": exc.message_en, "field": exc.field}
    return JSONResponse({"error": body}, status_code=status)


STATUS_BY_CODE = {
    "bad_credentials": 401,
    "unauthenticated": 401,
    "forbidden": 403,
    "too_many_attempts": 429,
    "media_too_large": 413,
    "storage_error": 503,
}


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def _json(request: Request, max_bytes: int = 64 * 1024) -> dict[str, Any]:
    body = await request.body()
    if len(body) > max_bytes:
        raise DomainError("too_large", "Dữ liệu quá lớn.", "The request is too large.")
    try:
        data = msgspec.json.decode(body)
    except msgspec.DecodeError:
        raise DomainError("bad_json", "Dữ liệu không phải JSON hợp lệ.", "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise DomainError("bad_json", "Cần một đối tượng JSON.", "A JSON object is expected.")
    return data


def _admin(request: Request) -> Actor:
    services = _services(request)
    header = request.headers.get("authorization", "")
    token = header[7:] if header.lower().startswith("bearer ") else ""
    account = services.staff_for(token)
    if account is None:
        raise DomainError("unauthenticated", "Cần đăng nhập.", "Please log in.")
    if account.role != "admin":
        raise DomainError("forbidden", "Chỉ quản trị viên được làm việc này.", "Only administrators may do this.")
    return Actor(name=f"staff:{account.username}", role="admin")


def _handle(fn: Any) -> Any:
    async def endpoint(request: Request) -> Response:
        try:
            result: Response = await fn(request)
        except DomainError as exc:
            return error_response(exc, STATUS_BY_CODE.get(exc.code, 400))
        return result

    return endpoint


@_handle
async def login(request: Request) -> Response:
    services = _services(request)
    data = await _json(request)
    username, password = str(data.get("username", "")), str(data.get("password", ""))
    address = request.client.host if request.client else "?"
    now = services.hub.clock()
    services.limiter.check(address, username, now)
    account = services.hub.state.staff.get(username)
    if not await asyncio.to_thread(auth.verify_login, account, password):
        services.limiter.failed(address, username, now)
        raise auth.bad_login()
    assert account is not None
    services.limiter.succeeded(address, username)
    token, session = await services.sessions.create(username, now)
    return JSONResponse(
        {
            "token": token,
            "username": username,
            "full_name": account.full_name,
            "role": account.role,
            "counters": account.counters,
            "expires": session.expires,
        }
    )


@_handle
async def logout(request: Request) -> Response:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        await _services(request).sessions.revoke(header[7:])
    return JSONResponse({"ok": True})


async def _submit(services: Services, command: cmd.AnyCommand, actor: Actor) -> Any:
    outcome = await services.hub.submit(command, actor)
    if outcome.error is not None:
        raise outcome.error
    return outcome


@_handle
async def create_staff(request: Request) -> Response:
    services = _services(request)
    actor = _admin(request)
    data = await _json(request)
    password = str(data.pop("password", ""))
    auth.check_new_password(password)
    data["password_hash"] = await asyncio.to_thread(auth.hash_password, password)
    try:
        command = msgspec.convert({"type": "create_staff", **data}, cmd.CreateStaff)
    except msgspec.ValidationError as exc:
        raise DomainError("invalid_message", f"Dữ liệu sai: {exc}", f"Invalid data: {exc}") from None
    await _submit(services, command, actor)
    return JSONResponse({"username": command.username}, status_code=201)


@_handle
async def register_device(request: Request) -> Response:
    services = _services(request)
    actor = _admin(request)
    data = await _json(request)
    token = auth.new_token()
    try:
        command = msgspec.convert(
            {"type": "register_device", **data, "token_hash": auth.token_hash(token)}, cmd.RegisterDevice
        )
    except msgspec.ValidationError as exc:
        raise DomainError("invalid_message", f"Dữ liệu sai: {exc}", f"Invalid data: {exc}") from None
    await _submit(services, command, actor)
    return JSONResponse({"device": command.device, "token": token}, status_code=201)


async def health(request: Request) -> Response:
    hub = _services(request).hub
    return JSONResponse(
        {
            "status": "ok",
            "seq": hub.state.seq,
            "connections": len(hub.fanout),
            "connections_direct": hub.fanout.direct(),
            "dropped": hub.fanout.dropped_total,
            "commits": hub.commits,
            "replay_seconds": hub.replay_seconds,
            "calls_played": hub.reports.get("played", 0),
            "calls_play_failed": hub.reports.get("play_failed", 0),
            "device_faults": [{"device": a.device, "part": a.part, "code": a.code} for a in hub.faults.values()],
        }
    )


LABEL = re.compile(r"^[A-Z]{1,3}[0-9]{1,5}$")


async def announce_on_time(services: Services) -> None:
    """Scheduled announcements (S6): at their times the TVs of their zones get an ``announce``
    message with the audio, composed ahead (a restart within a minute still announces)."""
    hub = services.hub
    last = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    while True:
        await asyncio.sleep(services.settings.announce_check)
        now = dt.datetime.now(dt.UTC)
        cfg = hub.state.config
        for index, at in due_announcements(cfg, now, last):
            item = cfg.announcements[index]
            segments = speech.announcement(item.text, item.text_en, tuple(cfg.speech.languages))
            try:
                key = await asyncio.to_thread(services.composer.compose_cached, segments)
            except Exception:
                log.exception("announcement %d not composed", index)
                continue
            message = {
                "type": "announce",
                "at": now.timestamp(),
                "time": at,
                "text": item.text,
                "text_en": item.text_en,
                "audio": f"/audio/{key}.wav",
            }
            text = msgspec.json.encode(message).decode()
            zone = item.zones[0] if len(item.zones) == 1 else None
            hub.fanout.publish({"public": text, "staff": text}, zone)
            log.info("announcement %d (%s) sent", index, at)
        last = now


async def call_audio(request: Request) -> Response:
    """The audio of a call: composed (or taken from the cache), then a redirect to its
    content-addressed URL, which browsers may keep for a year."""
    services = _services(request)
    cfg = services.hub.state.config
    label = request.path_params["label"].strip().upper()
    try:
        counter = int(request.path_params["counter"])
    except ValueError:
        counter = 0
    service = cfg.service(label.rstrip("0123456789")) if LABEL.match(label) else None
    if service is None or cfg.counter(counter) is None:
        return error_response(
            DomainError("unknown_ticket", "Không có số hoặc quầy này.", "No such ticket or counter.", "label"), 404
        )
    how = speech.CallSpeech(
        languages=tuple(cfg.speech.languages),
        repeat=cfg.speech.repeat,
        style=speech.SOUTH if cfg.speech.region == "south" else speech.NORTH,
    )
    segments = speech.announce(label, counter, service.reading, how)
    key = await asyncio.to_thread(services.composer.compose_cached, segments)
    return Response(status_code=302, headers={"location": f"/audio/{key}.wav", "cache-control": "no-store"})


async def audio_file(request: Request) -> Response:
    data = _services(request).composer.cached(request.path_params["key"])
    if data is None:
        return Response(status_code=404)
    return Response(data, media_type="audio/wav", headers={"cache-control": "public, max-age=31536000, immutable"})


CLIP_ERRORS = {
    "unknown_clip": ("Không có đoạn âm thanh này trong bộ giọng.", "No such clip in a voice pack."),
    "bad_audio": ("Tệp không phải âm thanh đọc được (WAV, FLAC, OGG).", "Not a readable audio file (WAV, FLAC, OGG)."),
    "too_long": ("Đoạn ghi âm quá dài (tối đa 10 giây, 4 MB).", "The recording is too long (10 s, 4 MB at most)."),
    "silent": (
        "Đoạn ghi âm không có tiếng. Hãy ghi lại gần micrô hơn.",
        "The recording is silent. Record again closer to the microphone.",
    ),
}


def _bad_range() -> DomainError:
    return DomainError(
        "bad_range",
        "Khoảng ngày không hợp lệ: from=YYYY-MM-DD và to=YYYY-MM-DD (tối đa 366 ngày), hoặc year=YYYY&half=1|2.",
        "Invalid date range: from=YYYY-MM-DD and to=YYYY-MM-DD (at most 366 days), or year=YYYY&half=1|2.",
        "from",
    )


@_handle
async def report(request: Request) -> Response:
    """Statistics of a date range or a half year (admin), as JSON, CSV or XLSX."""
    import time

    _admin(request)
    services = _services(request)
    q = request.query_params
    half: tuple[int, int] | None = None
    try:
        if "year" in q:
            half = (int(q["year"]), int(q.get("half", "")))
            first, last = report_figures.half_year(*half)
        else:
            first = dt.date.fromisoformat(q["from"])
            last = dt.date.fromisoformat(q.get("to", q["from"]))
    except (KeyError, ValueError):
        raise _bad_range() from None
    if not dt.timedelta(0) <= last - first <= dt.timedelta(days=366):
        raise _bad_range()
    fmt = q.get("format", "json")
    if fmt not in ("json", "csv", "xlsx"):
        raise DomainError("bad_format", "Định dạng: json, csv hoặc xlsx.", "Format: json, csv or xlsx.", "format")
    config = services.hub.state.config
    data = await asyncio.to_thread(
        report_files.build_report, services.settings.db_path, first, last, config, time.time()
    )
    if half is not None:
        departments = [(d.code, d.name) for d in sorted(config.departments, key=lambda d: d.order)]
        data["half"] = {"year": half[0], "half": half[1], "table": report_files.half_year_table(data, departments)}
    name = f"bao-cao-{first.isoformat()}-{last.isoformat()}"
    if fmt == "csv":
        return Response(
            report_files.to_csv(data),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}.csv"'},
        )
    if fmt == "xlsx":
        body = await asyncio.to_thread(report_files.to_xlsx, data)
        return Response(
            body,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"content-disposition": f'attachment; filename="{name}.xlsx"'},
        )
    return JSONResponse(data)


@_handle
async def voice_packs(request: Request) -> Response:
    """The voice packs and, for the recording page, every clip a call can need."""
    _admin(request)
    services = _services(request)
    vocabulary = audio.pack_vocabulary(
        "vi", speech.SOUTH if services.hub.state.config.speech.region == "south" else speech.NORTH
    )
    vocabulary |= audio.pack_vocabulary("en")
    packs = [
        {
            "id": p.id,
            "source": p.manifest.get("source", ""),
            "lang": p.manifest.get("lang", ""),
            "clips": sorted(p.clips),
        }
        for p in services.composer.packs
    ]
    return JSONResponse({"packs": packs, "vocabulary": vocabulary})


@_handle
async def upload_clip(request: Request) -> Response:
    """A recording for one clip of a pack (S5); the next calls use it."""
    actor = _admin(request)
    services = _services(request)
    data = await request.body()
    pack_id, key = request.path_params["pack"], request.path_params["key"]
    region = services.hub.state.config.speech.region
    try:
        await asyncio.to_thread(
            audio.save_recorded_clip, services.settings.voice_packs_dir, pack_id, key, data, actor.name, region
        )
    except audio.ClipError as exc:
        vi, en = CLIP_ERRORS[exc.code]
        raise DomainError(exc.code, vi, en, "clip") from None
    gender = services.hub.state.config.speech.gender
    services.composer.packs = await asyncio.to_thread(
        audio.load_packs, services.settings.voice_packs_dir, region, gender
    )
    return JSONResponse({"pack": pack_id, "key": key}, status_code=201)


@_handle
async def upload_media(request: Request) -> Response:
    """An image or clip for the TV screens or the logo (admin); checked by content and size."""
    _admin(request)
    services = _services(request)
    length = int(request.headers.get("content-length") or 0)
    if length > media.MAX_VIDEO:
        vi, en = media.MEDIA_ERRORS["media_too_large"]
        raise DomainError("media_too_large", vi, en, "file")
    data = await request.body()
    try:
        name = await asyncio.to_thread(media.save, services.settings.media_dir, data)
    except media.MediaError as exc:
        vi, en = media.MEDIA_ERRORS[exc.code]
        raise DomainError(exc.code, vi, en, "file") from None
    return JSONResponse({"name": name, "url": f"/media/{name}"}, status_code=201)


@_handle
async def audit(request: Request) -> Response:
    """The audit log: the latest events with who did them (admin); ``before`` pages back."""
    _admin(request)
    services = _services(request)
    try:
        limit = max(1, min(int(request.query_params.get("limit", "100")), 1000))
        before = int(request.query_params["before"]) if "before" in request.query_params else None
    except ValueError:
        raise DomainError("invalid_message", "Tham số sai.", "Invalid parameters.", "limit") from None
    rows = await asyncio.to_thread(report_files.audit, services.settings.db_path, limit, before)
    return JSONResponse({"events": rows})


@_handle
async def fleet(request: Request) -> Response:
    """Every registered device: connected or not, last heartbeat, version, state, faults (admin)."""
    _admin(request)
    hub = _services(request).hub
    return JSONResponse({"devices": hub.fleet.view(hub.state, hub.fanout, hub.faults, hub.clock()), "at": hub.clock()})


@_handle
async def media_list(request: Request) -> Response:
    _admin(request)
    return JSONResponse({"media": media.listing(_services(request).settings.media_dir)})


async def media_file(request: Request) -> Response:
    name = request.path_params["name"]
    path = _services(request).settings.media_dir / name
    if not media.NAME.match(name) or not path.is_file():
        return error_response(DomainError("not_found", "Không có tệp này.", "No such file."), 404)
    return FileResponse(
        path,
        media_type=media.TYPES[name.rsplit(".", 1)[1]],
        headers={"cache-control": "public, max-age=31536000, immutable", "x-content-type-options": "nosniff"},
    )


async def public_state(request: Request) -> Response:
    hub = _services(request).hub
    view = await hub.read(lambda state, now: {"seq": state.seq, "view": snapshot(state, "public", now)})
    return Response(msgspec.json.encode(view), media_type="application/json")


async def phone_page(request: Request) -> Response:
    """/t/<number>: the page a patient's phone opens from the QR on the ticket."""
    return FileResponse(_services(request).settings.clients_dir / "phone" / "index.html", media_type="text/html")


async def ticket(request: Request) -> Response:
    hub = _services(request).hub
    label = request.path_params["label"]
    result = await hub.read(lambda state, now: ticket_status(state, label, now))
    if result is None:
        return error_response(DomainError("unknown_ticket", "Không có số này hôm nay.", "No such ticket today."), 404)
    return JSONResponse(result)


async def bootstrap(services: Services) -> None:
    """First run: an administrator account, and in demo mode a kiosk and a TV per zone."""
    hub, settings = services.hub, services.settings
    if not any(s.role == "admin" for s in hub.state.staff.values()):
        password = settings.admin_password or auth.new_token()[:16]
        command = cmd.CreateStaff(
            username="admin",
            full_name="Quản trị viên",
            role="admin",
            password_hash=await asyncio.to_thread(auth.hash_password, password),
        )
        await _submit(services, command, SYSTEM)
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
        for device, kind, name, zone, counter in devices:
            token = auth.new_token()
            await _submit(
                services,
                cmd.RegisterDevice(
                    device=device,
                    kind=kind,
                    name=name,
                    zone=zone,
                    counter=counter,
                    token_hash=auth.token_hash(token),
                ),
                SYSTEM,
            )
            lines.append(f"{kind} {device}: http://{settings.host}:{settings.port}/{kind}/#token={token}")
        path = settings.data_dir / "demo-devices.txt"
        path.write_text("\n".join(lines) + "\n")
        os.chmod(path, 0o600)
        log.warning("demo devices registered; URLs in %s", path)


def create_app(settings: Settings, config: Config) -> Starlette:
    services = Services(settings, config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await services.eventlog.open()
        await services.hub.start()
        region = services.hub.state.config.speech.region
        services.composer = audio.Composer([], audio.Espeak(region))  # espeak-ng until the packs are in

        async def load_voices() -> None:
            try:
                gender = services.hub.state.config.speech.gender
                services.composer.packs = await asyncio.to_thread(
                    audio.load_packs, settings.voice_packs_dir, region, gender
                )
            except Exception:
                log.exception("voice packs not loaded; calls use espeak-ng")
            cfg = services.hub.state.config
            for item in cfg.announcements:  # render the scheduled announcements ahead of their time
                segments = speech.announcement(item.text, item.text_en, tuple(cfg.speech.languages))
                await asyncio.to_thread(services.composer.compose_cached, segments)

        voices = asyncio.create_task(load_voices())
        announcer = asyncio.create_task(announce_on_time(services))
        await services.sessions.load(services.hub.clock())
        await bootstrap(services)
        log.info("serving on http://%s:%d (seq %d)", settings.host, settings.port, services.hub.state.seq)
        try:
            yield
        finally:
            voices.cancel()
            announcer.cancel()
            await services.hub.stop()
            await services.eventlog.close()

    routes = [
        Route("/api/health", health),
        Route("/api/login", login, methods=["POST"]),
        Route("/api/logout", logout, methods=["POST"]),
        Route("/api/staff", create_staff, methods=["POST"]),
        Route("/api/devices", register_device, methods=["POST"]),
        Route("/api/state", public_state),
        Route("/api/tickets/{label}", ticket),
        Route("/t/{label}", phone_page),
        Route("/audio/call/{label}/{counter}", call_audio),
        Route("/api/reports", report),
        Route("/api/fleet", fleet),
        Route("/api/audit", audit),
        Route("/api/media", upload_media, methods=["POST"]),
        Route("/api/media", media_list, methods=["GET"]),
        Route("/media/{name:str}", media_file),
        Route("/api/voice-packs", voice_packs),
        Route("/api/voice-packs/{pack}/clips/{key}", upload_clip, methods=["PUT"]),
        Route("/audio/{key:str}.wav", audio_file),
        WebSocketRoute("/ws", WsEndpoint()),
        Mount("/", StaticFiles(directory=settings.clients_dir, html=True), name="clients"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.services = services
    app.add_middleware(SecurityHeaders)
    return app


class QueueApp:
    """The ASGI app the server runs: ``/ws`` straight to its endpoint, everything else (pages,
    the HTTP API, the lifespan) to the Starlette app. A websocket lives for hours inside the
    coroutines that called it: skipping Starlette's middleware and router for it saves memory per
    connection, and hands the endpoint uvicorn's own ``send`` (decision 0006)."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.ws = WsEndpoint(app.state.services)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == "/ws":
            await self.ws(scope, receive, send)
        else:
            await self.app(scope, receive, send)

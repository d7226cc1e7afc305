"""The bridge's websocket server: 127.0.0.1 only, pages from allowed origins only, and a
pairing token before anything else (``docs/bridge-protocol.md``)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import logging
import time
from http import HTTPStatus
from typing import Any

import msgspec
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request as HttpRequest
from websockets.http11 import Response

from printing.errors import PrinterError
from printing.escpos import EscposPrinter
from printing.ticket import Ticket

from . import protocol as p
from .cards import CardReaders
from .cccd.qr import passport_key, validate_id_number
from .errors import BridgeError
from .face import SAME_PERSON, FaceEngine, FrameSource, decode_image, distance, face_error
from .settings import BridgeSettings
from .speaker import Speaker

log = logging.getLogger("hw_bridge.server")
CLOSE_UNAUTHENTICATED = 4001
HELLO_TIMEOUT = 10


def _printer(settings: BridgeSettings) -> EscposPrinter | None:
    if not settings.printer:
        return None
    try:
        return EscposPrinter(settings.printer, settings.printer_width)
    except ValueError as exc:
        raise SystemExit(f"BRIDGE_PRINTER: {exc}") from None


class Bridge:
    def __init__(self, settings: BridgeSettings, cards: CardReaders | None = None) -> None:
        self.settings = settings
        self.clients: set[ServerConnection] = set()
        self.cards = cards or CardReaders(self.emit, settings.trust_store(), settings.reader_filter)
        self.speaker = Speaker(self.emit, settings.allowed_origins, list(settings.audio_backends))
        self.printer = _printer(settings)
        self.print_lock = asyncio.Lock()
        self.faces: FaceEngine | None = None
        self.face_problem = "loading"
        self.card_face: tuple[float, ...] | None = None  # the last card's portrait, until it is removed
        self.camera = FrameSource(settings.camera) if settings.camera else None
        self.methods = {
            "status": self._status,
            "card.read": self._card_read,
            "speaker.play": self._speaker_play,
            "printer.print": self._print,
            "face.describe": self._face_describe,
            "face.capture": self._face_capture,
        }

    # ---- events -------------------------------------------------------------------------------

    def emit(self, event: str, device: str, data: dict[str, Any]) -> None:
        if event == "card_removed":
            self.card_face = None
        text = p.encoder.encode(p.Event(event, device, time.time(), data)).decode()
        for ws in list(self.clients):
            asyncio.ensure_future(self._send(ws, text))

    async def _send(self, ws: ServerConnection, text: str) -> None:
        try:
            await ws.send(text)
        except Exception:  # the page went away
            self.clients.discard(ws)

    # ---- connections --------------------------------------------------------------------------

    def check_origin(self, connection: ServerConnection, request: HttpRequest) -> Response | None:
        origin = request.headers.get("Origin")
        if origin is not None and origin not in self.settings.allowed_origins:
            log.warning("refused a page from %s", origin)
            return Response(HTTPStatus.FORBIDDEN, "Forbidden", Headers(), b"origin not allowed\n")
        return None

    async def handler(self, ws: ServerConnection) -> None:
        try:
            first = await asyncio.wait_for(ws.recv(), HELLO_TIMEOUT)
            hello = p.decoder.decode(first)
        except (TimeoutError, msgspec.DecodeError, msgspec.ValidationError, RecursionError):
            await ws.send(p.encoder.encode(p.error("hello_first")).decode())
            await ws.close(CLOSE_UNAUTHENTICATED, "hello first")
            return
        if not isinstance(hello, p.Hello):
            await ws.send(p.encoder.encode(p.error("hello_first")).decode())
            await ws.close(CLOSE_UNAUTHENTICATED, "hello first")
            return
        if not hmac.compare_digest(hello.token.encode(), self.settings.token.encode()):
            await ws.send(p.encoder.encode(p.error("unauthenticated.pairing")).decode())
            await ws.close(CLOSE_UNAUTHENTICATED, "unauthenticated")
            return
        welcome = p.Welcome(p.VERSION, sorted(self.methods), self._devices())
        await ws.send(p.encoder.encode(welcome).decode())
        self.clients.add(ws)
        try:
            async for message in ws:
                asyncio.ensure_future(self._answer(ws, message))
        finally:
            self.clients.discard(ws)

    async def _answer(self, ws: ServerConnection, message: str | bytes) -> None:
        try:
            req = p.decoder.decode(message)
        except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):  # nested too deep too
            reply: Any = p.error("bad_message")
        else:
            if not isinstance(req, p.Request):
                reply = p.error("bad_message")
            elif req.method not in self.methods:
                reply = p.error("unknown_method", req.id)
            else:
                try:
                    reply = p.Reply(req.id, await self.methods[req.method](req.params))
                except (BridgeError, PrinterError) as exc:
                    reply = p.Error(exc.code, exc.message_vi, exc.message_en, req.id)
                except (KeyError, TypeError, ValueError):
                    reply = p.error("bad_params", req.id)
        await self._send(ws, p.encoder.encode(reply).decode())

    # ---- methods ------------------------------------------------------------------------------

    def _devices(self) -> dict[str, Any]:
        face: dict[str, Any] = {"ok": self.faces is not None, "camera": bool(self.camera)}
        if self.faces is None:
            face["problem"] = self.face_problem
        return {"card": self.cards.status(), "face": face}

    async def _status(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._devices()

    async def _card_read(self, params: dict[str, Any]) -> dict[str, Any]:
        can = params.get("can")
        if can is None and params.get("id_number"):
            can = validate_id_number(str(params["id_number"]))[-6:]  # the CAN of a CCCD
        if can is not None and (not isinstance(can, str) or not can.isdigit() or len(can) != 6):
            raise ValueError("can")
        mrz = params.get("mrz")
        key = mrz.encode() if isinstance(mrz, str) else None
        if params.get("document_number") is not None:  # a passport: its MRZ data, as typed
            key = passport_key(str(params["document_number"]), str(params["birth_date"]), str(params["expiry_date"]))
        result = await self.cards.read(
            can,
            key,
            bool(params.get("portrait", True)),
            params.get("reader"),
            float(params.get("wait", 20)),
        )
        portrait = result.get("portrait_base64")
        if portrait and self.faces is not None:  # kept (as a descriptor) for the 1:1 check
            try:
                self.card_face = await asyncio.to_thread(self.faces.portrait, base64.b64decode(portrait))
            except BridgeError:
                self.card_face = None
            result["portrait_face"] = self.card_face is not None
        return result

    def _engine(self) -> FaceEngine:
        if self.faces is None:
            raise face_error("face_unavailable", self.face_problem)
        return self.faces

    def _face_result(self, analysis: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"quality": analysis.quality.as_dict(), "descriptor": analysis.descriptor}
        if analysis.descriptor is not None and self.card_face is not None:
            d = distance(analysis.descriptor, self.card_face)
            out["card"] = {"distance": round(d, 4), "same": d <= SAME_PERSON}
        return out

    async def _face_describe(self, params: dict[str, Any]) -> dict[str, Any]:
        """One frame from the page's camera (base64 JPEG): its quality and descriptor. The
        frame is decoded, analysed and dropped; nothing of it is kept."""
        engine = self._engine()
        image = params["image"]
        if not isinstance(image, str):
            raise ValueError("image")
        try:
            data = base64.b64decode(image.split(",", 1)[-1], validate=True)
        except binascii.Error:
            raise face_error("bad_image", "base64") from None
        rgb = decode_image(data)
        return self._face_result(await asyncio.to_thread(engine.analyse, rgb))

    async def _face_capture(self, params: dict[str, Any]) -> dict[str, Any]:
        """Frames from the bridge's own camera (BRIDGE_CAMERA) until one has a usable face;
        ``no_usable_face`` (with the last quality) when none of them had one."""
        engine = self._engine()
        if self.camera is None:
            raise face_error("camera_missing", "BRIDGE_CAMERA is not set")
        limit = max(1, min(int(params.get("frames", 20)), 100))
        frames = await asyncio.to_thread(self.camera.frames, limit)
        last: Any = None
        for rgb in frames:
            last = await asyncio.to_thread(engine.analyse, rgb)
            if last.descriptor is not None:
                return self._face_result(last)
        raise face_error("no_usable_face", last.quality.code if last else "")

    async def _speaker_play(self, params: dict[str, Any]) -> dict[str, Any]:
        url = params["url"]
        if not isinstance(url, str):
            raise ValueError("url")
        return await self.speaker.play(url, str(params.get("label", "")))

    async def _print(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.printer is None:
            raise PrinterError("printer_no_answer", "no printer configured")
        ticket = Ticket(
            unit=str(params["unit"]),
            service=str(params["service"]),
            label=str(params["label"]),
            counters=str(params.get("counters", "")),
            ahead=int(params.get("ahead", 0)),
            wait_minutes=None if params.get("wait_minutes") is None else int(params["wait_minutes"]),
            issued=str(params.get("issued", "")),
            url=str(params["url"]),
            booked=str(params.get("booked", ""))[:20],
            wait_at=str(params.get("wait_at", ""))[:5],
            wait_to=str(params.get("wait_to", ""))[:5],
            late=bool(params.get("late", False)),
        )
        async with self.print_lock:  # one ticket at a time
            try:
                return await asyncio.to_thread(self.printer.print_ticket, ticket)
            except PrinterError as exc:
                self.emit("printer_error", "printer", {"code": exc.code, "label": ticket.label})
                raise

    # ---- running --------------------------------------------------------------------------------

    async def load_faces(self) -> None:
        """Load dlib's models in a thread (about half a second); without dlib or the models the
        bridge runs on and says ``face_unavailable``."""
        try:
            self.faces = await asyncio.to_thread(FaceEngine)
        except (ImportError, FileNotFoundError, RuntimeError) as exc:
            self.face_problem = f"{type(exc).__name__}: {exc}"
            log.warning("face checking unavailable: %s", self.face_problem)
        else:
            self.face_problem = ""

    async def start(self) -> Server:
        self.cards.start()
        if self.settings.face:
            await self.load_faces()
        else:
            self.face_problem = "disabled (BRIDGE_FACE=0)"
        return await serve(
            self.handler,
            "127.0.0.1",  # never another interface: only pages on this box
            self.settings.port,
            process_request=self.check_origin,
            compression=None,
            max_size=3 * 1024 * 1024,  # a camera frame as base64 JPEG
        )

"""Call audio (composed on demand, then served content-addressed), voice packs and the
recordings staff make for them (S5)."""

from __future__ import annotations

import asyncio
import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import audio, voicepacks
from ..domain import speech
from ..domain.config import Config
from ..domain.errors import DomainError
from . import shapes as sh
from .describe import Doc, Query, describe
from .http import admin, answers_errors, error_response, services

LABEL = re.compile(r"^[A-Z]{1,3}[0-9]{1,5}$")


def called(cfg: Config, label: str, counter: int) -> speech.Called | None:
    """A call as it is said: its service's reading, and "phòng" / "room" when the counter is an
    exam room (``kind = "room"``); None for an unknown service or counter."""
    service = cfg.service(label.rstrip("0123456789")) if LABEL.match(label) else None
    place = cfg.counter(counter)
    if service is None or place is None:
        return None
    return speech.Called(label, counter, service.reading, room=place.kind == "room")


async def call_audio(request: Request) -> Response:
    """The audio of a call: composed (or taken from the cache), then a redirect to its
    content-addressed URL, which browsers may keep for a year."""
    s = services(request)
    cfg = s.hub.state.config
    label = request.path_params["label"].strip().upper()
    try:
        counter = int(request.path_params["counter"])
    except ValueError:
        counter = 0
    call = called(cfg, label, counter)
    if call is None:
        return error_response(DomainError("unknown_ticket.or_counter", "label"))
    how = speech.CallSpeech(
        languages=tuple(cfg.speech.languages),
        repeat=cfg.speech.repeat,
        style=speech.SOUTH if cfg.speech.region == "south" else speech.NORTH,
    )
    segments = speech.announce(label, counter, call.reading, how, room=call.room)
    key = await asyncio.to_thread(s.composer.compose_cached, segments, cfg.speech.rate)
    return Response(status_code=302, headers={"location": f"/audio/{key}.wav", "cache-control": "no-store"})


async def sentence_audio(request: Request) -> Response:
    """One utterance of the hall's speaker, as the TV's planner chose it (one call, or a burst
    merged): ``?calls=A012-3,B004-5&lang=vi,en&chime=0&busy=1``; composed, then a redirect to
    its content-addressed URL like a call's. ``busy=1``: the speaker has a backlog, so the
    words come at ``speech.busy_rate``, in the compact form unless ``speech.busy_form = "full"``."""
    s = services(request)
    cfg = s.hub.state.config
    q = request.query_params
    items = q.get("calls", "")[:120].split(",")
    langs = q.get("lang", "")[:12].split(",")
    if not 1 <= len(items) <= 6 or len(set(langs)) != len(langs) or any(x not in cfg.speech.languages for x in langs):
        return error_response(DomainError("bad_sentence", "calls"))
    calls: list[speech.Called] = []
    for item in items:
        label, _, number = item.strip().upper().partition("-")
        call = called(cfg, label, int(number) if number.isdigit() and len(number) <= 4 else 0)
        if call is None:
            return error_response(DomainError("unknown_ticket.or_counter", "calls"))
        calls.append(call)
    style = speech.SOUTH if cfg.speech.region == "south" else speech.NORTH
    languages = tuple(speech.LANGS[x] for x in langs)
    busy = q.get("busy") == "1"
    compact = busy and cfg.speech.busy_form == "compact"
    segments = speech.sentence(calls, languages, style, chime=q.get("chime") != "0", compact=compact)
    rate = cfg.speech.busy_rate if busy else cfg.speech.rate
    gap = audio.COMPACT_GAP_MS if compact else audio.GAP_MS
    key = await asyncio.to_thread(s.composer.compose_cached, segments, rate, gap)
    return Response(status_code=302, headers={"location": f"/audio/{key}.wav", "cache-control": "no-store"})


async def audio_file(request: Request) -> Response:
    data = services(request).composer.cached(request.path_params["key"])
    if data is None:
        return Response(status_code=404)
    return Response(data, media_type="audio/wav", headers={"cache-control": "public, max-age=31536000, immutable"})


@answers_errors
async def voice_packs(request: Request) -> Response:
    """The voice packs and, for the recording page, every clip a call can need."""
    admin(request)
    s = services(request)
    style = speech.SOUTH if s.hub.state.config.speech.region == "south" else speech.NORTH
    vocabulary = voicepacks.pack_vocabulary("vi", style) | voicepacks.pack_vocabulary("en")
    packs = [
        {
            "id": p.id,
            "source": p.manifest.get("source", ""),
            "lang": p.manifest.get("lang", ""),
            "clips": sorted(p.clips),
        }
        for p in s.composer.packs
    ]
    return JSONResponse({"packs": packs, "vocabulary": vocabulary})


@answers_errors
async def upload_clip(request: Request) -> Response:
    """A recording for one clip of a pack (S5); the next calls use it."""
    actor = admin(request)
    s = services(request)
    data = await request.body()
    pack_id, key = request.path_params["pack"], request.path_params["key"]
    region = s.hub.state.config.speech.region
    try:
        await asyncio.to_thread(
            voicepacks.save_recorded_clip, s.settings.voice_packs_dir, pack_id, key, data, actor.name, region
        )
    except voicepacks.ClipError as exc:
        raise DomainError(exc.code, "clip") from None
    gender = s.hub.state.config.speech.gender
    s.composer.packs = await asyncio.to_thread(voicepacks.load_packs, s.settings.voice_packs_dir, region, gender)
    return JSONResponse({"pack": pack_id, "key": key}, status_code=201)


ROUTES = [
    describe(
        Route("/audio/call/{label}/{counter}", call_audio),
        Doc(
            summary="The audio of one call: a redirect to its WAV.",
            auth="none",
            status=302,
            errors=("unknown_ticket.or_counter",),
            params={"label": "the ticket's number, e.g. A012", "counter": "the counter's number"},
        ),
    ),
    describe(
        Route("/audio/say", sentence_audio),
        Doc(
            summary="One utterance of the hall's speaker (decision 0010): a redirect to its WAV.",
            auth="none",
            status=302,
            errors=("bad_sentence", "unknown_ticket.or_counter"),
            query=(
                Query("calls", "1 to 6 calls as label-counter, comma-separated: A012-3,B004-5", required=True),
                Query("lang", "the languages, comma-separated, among [speech] languages: vi,en", required=True),
                Query("chime", "0: no chime"),
                Query("busy", "1: the speaker has a backlog (the busy rate and form)"),
            ),
        ),
    ),
    describe(
        Route("/api/voice-packs", voice_packs),
        Doc(summary="The voice packs and every clip a call can need.", auth="admin", ok=sh.VoicePacks),
    ),
    describe(
        Route("/api/voice-packs/{pack}/clips/{key}", upload_clip, methods=["PUT"]),
        Doc(
            summary="Record one clip of a voice pack (a WAV body).",
            auth="admin",
            raw="audio/wav",
            ok=sh.ClipSaved,
            status=201,
            errors=("unknown_clip", "bad_audio", "too_long", "silent"),
            params={"pack": "the pack's id", "key": "the clip's key (GET /api/voice-packs: vocabulary)"},
        ),
    ),
    describe(
        Route("/audio/{key:str}.wav", audio_file),
        Doc(
            summary="A composed WAV, content-addressed (cached for a year).",
            auth="none",
            media=("audio/wav",),
            errors=(404,),
            params={"key": "the content's key, from a call's redirect"},
        ),
    ),
]

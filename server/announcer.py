"""Voices and scheduled announcements (S6): the voice packs loaded in the background (calls use
espeak-ng until they are in), and at their times the TVs of their zones get an ``announce``
message with the audio, composed ahead (a restart within a minute still announces)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import msgspec

from . import voicepacks
from .domain import speech
from .domain.hours import due_announcements
from .services import Services

log = logging.getLogger("server")


async def load_voices(services: Services) -> None:
    """The voice packs, then the scheduled announcements rendered ahead of their time."""
    cfg = services.hub.state.config
    try:
        services.composer.packs = await asyncio.to_thread(
            voicepacks.load_packs, services.settings.voice_packs_dir, cfg.speech.region, cfg.speech.gender
        )
    except Exception:
        log.exception("voice packs not loaded; calls use espeak-ng")
    cfg = services.hub.state.config
    for item in cfg.announcements:
        segments = speech.announcement(item.text, item.text_en, tuple(cfg.speech.languages))
        await asyncio.to_thread(services.composer.compose_cached, segments)


async def announce_on_time(services: Services) -> None:
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

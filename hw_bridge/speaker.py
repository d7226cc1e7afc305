"""The box's speaker (for TV boxes whose browser does not play sound): announcement audio is
fetched from the queue server and played through one queue, never two at once, each reported
as played or failed. Playback uses miniaudio (PulseAudio or ALSA; its null device when the box
has no sound card, which plays in real time: tests and headless boxes)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import urllib.request
from collections.abc import Callable, Generator
from typing import Any
from urllib.parse import urlsplit

from .errors import BridgeError

log = logging.getLogger("hw_bridge.speaker")
Emit = Callable[[str, str, dict[str, Any]], None]
RATE = 24_000
MAX_BYTES = 8 * 1024 * 1024


def speaker_error(code: str, detail: str = "") -> BridgeError:
    """``forbidden_url``, ``audio_unavailable`` or ``playback_failed``."""
    return BridgeError(code, detail)


class Speaker:
    def __init__(self, emit: Emit, allowed_origins: frozenset[str], backends: list[str]) -> None:
        self.emit = emit
        self.allowed_origins = allowed_origins
        self.backends = backends
        self.lock = asyncio.Lock()  # the queue: one announcement at a time, in arrival order

    def _check_url(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme not in ("http", "https") or origin not in self.allowed_origins:
            raise speaker_error("forbidden_url", origin)

    async def play(self, url: str, label: str = "") -> dict[str, Any]:
        self._check_url(url)
        async with self.lock:
            try:
                data = await asyncio.to_thread(_fetch, url)
            except Exception as exc:
                self.emit("speaker_failed", "speaker", {"label": label, "code": "audio_unavailable"})
                raise speaker_error("audio_unavailable", type(exc).__name__) from None
            started = time.time()
            try:
                seconds = await asyncio.to_thread(self._play_blocking, data)
            except Exception as exc:
                log.warning("playback failed: %s", exc)
                self.emit("speaker_failed", "speaker", {"label": label, "code": "playback_failed"})
                raise speaker_error("playback_failed", type(exc).__name__) from None
            result = {"label": label, "seconds": round(seconds, 3), "started_at": started, "ended_at": time.time()}
            self.emit("speaker_played", "speaker", result)
            return result

    def _play_blocking(self, data: bytes) -> float:
        import miniaudio

        decoded = miniaudio.decode(data, output_format=miniaudio.SampleFormat.SIGNED16, nchannels=1, sample_rate=RATE)
        samples = decoded.samples
        finished = {"at": 0.0}  # set by the generator when the device has taken the last samples

        def stream() -> Generator[Any, int, None]:
            required = yield b""
            pos = 0
            while pos < len(samples):
                chunk = samples[pos : pos + required]
                pos += required
                required = yield chunk
            finished["at"] = time.monotonic()

        backends = [getattr(miniaudio.Backend, b.upper()) for b in self.backends]
        device = miniaudio.PlaybackDevice(
            output_format=miniaudio.SampleFormat.SIGNED16, nchannels=1, sample_rate=RATE, backends=backends
        )
        try:
            gen = stream()
            next(gen)
            device.start(gen)
            deadline = time.monotonic() + decoded.duration + 5
            while not finished["at"] and time.monotonic() < deadline:
                time.sleep(0.02)
            if not finished["at"]:
                raise RuntimeError("the device did not consume the audio")
            time.sleep(0.05)  # let the last buffer drain
        finally:
            with contextlib.suppress(Exception):
                device.close()
        return float(decoded.duration)


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as r:
        data: bytes = r.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError("too large")
    return data

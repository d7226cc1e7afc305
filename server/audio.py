"""Call audio: the chime, clips as loaded from a voice pack, espeak-ng, and the composition of
a call or a sentence from the segments of ``server.domain.speech`` (chime, words at a speaking
rate, set silences), normalised and encoded as 16-bit mono WAV at 24 kHz. The packs on disk
(generated, recorded, loaded in order) are ``server.voicepacks``.

A voice pack is a folder with ``manifest.json`` (``id``, ``name``, ``lang``, ``region``
north|central|south, ``gender``, ``author``, ``licence``, ``source``, ``clips``: key ->
``{"file", "text"}``) and the clip files. A word missing from every pack is spoken by
espeak-ng (the last resort, always offline), so a call is never silent."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import shutil
import subprocess
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from . import tempo
from .domain import speech

log = logging.getLogger("server.audio")
RATE = 24_000
GAP_MS = 40  # silence after each word; the compact form (decision 0010) uses COMPACT_GAP_MS
COMPACT_GAP_MS = 20
ESPEAK_VOICES = {
    ("vi", "north"): "vi",
    ("vi", "central"): "vi-vn-x-central",
    ("vi", "south"): "vi-vn-x-south",
    ("en", "north"): "en-us",
}

Audio = np.ndarray  # float32 mono at RATE


def chime(rate: int = RATE, notes: tuple[tuple[float, float], ...] = ((659.25, 0.0), (523.25, 0.45))) -> Audio:
    """The project's own chime: E5 then C5 (a falling major third), 1.1 s, -6 dBFS peak."""
    t = np.arange(int(1.1 * rate)) / rate
    out = np.zeros_like(t)
    for f, start in notes:
        s = int(start * rate)
        tt = t[: len(t) - s]
        env = np.exp(-tt * 3.2) * np.minimum(1.0, tt / 0.005)
        out[s:] += env * (np.sin(2 * np.pi * f * tt) + 0.35 * np.sin(4 * np.pi * f * tt))
    result: Audio = (out / np.abs(out).max() * 10 ** (-6 / 20)).astype(np.float32)
    return result


def prepare(samples: Audio, rate: int) -> Audio:
    """Mono, 24 kHz, silence trimmed (-45 dBFS), 5 ms fades, speech level -20 dBFS RMS
    (frames above -40 dBFS), peak at most -1 dBFS."""
    x = samples.mean(axis=1) if samples.ndim == 2 else samples
    x = x.astype(np.float32)
    if rate != RATE:
        x = soxr.resample(x, rate, RATE).astype(np.float32)
    frame = RATE // 100
    n = len(x) // frame
    if n == 0:
        return np.zeros(0, np.float32)
    rms = np.sqrt(np.mean(x[: n * frame].reshape(n, frame) ** 2, axis=1) + 1e-12)
    loud = np.nonzero(rms > 10 ** (-45 / 20))[0]
    if len(loud) == 0:
        return np.zeros(0, np.float32)
    pad = int(0.015 * RATE)
    x = x[max(0, loud[0] * frame - pad) : min(len(x), (loud[-1] + 1) * frame + pad)]
    gated = rms[rms > 10 ** (-40 / 20)]
    level = float(np.sqrt(np.mean(gated**2))) if len(gated) else float(np.sqrt(np.mean(x**2)) + 1e-9)
    x = x * (10 ** (-20 / 20) / max(level, 1e-6))
    peak = float(np.abs(x).max())
    if peak > 10 ** (-1 / 20):
        x = x * (10 ** (-1 / 20) / peak)
    fade = min(len(x) // 2, int(0.005 * RATE))
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        x[:fade] *= ramp
        x[-fade:] *= ramp[::-1]
    return x.astype(np.float32)


def wav_bytes(x: Audio) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, np.clip(x, -1.0, 1.0), RATE, format="WAV", subtype="PCM_16")
    return buf.getvalue()


@dataclass
class Pack:
    path: Path
    manifest: dict[str, object]
    clips: dict[str, Audio] = field(default_factory=dict)
    fingerprint: str = ""  # of the manifest as loaded: a changed pack gives new audio addresses

    @property
    def id(self) -> str:
        return str(self.manifest.get("id", self.path.name))

    @classmethod
    def load(cls, path: Path) -> Pack:
        raw = (path / "manifest.json").read_bytes()
        manifest = json.loads(raw.decode("utf-8"))
        pack = cls(path, manifest, fingerprint=hashlib.sha256(raw).hexdigest()[:16])
        for key, clip in dict(manifest.get("clips", {})).items():
            try:
                data, rate = sf.read(path / clip["file"], dtype="float32", always_2d=True)
            except (OSError, RuntimeError, KeyError) as exc:
                log.warning("voice pack %s: clip %s unreadable (%s)", pack.id, key, exc)
                continue
            pack.clips[key] = prepare(data, rate)
        return pack


class Espeak:
    """espeak-ng as the last resort: any word of any call, offline; cached by voice and text."""

    def __init__(self, region: str = "north") -> None:
        self.binary = shutil.which("espeak-ng")
        self.region = region
        self.cache: OrderedDict[tuple[str, str], Audio] = OrderedDict()
        self.lock = threading.Lock()

    def available(self) -> bool:
        return self.binary is not None

    def say(self, text: str, lang: str) -> Audio:
        voice = ESPEAK_VOICES.get((lang, self.region if lang == "vi" else "north"), "vi")
        key = (voice, text)
        with self.lock:
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key]
        if self.binary is None:
            return np.zeros(0, np.float32)
        done = subprocess.run(
            [self.binary, "-v", voice, "-s", "150", "--stdout", text], capture_output=True, timeout=10, check=False
        )
        if done.returncode != 0 or not done.stdout:
            log.warning("espeak-ng failed for %r", text)
            return np.zeros(0, np.float32)
        data, rate = sf.read(io.BytesIO(done.stdout), dtype="float32", always_2d=True)
        audio = prepare(data, rate)
        with self.lock:
            self.cache[key] = audio
            if len(self.cache) > 2000:
                self.cache.popitem(last=False)
        return audio


def silence(ms: int) -> Audio:
    return np.zeros(int(RATE * ms / 1000), np.float32)


class Composer:
    """Calls from segments: each word from the first pack that has its clip, else espeak-ng."""

    def __init__(self, packs: list[Pack], espeak: Espeak | None = None) -> None:
        self.packs = packs
        self.espeak = espeak or Espeak()
        self.chime = chime()
        self.cache: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()
        self.missing: set[str] = set()
        self.quickened: dict[tuple[str, str, float], Audio] = {}  # clips at another speaking rate

    def fingerprint(self) -> str:
        parts = [p.fingerprint for p in self.packs] + [self.espeak.region, str(self.espeak.available())]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]

    def word(self, w: speech.Word, rate: float = 1.0) -> Audio:
        if rate != 1.0:
            name = (self.fingerprint(), w.key, rate)  # packs replaced: clips quickened again
            with self.lock:
                done = self.quickened.get(name)
            if done is None:
                done = tempo.change_rate(self.word(w), rate, RATE)
                with self.lock:
                    if len(self.quickened) > 4000:
                        self.quickened.clear()
                    self.quickened[name] = done
            return done
        for pack in self.packs:
            clip = pack.clips.get(w.key)
            if clip is not None and len(clip):
                return clip
        self.missing.add(w.key)
        return self.espeak.say(w.text, w.key.split(".", 1)[0])

    def compose(self, segments: list[speech.Segment], rate: float = 1.0, gap_ms: int = GAP_MS) -> Audio:
        """The segments as audio: the words at ``rate``, ``gap_ms`` of silence after each."""
        parts: list[Audio] = []
        for s in segments:
            if isinstance(s, speech.Chime):
                parts.append(self.chime)
            elif isinstance(s, speech.Pause):
                parts.append(silence(s.ms))
            else:
                parts.append(self.word(s, rate))
                parts.append(silence(gap_ms))
        return np.concatenate(parts) if parts else np.zeros(0, np.float32)

    def key(self, segments: list[speech.Segment], rate: float = 1.0, gap_ms: int = GAP_MS) -> str:
        """The content address of a call: its words, pauses, rate, gaps and the voices that say them."""
        pace = ("" if rate == 1.0 else f"@{rate}") + ("" if gap_ms == GAP_MS else f"~{gap_ms}")
        return hashlib.sha256((self.fingerprint() + pace + repr(segments)).encode()).hexdigest()[:32]

    def cached(self, key: str) -> bytes | None:
        with self.lock:
            data = self.cache.get(key)
            if data is not None:
                self.cache.move_to_end(key)
            return data

    def compose_cached(self, segments: list[speech.Segment], rate: float = 1.0, gap_ms: int = GAP_MS) -> str:
        """Compose a call unless already done; its key."""
        key = self.key(segments, rate, gap_ms)
        if self.cached(key) is None:
            data = wav_bytes(self.compose(segments, rate, gap_ms))
            with self.lock:
                self.cache[key] = data
                if len(self.cache) > 500:
                    self.cache.popitem(last=False)
        return key

    def call_wav(self, segments: list[speech.Segment]) -> bytes:
        """The WAV of a call (composed once, then from the cache)."""
        data = self.cached(self.compose_cached(segments))
        assert data is not None
        return data

"""Online voices (edge-tts, Microsoft Edge's read-aloud service) to make voice packs ahead of
time, never on the path of a live call: a call always plays from packs or espeak-ng.

Every clip is cached on disk by its text, voice and settings, so a pack is fetched once; each
request has a total timeout; after a failure a circuit breaker stops asking for a while (the
service breaks every few months and throttles: three token changes between Nov 2024 and Jan 2026, so it is never on the call path).

``python -m server.voice_online --voice vi-VN-HoaiMyNeural`` builds a pack into
data/voice-packs/ (online only). The tests drive the real edge-tts client against a local
server that speaks the service's websocket contract (``endpoint``)."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import soundfile as sf

from . import audio, voicepacks
from .domain import speech

log = logging.getLogger("server.voice_online")


class EdgeVoice:
    def __init__(
        self,
        cache_dir: Path,
        voice: str = "vi-VN-HoaiMyNeural",
        rate: str = "+0%",
        timeout: float = 8.0,
        cooldown: float = 300.0,
        endpoint: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cache_dir = cache_dir
        self.voice = voice
        self.rate = rate
        self.timeout = timeout
        self.cooldown = cooldown
        self.endpoint = endpoint  # another service URL (tests); None: the library's own
        self.clock = clock
        self.open_until = 0.0
        self.requests = 0  # how many times the network was asked (the rest came from the cache)

    def key(self, text: str) -> str:
        import edge_tts

        blob = json.dumps(
            {
                "engine": "edge-tts",
                "v": edge_tts.__version__,
                "voice": self.voice,
                "rate": self.rate,
                "text": " ".join(text.split()),
            },
            ensure_ascii=False,
            sort_keys=True,
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    def _path(self, text: str) -> Path:
        k = self.key(text)
        return self.cache_dir / k[:2] / f"{k}.mp3"

    async def _fetch(self, text: str) -> bytes:
        import edge_tts
        from edge_tts import communicate

        if self.endpoint is not None:
            communicate.WSS_URL = self.endpoint  # type: ignore[attr-defined]
        chunks = []
        async for chunk in edge_tts.Communicate(text, self.voice, rate=self.rate, connect_timeout=5).stream():
            if chunk["type"] == "audio":
                chunks.append(chunk["data"])
        return b"".join(chunks)

    async def synth(self, text: str) -> bytes | None:
        """The MP3 of ``text``: from the cache, else from the service; None when the service is
        unavailable (the circuit is then open for ``cooldown`` seconds)."""
        path = self._path(text)
        cached = await asyncio.to_thread(_read, path)
        if cached is not None:
            return cached
        if self.clock() < self.open_until:
            return None
        self.requests += 1
        try:
            data = await asyncio.wait_for(self._fetch(text), self.timeout)
            if not data:
                raise ValueError("no audio")
        except Exception as exc:  # aiohttp errors, EdgeTTSException, timeouts, OSError: all mean "not now"
            self.open_until = self.clock() + self.cooldown
            log.warning("online voice unavailable (%s); not asking again for %.0f s", type(exc).__name__, self.cooldown)
            return None
        await asyncio.to_thread(_write_atomically, path, data)
        return data

    async def build_pack(self, directory: Path, lang: speech.Lang = "vi", region: str = "north") -> audio.Pack | None:
        """A complete pack of every clip a call can need, or None (nothing written) if any
        clip could not be had."""
        style = speech.SOUTH if region == "south" else speech.NORTH
        words = voicepacks.pack_vocabulary(lang, style)
        decoded: dict[str, audio.Audio] = {}
        for key, text in sorted(words.items()):
            data = await self.synth(text)
            if data is None:
                return None
            samples, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
            decoded[key] = audio.prepare(samples, rate)
        clips = {key: {"file": f"{key}.wav", "text": words[key]} for key in decoded}
        manifest = {
            "id": f"edge-{self.voice}",
            "name": f"{self.voice} (edge-tts, generated on site)",
            "lang": lang,
            "region": region,
            "gender": "female" if any(n in self.voice for n in ("HoaiMy", "Jenny", "Sonia", "Emma", "Ava")) else "male",
            "author": "Microsoft Edge read-aloud voices via edge-tts",
            "licence": "generated on site; do not redistribute",
            "source": f"edge:{self.voice}",
            "sample_rate": audio.RATE,
            "clips": clips,
        }
        return await asyncio.to_thread(_write_pack, directory, decoded, manifest)


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)  # whole or not at all


def _write_pack(directory: Path, decoded: dict[str, audio.Audio], manifest: Mapping[str, object]) -> audio.Pack:
    directory.mkdir(parents=True, exist_ok=True)
    for key, clip in decoded.items():
        sf.write(directory / f"{key}.wav", clip, audio.RATE, subtype="PCM_16")
    (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return audio.Pack.load(directory)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--voice", default="vi-VN-HoaiMyNeural")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.add_argument("--region", choices=["north", "central", "south"], default="north")
    p.add_argument("--packs", default="data/voice-packs")
    args = p.parse_args()
    packs = Path(args.packs)
    edge = EdgeVoice(packs / ".edge-cache", args.voice)
    pack = asyncio.run(edge.build_pack(packs / f"edge-{args.voice}", args.lang, args.region))
    if pack is None:
        raise SystemExit("the online voice is not reachable: nothing written (calls keep using the other packs)")
    print(f"voice pack {pack.id}: {len(pack.clips)} clips in {pack.path}")


if __name__ == "__main__":
    main()

"""The voice packs of a site on disk: every clip a call can need (``pack_vocabulary``), packs
generated with espeak-ng on the first start, the order they are used in (recordings, online
voices, espeak-ng; the region's Vietnamese; the preferred gender), and the clips staff record
on /voice/ (checked, trimmed, levelled, stored with the manifest updated atomically)."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import soundfile as sf

from .audio import RATE, Espeak, Pack, prepare
from .domain import speech

log = logging.getLogger("server.voicepacks")


def pack_vocabulary(lang: speech.Lang, style: speech.ViStyle = speech.NORTH) -> dict[str, str]:
    """Every clip key a call in ``lang`` can need, with its text."""
    words: dict[str, str] = {}
    for n in (*range(0, 100), 105, 1000, 1005, 100_000):
        for w in speech.vi_number(n, style) if lang == "vi" else speech.en_number(n):
            words[w.key] = w.text
    for w in speech.read_label("ABCDEGHIKLMNOPQRSTUVXY", lang):
        words[w.key] = w.text
    how = speech.CallSpeech(languages=(lang,), style=style)
    pair = [speech.Called("A1", 1), speech.Called("A2", 2, room=True)]  # a counter, an exam room
    for seg in [
        *speech.announce("A1", 1, "number", how),
        *speech.announce("A1", 1, "number", how, room=True),
        *speech.sentence(pair, (lang,), style),
        *speech.sentence(pair[1:], (lang,), style),
    ]:
        if isinstance(seg, speech.Word):
            words[seg.key] = seg.text
    return words


def build_espeak_pack(directory: Path, lang: str = "vi", region: str = "north") -> Pack:
    """A complete pack generated with espeak-ng (robotic, but every clip a call can need),
    for sites without recordings yet and for tests."""
    espeak = Espeak(region)
    if not espeak.available():
        raise FileNotFoundError("espeak-ng is not installed (apt-get install espeak-ng)")
    style = speech.SOUTH if region == "south" else speech.NORTH
    words = pack_vocabulary("vi" if lang == "vi" else "en", style)
    directory.mkdir(parents=True, exist_ok=True)
    clips = {}
    for key, text in sorted(words.items()):
        audio = espeak.say(text, lang)
        name = f"{key}.wav"
        sf.write(directory / name, audio, RATE, subtype="PCM_16")
        clips[key] = {"file": name, "text": text}
    manifest = {
        "id": f"espeak-{lang}-{region}",
        "name": f"espeak-ng {lang} ({region})",
        "lang": lang,
        "region": region,
        "gender": "male",
        "author": "generated with espeak-ng",
        "licence": "GPL-3.0-or-later (espeak-ng output)",
        "source": "espeak",
        "sample_rate": RATE,
        "clips": clips,
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return Pack.load(directory)


def load_packs(directory: Path, region: str = "north", gender: str = "any") -> list[Pack]:
    """The voice packs of a site (one folder each), recorded ones first; espeak-ng packs
    (Vietnamese of the region, and English) are generated there when missing."""
    packs: list[Pack] = []
    if directory.is_dir():
        for sub in sorted(directory.iterdir()):
            if not sub.name.startswith(".") and (sub / "manifest.json").is_file():
                try:
                    packs.append(Pack.load(sub))
                except (OSError, ValueError) as exc:
                    log.warning("voice pack %s not loaded: %s", sub.name, exc)
    have = {p.path.name for p in packs}
    for name, lang in ((f"espeak-vi-{region}", "vi"), ("espeak-en", "en")):
        if name in have or not shutil.which("espeak-ng"):
            continue
        log.info("generating the espeak-ng voice pack %s", name)
        directory.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=directory))
        build_espeak_pack(work, lang, region if lang == "vi" else "north")
        try:
            os.rename(work, directory / name)  # whole or not at all (another process may have won)
        except OSError:
            shutil.rmtree(work, ignore_errors=True)
        packs.append(Pack.load(directory / name))
    # Vietnamese packs of the configured region only (accents differ); then recordings before
    # online voices before espeak-ng, the preferred gender first
    packs = [p for p in packs if p.manifest.get("lang") != "vi" or p.manifest.get("region", region) == region]

    def rank(p: Pack) -> tuple[int, int]:
        source = str(p.manifest.get("source", ""))
        order = 2 if source == "espeak" else 1 if source.startswith("edge:") else 0
        return (order, 0 if gender == "any" or p.manifest.get("gender") == gender else 1)

    packs.sort(key=rank)
    return packs


class ClipError(ValueError):
    """A recording that cannot be a clip (code: unknown_clip, bad_audio, too_long, silent)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


PACK_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_CLIP_BYTES = 4 * 1024 * 1024
MAX_CLIP_SECONDS = 10.0


def save_recorded_clip(packs_dir: Path, pack_id: str, key: str, data: bytes, author: str, region: str) -> Pack:
    """Store a staff recording as clip ``key`` of pack ``pack_id`` (made on first use):
    decoded, trimmed and levelled like every clip, the manifest updated atomically."""
    lang = key.split(".", 1)[0]
    if not PACK_ID.match(pack_id) or lang not in ("vi", "en"):
        raise ClipError("unknown_clip")
    vocabulary = pack_vocabulary("vi", speech.NORTH) | pack_vocabulary("vi", speech.SOUTH) | pack_vocabulary("en")
    if key not in vocabulary:
        raise ClipError("unknown_clip")
    if len(data) > MAX_CLIP_BYTES:
        raise ClipError("too_long")
    try:
        samples, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except (RuntimeError, sf.LibsndfileError, TypeError, ValueError):
        raise ClipError("bad_audio") from None
    if len(samples) / rate > MAX_CLIP_SECONDS:
        raise ClipError("too_long")
    clip = prepare(samples, rate)
    if len(clip) < RATE // 20:
        raise ClipError("silent")
    directory = packs_dir / pack_id
    directory.mkdir(parents=True, exist_ok=True)
    manifest_path = directory / "manifest.json"
    manifest: dict[str, Any] = (
        json.loads(manifest_path.read_text("utf-8"))
        if manifest_path.exists()
        else {
            "id": pack_id,
            "name": pack_id,
            "lang": lang,
            "region": region,
            "gender": "",
            "author": author,
            "licence": "recorded on site by its staff",
            "source": "recorded",
            "sample_rate": RATE,
            "clips": {},
        }
    )
    sf.write(directory / f"{key}.wav", clip, RATE, subtype="PCM_16")
    manifest["clips"][key] = {"file": f"{key}.wav", "text": vocabulary[key], "by": author}
    tmp = manifest_path.with_suffix(".part")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, manifest_path)
    return Pack.load(directory)

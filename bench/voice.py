"""Call audio benchmark: ``python -m bench.voice`` (``scripts/bench voice``).

Measures, on this machine: generating the espeak-ng voice packs (Vietnamese and English, what a
first start does), and composing a bilingual call (chime, Vietnamese, English) to WAV bytes for
200 different tickets, against the baseline of the same run: encoding an already composed
call of the same length (so the ratio is what composition adds to the unavoidable encode)."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from server import audio, voicepacks
from server.domain import speech


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        vi = voicepacks.build_espeak_pack(Path(tmp) / "vi", "vi", "north")
        t1 = time.perf_counter()
        en = voicepacks.build_espeak_pack(Path(tmp) / "en", "en")
        t2 = time.perf_counter()
        composer = audio.Composer([vi, en], audio.Espeak())
        compose_ms, encode_ms, seconds = [], [], []
        for i in range(200):
            label = f"{'ABX'[i % 3]}{i * 7 % 1000:03d}"
            segments = speech.announce(label, 1 + i % 12)
            a = time.perf_counter()
            pcm = composer.compose(segments)
            wav = audio.wav_bytes(pcm)
            b = time.perf_counter()
            audio.wav_bytes(pcm)
            c = time.perf_counter()
            compose_ms.append((b - a) * 1000)
            encode_ms.append((c - b) * 1000)
            seconds.append(len(pcm) / audio.RATE)
            assert wav
    p95 = lambda xs: sorted(xs)[int(0.95 * (len(xs) - 1))]  # noqa: E731
    print("| step | median | p95 | note |")
    print("|---|---|---|---|")
    print(f"| generate the espeak-ng pack, Vietnamese | {(t1 - t0) * 1000:.0f} ms | | {len(vi.clips)} clips |")
    print(f"| generate the espeak-ng pack, English | {(t2 - t1) * 1000:.0f} ms | | {len(en.clips)} clips |")
    print(
        f"| compose a bilingual call to WAV | {statistics.median(compose_ms):.1f} ms | {p95(compose_ms):.1f} ms | "
        f"{statistics.median(seconds):.1f} s of audio, 200 tickets |"
    )
    print(
        f"| baseline: encode the same call only | {statistics.median(encode_ms):.1f} ms | {p95(encode_ms):.1f} ms | |"
    )
    print(f"| ratio compose / encode | {statistics.median(compose_ms) / statistics.median(encode_ms):.1f}x | | |")


if __name__ == "__main__":
    main()

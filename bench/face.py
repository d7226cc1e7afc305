"""Face and ticket benchmark: ``python -m bench.face`` (``scripts/bench face``).

- One 640x480 kiosk frame (a real photo from a PyPI package, tests/face_photos.py) through the
  bridge's engine: detection + quality + landmarks + descriptor, against dlib's HOG detection
  alone in the same run (the part no design can skip).
- The chip portrait (240x320 JPEG 2000, detection upsampled once).
- The server's face index: the nearest allowed ticket among 10,000 active descriptors, against
  a bare numpy nearest-neighbour over the same matrix.
- The printed ticket: our render (Pillow, 576 dots, QR) against python-escpos encoding the
  same image as GS v 0.

Prints median and 90th percentile (milliseconds) and the ratios; CPU time is given for the
frame analysis (single-threaded: what an idle kiosk would see)."""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from bench.__main__ import table


def timed(fn: Callable[[], Any], n: int) -> tuple[list[float], list[float]]:
    fn()  # warm up
    wall, cpu = [], []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return wall, cpu


def p90(xs: list[float]) -> float:
    return sorted(xs)[max(0, int(len(xs) * 0.9) - 1)]


def row(name: str, wall: list[float], base: list[float] | None = None, cpu: list[float] | None = None) -> list[Any]:
    med = statistics.median(wall)
    ratio = f"{med / statistics.median(base):.2f}x" if base else ""
    return [name, f"{med:.3f}", f"{p90(wall):.3f}", f"{statistics.median(cpu):.1f}" if cpu else "", ratio]


def run(frames: int, searches: int) -> str:
    from escpos.printer import Dummy

    from hw_bridge.face import FaceEngine, decode_image
    from printing.ticket import Ticket, render
    from server.faces import FaceIndex
    from tests.face_photos import chip_portrait, fetch_photos, kiosk_frame

    pics = fetch_photos()
    engine = FaceEngine()
    frame = kiosk_frame(pics["obama2.jpg"])
    assert engine.analyse(frame).descriptor is not None
    rows = []
    hog_wall, hog_cpu = timed(lambda: engine.detector(frame, 0), frames)
    full_wall, full_cpu = timed(lambda: engine.analyse(frame), frames)
    rows.append(row("dlib HOG detection alone (baseline)", hog_wall, cpu=hog_cpu))
    rows.append(row("frame: detect + quality + 5 points + descriptor", full_wall, hog_wall, full_cpu))
    jp2 = chip_portrait(pics["obama.jpg"])
    decode_wall, _ = timed(lambda: decode_image(jp2), frames)
    portrait_wall, portrait_cpu = timed(lambda: engine.portrait(jp2), frames)
    rows.append(row("chip portrait: JPEG 2000 decode alone (baseline)", decode_wall))
    rows.append(row("chip portrait: decode + upsampled detect + descriptor", portrait_wall, decode_wall, portrait_cpu))

    rng = np.random.default_rng(1)
    vecs = rng.normal(size=(10_000, 128)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    index = FaceIndex()
    for i, v in enumerate(vecs):
        index.add(i, v)
    active = {i: ("A" if i % 2 else "B") for i in range(10_000)}  # what allowed() looks at
    probe = (vecs[4321] + 0.01).astype(np.float32)
    bare_wall, _ = timed(lambda: int(np.argmin(np.linalg.norm(vecs - probe, axis=1))), searches)
    index_wall, _ = timed(lambda: index.nearest(probe, 0.55, lambda t: active.get(t) == "A"), searches)
    assert index.nearest(probe, 0.55, lambda t: active.get(t) == "A") is not None
    rows.append(row("10,000 descriptors: bare numpy nearest (baseline)", bare_wall))
    rows.append(row("10,000 descriptors: face index, nearest allowed", index_wall, bare_wall))

    ticket = Ticket(
        unit="Trung tâm Y tế huyện Thử Nghiệm",
        service="Khám Nội",
        label="B024",
        counters="Quầy 5, 6",
        ahead=12,
        wait_minutes=25,
        issued="08:15 30/11/2026",
        url="http://192.168.1.10:8000/t/B024",
    )
    image = render(ticket, 576)

    def encode() -> bytes:
        d = Dummy()
        d.profile.profile_data["media"]["width"]["pixels"] = image.width  # else escpos prints a warning
        d.image(image, impl="bitImageRaster", center=False)
        return bytes(d.output)

    encode_wall, _ = timed(encode, frames)
    render_wall, render_cpu = timed(lambda: render(ticket, 576), frames)
    rows.append(row(f"ticket: python-escpos GS v 0 encode ({len(encode())} bytes, baseline)", encode_wall))
    rows.append(row(f"ticket: our render 576x{image.height} with QR", render_wall, encode_wall, render_cpu))
    return table(["measure", "median ms", "p90 ms", "CPU ms", "vs baseline"], rows)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--frames", type=int, default=30, help="repetitions of each image measure")
    p.add_argument("--searches", type=int, default=300, help="repetitions of each search")
    args = p.parse_args()
    print(table_header())
    print(run(args.frames, args.searches))


def table_header() -> str:
    import os
    import platform

    return f"face and ticket benchmark, {time.strftime('%Y-%m-%d')}, {platform.processor() or platform.machine()}, {os.cpu_count()} cores"


if __name__ == "__main__":
    main()

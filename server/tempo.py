"""The speaking rate of a clip changed without changing its pitch (WSOLA: waveform similarity
overlap-add). Frames of 30 ms are taken from the input every ``rate`` x 15 ms, each shifted by
up to 8 ms to the place most like the natural continuation of the frame before, and added with
a Hann window every 15 ms of output. Good for speech between 0.8x and 1.5x; pure numpy, about
a millisecond per second of audio; the composer applies it once per clip and keeps the result."""

from __future__ import annotations

import numpy as np

FRAME_S = 0.030
TOLERANCE_S = 0.008


def change_rate(x: np.ndarray, rate: float, sample_rate: int) -> np.ndarray:
    """``x`` (float32 mono) spoken ``rate`` times as fast: ``len(x) / rate`` samples."""
    frame = int(FRAME_S * sample_rate)
    if abs(rate - 1.0) < 1e-3 or len(x) < 2 * frame:
        return x
    hop = frame // 2
    tol = int(TOLERANCE_S * sample_rate)
    window = np.hanning(frame + 2)[1:-1].astype(np.float32)  # no zero ends: nothing lost at the edges
    n_out = int(len(x) / rate)
    out = np.zeros(n_out + frame, np.float32)
    weight = np.zeros(n_out + frame, np.float32)
    previous = 0
    k = 0
    while k * hop < n_out:
        target = int(k * hop * rate)
        if k == 0:
            start = 0
        else:
            natural = x[previous + hop : previous + hop + frame]
            lo, hi = max(0, target - tol), min(len(x) - frame, target + tol)
            if hi < lo or len(natural) < frame:
                break
            corr = np.correlate(x[lo : hi + frame], natural, mode="valid")
            start = lo + int(np.argmax(corr))
        out[k * hop : k * hop + frame] += x[start : start + frame] * window
        weight[k * hop : k * hop + frame] += window
        previous = start
        k += 1
    weight[weight < 1e-3] = 1.0
    end = min(n_out, (k - 1) * hop + frame)
    result: np.ndarray = (out / weight)[:end].astype(np.float32)
    return result

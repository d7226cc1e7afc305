"""The bridge's face engine on real photos from PyPI packages (tests/face_photos.py): the same
person matched across photos, different people not, quality refusals, the ID card portrait,
and frames from OpenCV's file capture."""

from __future__ import annotations

import itertools
from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from hw_bridge.face import (
    SAME_PERSON,
    FaceEngine,
    FrameSource,
    _quality,
    decode_image,
    distance,
)
from server.domain.config import Face

from .face_photos import chip_portrait, kiosk_frame, photos

REVIEW = Face().review_distance


@pytest.fixture(scope="module")
def engine() -> FaceEngine:
    return FaceEngine()


@pytest.fixture(scope="module")
def pics() -> dict[str, Path]:
    return photos()


def describe(engine: FaceEngine, path: Path) -> np.ndarray:
    rgb = decode_image(path.read_bytes())
    h, w = rgb.shape[:2]
    if max(h, w) > 800:  # full-size photos: shrunk like a camera frame
        s = 800 / max(h, w)
        rgb = cv2.resize(rgb, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA)
    result = engine.analyse(rgb)
    assert result.quality.ok, (path.name, result.quality)
    assert result.descriptor is not None and len(result.descriptor) == 128
    return np.asarray(result.descriptor)


def test_the_same_person_in_different_photos_is_matched(engine: FaceEngine, pics: dict[str, Path]) -> None:
    vecs = [describe(engine, pics[n]) for n in ("obama.jpg", "obama2.jpg", "obama3.jpg")]
    for a, b in itertools.combinations(vecs, 2):
        assert distance(a, b) <= SAME_PERSON


def test_different_people_are_not(engine: FaceEngine, pics: dict[str, Path]) -> None:
    people = {n: describe(engine, pics[n]) for n in ("obama.jpg", "biden.jpg", "astronaut.png")}
    for (na, a), (nb, b) in itertools.combinations(people.items(), 2):
        assert distance(a, b) > REVIEW, (na, nb)


def test_a_kiosk_frame_matches_another_photo(engine: FaceEngine, pics: dict[str, Path]) -> None:
    frame = kiosk_frame(pics["obama2.jpg"])
    result = engine.analyse(frame)
    assert result.quality.ok and result.descriptor is not None
    assert distance(result.descriptor, describe(engine, pics["obama.jpg"])) <= SAME_PERSON
    assert distance(result.descriptor, describe(engine, pics["biden.jpg"])) > REVIEW


def test_quality_refusals(engine: FaceEngine, pics: dict[str, Path]) -> None:
    frame = kiosk_frame(pics["obama.jpg"])
    assert engine.analyse(frame).quality.code == "ok"
    checks = {
        "no_face": np.full((480, 640, 3), 128, np.uint8),
        "face_blurry": cv2.GaussianBlur(frame, (21, 21), 0),
        "face_too_dark": (frame * 0.2).astype(np.uint8),
        "face_too_small": kiosk_frame(pics["obama.jpg"], 300),  # found, but about 73 px wide
        "not_frontal": cv2.warpAffine(frame, cv2.getRotationMatrix2D((320, 240), 30, 1.0), (640, 480)),
    }
    for code, image in checks.items():
        result = engine.analyse(image)
        assert result.quality.code == code and result.descriptor is None, (code, result.quality)
        assert result.quality.as_dict()["message_vi"] and result.quality.as_dict()["message_en"]
    two = np.ascontiguousarray(np.hstack([kiosk_frame(pics["obama.jpg"]), kiosk_frame(pics["biden.jpg"])]))
    result = engine.analyse(two)
    assert result.quality.code == "several_faces" and result.descriptor is None


def test_yaw_and_roll_from_the_five_points() -> None:
    """The frontal check on hand-placed landmarks (dlib order: eye corners 0-1 and 2-3, nose 4)."""
    rgb = np.random.default_rng(1).integers(0, 255, (200, 200, 3), dtype=np.uint8)
    box = SimpleNamespace(left=lambda: 50, top=lambda: 50, right=lambda: 150, bottom=lambda: 150, width=lambda: 100)

    def shape(nose_x: float, tilt: float = 0.0) -> SimpleNamespace:
        pts = [(130, 80 + tilt), (115, 80 + tilt), (85, 80 - tilt), (70, 80 - tilt), (nose_x, 120)]
        return SimpleNamespace(part=lambda i: SimpleNamespace(x=pts[i][0], y=pts[i][1]))

    assert _quality(rgb, box, shape(100), 1, 80).code == "ok"
    turned = _quality(rgb, box, shape(125), 1, 80)
    assert turned.code == "not_frontal" and turned.yaw == pytest.approx(25 / 45, abs=0.01)
    assert _quality(rgb, box, shape(75), 1, 80).code == "not_frontal"
    tilted = _quality(rgb, box, shape(100, tilt=15), 1, 80)
    assert tilted.code == "not_frontal" and abs(tilted.roll) > 20


def test_the_id_card_portrait_is_matched_one_to_one(engine: FaceEngine, pics: dict[str, Path]) -> None:
    """A chip-like portrait: a 240x320 crop saved as a small JPEG 2000, as in DG2."""
    jp2 = chip_portrait(pics["obama2.jpg"])
    assert jp2.startswith(b"\x00\x00\x00\x0cjP  ") and len(jp2) < 20_000
    card = engine.portrait(jp2)
    assert card is not None
    assert distance(card, describe(engine, pics["obama.jpg"])) <= SAME_PERSON
    assert distance(card, describe(engine, pics["biden.jpg"])) > REVIEW
    assert engine.portrait(_jpeg(np.full((320, 240, 3), 90, np.uint8))) is None


def _jpeg(rgb: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".jpg", rgb[:, :, ::-1])
    assert ok
    return data.tobytes()


def test_bad_images_are_refused_with_a_code() -> None:
    from hw_bridge.errors import BridgeError

    for data in (b"", b"not an image", b"\xff\xd8\xff" + b"0" * 100):
        with pytest.raises(BridgeError) as err:
            decode_image(data)
        assert err.value.code == "bad_image"


def test_frames_from_a_video_file(engine: FaceEngine, pics: dict[str, Path], tmp_path: Path) -> None:
    video = tmp_path / "camera.avi"
    write_video(video, kiosk_frame(pics["obama2.jpg"]), 5)
    frames = FrameSource(str(video)).frames(10)
    assert len(frames) == 5 and frames[0].shape == (480, 640, 3)
    result = engine.analyse(frames[2])
    assert result.quality.ok and result.descriptor is not None
    assert distance(result.descriptor, describe(engine, pics["obama.jpg"])) <= SAME_PERSON
    from hw_bridge.errors import BridgeError

    with pytest.raises(BridgeError) as err:
        FrameSource(str(tmp_path / "nothing.avi")).frames(1)
    assert err.value.code == "camera_missing"


def write_video(path: Path, rgb: np.ndarray, count: int) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 15, (rgb.shape[1], rgb.shape[0]))
    for _ in range(count):
        writer.write(np.ascontiguousarray(rgb[:, :, ::-1]))
    writer.release()

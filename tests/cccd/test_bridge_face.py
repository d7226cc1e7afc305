"""Faces through the bridge process, as the kiosk page uses them: a camera frame in, quality and
descriptor out; the bridge's own camera (a video file here); the 1:1 check against the portrait
of the ID card on the reader (a card made with a real photo from a PyPI package)."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from websockets.sync.client import ClientConnection

from hw_bridge.cccd import testcard
from hw_bridge.cccd.emulator import EmulatedCard
from hw_bridge.cccd.vpcd import VirtualCard
from hw_bridge.face import SAME_PERSON, distance

from .. import bridge_harness
from ..face_photos import chip_portrait, kiosk_frame, photos
from ..test_face import write_video
from .test_bridge import ORIGIN, TOKEN, insert_until_seen, next_of, paired


def jpeg_b64(rgb: np.ndarray) -> str:
    ok, data = cv2.imencode(".jpg", np.ascontiguousarray(rgb[:, :, ::-1]), [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return base64.b64encode(data.tobytes()).decode()


@contextlib.contextmanager
def session(tmp_path: Path, **env: str) -> Iterator[tuple[ClientConnection, dict[str, Any]]]:
    with bridge_harness.running_bridge(tmp_path, TOKEN, ORIGIN, **env) as url, paired(url) as pair:
        yield pair


def ask(ws: ClientConnection, rid: str, method: str, **params: Any) -> dict[str, Any]:
    ws.send(json.dumps({"type": "request", "id": rid, "method": method, "params": params}))
    while True:
        msg = json.loads(ws.recv(timeout=30))
        if msg.get("id") == rid:
            return dict(msg)


def test_frames_in_descriptors_out_and_the_card_portrait(pcscd: None, tmp_path: Path) -> None:
    pics = photos()
    video = tmp_path / "camera.avi"
    write_video(video, kiosk_frame(pics["obama3.jpg"]), 1)  # face too small: never usable
    write_video(tmp_path / "good.avi", kiosk_frame(pics["obama2.jpg"]), 3)
    with session(tmp_path, BRIDGE_CAMERA=str(tmp_path / "good.avi")) as (ws, welcome):
        assert welcome["devices"]["face"] == {"ok": True, "camera": True}
        assert {"face.describe", "face.capture"} <= set(welcome["methods"])

        me = ask(ws, "f1", "face.describe", image=jpeg_b64(kiosk_frame(pics["obama.jpg"])))
        assert me["type"] == "reply" and me["result"]["quality"]["code"] == "ok"
        mine = me["result"]["descriptor"]
        assert len(mine) == 128 and "card" not in me["result"]

        other = ask(
            ws,
            "f2",
            "face.describe",
            image="data:image/jpeg;base64," + jpeg_b64(kiosk_frame(pics["biden.jpg"], upper=0.4)),
        )
        assert distance(other["result"]["descriptor"], mine) > 0.55

        blurred = ask(
            ws, "f3", "face.describe", image=jpeg_b64(cv2.GaussianBlur(kiosk_frame(pics["obama.jpg"]), (21, 21), 0))
        )
        q = blurred["result"]["quality"]
        assert q["code"] == "face_blurry" and blurred["result"]["descriptor"] is None
        assert q["message_vi"] == "Ảnh bị mờ. Hãy đứng yên." and q["message_en"]

        bad = ask(ws, "f4", "face.describe", image="bm90IGFuIGltYWdl")
        assert bad["type"] == "error" and bad["code"] == "bad_image" and bad["message_vi"]
        bad = ask(ws, "f5", "face.describe", image="%%%")
        assert bad["type"] == "error" and bad["code"] == "bad_image"
        bad = ask(ws, "f6", "face.describe", image=3)
        assert bad["type"] == "error" and bad["code"] == "bad_params"

        captured = ask(ws, "f7", "face.capture", frames=3)
        assert captured["type"] == "reply", captured
        assert distance(captured["result"]["descriptor"], mine) <= SAME_PERSON

        contents = testcard.make_card(
            testcard.Person(id_number="001099012345"), portrait=chip_portrait(pics["obama2.jpg"])
        )
        card = VirtualCard(EmulatedCard.of(contents))
        try:
            insert_until_seen(ws, card)
            read = ask(ws, "c1", "card.read", id_number="001099012345", portrait=True)
            assert read["type"] == "reply" and read["result"]["portrait_face"] is True
            same = ask(ws, "f8", "face.describe", image=jpeg_b64(kiosk_frame(pics["obama.jpg"])))
            assert same["result"]["card"]["same"] is True
            assert same["result"]["card"]["distance"] <= SAME_PERSON
            notsame = ask(ws, "f9", "face.describe", image=jpeg_b64(kiosk_frame(pics["biden.jpg"], upper=0.4)))
            assert notsame["result"]["card"]["same"] is False
        finally:
            card.remove()
        next_of(ws, "card_removed")
        after = ask(ws, "f10", "face.describe", image=jpeg_b64(kiosk_frame(pics["obama.jpg"])))
        assert "card" not in after["result"], "the portrait is forgotten when the card leaves"

    with session(tmp_path / "b2", BRIDGE_CAMERA=str(video)) as (ws, _):
        none = ask(ws, "g1", "face.capture", frames=5)
        assert none["type"] == "error" and none["code"] == "no_usable_face"
    with session(tmp_path / "b3", BRIDGE_FACE="0") as (ws, welcome):
        assert welcome["devices"]["face"]["ok"] is False
        off = ask(ws, "h1", "face.describe", image=jpeg_b64(kiosk_frame(pics["obama.jpg"])))
        assert off["type"] == "error" and off["code"] == "face_unavailable"
        off = ask(ws, "h2", "face.capture")
        assert off["type"] == "error" and off["code"] == "face_unavailable"
    log = (tmp_path / "bridge.log").read_text()
    assert "001099" not in log

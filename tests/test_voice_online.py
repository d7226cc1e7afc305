"""The online voice client (the real edge-tts library) against a local server that speaks the
read-aloud service's websocket contract: speech.config and ssml in; turn.start, audio frames
(2-byte header length, headers, MP3) and turn.end out. The MP3 is espeak-ng reading the text,
so the audio is real speech of the right words. The real service is unreachable from here."""

from __future__ import annotations

import asyncio
import html
import io
import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from websockets.asyncio.server import ServerConnection, serve

from server import audio, voicepacks
from server.domain import speech
from server.voice_online import EdgeVoice

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")


class FakeReadAloud:
    def __init__(self, silent: bool = False) -> None:
        self.connections = 0
        self.silent = silent  # never answers: the client's timeout must end the wait
        self.port = 0

    async def handler(self, ws: ServerConnection) -> None:
        self.connections += 1
        config = await ws.recv()
        assert "Path:speech.config" in str(config)
        ssml = str(await ws.recv())
        assert "Path:ssml" in ssml and "application/ssml+xml" in ssml
        if self.silent:
            await asyncio.sleep(30)
            return
        text = html.unescape(re.search(r"<prosody[^>]*>(.*?)</prosody>", ssml, re.S).group(1))  # type: ignore[union-attr]
        request_id = re.search(r"X-RequestId:(\w+)", ssml).group(1)  # type: ignore[union-attr]
        await ws.send(
            f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\nPath:turn.start\r\n\r\n{{}}"
        )
        mp3 = self.mp3_of(text)
        for i in range(0, len(mp3), 4096):
            head = f"X-RequestId:{request_id}\r\nContent-Type:audio/mpeg\r\nPath:audio\r\n".encode()
            await ws.send(len(head).to_bytes(2, "big") + head + mp3[i : i + 4096])
        await ws.send(
            f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\nPath:turn.end\r\n\r\n{{}}"
        )

    @staticmethod
    def mp3_of(text: str) -> bytes:
        voice = "en-us" if text.isascii() else "vi"
        wav = subprocess.run(["espeak-ng", "-v", voice, "--stdout", text], capture_output=True, check=True).stdout
        samples, rate = sf.read(io.BytesIO(wav), dtype="float32")
        out = io.BytesIO()
        sf.write(out, samples, rate, format="MP3")
        return out.getvalue()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/consumer/speech/synthesize/readaloud/edge/v1?TrustedClientToken=test"


@pytest.fixture
async def service() -> AsyncIterator[FakeReadAloud]:
    fake = FakeReadAloud()
    async with serve(fake.handler, "127.0.0.1", 0) as server:
        fake.port = next(iter(server.sockets)).getsockname()[1]
        yield fake


async def test_speech_comes_back_and_is_cached(service: FakeReadAloud, tmp_path: Path) -> None:
    edge = EdgeVoice(tmp_path / "cache", endpoint=service.url)
    mp3 = await edge.synth("Mời số một nghìn không trăm hai mươi ba")
    assert mp3 is not None
    samples, rate = sf.read(io.BytesIO(mp3), dtype="float32")
    assert 1.0 < len(samples) / rate < 8.0 and float(np.sqrt(np.mean(samples**2))) > 0.02
    again = await edge.synth("Mời số  một nghìn không trăm hai mươi ba")  # the same words: the cache
    assert again == mp3 and service.connections == 1 and edge.requests == 1


async def test_a_pack_from_the_online_voice(service: FakeReadAloud, tmp_path: Path) -> None:
    edge = EdgeVoice(tmp_path / "cache", endpoint=service.url)
    pack = await edge.build_pack(tmp_path / "edge-vi", "vi")
    assert pack is not None and set(pack.clips) == set(voicepacks.pack_vocabulary("vi"))
    assert pack.manifest["source"] == "edge:vi-VN-HoaiMyNeural"
    composer = audio.Composer([pack], audio.Espeak())
    call = composer.compose(speech.announce("A023", 5, "number", speech.CallSpeech(languages=("vi",))))
    assert not composer.missing and 2.5 < len(call) / audio.RATE < 15


async def test_unreachable_service_opens_the_circuit(tmp_path: Path) -> None:
    now = [1000.0]
    edge = EdgeVoice(tmp_path / "cache", endpoint="ws://127.0.0.1:9/nothing?x=1", cooldown=300, clock=lambda: now[0])
    assert await edge.synth("Mời số một") is None
    assert edge.requests == 1
    for _ in range(5):  # within the cooldown: no more network attempts
        assert await edge.synth("Mời số hai") is None
    assert edge.requests == 1
    now[0] += 301
    assert await edge.synth("Mời số ba") is None and edge.requests == 2
    assert await edge.build_pack(tmp_path / "nothing", "vi") is None and not (tmp_path / "nothing").exists()


async def test_a_service_that_never_answers_is_cut_off(tmp_path: Path) -> None:
    fake = FakeReadAloud(silent=True)
    async with serve(fake.handler, "127.0.0.1", 0) as server:
        fake.port = next(iter(server.sockets)).getsockname()[1]
        edge = EdgeVoice(tmp_path / "cache", endpoint=fake.url, timeout=1.0)
        started = asyncio.get_running_loop().time()
        assert await edge.synth("Mời số bốn") is None
        assert asyncio.get_running_loop().time() - started < 3

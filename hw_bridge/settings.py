"""The bridge's settings, from the environment (a systemd unit sets them; see deploy/ in the
hardware issue). The token pairs the bridge with the kiosk page: generated on first start
and written to the data directory when not given."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

DEFAULT_ORIGINS = "http://127.0.0.1:8000,http://localhost:8000"


@dataclass(frozen=True)
class BridgeSettings:
    port: int
    token: str
    allowed_origins: frozenset[str]
    trust_store_dir: Path | None
    reader_filter: str
    audio_backends: tuple[str, ...] = ("pulseaudio", "alsa", "null")
    printer: str = ""  # "tcp://HOST:9100" (empty: no printer on this box)
    printer_width: int = 576  # dots: 576 for 80 mm paper, 384 for 58 mm
    face: bool = True  # load dlib's face models (BRIDGE_FACE=0 to turn off)
    camera: str = ""  # the bridge's own camera for face.capture: "0", a file or a URL

    def trust_store(self) -> list[x509.Certificate]:
        from .cards import load_trust_store

        return load_trust_store(self.trust_store_dir)


def from_env(env: dict[str, str] | None = None) -> BridgeSettings:
    env = dict(os.environ if env is None else env)
    data = Path(env.get("BRIDGE_DATA", "data/bridge"))
    token = env.get("BRIDGE_TOKEN", "")
    if not token:
        path = data / "pairing-token.txt"
        if path.exists():
            token = path.read_text().strip()
        else:
            data.mkdir(parents=True, exist_ok=True)
            token = secrets.token_urlsafe(24)
            path.write_text(token + "\n")
            path.chmod(0o600)
    origins = frozenset(
        o.strip().rstrip("/") for o in env.get("BRIDGE_ALLOWED_ORIGINS", DEFAULT_ORIGINS).split(",") if o.strip()
    )
    trust = env.get("BRIDGE_TRUST_STORE", "")
    return BridgeSettings(
        port=int(env.get("BRIDGE_PORT", "8765")),
        token=token,
        allowed_origins=origins,
        trust_store_dir=Path(trust) if trust else None,
        reader_filter=env.get("BRIDGE_READER", ""),
        printer=env.get("BRIDGE_PRINTER", ""),
        printer_width=int(env.get("BRIDGE_PRINTER_WIDTH", "576")),
        face=env.get("BRIDGE_FACE", "1") not in ("0", "false", "no"),
        camera=env.get("BRIDGE_CAMERA", ""),
        audio_backends=tuple(
            b.strip() for b in env.get("BRIDGE_AUDIO_BACKENDS", "pulseaudio,alsa,null").split(",") if b.strip()
        ),
    )

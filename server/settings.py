"""Server settings from the environment (the queue configuration itself is a TOML file)."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

from .sqlite_log import Synchronous

ROOT = Path(__file__).resolve().parent.parent


class Settings(msgspec.Struct, frozen=True):
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = ROOT / "data"
    config_path: Path = ROOT / "config" / "demo.toml"
    clients_dir: Path = ROOT / "clients"
    synchronous: Synchronous = "FULL"
    allowed_origins: tuple[str, ...] = ()
    admin_password: str = ""
    demo: bool = False
    resume_events: int = 10_000
    snapshot_every: int = 50_000
    voice_packs: Path | None = None  # default: data_dir / "voice-packs"
    announce_check: float = 15.0  # seconds between two looks at the announcement timetable
    phones_per_address: int = 50  # phones following a ticket from one network address (server/phones.py)
    phones_max: int = 5000  # phones following a ticket, in all

    @property
    def db_path(self) -> Path:
        return self.data_dir / "queue.sqlite3"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def voice_packs_dir(self) -> Path:
        return self.voice_packs or self.data_dir / "voice-packs"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = dict(os.environ if env is None else env)
        sync = e.get("QUEUE_SYNC", "FULL").upper()
        if sync not in ("FULL", "NORMAL"):
            raise SystemExit("QUEUE_SYNC must be FULL or NORMAL")
        return cls(
            host=e.get("QUEUE_HOST", "127.0.0.1"),
            port=int(e.get("QUEUE_PORT", "8000")),
            data_dir=Path(e.get("QUEUE_DATA", str(ROOT / "data"))),
            config_path=Path(e.get("QUEUE_CONFIG", str(ROOT / "config" / "demo.toml"))),
            synchronous="FULL" if sync == "FULL" else "NORMAL",
            allowed_origins=tuple(o.strip() for o in e.get("QUEUE_ALLOWED_ORIGINS", "").split(",") if o.strip()),
            admin_password=e.get("QUEUE_ADMIN_PASSWORD", ""),
            demo=e.get("QUEUE_DEMO", "") not in ("", "0", "false"),
            resume_events=int(e.get("QUEUE_RESUME_EVENTS", "10000")),
            snapshot_every=int(e.get("QUEUE_SNAPSHOT_EVERY", "50000")),
            voice_packs=Path(e["QUEUE_VOICE_PACKS"]) if e.get("QUEUE_VOICE_PACKS") else None,
            announce_check=float(e.get("QUEUE_ANNOUNCE_CHECK", "15")),
            phones_per_address=int(e.get("QUEUE_PHONES_PER_ADDRESS", "50")),
            phones_max=int(e.get("QUEUE_PHONES_MAX", "5000")),
        )

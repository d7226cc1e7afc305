"""Server settings from the environment (the queue configuration itself is a TOML file)."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

import msgspec

from .pg_schema import SITE
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
    public_url: str = ""  # how devices and phones reach the server (QUEUE_PUBLIC_URL): device URLs, ticket QR
    trusted_proxies: tuple[str, ...] = ()  # front ends whose X-Forwarded-For is believed
    backup_dir: Path | None = None  # default: data_dir / "backups" (server/backup.py)
    backup_every: float = 6.0  # hours between two scheduled backups (0: none on a schedule)
    backup_keep: float = 14.0  # days a backup is kept (here and in backup_copy_to)
    backup_copy_to: Path | None = None  # another folder (another disk, a mounted share) each backup is copied to
    metrics_allow: tuple[str, ...] = ("127.0.0.1", "::1")  # addresses (or networks) that may read /metrics
    allowed_hosts: tuple[str, ...] = ()  # more names the server answers to (server/hosts.py)
    device_burst: int = 5  # commands a device may send at once (a kiosk: a family's tickets) ...
    device_every: float = 2.0  # ... then one per this many seconds (server/ratelimit.py)
    his_path: Path | None = None  # the HIS links (QUEUE_HIS; default data_dir / "his.toml", server/his/links.py)
    his_retry_max: float = 300.0  # seconds: the longest backoff of a message that failed (QUEUE_HIS_RETRY_MAX)
    insurance_path: Path | None = (
        None  # the BHXH gateway account (QUEUE_INSURANCE; default data_dir / "insurance.toml")
    )
    his_probe_every: float = 30.0  # seconds between two probes of a link whose breaker is open (QUEUE_HIS_PROBE)
    database: str = ""  # QUEUE_DATABASE=postgresql://…: the log in PostgreSQL (server/pg_log.py); empty: SQLite
    site: str = "main"  # QUEUE_SITE: this server's site in a shared database (1-32 letters, digits, - and _)
    # several processes for one site (docs/scale.md): this process's address for the others
    # (QUEUE_CLUSTER_URL, http://host:port) and the secret they share (QUEUE_CLUSTER_SECRET_FILE)
    cluster_url: str = ""
    cluster_secret: str = ""

    @property
    def postgresql(self) -> bool:
        return bool(self.database)

    @property
    def base_url(self) -> str:
        """The server's address for the URLs given to devices: QUEUE_PUBLIC_URL, else the host
        and port it listens on, with a wildcard host (0.0.0.0, ::) replaced by this machine's
        address on the LAN."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = self.host
        if host in ("", "0.0.0.0", "::"):
            host = lan_address()
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "queue.sqlite3"

    @property
    def his_file(self) -> Path | None:
        """The HIS links file: QUEUE_HIS, else ``data_dir/his.toml`` when it exists, else none."""
        if self.his_path is not None:
            return self.his_path
        default = self.data_dir / "his.toml"
        return default if default.exists() else None

    @property
    def insurance_file(self) -> Path | None:
        """The insurance account file: QUEUE_INSURANCE, else ``data_dir/insurance.toml`` when it exists."""
        if self.insurance_path is not None:
            return self.insurance_path
        default = self.data_dir / "insurance.toml"
        return default if default.exists() else None

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def backups_dir(self) -> Path:
        return self.backup_dir or self.data_dir / "backups"

    @property
    def voice_packs_dir(self) -> Path:
        return self.voice_packs or self.data_dir / "voice-packs"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = dict(os.environ if env is None else env)
        sync = e.get("QUEUE_SYNC", "FULL").upper()
        if sync not in ("FULL", "NORMAL"):
            raise SystemExit("QUEUE_SYNC must be FULL or NORMAL")
        if float(e.get("QUEUE_BACKUP_KEEP", "14")) <= 0 or float(e.get("QUEUE_BACKUP_EVERY", "6")) < 0:
            raise SystemExit("QUEUE_BACKUP_KEEP must be more than 0 days, QUEUE_BACKUP_EVERY 0 hours or more")
        database = e.get("QUEUE_DATABASE", "").strip()
        if e.get("QUEUE_CLUSTER_URL", "").strip() and not (database and e.get("QUEUE_CLUSTER_SECRET_FILE")):
            raise SystemExit(
                "QUEUE_CLUSTER_URL (several processes for one site) needs QUEUE_DATABASE and QUEUE_CLUSTER_SECRET_FILE"
                " / QUEUE_CLUSTER_URL (nhiều tiến trình cho một cơ sở) cần QUEUE_DATABASE và QUEUE_CLUSTER_SECRET_FILE"
            )
        if database and not database.startswith(("postgresql://", "postgres://")):
            raise SystemExit("QUEUE_DATABASE must be a postgresql:// URL (or unset: SQLite in QUEUE_DATA)")
        site = e.get("QUEUE_SITE", "main").strip()
        if not SITE.match(site):
            raise SystemExit("QUEUE_SITE must be 1 to 32 letters, digits, '-' or '_'")
        return cls(
            database=database[:1000],
            site=site,
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
            public_url=e.get("QUEUE_PUBLIC_URL", "").strip()[:200],
            trusted_proxies=tuple(p.strip() for p in e.get("QUEUE_TRUSTED_PROXIES", "").split(",") if p.strip()),
            backup_dir=Path(e["QUEUE_BACKUP_DIR"]) if e.get("QUEUE_BACKUP_DIR") else None,
            backup_every=float(e.get("QUEUE_BACKUP_EVERY", "6")),
            backup_keep=float(e.get("QUEUE_BACKUP_KEEP", "14")),
            backup_copy_to=Path(e["QUEUE_BACKUP_COPY_TO"]) if e.get("QUEUE_BACKUP_COPY_TO") else None,
            allowed_hosts=tuple(h.strip() for h in e.get("QUEUE_ALLOWED_HOSTS", "").split(",") if h.strip()),
            device_burst=max(1, int(e.get("QUEUE_DEVICE_BURST", "5"))),
            device_every=max(0.0, float(e.get("QUEUE_DEVICE_EVERY", "2"))),
            his_path=Path(e["QUEUE_HIS"]) if e.get("QUEUE_HIS") else None,
            insurance_path=Path(e["QUEUE_INSURANCE"]) if e.get("QUEUE_INSURANCE") else None,
            his_retry_max=max(1.0, float(e.get("QUEUE_HIS_RETRY_MAX", "300"))),
            his_probe_every=max(0.1, float(e.get("QUEUE_HIS_PROBE", "30"))),
            cluster_url=cluster_url(e.get("QUEUE_CLUSTER_URL", "")),
            cluster_secret=cluster_secret(e.get("QUEUE_CLUSTER_SECRET_FILE", "")),
            metrics_allow=tuple(
                a.strip() for a in e.get("QUEUE_METRICS_ALLOW", "127.0.0.1,::1").split(",") if a.strip()
            ),
        )


def cluster_url(value: str) -> str:
    """This process's address for the others of its site: ``http(s)://HOST:PORT``, nothing else
    (a systemd unit builds it from ``QUEUE_CLUSTER_HOST``: left empty it gave ``http://:8001``,
    and a comment after the value stayed in it). Refused at start, with why, rather than
    accepted and every forwarded command of the site lost once this process writes."""
    url = value.strip().rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    host = parts.hostname or ""
    if (
        len(url) > 200
        or parts.scheme not in ("http", "https")
        or not host
        or host in ("0.0.0.0", "::")
        or not port
        or parts.path
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
        or any(c.isspace() or c == "#" for c in url)
    ):
        raise SystemExit(
            f"QUEUE_CLUSTER_URL={url[:80]!r} is not an address the other processes can reach: it must be"
            " http://HOST:PORT or https://HOST:PORT (e.g. http://10.0.5.11:8001, this machine's LAN address;"
            " QUEUE_CLUSTER_HOST must not be empty, and a comment goes on a line of its own)"
            f" / QUEUE_CLUSTER_URL={url[:80]!r} không phải địa chỉ mà các tiến trình khác kết nối được: cần dạng"
            " http://MÁY:CỔNG hoặc https://MÁY:CỔNG (ví dụ http://10.0.5.11:8001, địa chỉ LAN của máy này;"
            " QUEUE_CLUSTER_HOST không được để trống, ghi chú phải nằm trên một dòng riêng)"
        )
    return url


def cluster_secret(path: str) -> str:
    """The secret the processes of a cluster share, from its file (at least 32 characters)."""
    if not path:
        return ""
    try:
        secret = Path(path).read_text().strip()
    except OSError as exc:
        raise SystemExit(f"QUEUE_CLUSTER_SECRET_FILE: cannot read {path}: {exc.strerror}") from exc
    if not 32 <= len(secret) <= 200:
        raise SystemExit("QUEUE_CLUSTER_SECRET_FILE: the secret must be 32 to 200 characters")
    return secret


def lan_address() -> str:
    """This machine's first non-loopback IPv4 address by its host name (127.0.0.1 if none)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET, socket.SOCK_STREAM)
    except OSError:
        return "127.0.0.1"
    addresses = [str(i[4][0]) for i in infos if not str(i[4][0]).startswith("127.")]
    return addresses[0] if addresses else "127.0.0.1"

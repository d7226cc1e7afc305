"""The province view's settings from the environment (docs/province.md).

``QUEUE_PROVINCE_SITES`` lists the facilities, comma-separated: a code alone reads that site
from the PostgreSQL database ``QUEUE_DATABASE``; ``code=/folder`` reads a facility's SQLite data
folder (a copy, or a facility on this machine: for trying the view without PostgreSQL)."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

from ..domain.errors import DomainError
from ..domain.province import MAX_SITES, site_code
from ..settings import ROOT


class SiteSource(msgspec.Struct, frozen=True):
    code: str
    folder: Path | None = None  # a SQLite data folder; None: the site in QUEUE_DATABASE


class ProvinceSettings(msgspec.Struct, frozen=True):
    host: str = "127.0.0.1"
    port: int = 8100
    name: str = "Sở Y tế"  # the province's health department, as the page titles it
    database: str = ""  # postgresql://… (QUEUE_DATABASE)
    sites: tuple[SiteSource, ...] = ()
    accounts: Path = ROOT / "data" / "province.toml"  # the province's administrators (server/province/accounts.py)
    every: float = 2.0  # seconds between two reads of every facility's log
    clients_dir: Path = ROOT / "clients"
    # the names it answers to besides this machine's (server/hosts.py): the host of the address
    # the department opens (QUEUE_PROVINCE_PUBLIC_URL) and more names (QUEUE_PROVINCE_ALLOWED_HOSTS)
    public_url: str = ""
    allowed_hosts: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> ProvinceSettings:
        e = dict(os.environ if env is None else env)
        try:
            sites = parse_sites(e.get("QUEUE_PROVINCE_SITES", ""))
        except DomainError as exc:
            raise SystemExit(f"QUEUE_PROVINCE_SITES: {exc.message_en}") from None
        if not sites:
            raise SystemExit("QUEUE_PROVINCE_SITES is empty: name the facilities (docs/province.md)")
        database = e.get("QUEUE_DATABASE", "").strip()
        if any(s.folder is None for s in sites) and not database.startswith(("postgresql://", "postgres://")):
            raise SystemExit("a facility named by its code alone is read from QUEUE_DATABASE=postgresql://…")
        return cls(
            host=e.get("QUEUE_PROVINCE_HOST", "127.0.0.1"),
            port=int(e.get("QUEUE_PROVINCE_PORT", "8100")),
            name=e.get("QUEUE_PROVINCE_NAME", "Sở Y tế").strip()[:120] or "Sở Y tế",
            database=database,
            sites=sites,
            accounts=accounts_path(e),
            every=min(60.0, max(0.2, float(e.get("QUEUE_PROVINCE_EVERY", "2")))),
            public_url=e.get("QUEUE_PROVINCE_PUBLIC_URL", "").strip()[:200],
            allowed_hosts=tuple(h.strip() for h in e.get("QUEUE_PROVINCE_ALLOWED_HOSTS", "").split(",") if h.strip()),
        )


def parse_sites(text: str) -> tuple[SiteSource, ...]:
    """``a,b=/srv/b`` as sources; ``bad_site`` for an invalid code, a duplicate or too many."""
    out: dict[str, SiteSource] = {}
    for item in (i.strip() for i in text.split(",")):
        if not item:
            continue
        code, _, folder = item.partition("=")
        code = site_code(code.strip())
        if code in out or len(out) >= MAX_SITES:
            raise DomainError("bad_site", "site", site=code)
        out[code] = SiteSource(code, Path(folder.strip()) if folder.strip() else None)
    return tuple(out.values())


def accounts_path(env: dict[str, str]) -> Path:
    """The province administrators' file: ``QUEUE_PROVINCE_ACCOUNTS``, else ``data/province.toml``."""
    return Path(env.get("QUEUE_PROVINCE_ACCOUNTS", str(ROOT / "data" / "province.toml")))

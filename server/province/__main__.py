"""``python -m server.province``: serve the province view (settings: docs/province.md).

``python -m server.province add-admin USERNAME [FULL NAME]`` adds (or resets) a province
administrator: the password is read from standard input (a line), checked against the same
policy as staff passwords, and only its hash is written to ``QUEUE_PROVINCE_ACCOUNTS``."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import uvicorn

from ..auth import check_new_password, hash_password
from ..domain.errors import DomainError
from ..eventlog import EventLog
from ..httpproto import DeadlineHttpProtocol
from ..sqlite_log import SqliteLog
from .accounts import MAX_USERNAME, AccountsError, Admin, load_admins, save_admins
from .app import create_app
from .pg import PgReader, PgReaders
from .settings import ProvinceSettings, SiteSource, accounts_path
from .sites import Site, Sites


def open_log(source: SiteSource, shared: PgReaders | None) -> EventLog:
    """A facility's log, to be read: its SQLite data folder, or its site in PostgreSQL."""
    if source.folder is not None:
        return SqliteLog(source.folder / "queue.sqlite3")
    assert shared is not None  # settings: a site named by its code alone needs QUEUE_DATABASE
    return PgReader(shared, source.code)


def add_admin(args: list[str], accounts: Path) -> int:
    if not args or len(args[0]) > MAX_USERNAME or not args[0].isprintable():
        print("usage: python -m server.province add-admin USERNAME [FULL NAME] < password", file=sys.stderr)
        return 2
    password = sys.stdin.readline().rstrip("\n")
    try:
        check_new_password(password)
    except DomainError as exc:
        print(f"{exc.message_vi}\n{exc.message_en}", file=sys.stderr)
        return 2
    try:
        admins = load_admins(accounts)
    except AccountsError as exc:
        print(exc, file=sys.stderr)
        return 2
    admins[args[0]] = Admin(full_name=" ".join(args[1:])[:120] or args[0], password_hash=hash_password(password))
    save_admins(accounts, admins)
    print(f"{accounts}: {args[0]}")
    return 0


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if argv[:1] == ["add-admin"]:
        return add_admin(argv[1:], accounts_path(dict(os.environ)))
    settings = ProvinceSettings.from_env()
    try:
        load_admins(settings.accounts)  # an unreadable file: told now, not a 500 at every sign-in
    except AccountsError as exc:
        print(exc, file=sys.stderr)
        return 2
    shared = PgReaders(settings.database) if settings.database else None
    sites = Sites([Site(s.code, open_log(s, shared)) for s in settings.sites], every=settings.every)
    app = create_app(settings, sites)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            http=DeadlineHttpProtocol,
            timeout_keep_alive=5,
            log_level="info",
            access_log=False,
            timeout_graceful_shutdown=3,
        )
    )
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Several server processes for one site, for tests and benchmarks: a PostgreSQL database
(``tests/pg_harness.py``), N ``python -m server`` processes sharing it (each its own data folder,
port and ``QUEUE_CLUSTER_URL``, one secret), and Debian's nginx running
``deploy/nginx-queue-cluster.conf`` (its ports and paths replaced) in front of them."""

from __future__ import annotations

import contextlib
import os
import secrets
import ssl
from collections.abc import Iterator
from pathlib import Path

import psycopg

from .server_harness import ServerProc
from .tls_harness import Front, make_ca, nginx_path, running_nginx

SITE = Path(__file__).resolve().parent.parent / "deploy" / "nginx-queue-cluster.conf"
UPSTREAMS = [f"    server 127.0.0.1:800{n} max_fails=0;\n" for n in (1, 2, 3)]


class Processes:
    """The processes of one site; ``writer()`` asks PostgreSQL which one holds the role."""

    def __init__(self, root: Path, database: str, n: int = 3, **env: str) -> None:
        self.database = database
        root.mkdir(parents=True, exist_ok=True)
        secret = root / "cluster.secret"
        secret.write_text(secrets.token_urlsafe(32))
        secret.chmod(0o600)
        self.procs: list[ServerProc] = []
        for i in range(n):
            proc = ServerProc(
                root / f"p{i}", None, QUEUE_DATABASE=database, QUEUE_CLUSTER_SECRET_FILE=str(secret), **env
            )
            proc.env["QUEUE_CLUSTER_URL"] = proc.http
            self.procs.append(proc)

    def writer_url(self) -> tuple[str, int]:
        with psycopg.connect(self.database, autocommit=True) as conn:
            row = conn.execute("SELECT writer, writer_epoch FROM sites WHERE site = 'main'").fetchone()
        return ("", 0) if row is None else (str(row[0]), int(row[1]))

    def by_url(self, url: str) -> ServerProc | None:
        return next((p for p in self.procs if p.http == url), None)

    def stop(self) -> None:
        for p in self.procs:
            p.kill()


def site_config(tls_dir: Path, http_port: int, https_port: int, upstream_ports: list[int]) -> str:
    """The deployed cluster site file with this test's addresses (every replacement must apply)."""
    text = SITE.read_text()
    replacements = [
        ("    listen [::]:80;\n", ""),
        ("    listen [::]:443 ssl;\n", ""),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("/etc/queue-tls/", f"{tls_dir}/"),
    ]
    replacements += [
        (old, old.replace(f"800{i + 1}", str(p)))
        for i, (old, p) in enumerate(zip(UPSTREAMS, upstream_ports, strict=True))
    ]
    for old, new in replacements:
        assert old in text, f"{SITE.name} no longer has {old!r}"
        text = text.replace(old, new)
    return text


@contextlib.contextmanager
def front(root: Path, upstream_ports: list[int]) -> Iterator[tuple[Front, ssl.SSLContext]]:
    """nginx before the processes, over TLS from a local authority; a client context trusting it."""
    if nginx_path() is None:
        raise FileNotFoundError("nginx not found (apt-get install nginx)")
    tls = make_ca(root / "tls", "localhost", "127.0.0.1")
    context = ssl.create_default_context(cafile=str(tls / "ca.crt"))
    with running_nginx(root / "nginx", tls, 0, lambda h, s: site_config(tls, h, s, upstream_ports)) as f:
        yield f, context


def missing_front(why: str) -> None:
    import pytest

    if os.environ.get("CI") == "true":
        pytest.fail(f"the front (nginx) is required under CI=true: {why}")
    pytest.skip(why)

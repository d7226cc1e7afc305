"""TLS in front of the server, for tests: a local authority and a certificate made by
``scripts/tls-ca``, and Debian's nginx running ``deploy/nginx-queue.conf`` (its ports and paths
replaced) in a subprocess with its own prefix, pid file and logs."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .server_harness import ROOT, free_port

SITE = ROOT / "deploy" / "nginx-queue.conf"


def nginx_path() -> str | None:
    return (
        os.environ.get("NGINX")
        or shutil.which("nginx")
        or next((p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(p, os.X_OK)), None)
    )


def make_ca(directory: Path, *names: str) -> Path:
    """Run the project's command; the folder it filled."""
    subprocess.run([str(ROOT / "scripts" / "tls-ca"), str(directory), *names], check=True, capture_output=True)
    return directory


def site_config(tls_dir: Path, http_port: int, https_port: int, upstream_port: int) -> str:
    """The deployed site file with this test's addresses: every replacement must apply, so a
    change to the file that the test would silently not follow fails here."""
    text = SITE.read_text()
    for old, new in [
        ("    listen [::]:80;\n", ""),
        ("    listen [::]:443 ssl;\n", ""),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("/etc/queue-tls/", f"{tls_dir}/"),
        ("127.0.0.1:8000", f"127.0.0.1:{upstream_port}"),
    ]:
        assert old in text, f"{SITE.name} no longer has {old!r}"
        text = text.replace(old, new)
    return text


@dataclass
class Front:
    http_port: int
    https_port: int
    prefix: Path

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"


@contextlib.contextmanager
def running_nginx(
    prefix: Path, tls_dir: Path, upstream_port: int, site: Callable[[int, int], str] | None = None
) -> Iterator[Front]:
    """nginx in the foreground (``daemon off``) on two free ports of 127.0.0.1; ``site`` makes
    another site file than ``deploy/nginx-queue.conf`` for those ports (the cluster's)."""
    nginx = nginx_path()
    if nginx is None:
        raise FileNotFoundError("nginx not found (apt-get install nginx, or set NGINX)")
    prefix.mkdir(parents=True, exist_ok=True)
    front = Front(free_port(), free_port(), prefix)
    text = (
        site(front.http_port, front.https_port)
        if site
        else site_config(tls_dir, front.http_port, front.https_port, upstream_port)
    )
    (prefix / "site.conf").write_text(text)
    temp = "".join(
        f"    {kind}_temp_path {prefix}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (prefix / "nginx.conf").write_text(
        f"daemon off;\nworker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log info;\n"
        f"events {{ worker_connections 256; }}\n"
        f"http {{\n    access_log {prefix}/access.log;\n{temp}    include {prefix}/site.conf;\n}}\n"
    )
    command = [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
    with (prefix / "stderr.log").open("wb") as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            assert proc.poll() is None, (prefix / "stderr.log").read_text() + (prefix / "error.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", front.https_port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield front
    finally:
        proc.terminate()  # SIGTERM: nginx's fast shutdown
        proc.wait(timeout=10)


def trust_in_nss(home: Path, ca: Path) -> Path:
    """Trust ``ca`` for websites in the NSS database of a user whose home is ``home``: what a
    Debian kiosk's Chromium reads (``certutil`` from libnss3-tools, docs/operations.md)."""
    certutil = shutil.which("certutil")
    if certutil is None:
        raise FileNotFoundError("certutil not found (apt-get install libnss3-tools)")
    db = home / ".pki" / "nssdb"
    db.mkdir(parents=True, exist_ok=True)
    subprocess.run([certutil, "-d", f"sql:{db}", "-N", "--empty-password"], check=True, capture_output=True)
    subprocess.run(
        [certutil, "-d", f"sql:{db}", "-A", "-t", "C,,", "-n", "hospital-queue-ca", "-i", str(ca)],
        check=True,
        capture_output=True,
    )
    return home

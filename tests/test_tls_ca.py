"""``scripts/tls-ca``, the local authority for the LAN, run as IT staff run it (with Debian's
openssl): private keys, a server certificate that Python's TLS accepts for the names given and
no other, the authority kept across runs, and names it was not made for refused."""

from __future__ import annotations

import socket
import ssl
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from .server_harness import ROOT

TLS_CA = str(ROOT / "scripts" / "tls-ca")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TLS_CA, *args], capture_output=True, text=True, timeout=60)


def handshake(tls_dir: Path, name: str) -> None:
    """A TLS handshake with a server using ``server.crt``, checking ``name`` against the
    authority, over a socket pair (raises ``ssl.SSLCertVerificationError`` if refused)."""
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(tls_dir / "server.crt", tls_dir / "server.key")
    client_ctx = ssl.create_default_context(cafile=str(tls_dir / "ca.crt"))
    a, b = socket.socketpair()
    errors: list[BaseException] = []

    def serve() -> None:
        try:
            with server_ctx.wrap_socket(b, server_side=True):
                pass
        except (ssl.SSLError, OSError) as exc:  # the client gave up: said by the client
            errors.append(exc)

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        with client_ctx.wrap_socket(a, server_hostname=name):
            pass
    finally:
        a.close()
        thread.join(timeout=10)
        b.close()


def test_the_authority_and_certificate_for_the_names_given(tmp_path: Path) -> None:
    tls = tmp_path / "tls"
    result = run(str(tls), "queue.local", "192.168.1.10")
    assert result.returncode == 0, result.stderr
    assert "ca.crt" in result.stdout and "SHA256 Fingerprint" in result.stdout.replace("sha256", "SHA256")
    assert stat.S_IMODE(tls.stat().st_mode) == 0o700
    for key in ("ca.key", "server.key"):
        assert stat.S_IMODE((tls / key).stat().st_mode) == 0o600, key
    handshake(tls, "queue.local")
    handshake(tls, "192.168.1.10")
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake(tls, "192.168.1.11")

    # a second run keeps the authority (the devices trust it) and makes a new certificate
    ca = (tls / "ca.crt").read_bytes()
    leaf = (tls / "server.crt").read_bytes()
    result = run(str(tls), "queue.local", "192.168.1.10")
    assert result.returncode == 0, result.stderr
    renewed = (tls / "server.crt").read_bytes()
    assert (tls / "ca.crt").read_bytes() == ca and renewed != leaf
    handshake(tls, "queue.local")

    # the authority may sign for its own names only: a new name needs a new authority
    result = run(str(tls), "queue.local", "bank.example")
    assert result.returncode == 1 and "make a new authority" in result.stderr
    assert (tls / "server.crt").read_bytes() == renewed, "the working certificate is left in place"
    handshake(tls, "queue.local")


@pytest.mark.parametrize("args", [(), ("only-a-folder",), ("x", "bad name"), ("x", "a;rm -rf /"), ("x", "-h")])
def test_bad_arguments_are_refused(tmp_path: Path, args: tuple[str, ...]) -> None:
    args = tuple(str(tmp_path / a) if i == 0 else a for i, a in enumerate(args))
    result = run(*args)
    assert result.returncode == 2
    assert "usage" in result.stderr or "not a host name" in result.stderr
    assert not (tmp_path / "x").exists()

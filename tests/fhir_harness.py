"""The FHIR peer (``tests/peers/fhir_peer.mjs``: Medplum's FhirRouter and in-memory repository,
pinned in package.json) in a subprocess, for the HIS link's tests and benchmarks.

    with running_fhir_peer(token="t") as peer:        # or the pytest fixture ``fhir_peer``
        peer.base                                       # "http://127.0.0.1:<port>/fhir"
        peer.search("Patient", identifier="http://fhir.hl7.org.vn/core/sid/cccd|0010...")

Without node or the npm packages (``scripts/install test`` runs ``npm ci``) the tests are skipped,
and under CI=true they fail.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from .server_harness import ROOT

PEER = ROOT / "tests" / "peers" / "fhir_peer.mjs"
ROUTER = ROOT / "node_modules" / "@medplum" / "fhir-router" / "package.json"


def _missing(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"the FHIR peer is required under CI=true: {why}")
    pytest.skip(why)


def require_fhir_peer() -> None:
    """Skip (fail under CI=true) now, not later, a test that will start the peer mid-way."""
    if shutil.which("node") is None:
        _missing("node is not installed")
    if not ROUTER.exists():
        _missing("@medplum/fhir-router is not installed (scripts/install test runs npm ci)")


class FhirPeer:
    """A running peer: its URLs, and the requests a test makes as the HIS (no auth needed on the
    test's side: the helpers send the peer's own token when it has one)."""

    def __init__(self, proc: subprocess.Popen[str], port: int, token: str) -> None:
        self.proc = proc
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.base = f"{self.url}/fhir"
        self.token_url = f"{self.url}/oauth/token"
        self._token = token

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        sent = {"content-type": "application/fhir+json", **(headers or {})}
        if self._token:
            sent["authorization"] = f"Bearer {self._token}"
        req = urllib.request.Request(f"{self.base}/{path}", data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                text = r.read()
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"{method} {path}: HTTP {exc.code} {exc.read().decode()[:500]}") from None
        return json.loads(text) if text else None

    def search(self, kind: str, **params: str) -> list[dict[str, Any]]:
        bundle = self.call("GET", f"{kind}?{urllib.parse.urlencode(params)}")
        return [e["resource"] for e in bundle.get("entry") or []]

    def create(self, resource: dict[str, Any]) -> dict[str, Any]:
        return dict(self.call("POST", resource["resourceType"], resource))

    def update(self, resource: dict[str, Any]) -> dict[str, Any]:
        return dict(self.call("PUT", f"{resource['resourceType']}/{resource['id']}", resource))

    def control(self, path: str) -> Any:
        req = urllib.request.Request(f"{self.url}/_peer/{path}", method="GET" if path == "stats" else "POST")
        with urllib.request.urlopen(req, timeout=5) as r:
            text = r.read()
        return json.loads(text) if text else None

    def fail_next(self, status: int, count: int = 1) -> None:
        """The next ``count`` FHIR requests answer ``status`` (an HIS in trouble)."""
        self.control(f"fail?status={status}&count={count}")

    def slow(self, seconds: float, kind: str = "") -> None:
        """From now on the answer to a write (of resources of ``kind``, or any) comes ``seconds``
        after the write is applied (0: at once)."""
        self.control(f"slow?ms={round(seconds * 1000)}&type={kind}")

    def stats(self) -> dict[str, int]:
        """{"tokens": OAuth2 tokens issued, "requests": FHIR requests served, "unauthorised": of them, 401}."""
        return dict(self.control("stats"))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


def start_fhir_peer(port: int = 0, token: str = "", client: tuple[str, str] | None = None, ttl: float = 60) -> FhirPeer:
    """Start the peer and wait until it answers (a few seconds: it indexes the R4 definitions)."""
    require_fhir_peer()
    args = [str(shutil.which("node")), str(PEER), str(port)]
    if client and not token:
        token = secrets.token_hex(16)  # for the test's own requests as the HIS
    if token:
        args += ["--token", token]
    if client:
        args += ["--client", f"{client[0]}:{client[1]}", "--ttl", str(ttl)]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()  # "listening <port>", or "" if it died
    if not line.startswith("listening "):
        proc.kill()
        err = proc.communicate()[1]
        raise RuntimeError(f"the FHIR peer did not start: {line!r} {err[-2000:]}")
    peer = FhirPeer(proc, int(line.split()[1]), token)
    deadline = time.monotonic() + 15
    while True:
        try:
            peer.stats()
            return peer
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                peer.stop()
                raise
            time.sleep(0.05)


@contextlib.contextmanager
def running_fhir_peer(
    port: int = 0, token: str = "", client: tuple[str, str] | None = None, ttl: float = 60
) -> Iterator[FhirPeer]:
    peer = start_fhir_peer(port, token, client, ttl)
    try:
        yield peer
    finally:
        peer.stop()


@pytest.fixture
def fhir_peer() -> Iterator[FhirPeer]:
    """An open FHIR peer (no credentials), fresh for each test."""
    with running_fhir_peer() as peer:
        yield peer
